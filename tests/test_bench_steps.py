"""`newsclean bench steps`: each cleaning step timed on one batch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.bench.steps import read_batch, time_steps
from flows.clean import STEPS
from flows.cli import main
from tests.conftest import SEEDS


def test_every_step_is_timed_on_the_batch_read() -> None:
    raw = read_batch(SEEDS, 3)
    assert raw.height == 3  # the first three seeds, not all five
    report = time_steps(raw, repeats=2)
    names = [s.name for s in report.steps]
    assert names == [s.__name__ for s in STEPS] + [
        "finish_body",
        "add_metadata",
        "add_body_hash",
        "split_result",
        "validate",
    ]
    assert report.documents == 3
    assert report.input_bytes == int(raw["size_bytes"].sum())
    assert all(s.seconds > 0 for s in report.steps)
    assert report.total == pytest.approx(sum(s.seconds for s in report.steps))


def test_the_command_prints_and_writes_the_figures(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "steps.json"
    assert (
        main(["bench", "steps", "--corpus", str(SEEDS), "--repeats", "1", "--json", str(out)]) == 0
    )
    printed = capsys.readouterr().out
    assert "5 documents" in printed and "resolve_dates" in printed and "total" in printed
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["documents"] == 5
    assert {s["step"] for s in figures["steps"]} >= {"repair_unicode", "validate"}
    assert all(s["ms_per_doc"] > 0 for s in figures["steps"])


def test_a_folder_without_input_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["bench", "steps", "--corpus", str(tmp_path)]) == 2
    assert f"no input files under {tmp_path}" in capsys.readouterr().err
