"""Export: the cleaned corpus out of the warehouse as a file other tools read.

A corpus is cleaned to be used elsewhere: a training set, a search index, a
notebook. DuckDB's COPY writes Parquet, JSON Lines and CSV (gzip- or
zstd-compressed) from a query, streaming, so a million articles never sit in
memory. The articles come in the order the warehouse holds them, which is the
order they were loaded (a run loads its inputs in order), so the same warehouse
exports the same file. That order is the table's own, kept by reading `articles`
and keeping the ids a view picks (a semi join): sorting by input path instead made
DuckDB hold the bodies to sort them, and 100,000 articles did not fit in 256 MB
(this way they take 128 MB). The file is written under a temporary name beside the
target and renamed when complete: a failed export leaves no half-written file, and
a reader never sees one.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.store import REFUSED, QueryError, Warehouse

# The output format by the file's suffix, and the compression by a last suffix.
FORMATS = {".parquet": "parquet", ".jsonl": "json", ".ndjson": "json", ".csv": "csv"}
COMPRESSIONS = {".gz": "gzip", ".zst": "zstd"}
# Which articles: every body once, the latest version of each input record, or every
# version ever loaded (the views of warehouse/views.sql, or the table itself).
SOURCES = {"distinct": "distinct_articles", "current": "current_articles", "all": None}
# DuckDB's memory for an export (its default for newsclean's loads is 128 MB):
# row groups of Parquet being written, and the ids a view keeps.
EXPORT_MEMORY_LIMIT = os.environ.get("NEWSCLEAN_DUCKDB_MEMORY_LIMIT", "512MB")
PARQUET_ROW_GROUP = 8192  # rows: a row group of bodies is built in memory


@dataclass(frozen=True)
class Exported:
    """What an export wrote."""

    path: Path
    articles: int
    size_bytes: int
    seconds: float


def output_format(path: Path) -> tuple[str, str | None]:
    """(DuckDB format, compression) for an output file, by its name; ValueError
    naming the formats there are when the name says none of them."""
    suffixes = [s.lower() for s in path.suffixes]
    compression = COMPRESSIONS.get(suffixes[-1]) if suffixes else None
    if compression:
        suffixes = suffixes[:-1]
    fmt = FORMATS.get(suffixes[-1]) if suffixes else None
    if fmt is None or (fmt == "parquet" and compression):
        raise ValueError(
            f"cannot tell the format of {path.name}: name it .parquet (compressed inside "
            "with zstd), .jsonl or .csv, the last two optionally .gz or .zst"
        )
    return fmt, compression


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def export_articles(
    store: Warehouse, out: Path, source: str = "current", where: str | None = None
) -> Exported:
    """Write the articles of `source` (SOURCES) that match the SQL condition `where`
    to `out`, in the format its name says (`output_format`). A condition or source
    DuckDB refuses raises QueryError with its words; nothing is written then."""
    fmt, compression = output_format(out)
    options = [f"FORMAT {fmt}"]
    if fmt == "parquet":
        options += ["COMPRESSION zstd", f"ROW_GROUP_SIZE {PARQUET_ROW_GROUP}"]
    elif compression:
        options.append(f"COMPRESSION {compression}")
    if fmt == "csv":
        options.append("HEADER true")
    view = SOURCES[source]
    kept = f" SEMI JOIN (SELECT article_id FROM {view}) USING (article_id)" if view else ""
    query = f"SELECT * FROM articles{kept} WHERE {where or 'true'}"
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    start = time.perf_counter()
    try:
        with store.connect(read_only=True) as con:
            con.execute(f"SET memory_limit = {_literal(EXPORT_MEMORY_LIMIT)}")
            try:
                row = con.execute(
                    f"COPY ({query}) TO {_literal(str(partial))} ({', '.join(options)})"
                ).fetchone()
            except REFUSED as exc:
                hint = ""
                if view and f"name {view} does not exist" in str(exc):
                    hint = "\n(the warehouse predates it: a `newsclean run` brings it up to date)"
                raise QueryError(f"{exc}{hint}") from exc
            except duckdb.OutOfMemoryException as exc:
                raise QueryError(
                    f"{exc}\n(DuckDB may use {EXPORT_MEMORY_LIMIT} here: set "
                    "NEWSCLEAN_DUCKDB_MEMORY_LIMIT higher)"
                ) from exc
            except duckdb.IOException as exc:  # the output could not be written
                raise OSError(f"cannot write {out}: {exc}") from exc
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return Exported(out, int(row[0]) if row else 0, out.stat().st_size, time.perf_counter() - start)
