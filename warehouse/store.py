"""The only place that opens DuckDB: connect, migrate, load batches, read back.

SQL lives in `migrations/*.sql` (schema, applied once each, in order) and
`queries/*.sql` (named statements with $parameters); nothing here builds SQL from
strings. Connections are short-lived — opened per read and closed — so an analyst
can open the file between batches. A run's loads share one writer connection that
is closed (and so checkpointed) every 20 s, see `Warehouse.batch_writer`.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

HERE = Path(__file__).resolve().parent
MIGRATIONS = HERE / "migrations"
QUERIES = HERE / "queries"
VIEWS = HERE / "views.sql"
NO_FILES = pl.DataFrame(
    schema={
        "path": pl.String,
        "size_bytes": pl.Int64,
        "mtime_ns": pl.Int64,
        "sha256": pl.String,
        "records": pl.Int64,
        "run_id": pl.String,
    }
)
# DuckDB's own default is 80 % of RAM. The run's process shares the machine with its
# workers, so report and gate queries over a large run spill to disk instead. On a
# 1,000,000-document warehouse the whole report took 1.95 s under 128 MB (1.7 s
# under 256 MB, 1.8 s under 1 GB) and peaked at 281 MB RSS (395 MB, 677 MB).
# Loading 500,000 documents in 250 batches took 51 s under 128 MB, 49 s under
# 256 MB, with the loading process's peak 100 MB lower; below 96 MB loads slow down.
# Analysts running big ad-hoc queries with `newsclean sql` can raise it.
MEMORY_LIMIT = os.environ.get("NEWSCLEAN_DUCKDB_MEMORY_LIMIT", "128MB")
_MIGRATION_NAME = re.compile(r"^(\d+)_([\w-]+)\.sql$")


@cache
def sql(name: str) -> str:
    """The text of `queries/<name>.sql`."""
    return (QUERIES / f"{name}.sql").read_text(encoding="utf-8")


def statements(script: str) -> list[str]:
    """A script's statements (split at ";" ending a line): DuckDB binds $parameters
    only in the last statement of one execute call."""
    code = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("--"))
    return [st for part in re.split(r";\s*\n", code) if (st := part.strip().rstrip(";"))]


def migrations() -> list[tuple[int, str, Path]]:
    """All migration files as (version, name, path), in version order."""
    found = []
    for path in MIGRATIONS.glob("*.sql"):
        m = _MIGRATION_NAME.match(path.name)
        if m:
            found.append((int(m.group(1)), m.group(2), path))
    return sorted(found)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """BEGIN … COMMIT, or ROLLBACK and re-raise: all of it or nothing."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def register(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Hand a polars frame to DuckDB as Arrow under `name`. Arrow's string views are
    polars' own strings, so text goes over without a copy (the default, large
    strings, copied ~11 MB a load batch). DuckDB 1.x pushed filters on views down
    into pyarrow, which has no kernels for them: newsclean needs DuckDB 2.0."""
    con.register(name, frame.to_arrow(compat_level=pl.CompatLevel.newest()))


ZSTD_CLAUSE = re.compile(r"\s+USING COMPRESSION zstd\b", re.IGNORECASE)
ZSTD_STORAGE = (1, 3, 0)  # the first storage format whose zstd compresses text


def storage_version(con: duckdb.DuckDBPyConnection) -> tuple[int, ...] | None:
    """The storage format of the connection's current database file, as DuckDB tags
    it ("v1.0.0+", "v1.2.0 - v1.2.2": the first version counts); None if untold."""
    row = con.execute(
        "SELECT tags FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    tag = (row[0] or {}).get("storage_version", "") if row else ""
    found = re.match(r"v(\d+)\.(\d+)\.(\d+)", tag)
    return tuple(int(part) for part in found.groups()) if found else None


def migrate(con: duckdb.DuckDBPyConnection, upto: int | None = None) -> list[int]:
    """Apply the migrations this database has not seen, then (re)create the analyst
    views of views.sql; returns the versions applied. With `upto`, stop after that
    version and leave the views alone (they follow the latest schema): how a test
    builds a warehouse as an older release left it."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    pending = [
        (version, name, path)
        for version, name, path in migrations()
        if version not in done and (upto is None or version <= upto)
    ]
    # The file's format is asked only when something is pending: every writer
    # connection passes through here.
    zstd = bool(pending) and (storage_version(con) or (0,)) >= ZSTD_STORAGE
    for version, name, path in pending:
        script = path.read_text(encoding="utf-8")
        if not zstd:  # a file in an older storage format refuses the clause
            script = ZSTD_CLAUSE.sub("", script)
        with transaction(con):
            con.execute(script)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, now()::TIMESTAMP)", [version, name]
            )
        applied.append(version)
    if upto is None:
        con.execute(VIEWS.read_text(encoding="utf-8"))
    return applied


@dataclass(frozen=True)
class LoadCounts:
    """What one batch load did: reconciles as read = loaded + quarantined + skipped."""

    docs_read: int = 0
    articles_loaded: int = 0
    quarantined: int = 0
    skipped: int = 0

    def __add__(self, other: LoadCounts) -> LoadCounts:
        return LoadCounts(
            self.docs_read + other.docs_read,
            self.articles_loaded + other.articles_loaded,
            self.quarantined + other.quarantined,
            self.skipped + other.skipped,
        )


def _is_busy(exc: duckdb.Error) -> bool:
    """DuckDB's error when another process has the file open for writing."""
    return "lock" in str(exc).lower()


# How long a run keeps its writer connection between batches before closing it. A
# close checkpoints the WAL into the file, and a checkpoint after every 2,000-document
# batch cost 0.75 s a batch on average, with spikes of 2-4 s every 16 batches or so
# (80 loads in a row: 60 s; on one held connection: 15 s, plus 10 s for the final
# checkpoint). Readers retry for a minute, and get in while the run waits for its
# next batch after a close.
HOLD_SECONDS = 20.0
# Rows per row group in what a writer adds. A checkpoint rewrites the table's last,
# partly filled row group whole: with DuckDB's 122,880 rows, the checkpoints of a
# run (every 20 s, ~16,000 documents) rewrote up to 120,000 documents' text each
# time, and took 0.5-4.6 s, growing with the table (240,000 documents: 25.6 s of
# checkpoints in all). With 16,384 rows, 7.9 s, flat. Since loads come in groups
# (`load_group_ready`), 4,096: a group then needs only ~8,000 documents in memory.
WRITE_ROW_GROUP_SIZE = 4_096
# A group of batches is loaded at the latest once it holds this many documents: it
# bounds what the loading process holds (~5.5 KB a document in its frames).
MAX_GROUP_DOCUMENTS = 4 * WRITE_ROW_GROUP_SIZE
# … or once its batches were read from this much input: long pages make big frames
# (the dev set's real pages, ~10 KB each: ~15 KB a document in the loading process).
# 32 MiB rather than 64 held the loading process's peak 70-90 MB lower on those
# pages; their groups then fill less than one row group, and the loads of 29,700
# such pages took 8.6 s instead of 6.5.
MAX_GROUP_INPUT_BYTES = 32 << 20
HELD_CHECKPOINT_THRESHOLD = "1GB"  # no automatic checkpoint while held (DuckDB: 16 MB)
# The run's loads share the machine with its batch workers, which keep every core
# busy: one DuckDB thread loaded 60 batches of 2,000 documents in 4.7 s of wall time
# instead of 5.4, with 10 % less CPU (a second thread only contends). Reads and
# reports, outside a run's loads, keep DuckDB's default.
HELD_THREADS = 1


def load_group_ready(documents: int, input_bytes: int = 0) -> bool:
    """Whether batches holding `documents` documents read from `input_bytes` of
    input, not loaded yet, should now be loaded together, in one transaction.

    DuckDB writes a transaction's rows for a table straight into the file, as
    compressed row groups, when they fill at least one row group; fewer go through
    its write-ahead log, and the next checkpoint compresses them into the file
    again. 64 loads of 2,000 documents took 10.1 s of CPU; in groups of 8,000
    documents, 5.7 s. The last row group of a load is kept only partly filled, so
    a group ends on a nearly full one (7/8 or more: groups of 4 batches of 2,000
    documents; with 5, a fifth of each group's rows went to row groups a later
    checkpoint rewrote, and the file grew by a third), or at MAX_GROUP_DOCUMENTS or
    MAX_GROUP_INPUT_BYTES, whichever comes first.
    """
    if documents >= MAX_GROUP_DOCUMENTS or input_bytes >= MAX_GROUP_INPUT_BYTES:
        return True
    rest = documents % WRITE_ROW_GROUP_SIZE
    return documents >= WRITE_ROW_GROUP_SIZE and (rest == 0 or 8 * rest >= 7 * WRITE_ROW_GROUP_SIZE)


@dataclass
class _Held:
    """The writer connection a run keeps open in this process, and since when."""

    hold_seconds: float
    con: duckdb.DuckDBPyConnection | None = None
    opened: float = 0.0

    def release(self, all_threads: bool = False) -> None:
        """Close the connection (DuckDB checkpoints on close), if it is open. With
        `all_threads`, the checkpoint may use every core (DuckDB's default): at the
        end of a run's loads, when its batch workers are done (3.2 → 2.0 s for the
        last checkpoint of 80,000 documents on two cores)."""
        if self.con is not None:
            if all_threads:
                with contextlib.suppress(duckdb.Error):  # a speed-up only: never fail the close
                    self.con.execute("RESET threads")
            self.con.close()
            self.con = None


_HELD: dict[Path, _Held] = {}


# What DuckDB raises for a statement it refuses: a typo, an unknown column, a
# value that does not convert. Shown to the user as a QueryError, in DuckDB's words.
REFUSED = (duckdb.ProgrammingError, duckdb.DataError)


class QueryError(ValueError):
    """A statement DuckDB refused: bad syntax, an unknown table or column, a value
    that does not convert, a write on a read-only connection. The SQL is at fault,
    not the warehouse."""


class WarehouseUnreadable(ValueError):
    """The warehouse path names what DuckDB cannot open as a database (another kind
    of file, a folder, a file it may not read): the command stops, saying why."""


# Bytes 8-11 of every DuckDB database file (its main header's magic).
DUCKDB_MAGIC = b"DUCK"
SQLITE_MAGIC = b"SQLite format 3\x00"


def not_a_database(path: Path) -> str | None:
    """Why the existing `path` cannot be a DuckDB database, told from its first
    bytes, or None (no file, or an empty one: a new warehouse). Looked at before
    DuckDB opens it: DuckDB says only "not a valid DuckDB database file", and takes
    a SQLite file for one to attach through its sqlite extension, which it tries to
    download."""
    if not path.exists():
        return None
    if path.is_dir():
        return f"{path} is a folder, not a DuckDB file"
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        return f"{path}: {exc.strerror or exc}"
    if not head or head[8:12] == DUCKDB_MAGIC:
        return None
    what = (
        "a SQLite database, not a DuckDB one" if head == SQLITE_MAGIC else "not a DuckDB database"
    )
    return f"{path} is {what}: name a new file, or a warehouse newsclean made"


class Warehouse:
    """A DuckDB warehouse file; every method opens and closes its own connection
    (except while a run holds its writer, see `batch_writer`).

    DuckDB lets one process hold the file for writing. Connections here are short
    (one query, one load, or a run's loads for at most `HOLD_SECONDS`), so a reader
    and a run take turns; when the file is busy, opening is retried for
    `busy_timeout` seconds and `on_busy` is told once.
    """

    def __init__(
        self,
        path: str | Path,
        busy_timeout: float = 60.0,
        on_busy: Callable[[str], None] | None = None,
        memory_limit: str = MEMORY_LIMIT,
    ) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.on_busy = on_busy
        self.memory_limit = memory_limit

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        problem = not_a_database(self.path)
        if problem:
            raise WarehouseUnreadable(problem)
        if self.path.is_file() and self.path.stat().st_size == 0:
            if read_only:  # `touch warehouse.duckdb`, or mktemp's file
                raise WarehouseUnreadable(
                    f"{self.path} is empty: no warehouse yet; run `newsclean run` first"
                )
            self.path.unlink()  # DuckDB refuses an empty file; it holds nothing to keep
        deadline = time.monotonic() + self.busy_timeout
        told = False
        while True:
            try:
                if read_only:
                    return duckdb.connect(
                        str(self.path), read_only=True, config={"memory_limit": self.memory_limit}
                    )
                return self._attach_for_writing()
            except duckdb.IOException as exc:
                if not _is_busy(exc):  # a file of another DuckDB version, a read error …
                    said = str(exc).splitlines()[0].removeprefix("IO Error: ")
                    raise WarehouseUnreadable(
                        f"cannot open the warehouse {self.path}: {said}"
                    ) from exc
                if time.monotonic() >= deadline:
                    raise
                if self.on_busy and not told:
                    self.on_busy(
                        f"{self.path} is busy (a newsclean run is writing a batch); retrying "
                        f"for up to {self.busy_timeout:.0f} s …"
                    )
                    told = True
                time.sleep(0.2)

    def _attach_for_writing(self) -> duckdb.DuckDBPyConnection:
        """A connection that writes the file with row groups of WRITE_ROW_GROUP_SIZE
        (an ATTACH option: DuckDB's connect takes no such setting)."""
        con = duckdb.connect(config={"memory_limit": self.memory_limit})
        try:
            con.execute(
                f"ATTACH ? AS warehouse (ROW_GROUP_SIZE {WRITE_ROW_GROUP_SIZE})", [str(self.path)]
            )
            con.execute("USE warehouse")
        except BaseException:
            con.close()
            raise
        return con

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection; a writable one is migrated to the latest schema first.

        While this process holds a writer for the file (`batch_writer`), reads and
        writes go through it: DuckDB allows one configuration per file and process.
        """
        held = _HELD.get(self.path.resolve())
        if held is not None:
            yield from self._through_held(held)
            return
        con = self._open(read_only) if read_only else self._open_writer()
        try:
            yield con
        finally:
            con.close()

    def _open_writer(self) -> duckdb.DuckDBPyConnection:
        """A writable connection, the file created and migrated to the latest schema."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = self._open(read_only=False)
        migrate(con)
        return con

    def _through_held(self, held: _Held) -> Iterator[duckdb.DuckDBPyConnection]:
        """Use the held writer (opening it if a checkpoint closed it); close it after
        use once it has been open `hold_seconds`, or when the use failed."""
        if held.con is None:
            held.con, held.opened = self._open_writer(), time.monotonic()
            held.con.execute(f"SET checkpoint_threshold = '{HELD_CHECKPOINT_THRESHOLD}'")
            held.con.execute(f"SET threads = {HELD_THREADS}")
        try:
            yield held.con
        except BaseException:
            held.release()
            raise
        if time.monotonic() - held.opened >= held.hold_seconds:
            held.release()

    @contextmanager
    def batch_writer(self, hold_seconds: float = HOLD_SECONDS) -> Iterator[None]:
        """Keep one writer connection for the loads of a run, closed (checkpointed)
        every `hold_seconds` so readers get in, and at the end, when the run's
        batches are done and the last checkpoint may use every core."""
        key = self.path.resolve()
        if key in _HELD:
            raise RuntimeError(f"{self.path} already has a batch writer in this process")
        held = _HELD[key] = _Held(hold_seconds)
        try:
            yield
        finally:
            del _HELD[key]
            held.release(all_threads=True)

    def initialise(self) -> None:
        """Create the file and apply migrations."""
        with self.connect():
            pass

    def start_run(
        self,
        run_id: str,
        flow_run_id: str | None,
        inputs: list[str],
        started_at: datetime,
        mode: str = "incremental",
    ) -> None:
        """Record a new Running run; earlier runs left Running were interrupted (the
        caller holds the writer lock, so none of them is still going)."""
        with self.connect() as con:
            con.execute(sql("interrupt_stale_runs"), {"run_id": run_id})
            con.execute(
                sql("start_run"),
                {
                    "run_id": run_id,
                    "flow_run_id": flow_run_id,
                    "started_at": started_at,
                    "inputs": "\n".join(inputs),
                    "mode": mode,
                },
            )

    def load_batch(
        self, run_id: str, frames: Mapping[str, pl.DataFrame], query: str = "load_batch"
    ) -> LoadCounts:
        """Load one batch, or the frames of several concatenated (see
        `load_group_ready`), in one transaction; documents already present are skipped.

        `frames` maps batch_raw, batch_articles, batch_candidates, batch_issues,
        batch_quarantine (and batch_manifest) to polars frames; they are handed over
        as Arrow (no row-by-row inserts). `query` "reload_batch" replaces what was
        derived from the batch's raw documents instead (--full).
        """
        if query == "load_batch" and "batch_manifest" not in frames:
            frames = {**frames, "batch_manifest": NO_FILES}  # records not from files
        with self.connect() as con:
            for name, frame in frames.items():
                register(con, name, frame)
            with transaction(con):
                row = con.execute(sql(query)).fetchone()
                assert row is not None
                counts = LoadCounts(*(int(v) for v in row))
                con.execute(sql("add_run_counts"), {"run_id": run_id, **counts.__dict__})
        return counts

    def finish_run(
        self, run_id: str, status: str, message: str | None, finished_at: datetime
    ) -> None:
        with self.connect() as con:
            con.execute(
                sql("finish_run"),
                {
                    "run_id": run_id,
                    "status": status,
                    "message": message,
                    "finished_at": finished_at,
                },
            )

    def manifest(self) -> pl.DataFrame:
        """Input files known and not deleted: path, size_bytes, mtime_ns, sha256, records."""
        return self.named("manifest_live")

    def record_skipped_inputs(
        self, run_id: str, documents: int, files: int, deleted: list[str]
    ) -> None:
        """Count unchanged files' documents as skipped; mark vanished files deleted."""
        with self.connect() as con:
            register(con, "gone", pl.DataFrame({"path": deleted}, schema={"path": pl.String}))
            with transaction(con):
                con.execute(sql("mark_deleted"), {"run_id": run_id})
                con.execute(
                    sql("record_unchanged"),
                    {
                        "run_id": run_id,
                        "documents": documents,
                        "files": files,
                        "deleted": len(deleted),
                    },
                )

    def raw_batches(self, run_id: str, size: int, max_bytes: int) -> Iterator[pl.DataFrame]:
        """Every raw document, relabelled with `run_id` (--full), in batches of at most
        `size` documents and `max_bytes` of input (or one larger document)."""
        after = ""
        while True:
            batch = self.named(
                "raw_batch", run_id=run_id, after=after, limit=size, max_bytes=max_bytes
            )
            if batch.is_empty():
                return
            yield batch
            after = batch["doc_id"][-1]

    def save_gates(self, run_id: str, gates: pl.DataFrame) -> None:
        """Record the quality gates checked for a run (name, description, value,
        limit_value, breached); replaces any earlier record for that run."""
        with self.connect() as con:
            register(con, "gates", gates)
            with transaction(con):
                for statement in statements(sql("save_gates")):
                    con.execute(statement, {"run_id": run_id})

    def query(
        self, statement: str, params: Mapping[str, Any] | None = None, read_only: bool = True
    ) -> pl.DataFrame:
        """Run one statement and return its result as a polars frame; a statement
        DuckDB refuses raises QueryError with DuckDB's own words."""
        with self.connect(read_only=read_only) as con:
            try:
                relation = con.sql(statement, params=dict(params or {}))
                if relation is not None:  # None: DuckDB's answer to "", "-- a comment", SET
                    return relation.pl()  # a SELECT runs here, and may fail here
            except REFUSED as exc:
                raise QueryError(str(exc)) from exc
        raise QueryError("no rows to show: the statement is empty or returns no result")

    def named(self, name: str, **params: Any) -> pl.DataFrame:
        """Run the named query `queries/<name>.sql` read-only."""
        return self.query(sql(name), params)
