"""Throughput benchmark: newsclean's full pipeline against two peers, same corpus.

- newsclean: the real `news_etl` flow (ingest, clean, validate, load, report) into
  a fresh warehouse, in a child process whose whole process tree (workers, Prefect's
  temporary server) is sampled for memory and CPU time;
- naive: what a user would write first — pandas, `ftfy.fix_text` on every row,
  `dateparser.parse` on the first lines of every row, one DuckDB insert;
- datatrove: its JsonlReader → FTFYFormatter → JsonlWriter, one task.

The peers are optional (`pip install 'newsclean[bench]'`); a missing one is reported
as skipped, never faked. On a large corpus they run on its first `peer_docs`
documents (they would take hours on a million), and rates are compared per second.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

NAIVE_DATE_LINES = 3  # the naive pipeline tries dateparser on this many top lines
PSS_EVERY = 5  # memory samples per PSS reading


@dataclass
class Result:
    """One pipeline's run on the corpus."""

    name: str
    documents: int = 0
    input_bytes: int = 0
    seconds: float = 0.0
    peak_rss_bytes: int = 0
    peak_pss_bytes: int = 0  # shared pages (libraries) split among the processes sharing them
    rss_parts: dict[str, int] = field(default_factory=dict)
    cpu_parts: dict[str, float] = field(default_factory=dict)  # CPU seconds by process kind
    stage_seconds: dict[str, float] = field(default_factory=dict)
    # Of `seconds`, those the flow itself ran (the rest: loading its code, starting
    # and stopping the local Prefect server: a fixed cost per run, whatever its size).
    flow_seconds: float | None = None
    note: str = ""
    skipped: str | None = None

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0

    @property
    def mb_per_second(self) -> float:
        return self.input_bytes / self.seconds / 1e6 if self.seconds else 0.0


class TreeUsage:
    """Peak resident memory and CPU time of a process and all its descendants, sampled.

    `peak` sums RSS, so a shared library mapped by the flow, two workers and the
    server counts four times; `peak_pss` sums PSS, where each shared page is split
    among its sharers: the memory the tree really holds. `cpu` is each kind's CPU
    seconds (user + system), as last sampled for each of its processes: the time a
    process spends after its last sample (at most `interval`) is not counted."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        import psutil

        self._root = psutil.Process(pid)
        self._interval = interval
        self.peak = 0
        self.peak_pss = 0
        self.parts: dict[str, int] = {}  # peak per kind of process, for the breakdown
        self._cpu: dict[int, tuple[str, float]] = {}  # pid: (kind, CPU seconds so far)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        samples = 0
        while not self._stop.is_set():
            # PSS needs the kernel to walk every mapping (~10 % of a core at this
            # rate for four processes), so it is read on every fifth sample only.
            with_pss = samples % PSS_EVERY == 0
            samples += 1
            total = total_pss = 0
            parts: dict[str, int] = {}
            try:
                procs = [self._root, *self._root.children(recursive=True)]
            except psutil.Error:
                break
            for proc in procs:
                try:
                    info = proc.memory_full_info() if with_pss else proc.memory_info()
                    kind = _kind(proc, self._root.pid)
                    times = proc.cpu_times()
                except psutil.Error:
                    continue
                kind = self.record_cpu(proc.pid, kind, times.user + times.system)
                rss = info.rss
                total += rss
                total_pss += getattr(info, "pss", 0)
                parts[kind] = parts.get(kind, 0) + rss
            self.peak = max(self.peak, total)
            self.peak_pss = max(self.peak_pss, total_pss)
            for kind, rss in parts.items():
                self.parts[kind] = max(self.parts.get(kind, 0), rss)
            self._stop.wait(self._interval)

    def record_cpu(self, pid: int, kind: str | None, seconds: float) -> str:
        """Note a process's CPU time so far; returns its kind. A process that is
        exiting (kind None) keeps the kind it had: the server stops last, and its
        CPU time used to land with the workers'."""
        if kind is None:
            kind = self._cpu.get(pid, ("workers", 0.0))[0]
        self._cpu[pid] = (kind, seconds)
        return kind

    @property
    def cpu(self) -> dict[str, float]:
        """CPU seconds by kind of process, summed over its processes."""
        out: dict[str, float] = {}
        for kind, seconds in self._cpu.values():
            out[kind] = out.get(kind, 0.0) + seconds
        return out

    def __enter__(self) -> TreeUsage:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _kind(proc: object, root: int) -> str | None:
    """flow (the run's own process), prefect server, or workers; None when the
    process no longer shows its command line (it is exiting)."""
    if getattr(proc, "pid", None) == root:
        return "flow"
    cmd = " ".join(proc.cmdline())  # type: ignore[attr-defined]
    if not cmd:
        return None
    return "prefect server" if "uvicorn" in cmd or "server" in cmd else "workers"


def jsonl_files(corpus: Path) -> list[Path]:
    """The JSONL shards of a generated corpus (its jsonl/ folder, or the folder)."""
    folder = corpus / "jsonl" if (corpus / "jsonl").is_dir() else corpus
    return sorted(folder.glob("*.jsonl"))


def corpus_lines(files: list[Path], limit: int | None = None) -> Iterator[bytes]:
    """The raw lines of the shards, at most `limit` of them."""
    count = 0
    for path in files:
        with path.open("rb") as fh:
            for line in fh:
                if limit is not None and count >= limit:
                    return
                count += 1
                yield line


def write_prefix(files: list[Path], limit: int, out: Path) -> list[Path]:
    """The first `limit` records as one JSONL file (the peers' corpus)."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / "prefix.jsonl"
    with target.open("wb") as fh:
        for line in corpus_lines(files, limit):
            fh.write(line)
    return [target]


def run_newsclean(
    files: list[Path],
    workdir: Path,
    runner: str = "auto",
    workers: int | None = None,
    batch_size: int | None = None,
    batch_bytes: int | None = None,
) -> Result:
    """The full newsclean flow in a child process; its whole tree's peak memory and
    CPU time by kind of process."""
    out = workdir / "newsclean-result.json"
    cmd = [
        sys.executable,
        "-m",
        "flows.bench.throughput",
        "--child",
        str(out),
        "--warehouse",
        str(workdir / "newsclean.duckdb"),
        "--reports-dir",
        str(workdir / "reports"),
        "--runner",
        runner,
        *(["--workers", str(workers)] if workers else []),
        *(["--batch-size", str(batch_size)] if batch_size else []),
        *(["--batch-bytes", str(batch_bytes)] if batch_bytes else []),
        *[str(f) for f in files],
    ]
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    proc = subprocess.Popen(cmd, env=env)
    with TreeUsage(proc.pid) as usage:
        code = proc.wait()
    if code != 0 or not out.exists():
        return Result("newsclean", skipped=f"the run failed (exit {code}); see its output above")
    data = json.loads(out.read_text())
    return Result(
        "newsclean",
        documents=data["documents"],
        input_bytes=data["input_bytes"],
        seconds=data["seconds"],
        peak_rss_bytes=usage.peak,
        peak_pss_bytes=usage.peak_pss,
        rss_parts=usage.parts,
        cpu_parts=usage.cpu,
        stage_seconds=data["stage_seconds"],
        flow_seconds=data["flow_seconds"],
        note=f"full pipeline; batches on {data['runner']}; "
        f"{data['articles']} loaded, {data['quarantined']} quarantined",
    )


def _child(argv: list[str]) -> int:
    """Entry point of the child process: run the flow, write its figures as JSON."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--child", required=True)
    parser.add_argument("--warehouse", required=True)
    parser.add_argument("--reports-dir", required=True)
    parser.add_argument("--runner", default="auto")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--batch-bytes", type=int)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    # Timed from here, as `newsclean run` runs: loading the flow's code and starting
    # its Prefect server are part of what a user waits for.
    started = time.perf_counter()
    from flows import local_server

    with local_server.for_this_run() as server:
        from flows.pipeline import news_etl, send_pending_logs

        if server is not None:
            server.wait_ready()
        summary = news_etl(
            inputs=args.files,
            warehouse=args.warehouse,
            reports_dir=args.reports_dir,
            runner=args.runner,
            workers=args.workers,
            batch_size=args.batch_size,
            batch_bytes=args.batch_bytes,
            # A benchmark measures speed; its synthetic corpus may trip a gate on purpose.
            thresholds={
                "max_quarantine_rate": 1.0,
                "max_undated_share": 1.0,
                "max_duplicate_share": 1.0,
            },
        )
        send_pending_logs()  # while the local server still answers
    seconds = time.perf_counter() - started
    c = summary.counts
    Path(args.child).write_text(
        json.dumps(
            {
                "documents": c.docs_read - c.skipped,
                "articles": c.articles_loaded,
                "quarantined": c.quarantined,
                "input_bytes": summary.input_bytes,
                "seconds": seconds,
                "stage_seconds": summary.stage_seconds,
                "flow_seconds": summary.seconds,
                "runner": summary.runner,
            }
        )
    )
    return 0


def _measured(name: str, fn: Callable[[], tuple[int, int, str]]) -> Result:
    """Run a peer in this process, timing it and sampling this process's memory."""
    with TreeUsage(os.getpid()) as usage:
        started = time.perf_counter()
        docs, size, note = fn()
        seconds = time.perf_counter() - started
    return Result(name, docs, size, seconds, usage.peak, usage.peak_pss, note=note)


def run_naive(files: list[Path], workdir: Path) -> Result:
    """pandas + ftfy.fix_text per row + dateparser per row + one DuckDB insert."""
    try:
        import dateparser
        import duckdb
        import ftfy
        import pandas as pd
    except ImportError as exc:
        return Result(
            "naive", skipped=f"not installed ({exc.name}): pip install 'newsclean[bench]'"
        )

    def first_date(text: str):
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()][:NAIVE_DATE_LINES]
        for line in lines:
            parsed = dateparser.parse(line[:100])
            if parsed:
                return parsed
        return None

    def work() -> tuple[int, int, str]:
        rows, size = [], 0
        for line in corpus_lines(files):
            size += len(line)
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a naive pipeline drops what it cannot parse
        df = pd.DataFrame(rows)
        df["text"] = df["text"].fillna("").map(ftfy.fix_text)
        df["published"] = pd.to_datetime(df["text"].map(first_date), utc=True, errors="coerce")
        con = duckdb.connect(str(workdir / "naive.duckdb"))
        con.execute("CREATE OR REPLACE TABLE articles AS SELECT * FROM df")
        con.close()
        return len(rows), size, "ftfy.fix_text + dateparser on the top lines, every row"

    return _measured("naive", work)


def run_datatrove(files: list[Path], workdir: Path) -> Result:
    """datatrove's JsonlReader → FTFYFormatter → JsonlWriter, one task, one worker."""
    try:
        from datatrove.executor import LocalPipelineExecutor
        from datatrove.pipeline.formatters import FTFYFormatter
        from datatrove.pipeline.readers import JsonlReader
        from datatrove.pipeline.writers import JsonlWriter
    except ImportError as exc:
        return Result(
            "datatrove", skipped=f"not installed ({exc.name}): pip install 'newsclean[bench]'"
        )
    folder = files[0].parent
    pattern = files[0].name if len(files) == 1 else "*.jsonl"

    def work() -> tuple[int, int, str]:
        executor = LocalPipelineExecutor(
            pipeline=[
                JsonlReader(str(folder), glob_pattern=pattern),
                FTFYFormatter(),
                JsonlWriter(str(workdir / "datatrove-out")),
            ],
            tasks=1,
            workers=1,
            logging_dir=str(workdir / "datatrove-logs"),
            skip_completed=False,
        )
        executor.run()
        size = sum(len(line) for line in corpus_lines(files))
        docs = sum(1 for _ in corpus_lines(files))
        return docs, size, "read → FTFY → write only"

    return _measured("datatrove", work)


@dataclass
class BenchReport:
    """All results of one `newsclean bench run`."""

    corpus: str
    corpus_documents: int
    peer_documents: int
    results: list[Result]

    def by_name(self, name: str) -> Result | None:
        return next((r for r in self.results if r.name == name and not r.skipped), None)

    def ratios(self) -> dict[str, float]:
        """newsclean's MB/s over each peer's MB/s."""
        ours = self.by_name("newsclean")
        out: dict[str, float] = {}
        for peer in ("naive", "datatrove"):
            theirs = self.by_name(peer)
            if ours and theirs and theirs.mb_per_second:
                out[peer] = ours.mb_per_second / theirs.mb_per_second
        return out

    def as_dict(self) -> dict[str, object]:
        return {
            "corpus": self.corpus,
            "corpus_documents": self.corpus_documents,
            "peer_documents": self.peer_documents,
            "results": [
                {
                    **asdict(r),
                    "docs_per_second": r.docs_per_second,
                    "mb_per_second": r.mb_per_second,
                }
                for r in self.results
            ],
            "ratios": self.ratios(),
        }


def run_benchmark(
    corpus: Path,
    peers: tuple[str, ...] = ("naive", "datatrove"),
    peer_docs: int = 20_000,
    runner: str = "auto",
    workers: int | None = None,
    batch_size: int | None = None,
    batch_bytes: int | None = None,
    workdir: Path | None = None,
    say: Callable[[str], None] = print,
) -> BenchReport:
    """newsclean on the whole corpus, then each peer on (a prefix of) it."""
    files = jsonl_files(corpus)
    if not files:
        raise FileNotFoundError(
            f"no JSONL shards in {corpus} (make one: newsclean bench generate --out {corpus})"
        )
    total = sum(1 for _ in corpus_lines(files))
    own = workdir is None
    work = Path(tempfile.mkdtemp(prefix="newsclean-bench-")) if own else workdir
    assert work is not None
    try:
        say(f"newsclean: full pipeline on {total:,} documents ({len(files)} shard(s)) …")
        results = [run_newsclean(files, work, runner, workers, batch_size, batch_bytes)]
        peer_files = files
        peer_total = total
        if peers and total > peer_docs:
            peer_files = write_prefix(files, peer_docs, work / "prefix")
            peer_total = peer_docs
        for peer in peers:
            say(f"{peer}: on {peer_total:,} documents …")
            run = {"naive": run_naive, "datatrove": run_datatrove}[peer]
            results.append(run(peer_files, work))
        return BenchReport(str(corpus), total, peer_total, results)
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]) if "--child" in sys.argv else 2)
