"""Operating newsclean: incremental and full runs, one writer, reading while writing,
every kind of bad input, and retries of transient I/O errors."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from flows.cli import main
from flows.pipeline import news_etl
from tests.conftest import SEEDS
from warehouse import Warehouse
from warehouse.lock import WarehouseBusy, writer_lock

pytestmark = pytest.mark.usefixtures("prefect_harness")

STORY = (
    "The harbour authority said on Monday that the sea wall would be rebuilt over the "
    "winter, after storms damaged two sections of it in October. "
)


def _run(inputs: Path, tmp: Path, **kw):
    return news_etl(
        inputs=[str(inputs)],
        warehouse=str(tmp / "wh.duckdb"),
        reports_dir=str(tmp / "reports"),
        **kw,
    )


def _seeds(tmp: Path) -> Path:
    folder = tmp / "in"
    shutil.copytree(SEEDS, folder)
    return folder


# --- incremental runs ---------------------------------------------------------------


def test_unchanged_files_are_not_read_changed_are_new_versions_deleted_recorded(
    tmp_path: Path,
) -> None:
    inputs = _seeds(tmp_path)
    first = _run(inputs, tmp_path)
    assert (first.counts.docs_read, first.counts.articles_loaded) == (5, 5)

    files = sorted(inputs.glob("*.txt"))
    changed, deleted = files[0], files[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n" + STORY, encoding="utf-8")
    deleted.unlink()
    second = _run(inputs, tmp_path)
    c = second.counts
    assert (c.docs_read, c.articles_loaded, c.quarantined, c.skipped) == (4, 1, 0, 3)

    store = Warehouse(tmp_path / "wh.duckdb")
    run = store.query("select * from runs where run_id = $r", {"r": second.run_id}).row(
        0, named=True
    )
    assert (run["files_unchanged"], run["files_deleted"]) == (3, 1)
    gone = store.query("select path, deleted_run from manifest where deleted_at is not null")
    assert gone.rows() == [(str(deleted), second.run_id)]
    versions = store.query(
        "select count(*) from articles where source_uri = $u", {"u": str(changed)}
    ).item()
    assert versions == 2
    assert store.query("select count(*) from current_articles").item() == 4  # deleted: gone


def test_a_file_deleted_behind_a_folder_link_is_recorded_as_deleted(tmp_path: Path) -> None:
    """`inputs/latest -> archive/2024-11-30/`: its files resolve outside the input
    folder, and one deleted there used to stay current for ever."""
    archive = _seeds(tmp_path).rename(tmp_path / "2024-11-30")
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "latest").symlink_to(archive)
    first = _run(inputs, tmp_path)
    assert first.counts.articles_loaded == 5
    gone = sorted(archive.glob("*.txt"))[0]
    gone.unlink()
    second = _run(inputs, tmp_path)
    assert (second.counts.docs_read, second.counts.skipped) == (4, 4)
    store = Warehouse(tmp_path / "wh.duckdb")
    deleted = store.query("select path from manifest where deleted_at is not null")
    assert deleted["path"].to_list() == [str(gone.resolve())]
    assert store.query("select count(*) from current_articles").item() == 4


def test_touched_but_identical_file_loads_nothing(tmp_path: Path) -> None:
    inputs = _seeds(tmp_path)
    _run(inputs, tmp_path)
    target = sorted(inputs.glob("*.txt"))[2]
    os.utime(target, ns=(target.stat().st_atime_ns, target.stat().st_mtime_ns + 10**9))
    again = _run(inputs, tmp_path)
    assert (again.counts.articles_loaded, again.counts.skipped) == (0, 5)


def test_full_reprocesses_raw_documents_without_reading_inputs(tmp_path: Path) -> None:
    inputs = _seeds(tmp_path)
    _run(inputs, tmp_path)
    store = Warehouse(tmp_path / "wh.duckdb")
    with store.connect() as con:  # pretend an older rule produced a worse body
        con.execute("UPDATE articles SET body = 'stale'")
    shutil.rmtree(inputs)  # --full must not need them
    full = news_etl(
        warehouse=str(tmp_path / "wh.duckdb"), reports_dir=str(tmp_path / "r"), full=True
    )
    assert (full.counts.docs_read, full.counts.articles_loaded, full.counts.skipped) == (5, 5, 0)
    assert store.query("select count(*) from articles where body = 'stale'").item() == 0
    assert store.query("select count(*) from articles").item() == 5  # replaced, not doubled
    assert store.query("select mode from runs order by started_at desc limit 1").item() == "full"


def test_run_full_from_the_command_line_needs_no_inputs_and_takes_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`newsclean run --full` refused to start where the default inputs (seeds/) did
    not exist, though it reads none; with --input it read none either, silently."""
    inputs = _seeds(tmp_path)
    _run(inputs, tmp_path)
    monkeypatch.chdir(tmp_path)  # no seeds/ here
    wh = ["--warehouse", str(tmp_path / "wh.duckdb"), "--reports-dir", str(tmp_path / "r")]
    assert main(["run", "--full", "--input", str(inputs), *wh]) == 2
    assert "--full re-cleans what the warehouse holds" in capsys.readouterr().err
    assert main(["run", "--full", *wh]) == 0
    assert re.search(r"\ndocuments read +5\n", capsys.readouterr().out)


def test_a_warehouse_and_reports_inside_the_input_folder_are_not_read(tmp_path: Path) -> None:
    """`--input data/ --warehouse data/news.duckdb --reports-dir data/reports`: the
    run's own files are no inputs, on the first run or any later one; a file that
    merely looks like one (`notes.wal.txt`, a report elsewhere) still is."""
    inputs = _seeds(tmp_path)
    (inputs / "notes.duckdb.txt").write_text(STORY * 3, encoding="utf-8")
    (inputs / "run-2024-recap.md").write_text(STORY * 3, encoding="utf-8")
    kw = {"warehouse": str(inputs / "news.duckdb"), "reports_dir": str(inputs / "reports")}
    first = news_etl(inputs=[str(inputs)], **kw)
    assert (first.counts.docs_read, first.counts.quarantined) == (7, 0)
    (inputs / "news.duckdb.wal").write_bytes(b"\x00\x01 a write-ahead log")
    (inputs / "news.duckdb.tmp").mkdir()
    (inputs / "news.duckdb.tmp" / "spill.block").write_bytes(b"\x00" * 64)
    again = news_etl(inputs=[str(inputs)], **kw)
    c = again.counts
    assert (c.docs_read, c.articles_loaded, c.quarantined, c.skipped) == (7, 0, 0, 7)
    assert list((inputs / "reports").glob("run-*.md"))  # the reports that were not read
    store = Warehouse(inputs / "news.duckdb")
    assert store.query("select count(*) from manifest").item() == 7


# --- one writer at a time, readers during runs ---------------------------------------


def test_second_writer_waits_then_exits_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSCLEAN_LOCK_WAIT_SECONDS", "1")
    inputs = _seeds(tmp_path)
    with (
        writer_lock(tmp_path / "wh.duckdb", "other-run"),
        pytest.raises(WarehouseBusy, match="being written by run other-run"),
    ):
        _run(inputs, tmp_path)
    assert _run(inputs, tmp_path).counts.articles_loaded == 5  # free again: runs


def test_reader_waits_for_a_writer_and_is_told(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = _seeds(tmp_path)
    _run(inputs, tmp_path)
    wh = tmp_path / "wh.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('open', flush=True); time.sleep(3)", str(wh)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
    code = main(["sql", "select count(*) as n from articles", "--warehouse", str(wh)])
    holder.wait(timeout=30)
    captured = capsys.readouterr()
    assert code == 0 and "│ 5" in captured.out
    assert "is busy" in captured.err


def test_interrupted_run_is_marked_by_the_next(tmp_path: Path) -> None:
    store = Warehouse(tmp_path / "wh.duckdb")
    from datetime import datetime

    store.start_run("killed-run", None, ["x"], datetime.now())
    _run(_seeds(tmp_path), tmp_path)
    row = store.query("select status, message from runs where run_id = 'killed-run'").row(0)
    assert row[0] == "Failed" and row[1].startswith("interrupted")


# --- every kind of bad input ---------------------------------------------------------


def _bad_inputs(folder: Path) -> dict[str, str]:
    """Write every bad input of the issue; returns {file name: expected outcome}."""
    folder.mkdir()
    text = STORY * 3
    expect: dict[str, str] = {}

    def put(name: str, data: bytes, outcome: str) -> None:
        (folder / name).write_bytes(data)
        expect[name] = outcome

    put("empty.txt", b"", "quarantined:body_min_length")
    put("image.png", b"\x89PNG\r\n\x1a\n" + os.urandom(512), "quarantined:not text: PNG image")
    put("nul bytes.txt", text.encode()[:100] + b"\x00\x00\x00" + text.encode(), "loaded")
    stray = text.encode()
    stray = b"".join(stray[i : i + 30] + b"\x00" for i in range(0, len(stray), 30))
    put("a NUL every 30 bytes.txt", stray, "loaded")  # on one side, as in UTF-16
    put("invalid-utf8.txt", text.encode() + b"\xff\xfe\xfa broken", "loaded")
    put("utf16-bom.txt", text.encode("utf-16"), "loaded")
    put("utf16-nobom.txt", text.encode("utf-16-le"), "loaded")
    put("cp1252.txt", ("Café déjà vu — " + text).encode("cp1252"), "loaded")
    put("big.txt", b"x" * (50 * 1024 * 1024), "quarantined:document too large")
    long_line = json.dumps({"id": "long", "text": (STORY * 7000)[: 1024 * 1024]})
    put("one-mb-line.jsonl", long_line.encode(), "loaded")
    good = json.dumps({"id": "g1", "text": text})
    put("mixed.jsonl", f"{good}\n{{not json\n".encode(), "loaded+quarantined:invalid JSON")
    put("broken.csv", f'id,text\nc1,"{text}"\nc2,"unterminated\n'.encode(), "loaded+quarantined")
    pl.DataFrame({"id": ["p1"], "words": [text]}).write_parquet(folder / "no-text.parquet")
    expect["no-text.parquet"] = "quarantined:no 'text' column"
    dup = json.dumps({"id": "same", "text": text})
    put("dup-ids.jsonl", f"{dup}\n{dup}\n".encode(), "loaded")
    put("dup-ids-too.jsonl", f"{dup}\n".encode(), "loaded")
    put("name with spaces – ünïcödé.txt", text.encode(), "loaded")
    locked = folder / "no-permission.txt"
    locked.write_bytes(text.encode())
    locked.chmod(0)
    # root reads anything; for everyone else this is the permission-denied case
    expect[locked.name] = "loaded" if os.geteuid() == 0 else "quarantined:Permission denied"
    (folder / "dangling-link.txt").symlink_to(folder / "nowhere.txt")
    expect["dangling-link.txt"] = "quarantined:cannot read file"
    os.mkfifo(folder / "a-pipe.txt")
    expect["a-pipe.txt"] = "quarantined:not a regular file"
    return expect


def test_every_bad_input_is_loaded_or_quarantined_and_the_run_reconciles(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "bad"
    expect = _bad_inputs(folder)
    # Most of these have no date, a third is quarantined and many repeat one story:
    # not what the gates test.
    lenient = {"max_undated_share": 1, "max_quarantine_rate": 1, "max_duplicate_share": 1}
    summary = _run(folder, tmp_path, thresholds=lenient)
    c = summary.counts
    assert c.docs_read == c.articles_loaded + c.quarantined + c.skipped
    store = Warehouse(tmp_path / "wh.duckdb")
    loaded = store.query("select source_uri, count(*) n from articles group by 1")
    loaded_by = {Path(u).name: n for u, n in loaded.iter_rows()}
    reasons: dict[str, list[str]] = {}
    for uri, reason in store.query("select source_uri, reason_text from quarantine").iter_rows():
        reasons.setdefault(Path(uri).name, []).append(reason)
    for name, outcome in expect.items():
        kind, _, reason = outcome.partition(":")
        if "loaded" in kind:
            assert loaded_by.get(name, 0) >= 1, (name, reasons.get(name))
        else:
            assert name not in loaded_by, name
        if "quarantined" in kind:
            assert name in reasons, (name, "not quarantined")
            assert reason in " ".join(reasons[name]), (name, reasons[name])
        else:
            assert name not in reasons, (name, reasons[name])
    assert loaded_by["dup-ids.jsonl"] == 2 and loaded_by["dup-ids-too.jsonl"] == 1
    assert store.query("select count(*) from raw_documents").item() == c.docs_read


# --- retries ---------------------------------------------------------------------------


def test_transient_read_error_is_retried_then_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = _seeds(tmp_path)
    flaky = sorted(inputs.glob("*.txt"))[0]
    failures = {"left": 1}
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == flaky and failures["left"]:
            failures["left"] -= 1
            raise OSError(errno.EIO, "Input/output error", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    summary = _run(inputs, tmp_path)
    assert failures["left"] == 0
    assert (summary.counts.articles_loaded, summary.counts.quarantined) == (5, 0)


def test_persistent_read_error_quarantines_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = _seeds(tmp_path)
    broken = sorted(inputs.glob("*.txt"))[0]
    real = Path.read_bytes
    attempts = {"n": 0}

    def read_bytes(self: Path) -> bytes:
        if self == broken:
            attempts["n"] += 1
            raise OSError(errno.EIO, "Input/output error", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr("flows.pipeline.batch_task.retry_delay_seconds", [0, 0])
    summary = _run(inputs, tmp_path)
    assert attempts["n"] == 3  # first try + two retries
    assert (summary.counts.articles_loaded, summary.counts.quarantined) == (4, 1)
    reason = Warehouse(tmp_path / "wh.duckdb").query("select reason_text from quarantine").item()
    assert "cannot read file: Input/output error" in reason
