"""End to end: the news_etl Prefect flow on real inputs into a temporary warehouse."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from flows.pipeline import news_etl
from flows.progress import duration, pace
from tests.conftest import SEEDS
from warehouse import Warehouse

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _count(store: Warehouse, table: str) -> int:
    return int(store.query(f"select count(*) from {table}").item())


def test_seeds_end_to_end_and_rerun_adds_nothing(warehouse_path: Path, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    summary = news_etl(inputs=[str(SEEDS)], warehouse=str(warehouse_path), reports_dir=str(reports))
    store = Warehouse(warehouse_path)
    assert summary.status == "Completed"
    assert (
        summary.counts.docs_read,
        summary.counts.articles_loaded,
        summary.counts.quarantined,
    ) == (5, 5, 0)
    assert (
        _count(store, "raw_documents"),
        _count(store, "articles"),
        _count(store, "quarantine"),
    ) == (5, 5, 0)
    run = store.query("select * from runs").row(0, named=True)
    assert run["status"] == "Completed" and run["flow_run_id"]
    assert Path(summary.markdown_path).read_text().startswith(f"# newsclean run `{summary.run_id}`")
    assert summary.report_path.endswith(".html") and Path(summary.report_path).is_file()

    before = {
        t: _count(store, t)
        for t in ("raw_documents", "articles", "date_candidates", "quality_issues", "quarantine")
    }
    again = news_etl(inputs=[str(SEEDS)], warehouse=str(warehouse_path), reports_dir=str(reports))
    assert (again.counts.articles_loaded, again.counts.skipped) == (0, 5)
    assert {t: _count(store, t) for t in before} == before
    assert _count(store, "runs") == 2


def test_batches_follow_the_byte_bound(
    warehouse_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Each seed (2-5 KB) is above a 1 KiB bound: five batches instead of one.
    caplog.set_level(logging.INFO, logger="newsclean")
    summary = news_etl(
        inputs=[str(SEEDS)], warehouse=str(warehouse_path), reports_dir=str(tmp_path / "r"),
        batch_bytes=1024, runner="threads",
    )  # fmt: skip
    assert (summary.counts.docs_read, summary.counts.articles_loaded) == (5, 5)
    cleaned = [r.getMessage() for r in caplog.records if " documents cleaned" in r.getMessage()]
    assert [m.split(":")[0] for m in cleaned] == [f"batch {k}/5" for k in range(1, 6)]
    # Each says how fast the run goes; from the second batch (one runs at a time)
    # to the one before last, about how long the run has left.
    assert all(" docs/s" in m for m in cleaned), cleaned
    assert [" left" in m for m in cleaned] == [False, True, True, True, False], cleaned


def test_an_input_folder_with_no_files_says_so(
    warehouse_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A run over an empty folder completes (a scheduled run may find nothing new),
    and its first line says there was nothing to read."""
    caplog.set_level(logging.INFO, logger="newsclean")
    (tmp_path / "in").mkdir()
    summary = news_etl(
        inputs=[str(tmp_path / "in")], warehouse=str(warehouse_path),
        reports_dir=str(tmp_path / "r"),
    )  # fmt: skip
    assert summary.counts.docs_read == 0
    said = [r.getMessage() for r in caplog.records if "input file(s)" in r.getMessage()]
    assert len(said) == 1 and said[0].endswith("; nothing to read: no files under the input(s)")


def test_changed_file_is_a_new_version_and_bad_input_is_quarantined(
    warehouse_path: Path, tmp_path: Path
) -> None:
    inputs = tmp_path / "in"
    shutil.copytree(SEEDS, inputs)
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    story = "The port reopened on Monday after a week of repairs to the sea wall, officials said. "
    (inputs / "feed.jsonl").write_text(json.dumps({"id": "j1", "text": story * 2}) + "\n{oops\n")
    (inputs / "menu.txt").write_text(
        "Home\nWorld\nBusiness\nSport\nSubscribe\nWe use cookies. Accept all cookies\n"
        "© 2024 Example Media. All rights reserved.\n"
    )
    reports = str(tmp_path / "reports")
    first = news_etl(inputs=[str(inputs)], warehouse=str(warehouse_path), reports_dir=reports)
    c = first.counts
    assert c.docs_read == 10
    assert (c.articles_loaded, c.quarantined) == (6, 4)
    assert c.docs_read == c.articles_loaded + c.quarantined + c.skipped
    store = Warehouse(warehouse_path)
    reasons = dict(store.query("select source_uri, reason_text from quarantine").iter_rows())
    assert "not text: PNG image" in reasons[str(inputs / "picture.png")]
    assert "body" in reasons[str(inputs / "empty.txt")]
    assert "invalid JSON" in reasons[str(inputs / "feed.jsonl")]
    assert "body_min_length" in reasons[str(inputs / "menu.txt")]

    seed = sorted(inputs.glob("00*.txt"))[0]
    seed.write_text(
        seed.read_text(encoding="utf-8") + "\n\nA correction was added.", encoding="utf-8"
    )
    second = news_etl(inputs=[str(inputs)], warehouse=str(warehouse_path), reports_dir=reports)
    assert (second.counts.articles_loaded, second.counts.skipped) == (1, 9)
    versions = store.query(
        "select count(*) from articles where source_uri = $u", {"u": str(seed)}
    ).item()
    assert versions == 2


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(0.4, "0 s"), (42.4, "42 s"), (60, "1 min"), (220, "3 min 40 s"), (3600, "1 h"),
     (4330, "1 h 12 min")],
)  # fmt: skip
def test_a_duration_reads_as_a_person_says_it(seconds: float, said: str) -> None:
    assert duration(seconds) == said


def test_the_pace_says_the_rate_and_what_is_left() -> None:
    # 3 of 10 batches, 6,000 documents in 4 s: 1,500 a second, 7 more batches at 4/3 s.
    assert pace(6_000, 3, 10, 4.0) == "1,500 docs/s, ~9 s left"
    assert pace(6_000, 3, None, 4.0) == "1,500 docs/s"  # the number of batches unknown
    assert pace(6_000, 10, 10, 4.0) == "1,500 docs/s"  # the last batch: nothing left
    # The start-up before the first batch (3 s here) is left out: 2 batches in the
    # 1 s since it, 7 more to go.
    assert pace(6_000, 3, 10, 4.0, first=3.0) == "1,500 docs/s, ~4 s left"
    assert pace(2_000, 1, 10, 4.0, first=4.0) == "500 docs/s"  # none since: no guess
    # Two workers: the first two batches came in together, 6 more in the 6 s since.
    assert pace(16_000, 8, 50, 14.0, first=8.0, lanes=2) == "1,143 docs/s, ~42 s left"
    assert pace(4_000, 2, 50, 10.0, first=9.9, lanes=2) == "400 docs/s"  # the first wave
