"""Settings: defaults, TOML file, environment overrides, unknown keys refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flows.config import Settings, SettingsError, load_settings, parse_size


def test_defaults_are_the_seed_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    s = load_settings()
    assert s.inputs == ("seeds",)
    assert s.warehouse == "warehouse/news.duckdb"


def test_toml_then_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cfg = tmp_path / "newsclean.toml"
    cfg.write_text('inputs = ["a", "b"]\nbatch_size = 10\nwarehouse = "x.duckdb"\n')
    monkeypatch.setenv("NEWSCLEAN_BATCH_SIZE", "7")
    s = load_settings(cfg)
    assert (s.inputs, s.batch_size, s.warehouse) == (("a", "b"), 7, "x.duckdb")
    assert s.with_overrides(warehouse="y", batch_size=None).warehouse == "y"


def test_unknown_setting_is_an_error(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("batchsize = 3\n")
    with pytest.raises(ValueError, match="unknown setting"):
        load_settings(cfg)


@pytest.mark.parametrize(
    ("toml", "env", "said"),
    [
        ("", {"NEWSCLEAN_BATCH_SIZE": "0"}, "batch_size must be at least 1, not 0"),
        ("", {"NEWSCLEAN_WORKERS": "-2"}, "workers must be at least 0, not -2"),
        ("", {"NEWSCLEAN_WORKERS": "two"}, "NEWSCLEAN_WORKERS: setting workers: not a whole"),
        ('batch_size = "abc"', {}, "c.toml: setting batch_size: not a whole number: 'abc'"),
        ("workers = 1.5", {}, "c.toml: setting workers: not a whole number: 1.5"),
        ("batch_size = true", {}, "setting batch_size: not a whole number: True"),
        ('batch_bytes = "lots"', {}, "setting batch_bytes: not a size: 'lots'"),
        ("thresholds = 3", {}, "setting thresholds: expected a table"),
        (
            '[thresholds]\nmax_quarantine_rate = "high"',
            {},
            "setting thresholds: max_quarantine_rate: not a number: 'high'",
        ),
        (
            "",
            {"NEWSCLEAN_THRESHOLD_MAX_UNDATED_SHARE": "x"},
            "NEWSCLEAN_THRESHOLD_MAX_UNDATED_SHARE: setting thresholds",
        ),
    ],
)
def test_a_bad_setting_is_named_with_where_it_came_from(
    toml: str, env: dict[str, str], said: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Not int()'s "invalid literal for int() with base 10", and 1.5 is not rounded."""
    cfg = tmp_path / "c.toml"
    cfg.write_text(toml + "\n")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ValueError, match=re.escape(said)):
        load_settings(cfg)


def test_a_named_settings_file_must_exist_and_be_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NEWSCLEAN_CONFIG naming no file was ignored; only the default may be absent."""
    monkeypatch.setenv("NEWSCLEAN_CONFIG", str(tmp_path / "typo.toml"))
    with pytest.raises(
        SettingsError, match=r"no settings file at .*typo\.toml \(named by NEWSCLEAN_CONFIG\)"
    ):
        load_settings()
    broken = tmp_path / "c.toml"
    broken.write_text("batch_size = [\n")
    monkeypatch.setenv("NEWSCLEAN_CONFIG", str(broken))
    with pytest.raises(SettingsError, match=r"c.toml: not valid TOML \(Invalid value"):
        load_settings()
    monkeypatch.delenv("NEWSCLEAN_CONFIG")
    monkeypatch.chdir(tmp_path)  # no newsclean.toml here: the defaults
    assert load_settings().batch_size == Settings().batch_size


def test_settings_are_immutable() -> None:
    with pytest.raises(AttributeError):
        Settings().batch_size = 3  # type: ignore[misc]


def test_byte_sizes_read_with_units(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert Settings().batch_bytes == 6 * 1024 * 1024
    cfg = tmp_path / "newsclean.toml"
    cfg.write_text('batch_bytes = "16M"\nmax_document_bytes = 2_000_000\n')
    s = load_settings(cfg)
    assert (s.batch_bytes, s.max_document_bytes) == (16 << 20, 2_000_000)
    monkeypatch.setenv("NEWSCLEAN_BATCH_BYTES", "512 KiB")
    assert load_settings(cfg).batch_bytes == 512 << 10
    assert [parse_size(v) for v in ("8388608", "8MB", "1.5K", "2g")] == [
        8 << 20,
        8 << 20,
        1536,
        2 << 30,
    ]
    for bad in ("", "eight", "0", "-1M", "inf"):
        with pytest.raises(ValueError, match="size"):
            parse_size(bad)
    monkeypatch.setenv("NEWSCLEAN_BATCH_BYTES", "lots")
    with pytest.raises(ValueError, match="not a size: 'lots'"):
        load_settings(cfg)
