"""Crash safety: a run killed with SIGKILL at any moment, then re-run, leaves exactly
the warehouse an uninterrupted run produces — no duplicates, no losses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import psutil
import pytest

from flows.pipeline import news_etl
from tests.conftest import SEEDS, warehouse_snapshot
from warehouse import Warehouse

pytestmark = pytest.mark.usefixtures("prefect_harness")

DOCS = 1200
BATCH = 100


def _corpus(folder: Path) -> Path:
    """DOCS distinct articles built from the seeds (plus a few that quarantine)."""
    folder.mkdir()
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for i in range(DOCS):
        extra = (
            f"\n\nIn a follow-up, officials in district {i} said on Tuesday that {i % 17 + 2} "
            f"further meetings were planned before the end of the month, report {i}."
        )
        body = "" if i % 97 == 0 else seeds[i % len(seeds)] + extra
        (folder / f"doc-{i:05d}.txt").write_text(body, encoding="utf-8")
    return folder


# `newsclean run`, loading batches five at a time: with the default rule
# (`load_group_ready`: ~8,000 documents) all 1,200 documents would be one load, and
# a kill could never fall between two loads of the run.
_SMALL_GROUPS_RUN = """
import sys
import flows.pipeline
flows.pipeline.load_group_ready = lambda documents, input_bytes=0: documents >= 500
from flows.cli import main
sys.exit(main(sys.argv[1:]))
"""


# The same run, pausing once it has said it loaded batches 1-5: the test's SIGTERM
# then lands there even when the test reads that line late. Under the whole suite's
# load it once read it after the run had finished (exit 0 instead of 143).
_PAUSING_RUN = _SMALL_GROUPS_RUN.replace(
    "from flows.cli import main",
    """import time
_say = flows.pipeline._say
def _say_then_wait(message):
    _say(message)
    if message.startswith("loaded batches 1-5/"):
        time.sleep(120)
flows.pipeline._say = _say_then_wait
from flows.cli import main""",
)


def _start_run(
    corpus: Path, warehouse: Path, reports: Path, script: str = _SMALL_GROUPS_RUN
) -> subprocess.Popen[str]:
    from prefect.settings import PREFECT_API_URL

    env = {
        **os.environ,
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),  # the test harness's server
        "NEWSCLEAN_LOCK_WAIT_SECONDS": "30",
    }
    return subprocess.Popen(
        [sys.executable, "-c", script, "run", "--input", str(corpus),
         "--warehouse", str(warehouse), "--reports-dir", str(reports),
         "--batch-size", str(BATCH)],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
    )  # fmt: skip


def _kill_when(
    proc: subprocess.Popen[str], marker: str, delay: float, sig: int = signal.SIGKILL
) -> str:
    """Send `sig` to the run `delay` s after it prints a line containing `marker`."""
    assert proc.stderr is not None
    for line in proc.stderr:
        if marker in line:
            time.sleep(delay)
            workers = psutil.Process(proc.pid).children(recursive=True)
            proc.send_signal(sig)
            proc.wait(timeout=30)
            # Batch workers exit with the run instead of lingering as orphans.
            _, alive = psutil.wait_procs(workers, timeout=15)
            assert not alive, f"left running after the kill: {[p.cmdline() for p in alive]}"
            return line.strip()
    proc.wait(timeout=30)
    pytest.fail(f"run ended before printing {marker!r} (exit {proc.returncode})")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _corpus(tmp_path_factory.mktemp("crash") / "corpus")


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    root = tmp_path_factory.mktemp("reference")
    news_etl(
        inputs=[str(corpus)],
        warehouse=str(root / "wh.duckdb"),
        reports_dir=str(root / "r"),
        batch_size=BATCH,
        thresholds={"max_quarantine_rate": 1, "max_undated_share": 1},
    )
    snap = warehouse_snapshot(root / "wh.duckdb")
    assert snap["raw_documents"].height == DOCS
    return snap


@pytest.mark.parametrize(
    ("marker", "delay"),
    [
        ("input file(s)", 0.3),  # during the first ingest
        ("batch 2/", 0.0),  # batches cleaned, none loaded yet
        ("batch 5/", 0.1),  # while batches 1-5 load
        ("loaded batches 1-5/", 0.0),  # between two loads
        ("batch 7/", 0.4),  # mid-run, somewhere inside batch 8
        (f"batch {DOCS // BATCH}/", 0.05),  # the last load, gates, report
    ],
)
def test_kill_at_any_point_then_rerun_equals_a_clean_run(
    corpus: Path,
    reference: dict[str, pl.DataFrame],
    tmp_path: Path,
    marker: str,
    delay: float,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSCLEAN_THRESHOLD_MAX_QUARANTINE_RATE", "1")
    monkeypatch.setenv("NEWSCLEAN_THRESHOLD_MAX_UNDATED_SHARE", "1")
    warehouse, reports = tmp_path / "wh.duckdb", tmp_path / "r"
    killed_at = _kill_when(_start_run(corpus, warehouse, reports), marker, delay)
    rerun = news_etl(
        inputs=[str(corpus)], warehouse=str(warehouse), reports_dir=str(reports), batch_size=BATCH
    )
    after = warehouse_snapshot(warehouse)
    for table, expected in reference.items():
        assert after[table].equals(expected), f"{table} differs after a kill at {killed_at!r}"
    runs = Warehouse(warehouse).query("select run_id, status, message from runs")
    assert runs.filter(pl.col("run_id") == rerun.run_id)["status"].item() == "Completed"
    c = rerun.counts
    assert c.docs_read == c.articles_loaded + c.quarantined + c.skipped == DOCS


def test_sigterm_stops_the_run_cleanly_then_rerun_equals_a_clean_run(
    corpus: Path,
    reference: dict[str, pl.DataFrame],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SIGTERM (`timeout`, systemd) between two loads: the run exits 143 saying so, its
    workers go with it, the runs table says why, and a rerun completes the warehouse."""
    monkeypatch.setenv("NEWSCLEAN_THRESHOLD_MAX_QUARANTINE_RATE", "1")
    monkeypatch.setenv("NEWSCLEAN_THRESHOLD_MAX_UNDATED_SHARE", "1")
    warehouse, reports = tmp_path / "wh.duckdb", tmp_path / "r"
    run = _start_run(corpus, warehouse, reports, _PAUSING_RUN)
    _kill_when(run, "loaded batches 1-5/", 0.0, signal.SIGTERM)
    assert run.returncode == 128 + signal.SIGTERM
    assert run.stderr is not None
    assert "newsclean: terminated" in run.stderr.read()
    stopped = Warehouse(warehouse).query("select status, message from runs")
    assert stopped["status"].to_list() == ["Failed"]
    assert stopped["message"].item().startswith("stopped by SIGTERM; what was loaded stays")
    news_etl(
        inputs=[str(corpus)], warehouse=str(warehouse), reports_dir=str(reports), batch_size=BATCH
    )
    after = warehouse_snapshot(warehouse)
    for table, expected in reference.items():
        assert after[table].equals(expected), f"{table} differs after SIGTERM and a rerun"


def test_a_termination_is_recognised_however_prefect_wraps_it() -> None:
    """SIGTERM while Prefect serialises a state reaches the flow's caller as
    pydantic's serialisation error, with only the name left in its message (seen
    once in CI: the run exited 1 with "run FAILED — PydanticSerializationError")."""
    from prefect.exceptions import TerminationSignal

    from flows.pipeline import stopped_by

    direct = TerminationSignal(signal.SIGTERM)
    assert stopped_by(direct) == signal.SIGTERM
    try:
        try:
            raise direct
        except TerminationSignal as exc:
            raise RuntimeError("task failed") from exc
    except RuntimeError as wrapped:
        assert stopped_by(wrapped) == signal.SIGTERM
    message = ValueError("Error calling function `_ser_model`: TerminationSignal: ")
    assert stopped_by(message) == signal.SIGTERM
    assert stopped_by(ValueError("the TerminationSignal class was renamed")) is None
    assert stopped_by(KeyboardInterrupt()) is None
