"""Scale: the benchmark corpus, streamed work units, parallel runners, the benchmark."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from datetime import datetime
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (the sloppy-windows-1252 codec)
import polars as pl
import pytest

from flows.bench.generate import CorpusGenerator, body_paragraphs, source_texts, write_corpus
from flows.bench.throughput import TreeUsage, _kind
from flows.cli import main
from flows.ingest import ingest_batch, ingest_unit, plan_units
from flows.pipeline import news_etl
from tests.conftest import SEEDS, warehouse_snapshot

# The generated corpus repeats the seeds: copies are not what these tests are about.
LENIENT = {"max_quarantine_rate": 1.0, "max_undated_share": 1.0, "max_duplicate_share": 1.0}


def _generator(seed: int = 0) -> CorpusGenerator:
    return CorpusGenerator(body_paragraphs(source_texts([SEEDS])), seed=seed)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    write_corpus(out, 600, _generator(), shard_docs=250)
    return out


def test_generator_is_deterministic_and_injects_every_defect(corpus: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    write_corpus(again, 600, _generator(), shard_docs=250)
    for shard in sorted((corpus / "jsonl").glob("*.jsonl")):
        assert (again / "jsonl" / shard.name).read_bytes() == shard.read_bytes()
    first = sorted((corpus / "txt").rglob("*.txt"))
    assert len(first) == 600
    assert [p.read_bytes() for p in first[:50]] == [
        p.read_bytes() for p in sorted((again / "txt").rglob("*.txt"))[:50]
    ]
    other = _generator(seed=1).document(5).text
    assert other != _generator().document(5).text
    summary = json.loads((corpus / "corpus.json").read_text())
    for defect in ("hard_wrap", "glued", "double_title", "mojibake", "replacement_char",
                   "cp1252_file", "exact_duplicate", "near_duplicate", "invalid"):  # fmt: skip
        assert summary["defects"].get(defect, 0) > 0, defect
    # A realistic minority, not a corpus of damage: mojibake ~4 %.
    assert 0.01 < summary["defects"]["mojibake"] / 600 < 0.08
    assert len(list((corpus / "jsonl").glob("*.jsonl"))) == 3  # 250 + 250 + 100


def test_generated_text_carries_what_it_claims() -> None:
    gen = _generator()
    docs = [gen.document(i) for i in range(400)]
    mojibake = [d for d in docs if "mojibake" in d.defects]
    for d in mojibake:  # UTF-8 read as cp1252: encoding back gives different, valid UTF-8
        assert d.text and d.text.encode("sloppy-windows-1252").decode("utf-8") != d.text
    assert mojibake
    cp1252 = [d for d in docs if "cp1252_file" in d.defects]
    assert cp1252 and all(d.raw is not None for d in cp1252)
    with pytest.raises(UnicodeDecodeError):
        cp1252[0].raw.decode("utf-8")  # type: ignore[union-attr]
    dupes = [d for d in docs if "exact_duplicate" in d.defects]
    texts = [d.text for d in docs]
    assert dupes and all(texts.count(d.text) >= 2 for d in dupes)


def test_a_shard_read_in_pieces_equals_the_shard_read_whole(corpus: Path) -> None:
    shards = sorted((corpus / "jsonl").glob("*.jsonl"))
    units = list(plan_units(shards, batch_size=100))
    assert all(u.documents <= 100 for u in units)
    assert sum(len(u.completes) for u in units) == len(shards)  # each file recorded once
    ingested = datetime(2026, 1, 1)
    pieces = [ingest_unit(u, "r", ingested, 10 << 20) for u in units]
    whole, manifest = ingest_batch(shards, "r", ingested, 10 << 20)
    assert pl.concat([p.raw for p in pieces]).equals(whole)
    assert pl.concat([p.manifest for p in pieces]).sort("path").equals(manifest.sort("path"))


def test_batches_are_bounded_by_bytes_as_well_as_documents(tmp_path: Path) -> None:
    # Long pages make batches of fewer documents: memory follows bytes, not counts.
    shard = tmp_path / "pages.jsonl"
    sizes = [300, 5000, 300, 300, 9000, 300, 300, 300, 300, 2000]
    lines = [json.dumps({"id": str(i), "text": "w" * n}) + "\n" for i, n in enumerate(sizes)]
    shard.write_text("".join(lines), encoding="utf-8")
    units = list(plan_units([shard], batch_size=4, batch_bytes=4000))
    spans = [[(p.first_line, p.lines) for p in u.pieces] for u in units]
    # A piece ends after the line that reaches 4,000 bytes, or after 4 lines.
    assert spans == [[(0, 2)], [(2, 3)], [(5, 4)], [(9, 1)]]
    for unit in units:
        (piece,) = unit.pieces
        assert piece.end is not None
        body = shard.read_bytes()[piece.start : piece.end].decode()
        assert body == "".join(lines[piece.first_line : piece.first_line + piece.lines])
    ingested = datetime(2026, 1, 1)
    read = pl.concat([ingest_unit(u, "r", ingested, 10 << 20)[0] for u in units])
    assert read.equals(ingest_batch([shard], "r", ingested, 10 << 20)[0])
    # Whole files are grouped by bytes too (a .txt file is one document).
    for i, n in enumerate([3000, 3000, 3000, 100]):
        (tmp_path / f"page-{i}.txt").write_text("w" * n, encoding="utf-8")
    files = sorted(tmp_path.glob("page-*.txt"))
    grouped = [len(u.pieces) for u in plan_units(files, batch_size=10, batch_bytes=5000)]
    assert grouped == [1, 1, 2]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
@pytest.mark.parametrize("compress", [False, True])
def test_a_jsonl_file_in_a_wide_encoding_is_read_in_pieces(
    tmp_path: Path, encoding: str, compress: bool
) -> None:
    # A b"\n" byte is half a UTF-16 newline, and a later piece has no byte-order
    # mark: cut at b"\n", the first piece was quarantined and the rest misread, and
    # read whole, a file above the memory of a worker could not be read.
    path = tmp_path / ("export.jsonl.gz" if compress else "export.jsonl")
    texts = [f"Story {i} about the harbour, Москва 東京 😀." for i in range(9)]
    lines = [json.dumps({"id": str(i), "text": t}, ensure_ascii=False) for i, t in enumerate(texts)]
    data = ("\n".join(lines[:4]) + "\n\n" + "\n".join(lines[4:]) + "\n").encode(encoding)
    path.write_bytes(gzip.compress(data) if compress else data)
    units = list(plan_units([path], batch_size=2))
    assert len(units) == 5
    pieces = [ingest_unit(u, "r", datetime(2026, 1, 1), 10 << 20) for u in units]
    raw = pl.concat([p.raw for p in pieces])
    assert raw["error"].null_count() == 9
    assert raw["raw_text"].to_list() == texts
    assert raw["record_index"].to_list() == [0, 1, 2, 3, 5, 6, 7, 8, 9]  # line 4 is blank
    (manifest,) = [p.manifest for p in pieces if p.manifest.height]
    assert manifest["records"].to_list() == [9]
    whole, whole_manifest = ingest_batch([path], "r", datetime(2026, 1, 1), None)
    assert whole["raw_text"].to_list() == texts
    assert manifest["sha256"].to_list() == whole_manifest["sha256"].to_list()


def _awkward_csv(rows: int) -> str:
    """A CSV export with what breaks naive line splitting: quoted line breaks (\\n,
    \\r\\n), a bare \\r, doubled quotes, stray quotes, empty fields, blank lines."""
    cells = [
        '"Line one of {i}\nline two, with a comma\r\nline ""three"""',
        "plain {i} text",
        '"café {i} naïve"',
        "a\rb {i}",
        '"x" junk {i}',
        "",
    ]
    lines = [f"{i},{cells[i % len(cells)].format(i=i)}" for i in range(rows)]
    return "id,text\r\n" + "\r\n".join(lines[:3]) + "\n\n" + "\n".join(lines[3:]) + "\n"


def test_a_csv_file_is_read_in_record_aligned_pieces_that_equal_the_whole(
    tmp_path: Path,
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _awkward_csv(40).encode("utf-8"))
    ingested = datetime(2026, 1, 1)
    whole, manifest = ingest_batch([path], "r", ingested, None)
    assert whole.height > 40  # the bare \r ends a record, as Python's csv reads it
    for batch_size, batch_bytes in [(1, 1 << 30), (7, 1 << 30), (1000, 120)]:
        units = list(plan_units([path], batch_size, batch_bytes))
        assert len(units) > 3 and all(u.documents <= batch_size for u in units)
        pieces = [ingest_unit(u, "r", ingested, None) for u in units]
        assert pl.concat([p.raw for p in pieces]).equals(whole)
        assert pl.concat([p.manifest for p in pieces]).equals(manifest)


@pytest.mark.parametrize(
    ("encoding", "suffix"),
    [
        ("utf-16", ".tsv"),
        ("utf-16-be", ".csv"),
        ("utf-16-le", ".csv"),
        ("utf-32", ".csv"),
        ("utf-16", ".tsv.gz"),
    ],
)
def test_a_csv_file_in_utf16_or_utf32_is_read_in_pieces_too(
    tmp_path: Path, encoding: str, suffix: str
) -> None:
    """Excel's "Unicode text" export is UTF-16 with tabs. It used to be read whole,
    so one above max_document_bytes was quarantined whole."""
    text = _awkward_csv(40).replace(",", "\t").replace("naïve", "Москва 東京 😀")
    data = text.encode(encoding)
    path = tmp_path / f"export{suffix}"
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    ingested = datetime(2026, 1, 1)
    whole, manifest = ingest_batch([path], "r", ingested, None)
    assert whole.height > 40 and whole["error"].null_count() > 30  # some rows have no text
    assert any("Москва 東京 😀" in t for t in whole["raw_text"].to_list())
    for batch_size, batch_bytes in [(1, 1 << 30), (7, 1 << 30), (1000, 300)]:
        units = list(plan_units([path], batch_size, batch_bytes))
        assert len(units) > 3
        pieces = [ingest_unit(u, "r", ingested, None) for u in units]
        assert pl.concat([p.raw for p in pieces]).equals(whole)
        assert pl.concat([p.manifest for p in pieces]).equals(manifest)
    # A row is held to the size limit, not the file: the file is 10 times the limit.
    limit = len(data) // 10
    rows = [ingest_unit(u, "r", ingested, limit)[0] for u in plan_units([path], 7)]
    assert pl.concat(rows)["error"].to_list() == whole["error"].to_list()


def test_a_long_csv_field_is_read_and_the_rows_after_it_too(tmp_path: Path) -> None:
    # Python's csv refuses a field above 128 KB, and the rows after it were lost.
    path = tmp_path / "long.csv"
    path.write_text(f'id,text\n1,"{"word " * 40_000}"\n2,second\n3,third\n', encoding="utf-8")
    (unit,) = plan_units([path], batch_size=10)
    raw = ingest_unit(unit, "r", datetime(2026, 1, 1), 300_000).raw
    assert raw["error"].to_list() == [None, None, None]
    assert [len(t) for t in raw["raw_text"]] == [200_000, 6, 5]
    raw = ingest_unit(unit, "r", datetime(2026, 1, 1), 100_000).raw  # above the limit
    assert raw["error"][0].startswith("row 1: record too large")
    assert raw["raw_text"].to_list()[1:] == ["second", "third"]


def test_every_piece_of_a_legacy_encoded_file_reads_in_the_files_encoding(
    tmp_path: Path,
) -> None:
    # Alone, the last line's bytes read as Mac Central European ("ťtť ťtť"); the
    # curly quotes of the first lines make the file's cp1252 plain.
    texts = [
        "The mayor said “it’s a fine day” — and the café opened at 8.",
        "Officials didn’t say when the road would reopen, the council’s spokesman said.",
        "été été été",
    ]
    jsonl = tmp_path / "feed.jsonl"
    jsonl.write_bytes(
        "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts).encode("cp1252")
    )
    table = tmp_path / "feed.csv"
    table.write_bytes(("text\n" + "".join(f'"{t}"\n' for t in texts)).encode("cp1252"))
    for path in (jsonl, table):
        units = list(plan_units([path], batch_size=2))
        assert len(units) == 2
        raw = pl.concat([ingest_unit(u, "r", datetime(2026, 1, 1), None)[0] for u in units])
        assert raw["raw_text"].to_list() == texts, path
        assert set(raw["encoding"]) == {"cp1252"}
    # A piece that is UTF-8 is read as UTF-8 all the same (a file put together from
    # exports of two eras).
    lines = [(json.dumps({"text": t}, ensure_ascii=False) + "\n") for t in texts]
    jsonl.write_bytes("".join(lines[:2]).encode("cp1252") + lines[2].encode("utf-8"))
    units = list(plan_units([jsonl], batch_size=2))
    raw = pl.concat([ingest_unit(u, "r", datetime(2026, 1, 1), None)[0] for u in units])
    assert raw["raw_text"].to_list() == texts
    assert raw["encoding"].to_list() == ["cp1252", "cp1252", "utf-8"]


def test_a_parquet_file_is_read_in_row_ranges_that_equal_the_whole(tmp_path: Path) -> None:
    # 30 rows in row groups of 7: pieces run across the groups' edges.
    path = tmp_path / "export.parquet"
    texts = [f"Article {i}. " + "word " * (20 if i != 11 else 400) for i in range(30)]
    frame = pl.DataFrame({"id": [f"a{i}" for i in range(30)], "content": texts})
    frame.write_parquet(path, row_group_size=7)
    ingested = datetime(2026, 1, 1)
    whole, manifest = ingest_batch([path], "r", ingested, None)
    assert whole.height == 30 and whole["error"].null_count() == 30
    units = list(plan_units([path], batch_size=4))
    assert [u.documents for u in units] == [4] * 7 + [2]
    pieces = [ingest_unit(u, "r", ingested, 10 << 20) for u in units]
    assert pl.concat([p.raw for p in pieces]).equals(whole)
    assert pl.concat([p.manifest for p in pieces]).equals(manifest)  # recorded once, 30 rows
    # By bytes: smaller pieces where the rows are bigger (the row group holding row 11).
    sizes = [u.documents for u in plan_units([path], batch_size=100, batch_bytes=400)]
    assert sum(sizes) == 30 and max(sizes) > min(sizes)
    # A file above max_document_bytes is read in pieces, the limit holds per row.
    pieces = [ingest_unit(u, "r", ingested, 1500) for u in units]
    raw = pl.concat([p.raw for p in pieces])
    assert path.stat().st_size > 1500 and raw.height == 30
    (error,) = raw["error"].drop_nulls().to_list()
    assert error.startswith("row 12: record too large")


def test_a_parquet_file_without_text_is_one_quarantined_record(tmp_path: Path) -> None:
    path = tmp_path / "numbers.parquet"
    pl.DataFrame({"id": ["a", "b"], "words": [1, 2]}).write_parquet(path)
    (unit,) = plan_units([path], batch_size=10)
    raw, manifest, _ = ingest_unit(unit, "r", datetime(2026, 1, 1), None)
    assert raw.height == 1 and "Parquet has no 'text' column" in raw["error"][0]
    assert manifest["records"].to_list() == [1]
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(path.read_bytes()[:-30])  # its footer cut off: read whole, refused
    (unit,) = plan_units([broken], batch_size=10)
    raw = ingest_unit(unit, "r", datetime(2026, 1, 1), None).raw
    assert raw.height == 1 and "unreadable Parquet" in raw["error"][0]


def test_a_record_above_the_size_limit_is_quarantined_not_the_shard(tmp_path: Path) -> None:
    shard = tmp_path / "big.jsonl"
    lines = [json.dumps({"id": str(i), "text": f"article {i} " * 40}) for i in range(5)]
    lines[2] = json.dumps({"id": "2", "text": "x" * 5000})
    shard.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw, _ = ingest_batch([shard], "r", datetime(2026, 1, 1), max_bytes=2000)
    assert raw.height == 5
    errors = raw["error"].to_list()
    assert errors[2] is not None and "line 3: record too large" in errors[2]
    assert sum(e is not None for e in errors) == 1


@pytest.mark.usefixtures("prefect_harness")
def test_dask_cluster_of_two_workers_loads_what_the_default_runner_loads(
    corpus: Path, tmp_path: Path
) -> None:
    # And archives: a JSONL shard in a zip (cut into batches inside it), pages in a tar.
    shard = sorted((corpus / "jsonl").glob("*.jsonl"))[0]
    with zipfile.ZipFile(tmp_path / "shard.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(shard, shard.name)
    with tarfile.open(tmp_path / "pages.tar.gz", "w:gz") as archive:
        for page in sorted((corpus / "txt" / "00000").glob("*.txt"))[:100]:
            archive.add(page, f"pages/{page.name}")
    inputs = [
        str(corpus / "jsonl"),
        str(corpus / "txt" / "00000"),
        str(tmp_path / "shard.zip"),
        str(tmp_path / "pages.tar.gz"),
    ]
    default = news_etl(
        inputs=inputs, warehouse=str(tmp_path / "a.duckdb"), reports_dir=str(tmp_path / "ra"),
        batch_size=150, thresholds=LENIENT,
    )  # fmt: skip
    dask = news_etl(
        inputs=inputs, warehouse=str(tmp_path / "b.duckdb"), reports_dir=str(tmp_path / "rb"),
        batch_size=150, thresholds=LENIENT, runner="dask", workers=2,
    )  # fmt: skip
    assert default.runner.startswith("processes")
    assert dask.runner == "dask (local cluster, 2 workers)"
    assert default.counts == dask.counts
    assert default.counts.docs_read == 1200 + 250 + 100
    a, b = warehouse_snapshot(tmp_path / "a.duckdb"), warehouse_snapshot(tmp_path / "b.duckdb")
    for table in a:
        assert a[table].height > 0 or table == "quality_issues", table
        assert a[table].equals(b[table]), f"{table} differs between runners"


# Runs in a fresh interpreter with no PREFECT_API_URL: the flow starts its own
# temporary Prefect server, as `newsclean run` does on a machine with no server.
# Prints the task runs that server recorded and every Prefect server process seen.
_SERVERS_AND_TASK_RUNS = """
import sys, threading, psutil
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from flows.pipeline import news_etl

servers, done = {}, threading.Event()
def watch():
    while not done.wait(0.1):
        for p in psutil.Process().children(recursive=True):
            try:
                if "prefect.server.api.server:create_app" in " ".join(p.cmdline()):
                    servers[p.pid] = p.ppid()
            except psutil.Error:
                pass
threading.Thread(target=watch, daemon=True).start()
state = news_etl(inputs=[sys.argv[1]], warehouse=sys.argv[2], reports_dir=sys.argv[3],
                 batch_size=2, runner="processes", workers=2, return_state=True)
done.set()
flow_run = FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id]))
with get_client(sync_client=True) as client:
    runs = client.read_task_runs(flow_run_filter=flow_run)
# A server forks helpers (platform runs `file` on the interpreter); until they exec,
# they show the server's command line: those are not counted. Prefect may replace
# the flow's server (a new port when its first one was taken): also the flow's.
import os
by_flow = [pid for pid, parent in servers.items() if parent == os.getpid()]
by_others = [pid for pid, parent in servers.items()
             if parent != os.getpid() and parent not in servers]
print(servers)
print(len(by_flow), len(by_others), sorted(r.name.split("-")[0] for r in runs))
"""


def test_batch_workers_use_the_flows_own_prefect_server(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")  # a server database of its own
    # Prefect waits 20 s for its temporary server, which a new database on a loaded
    # machine can miss (seen in session 26); the test is about who starts it, not when.
    env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "120"
    done = subprocess.run(
        [sys.executable, "-c", _SERVERS_AND_TASK_RUNS, str(SEEDS),
         str(tmp_path / "wh.duckdb"), str(tmp_path / "reports")],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    by_flow, by_others, names = done.stdout.strip().splitlines()[-1].split(" ", 2)
    # The flow's temporary server only: the worker processes started one each
    # (~220 MB and ~3 s of CPU apiece) before the flow named its own to them.
    assert by_flow != "0" and by_others == "0", done.stdout
    # Five seeds in batches of two: three batch tasks on the workers, all recorded,
    # loaded together by one load task.
    assert names.count("'batch'") == 3 and names.count("'load'") == 1, names


def test_bench_run_compares_the_pipeline_with_both_peers(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bench.json"
    code = main(["bench", "run", "--corpus", str(corpus), "--peer-docs", "120",
                 "--batch-size", "200", "--json", str(out)])  # fmt: skip
    assert code == 0
    report = json.loads(out.read_text())
    by_name = {r["name"]: r for r in report["results"]}
    ours = by_name["newsclean"]
    assert ours["documents"] == 600 and ours["skipped"] is None
    assert ours["peak_rss_bytes"] > 50 << 20
    assert "flow" in ours["rss_parts"] and ours["peak_rss_bytes"] >= ours["rss_parts"]["flow"]
    # PSS splits shared library pages among the processes: less than RSS, not nothing.
    assert 50 << 20 < ours["peak_pss_bytes"] < ours["peak_rss_bytes"]
    assert set(ours["stage_seconds"]) >= {"ingest", "clean", "validate", "load", "report"}
    # The flow's own time, and around it the fixed cost of a run (imports, server).
    assert 0 < ours["flow_seconds"] < ours["seconds"]
    # CPU time by kind of process: the flow (imports, loading) and its batch workers
    # both work, and together they cannot have used more than the machine's cores.
    cpu = ours["cpu_parts"]
    assert cpu["flow"] > 0.5 and cpu["workers"] > 0.5, cpu
    assert cpu["prefect server"] > 0.5, cpu  # the run's own server, started by the run
    assert sum(cpu.values()) < (ours["seconds"] + 1) * (os.cpu_count() or 1), cpu
    for peer in ("naive", "datatrove"):
        assert by_name[peer]["skipped"] is None, by_name[peer]["skipped"]
        assert by_name[peer]["documents"] >= 110  # 120 lines, a few are not valid JSON
        assert report["ratios"][peer] > 0
    printed = capsys.readouterr().out
    assert "newsclean / datatrove:" in printed and "peak RSS" in printed and "peak PSS" in printed
    assert "600 documents; peers on the first 120" in printed
    assert "newsclean CPU time by process: flow" in printed
    assert f"{ours['flow_seconds']:.1f} s in the flow" in printed


def test_bench_run_without_peers_says_so(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["bench", "run", "--corpus", str(corpus), "--skip", "naive",
                 "--skip", "datatrove", "--batch-size", "300"])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "600 documents; no peers" in printed  # not "peers on the first 20,000"
    assert "newsclean / naive" not in printed and "newsclean / datatrove" not in printed


def test_an_exiting_process_keeps_its_kind() -> None:
    """A process that is exiting shows no command line: its CPU time must stay with
    its kind (the server stops last, and was counted as a worker)."""

    class Proc:
        def __init__(self, pid: int, cmd: list[str]) -> None:
            self.pid, self._cmd = pid, cmd

        def cmdline(self) -> list[str]:
            return self._cmd

    server = ["python", "-m", "uvicorn", "prefect.server.api.server:create_app"]
    spawned = ["python", "-c", "from multiprocessing.spawn import spawn_main"]
    assert _kind(Proc(1, ["python", "-m", "flows.bench.throughput"]), root=1) == "flow"
    assert _kind(Proc(2, server), root=1) == "prefect server"
    assert _kind(Proc(3, spawned), root=1) == "workers"
    assert _kind(Proc(2, []), root=1) is None
    usage = TreeUsage(os.getpid())
    usage.record_cpu(2, "prefect server", 3.0)
    usage.record_cpu(3, "workers", 5.0)
    assert usage.record_cpu(2, None, 4.0) == "prefect server"
    assert usage.cpu == {"prefect server": 4.0, "workers": 5.0}


def test_bench_generate_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "c"
    assert main(["bench", "generate", "--docs", "30", "--out", str(out), "--format", "jsonl"]) == 0
    assert "injected:" in capsys.readouterr().out
    assert sum(1 for _ in (out / "jsonl" / "shard-00000.jsonl").open()) == 30
    assert main(["bench", "generate", "--docs", "30", "--out", str(out)]) == 2  # not empty
    assert "not empty" in capsys.readouterr().err


def test_every_piece_of_a_korean_shard_reads_in_euc_kr(tmp_path: Path) -> None:
    """A double-byte code page read in pieces: each piece in the file's code page, not
    as UTF-8 with strays (its bytes hold valid-looking UTF-8 pairs by chance)."""
    texts = [
        f"{n}번 버스 노선이 다음 달부터 바뀐다고 서울시가 오늘 발표했다. "
        "시민들은 환승 할인을 받는다."
        for n in range(1, 7)
    ]
    path = tmp_path / "seoul.jsonl"
    lines = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts)
    path.write_bytes(lines.encode("euc-kr"))
    units = list(plan_units([path], batch_size=2))
    assert len(units) == 3
    raw = pl.concat([ingest_unit(u, "r", datetime(2026, 1, 1), None)[0] for u in units])
    assert raw["raw_text"].to_list() == texts
    assert set(raw["encoding"]) == {"euc_kr"}
