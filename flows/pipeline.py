"""The Prefect flow `news_etl`: ingest → clean → validate → load → report, per batch.

This is the only module that imports Prefect. A `batch` task reads, cleans and
validates one work unit (never one task per document) wherever the task runner puts
it; this process loads the results into DuckDB in order. Results travel as polars
frames and are not cached or persisted (NO_CACHE): the warehouse is the record.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import logging
import signal
import time
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.events.worker import EventsWorker
from prefect.exceptions import TerminationSignal
from prefect.logging.handlers import APILogWorker
from prefect.runtime import flow_run, task_run
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from flows.batch import FileTally, PreparedBatch
from flows.config import Settings, load_settings
from flows.ingest import RAW_SCHEMA, discover, own_outputs, plan_units
from flows.ingest.manifest import plan_inputs
from flows.ingest.units import Unit
from flows.interrupts import wrapped_signal
from flows.progress import pace
from flows.quality import GateResult, breaches, check_gates
from flows.report import write_report
from flows.workers import exit_with_parent, lean_allocator_for_children
from warehouse import LoadCounts, Warehouse, load_group_ready
from warehouse.lock import writer_lock

log = logging.getLogger("newsclean")


@dataclass
class RunSummary:
    """What `newsclean run` prints and the flow returns."""

    run_id: str
    status: str
    counts: LoadCounts
    repairs: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    report_path: str | None = None
    markdown_path: str | None = None
    warehouse: str = ""
    message: str | None = None
    gates: list[GateResult] = field(default_factory=list)
    runner: str = "threads"
    input_bytes: int = 0
    # Busy time per stage, summed over batches (with parallel workers the sum of
    # ingest/clean/validate exceeds the wall time: that is the parallelism).
    stage_seconds: dict[str, float] = field(default_factory=dict)


class QualityGateFailed(Exception):
    """The run finished and its report is written, but a quality gate was exceeded."""

    def __init__(self, message: str, summary: RunSummary) -> None:
        super().__init__(message, summary)
        self.message = message
        self.summary = summary

    def __str__(self) -> str:
        return self.message


def send_pending_logs(timeout: float = 10.0) -> None:
    """Send the logs and events still queued for the Prefect API now. Call it before
    the run's own server stops: Prefect otherwise sends them at interpreter exit,
    finds no server, and retries for over a minute before it gives up (seen with
    --verbose and process workers: 10 s runs took 85 s and ended in "Error logging
    to API")."""
    for worker in (APILogWorker, EventsWorker):
        with contextlib.suppress(Exception):  # best effort: the run itself is done
            worker.drain_all(timeout=timeout)


def _say(message: str) -> None:
    """Progress to the console and, when Prefect logs INFO (--verbose), to the run's
    log in Prefect. Said once: the run logger's record reaches the console too (by
    Prefect's handler, or by the root handler the CLI sets up), and logging it to
    both loggers printed every line twice with --verbose."""
    run_logger: Any = None
    with contextlib.suppress(Exception):  # outside a run context (tests calling .fn)
        run_logger = get_run_logger()
    if run_logger is not None and run_logger.isEnabledFor(logging.INFO):
        run_logger.info(message)
    else:
        log.info(message)


INGEST_RETRIES = 2


@task(name="batch", cache_policy=NO_CACHE, retries=INGEST_RETRIES, retry_delay_seconds=[1, 5])
def batch_task(
    unit: Unit | None,
    raw: pl.DataFrame | None,
    run_id: str,
    ingested_at: datetime,
    max_bytes: int,
) -> PreparedBatch:
    """Read (or take), clean and validate one batch; runs wherever the task runner
    puts it (this process, a worker process, a Dask worker).

    A transient I/O error (EIO, EAGAIN, ETIMEDOUT …) fails the attempt, and Prefect
    retries the task with backoff; on the last attempt the file that still fails
    becomes a quarantine record and the run goes on.
    """
    # Imported where the work runs: a flow whose batches run on workers never
    # cleans, and the cleaning's imports cost it ~110 MB.
    from flows.stages import prepare_batch

    last_attempt = (task_run.run_count or 1) > INGEST_RETRIES
    return prepare_batch(unit, raw, run_id, ingested_at, max_bytes, not last_attempt)


@task(name="load", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def load_task(warehouse: str, run_id: str, batches: list[PreparedBatch], full: bool) -> LoadCounts:
    """Load a group of batches into DuckDB in one transaction (idempotent, so safe to
    retry); see `load_group_ready` for why batches are loaded in groups.

    Normally the files the batches complete are recorded as read in the same
    transaction; with --full, what was derived from the raw documents is replaced.
    """
    store = Warehouse(warehouse, on_busy=_say)
    frames = _concat([b.validated.frames() for b in batches])
    if full:
        return store.load_batch(run_id, frames, query="reload_batch")
    manifests = [b.manifest for b in batches if b.manifest is not None]
    if manifests:
        frames["batch_manifest"] = pl.concat(manifests, how="vertical_relaxed", rechunk=False)
    return store.load_batch(run_id, frames)


def _concat(frames: list[dict[str, pl.DataFrame]]) -> dict[str, pl.DataFrame]:
    """The batches' frames, name by name, one after another (not copied: each
    frame keeps its chunks)."""
    return {
        name: pl.concat([f[name] for f in frames], how="vertical_relaxed", rechunk=False)
        for name in frames[0]
    }


@task(name="quality-gates", cache_policy=NO_CACHE)
def gates_task(
    warehouse: str, run_id: str, limits: dict[str, float], min_documents: int
) -> list[GateResult]:
    """Check the run's figures against the quality gates and record the result."""
    store = Warehouse(warehouse)
    figures = store.named("run_quality", run_id=run_id).to_dicts()[0]
    results = check_gates(figures, limits, min_documents)
    store.save_gates(
        run_id,
        pl.DataFrame(
            {
                "name": [r.name for r in results],
                "description": [r.description for r in results],
                "value": [r.value for r in results],
                "limit_value": [r.limit for r in results],
                "breached": [r.breached for r in results],
                "enforced": [r.enforced for r in results],
            },
            schema={
                "name": pl.String,
                "description": pl.String,
                "value": pl.Float64,
                "limit_value": pl.Float64,
                "breached": pl.Boolean,
                "enforced": pl.Boolean,
            },
        ),
    )
    return results


@task(name="report", cache_policy=NO_CACHE)
def report_task(warehouse: str, run_id: str, reports_dir: str) -> tuple[str, str, dict[str, int]]:
    """Write the run's HTML and Markdown report from the warehouse; publish artifacts."""
    written = write_report(Warehouse(warehouse), run_id, reports_dir)
    repairs = written.data.repairs
    create_markdown_artifact(
        markdown=written.markdown,
        key="newsclean-run-summary",
        description=f"newsclean run {run_id} — full report: {written.html_path}",
    )
    create_table_artifact(
        table=written.data.gates.to_dicts(), key="newsclean-quality-gates", description="Gates"
    )
    if not repairs.is_empty():
        create_table_artifact(
            table=repairs.to_dicts(), key="newsclean-repairs", description="Repairs by kind"
        )
    counts = dict(zip(repairs["kind"].to_list(), repairs["n"].to_list(), strict=True))
    return str(written.html_path), str(written.markdown_path), counts


def task_runner(settings: Settings, batches: int) -> tuple[str, TaskRunner]:
    """The runner for the batch tasks, and its name for the summary."""
    workers = settings.worker_count
    if settings.runner == "dask":
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as exc:  # an optional extra
            raise RuntimeError(
                "--runner dask needs prefect-dask: pip install 'newsclean[dask]'"
            ) from exc
        if settings.dask_address:
            return f"dask ({settings.dask_address})", DaskTaskRunner(address=settings.dask_address)
        cluster = {"n_workers": workers, "threads_per_worker": 1, "processes": True}
        return (
            f"dask (local cluster, {workers} workers)",
            DaskTaskRunner(cluster_kwargs={**cluster, "dashboard_address": None}),
        )
    parallel = settings.runner == "processes" or (settings.runner == "auto" and batches > 1)
    if parallel and workers > 1:
        return f"processes ({workers} workers)", ProcessPoolTaskRunner(
            max_workers=workers, initializer=exit_with_parent
        )
    return "threads (1 worker)", ThreadPoolTaskRunner(max_workers=1)


@dataclass
class _Progress:
    """Counts and stage times of a run, added up batch by batch."""

    counts: LoadCounts
    stage_seconds: dict[str, float] = field(default_factory=dict)
    input_bytes: int = 0
    runner: str = ""

    def add(self, batch: PreparedBatch) -> None:
        """A batch's input and busy times (ingest, clean, validate)."""
        self.input_bytes += batch.input_bytes
        for stage, secs in batch.seconds.items():
            self.add_seconds(stage, secs)

    def add_load(self, loaded: LoadCounts, seconds: float) -> None:
        self.counts += loaded
        self.add_seconds("load", seconds)

    def add_seconds(self, stage: str, seconds: float) -> None:
        self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + seconds


@contextlib.contextmanager
def _frozen_heap() -> Iterator[None]:
    """Freeze what is alive now (modules, Prefect's machinery): it outlives the run,
    and the per-batch gc.collect() then skips it (it took 0.3 s a batch, a quarter of
    the flow process's time on a million documents). Unfrozen when batches are done."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextlib.contextmanager
def _one_api_for_workers() -> Iterator[None]:
    """Point the batch workers at the API this flow already talks to.

    With no PREFECT_API_URL, Prefect starts a temporary server for the flow; a
    spawned worker process inherits the flow's settings (URL unset) and started a
    temporary server of its own, ~220 MB and ~3 s of CPU per worker, only to set up
    its client. Naming the flow's server in the settings the workers inherit makes
    them all use it."""
    ctx = FlowRunContext.get()
    if PREFECT_API_URL.value() or ctx is None or ctx.client is None:
        yield
        return
    with temporary_settings(updates={PREFECT_API_URL: str(ctx.client.api_url).rstrip("/")}):
        yield


def _run_batches(
    settings: Settings,
    run_id: str,
    work: Iterable[dict[str, Any]],
    progress: _Progress,
    total: int | None,
    full: bool = False,
) -> None:
    """Submit a batch task per item of `work` and load the results in order, a few
    batches at a time (`load_group_ready`: ~8,000 documents in one transaction).

    At most workers + 2 batches are in flight, and a group waiting for its load holds
    at most MAX_GROUP_DOCUMENTS documents or MAX_GROUP_INPUT_BYTES of input (plus one
    batch), so memory stays bounded whatever the corpus size; batches are bounded
    by bytes as well as documents (Settings.batch_bytes), so it does not grow with
    the size of the documents either. While this process loads, the workers have
    theirs in hand and one more queued: a load that checkpoints (every 20 s, 1-3 s) used to
    leave them idle with only their own (+1: 60.0 s for 100,000 documents, mean of
    three runs; +2: 58.5 s, mean of four). Loading in submission order keeps a
    file's manifest row behind all of its pieces. Only this process writes the
    warehouse, through one connection held across batches and checkpointed every
    20 s (`Warehouse.batch_writer`).
    """
    items = iter(work)
    head = list(itertools.islice(items, 2))
    name, runner = task_runner(settings, len(head))
    progress.runner = name
    window = settings.worker_count + 2
    # Batches that run at once: one on the flow's thread, else one per worker.
    lanes = 1 if isinstance(runner, ThreadPoolTaskRunner) else settings.worker_count
    ingested_at = datetime.now()
    _say(f"run {run_id}: batches run on {name}")
    with (
        _one_api_for_workers(),
        lean_allocator_for_children(),
        _frozen_heap(),
        runner,
        Warehouse(settings.warehouse).batch_writer(),
    ):
        inflight: deque[Any] = deque()
        group: list[PreparedBatch] = []
        tally = FileTally()
        received = documents = 0
        of = f"/{total}" if total else ""
        began = time.perf_counter()
        first: float | None = None  # when the first batch came in, after `began`

        def load_group() -> None:
            started = time.perf_counter()
            loaded = load_task(settings.warehouse, run_id, list(group), full)
            progress.add_load(loaded, time.perf_counter() - started)
            first = received - len(group) + 1
            group.clear()
            gc.collect()  # the task run's own cycles, which hold the group (see below)
            batches = f"batch {received}" if first == received else f"batches {first}-{received}"
            _say(
                f"loaded {batches}{of}: read {loaded.docs_read}, loaded "
                f"{loaded.articles_loaded}, quarantined {loaded.quarantined}, "
                f"unchanged {loaded.skipped}"
            )

        def receive_one() -> None:
            nonlocal received, documents, first
            batch: PreparedBatch = inflight.popleft().result()
            # Prefect's process-pool futures sit in reference cycles (future ↔ done
            # callback) that keep each batch's pickled result; Python collects them
            # only after many allocations, so the flow grew ~30 MB a batch (1.4 GB
            # at 100,000 documents). Collecting here keeps it flat; with the
            # collection only after each load, the flow's peak was ~50 MB higher.
            gc.collect()
            received += 1
            documents += batch.documents
            tally.add(batch)
            progress.add(batch)
            group.append(batch)
            v = batch.validated
            now = time.perf_counter() - began
            first = now if first is None else first
            so_far = pace(documents, received, total, now, first, lanes)
            _say(
                f"batch {received}{of}: {batch.documents} documents cleaned, "
                f"{v.articles.height} articles, {v.quarantine.height} quarantined"
                + (f"; {so_far}" if so_far else "")
            )
            if load_group_ready(sum(b.documents for b in group), sum(b.input_bytes for b in group)):
                load_group()

        for params in itertools.chain(head, items):
            parameters = {"unit": None, "raw": None, **params}
            inflight.append(
                runner.submit(
                    batch_task,
                    parameters={
                        **parameters,
                        "run_id": run_id,
                        "ingested_at": ingested_at,
                        "max_bytes": settings.max_document_bytes,
                    },
                )
            )
            if len(inflight) >= window:
                receive_one()
        while inflight:
            receive_one()
        if group:
            load_group()


def _incremental(settings: Settings, store: Warehouse, run_id: str) -> _Progress:
    """Read the new and changed input files; count the unchanged, record the deleted."""
    walked: set[Path] = set()
    files, problems = discover(settings.inputs, walked)
    if problems:
        raise FileNotFoundError("; ".join(problems))
    files, own = own_outputs(files, settings.warehouse, settings.reports_dir)
    if own:
        _say(
            f"run {run_id}: {len(own)} file(s) under the inputs are newsclean's own output "
            "(the warehouse, its .wal/.lock, reports) and are not read"
        )
    roots = sorted({Path(p).resolve() for p in settings.inputs} | walked)
    plan = plan_inputs(files, roots, store.manifest())
    store.record_skipped_inputs(
        run_id, plan.unchanged_documents, plan.unchanged_files, plan.deleted
    )
    _say(
        f"run {run_id}: {len(files)} input file(s) → {settings.warehouse}: "
        f"{len(plan.to_read)} new or changed, {plan.unchanged_files} unchanged (not read), "
        f"{len(plan.deleted)} deleted since the last run"
        + ("; nothing to read: no files under the input(s)" if not files else "")
    )
    progress = _Progress(LoadCounts(plan.unchanged_documents, 0, 0, plan.unchanged_documents))
    # Units are small (paths and byte ranges); listing them up front gives "batch k/n".
    units = list(plan_units(plan.to_read, settings.batch_size, settings.batch_bytes))
    _run_batches(settings, run_id, ({"unit": u} for u in units), progress, len(units))
    return progress


def _full(settings: Settings, store: Warehouse, run_id: str) -> _Progress:
    """Re-clean every raw document already in the warehouse; inputs are not read."""
    _say(f"run {run_id}: re-cleaning every raw document in {settings.warehouse} (--full)")
    progress = _Progress(LoadCounts())
    raw_batches = (
        {"raw": raw.select(list(RAW_SCHEMA)).cast(RAW_SCHEMA)}
        for raw in store.raw_batches(run_id, settings.batch_size, settings.batch_bytes)
    )
    _run_batches(settings, run_id, raw_batches, progress, None, full=True)
    return progress


def stopped_by(exc: BaseException) -> int | None:
    """The signal that stopped a run, when `exc` is Prefect's TerminationSignal or
    wraps one (`wrapped_signal`: pydantic keeps only the name in its message)."""
    found = wrapped_signal(exc, (TerminationSignal,))
    if isinstance(found, TerminationSignal):
        return found.signal
    return signal.SIGTERM if found is TerminationSignal else None


def _why_stopped(exc: BaseException) -> str:
    """The runs table's message for a run that did not finish, in words a person can
    act on (Prefect's TerminationSignal prints as an empty message)."""
    resume = "; what was loaded stays, and the next run reads the files not yet committed"
    sig = stopped_by(exc)
    if sig is not None:
        return f"stopped by {signal.Signals(sig).name}" + resume
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted (Ctrl-C)" + resume
    return f"{type(exc).__name__}: {exc}"


@flow(name="news_etl", log_prints=True)
def news_etl(
    inputs: list[str] | None = None,
    warehouse: str | None = None,
    batch_size: int | None = None,
    batch_bytes: int | None = None,
    reports_dir: str | None = None,
    thresholds: dict[str, float] | None = None,
    full: bool = False,
    runner: str | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
) -> RunSummary:
    """Clean news text from `inputs` (files or folders) into the DuckDB `warehouse`.

    Incremental by default: only new or changed files are read. `full` re-cleans
    every raw document already in the warehouse instead (after a rule change),
    without reading the inputs. One run writes a warehouse at a time (a lock file).
    Batches are read, cleaned and validated on `runner` (see Settings.runner) and
    loaded here, in order.
    Raises QualityGateFailed (the flow run ends Failed) when a quality gate is
    exceeded; the warehouse holds the run and its report is written first.
    """
    base = load_settings()
    settings: Settings = base.with_overrides(
        inputs=tuple(inputs) if inputs else None,
        warehouse=warehouse,
        batch_size=batch_size,
        batch_bytes=batch_bytes,
        reports_dir=reports_dir,
        thresholds={**base.thresholds, **thresholds} if thresholds else None,
        runner=runner,
        workers=workers,
        dask_address=dask_address,
    )
    started = time.perf_counter()
    run_id = datetime.now().strftime("%Y%m%dT%H%M%S-") + uuid.uuid4().hex[:8]
    store = Warehouse(settings.warehouse, on_busy=_say)
    missing = [p for p in settings.inputs if not full and not Path(p).exists()]
    if missing:  # before taking the lock or recording a run: a usage error
        raise FileNotFoundError(f"input path(s) do not exist: {', '.join(missing)}")
    with writer_lock(settings.warehouse, run_id, settings.lock_wait_seconds, _say):
        fr_id = flow_run.get_id()
        store.start_run(
            run_id,
            str(fr_id) if fr_id else None,
            list(settings.inputs) if not full else ["(raw_documents)"],
            datetime.now(),
            "full" if full else "incremental",
        )
        try:
            progress = (_full if full else _incremental)(settings, store, run_id)
            timer = time.perf_counter()
            gates = gates_task(
                settings.warehouse, run_id, settings.thresholds, settings.gate_min_documents
            )
            progress.stage_seconds["gates"] = time.perf_counter() - timer
            exceeded = breaches(gates)
            status = "Failed" if exceeded else "Completed"
            message = (
                "quality gate(s) exceeded: " + "; ".join(g.message() for g in exceeded)
                if exceeded
                else None
            )
            # The run's status is final before the report is written, so the report
            # shows it; the Prefect run fails only after the report exists.
            store.finish_run(run_id, status, message, datetime.now())
            timer = time.perf_counter()
            html_path, md_path, repairs = report_task(
                settings.warehouse, run_id, settings.reports_dir
            )
            progress.stage_seconds["report"] = time.perf_counter() - timer
        except BaseException as exc:
            store.finish_run(run_id, "Failed", _why_stopped(exc), datetime.now())
            raise
    summary = RunSummary(
        run_id=run_id,
        status=status,
        counts=progress.counts,
        repairs=repairs,
        seconds=time.perf_counter() - started,
        report_path=html_path,
        markdown_path=md_path,
        warehouse=settings.warehouse,
        message=message,
        gates=gates,
        runner=progress.runner,
        input_bytes=progress.input_bytes,
        stage_seconds=progress.stage_seconds,
    )
    if message:
        _say(message)
        raise QualityGateFailed(message, summary)
    return summary


def summary_rows(summary: RunSummary) -> list[tuple[str, Any]]:
    """The summary as (label, value) rows for printing."""
    c = summary.counts
    rows: list[tuple[str, Any]] = [
        ("run", summary.run_id),
        ("status", summary.status),
        ("documents read", c.docs_read),
        ("articles loaded", c.articles_loaded),
        ("quarantined", c.quarantined),
        ("unchanged (skipped)", c.skipped),
    ]
    rows += [(f"repairs: {kind}", n) for kind, n in sorted(summary.repairs.items())]
    secs = max(summary.seconds, 1e-9)
    rows += [
        ("time", f"{summary.seconds:.1f} s"),
        (
            "throughput",
            f"{(c.docs_read - c.skipped) / secs:,.0f} docs/s, "
            f"{summary.input_bytes / secs / 1e6:.2f} MB/s",
        ),
        ("batches ran on", summary.runner or "-"),
        ("warehouse", summary.warehouse),
        ("report", summary.report_path or "-"),
    ]
    rows += [(f"gate: {g.name}", g.message()) for g in summary.gates if g.breached]
    return rows
