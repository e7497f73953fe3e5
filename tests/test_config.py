"""Settings: defaults, TOML file, environment overrides, unknown keys refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.config import Settings, load_settings, parse_size


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
    ("env", "said"),
    [
        ({"NEWSCLEAN_BATCH_SIZE": "0"}, "batch_size must be at least 1, not 0"),
        ({"NEWSCLEAN_WORKERS": "-2"}, "workers must be at least 0, not -2"),
    ],
)
def test_a_setting_out_of_range_is_named(
    env: dict[str, str], said: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ValueError, match=said):
        load_settings(tmp_path / "none.toml")


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
