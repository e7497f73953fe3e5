"""Ingest (bronze): files → one polars frame of raw records, verbatim, with provenance."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, fields
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import polars as pl
from polars.exceptions import PanicException

from flows.ingest.failures import our_failure
from flows.ingest.readers import (
    FileState,
    RawRecord,
    discover,
    error_record,
    format_of,
    own_outputs,
    read_archive,
    read_csv_range,
    read_input,
    read_json_items,
    read_range,
    read_rows,
    unreadable,
)
from flows.ingest.units import Piece, Unit, plan_units
from flows.ingest.warc import read_span

RAW_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "source_uri": pl.String(),
    "record_index": pl.Int64(),
    "record_path": pl.String(),
    "format": pl.String(),
    "encoding": pl.String(),
    "sha256": pl.String(),
    "size_bytes": pl.Int64(),
    "raw_text": pl.String(),
    "source_id": pl.String(),
    "url": pl.String(),
    "title": pl.String(),
    "date": pl.String(),
    "extra": pl.String(),
    "error": pl.String(),
    "ingested_at": pl.Datetime("us"),
    "run_id": pl.String(),
}

# The rest of RAW_SCHEMA: a record's `place` only goes into its doc_id.
RECORD_FIELDS = tuple(f.name for f in fields(RawRecord) if f.name in RAW_SCHEMA)

MANIFEST_SCHEMA: dict[str, pl.DataType] = {
    "path": pl.String(),
    "size_bytes": pl.Int64(),
    "mtime_ns": pl.Int64(),
    "sha256": pl.String(),
    "records": pl.Int64(),
    "run_id": pl.String(),
}

__all__ = [
    "MANIFEST_SCHEMA",
    "RAW_SCHEMA",
    "discover",
    "doc_id_for",
    "ingest_batch",
    "ingest_files",
    "ingest_unit",
    "own_outputs",
    "plan_units",
    "records_to_frame",
]


def doc_id_for(source_uri: str, place: int | str, sha256: str) -> str:
    """Stable id of one version of one record: same place + same bytes = same id.

    The place is the record's index in its file, or a feed entry's guid
    (`RawRecord.key`). Keying on the content hash makes re-runs idempotent, and a
    changed file a new version with a new id while the old one stays in the warehouse.
    """
    key = f"{source_uri}\x00{place}\x00{sha256}".encode()
    return hashlib.sha256(key).hexdigest()[:24]


def records_to_frame(
    records: Iterable[RawRecord], run_id: str, ingested_at: datetime
) -> pl.DataFrame:
    """Raw records → the bronze frame (one row per record, errors included).

    Built column by column: a dict per record (`dataclasses.asdict`) took 15 µs a
    record, a quarter of reading a JSONL batch."""
    records = list(records)
    columns: dict[str, list[Any]] = {
        "doc_id": [doc_id_for(r.source_uri, r.key, r.sha256) for r in records],
        "ingested_at": [ingested_at] * len(records),
        "run_id": [run_id] * len(records),
    }
    for name in RECORD_FIELDS:
        columns[name] = [getattr(r, name) for r in records]
    return pl.DataFrame({name: columns[name] for name in RAW_SCHEMA}, schema=RAW_SCHEMA)


def ingest_batch(
    files: Iterable[Path],
    run_id: str,
    ingested_at: datetime,
    max_bytes: int | None = None,
    raise_transient: bool = False,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read every file of a batch: (bronze frame, manifest rows of the files read)."""
    unit = Unit(0, tuple(Piece(Path(path)) for path in files))
    read = ingest_unit(unit, run_id, ingested_at, max_bytes, raise_transient)
    return read.raw, read.manifest


def read_warc_piece(piece: Piece, max_bytes: int | None, raise_transient: bool) -> list[RawRecord]:
    """The records of a piece of a WARC file; the file system's errors as for any file."""
    try:
        return read_span(
            piece.path, piece.start, piece.end, piece.first_line, piece.warc or "", max_bytes
        )
    except OSError as exc:
        return [unreadable(piece.path, "warc", exc, raise_transient, piece.first_line)]


def read_piece(
    piece: Piece, max_bytes: int | None, raise_transient: bool
) -> tuple[list[RawRecord], FileState | None]:
    """The records of one piece of a work unit, by the kind of piece the planner cut,
    and the manifest state of the file when the piece is a whole file."""
    if piece.error is not None:  # a compressed file's damaged end; no text column
        fmt = format_of(piece.source)
        return [error_record(piece.source, fmt, piece.error, index=piece.first_line)], None
    if piece.members and piece.whole:  # an archive's members, read whole
        return read_archive(piece.path, piece.members, max_bytes, raise_transient), None
    if piece.warc is not None:
        return read_warc_piece(piece, max_bytes, raise_transient), None
    if piece.items:  # a JSON array's items or an object's list's; also a member's
        return read_json_items(
            piece.source,
            piece.start,
            piece.end or piece.start,
            piece.first_line,
            max_bytes,
            raise_transient,
            piece.opener,
            piece.encoding,
            piece.items,
        ), None
    if piece.rows:  # a Parquet file's rows, or an archive's Parquet member's
        return read_rows(
            piece.source,
            piece.start,
            (piece.end or piece.start) - piece.start,
            max_bytes,
            raise_transient,
            piece.opener,
            piece.footer_key,
        ), None
    if piece.header:  # a CSV file's records, or an archive's CSV member's
        return read_csv_range(
            piece.source,
            piece.start,
            piece.end or piece.start,
            piece.first_line,
            piece.header,
            max_bytes,
            raise_transient,
            piece.encoding,
            piece.opener,
        ), None
    if piece.whole:
        return read_input(piece.path, max_bytes, raise_transient)
    # a JSONL file's lines, or an archive's JSONL member's
    return read_range(
        piece.source,
        piece.start,
        piece.end or piece.start,
        piece.first_line,
        max_bytes,
        raise_transient,
        piece.encoding,
        piece.opener,
    ), None


def unread_piece(piece: Piece, exc: BaseException) -> RawRecord:
    """The error record of a piece whose reader failed in a way no input should make
    it fail: what failed, for the person who reports it."""
    reason = our_failure("read", exc)
    return error_record(piece.source, format_of(piece.source), reason, index=piece.first_line)


class UnitRead(NamedTuple):
    """What reading a work unit gives."""

    raw: pl.DataFrame  # the bronze frame
    manifest: pl.DataFrame  # the manifest rows of the files the unit completes
    # Records read per input file (its manifest path): the planner counts a JSONL
    # file's lines, and a line that is an API's answer gives several records.
    documents_by_file: dict[str, int]


def ingest_unit(
    unit: Unit,
    run_id: str,
    ingested_at: datetime,
    max_bytes: int | None = None,
    raise_transient: bool = False,
) -> UnitRead:
    """Read one work unit: its bronze frame, the manifest rows of the files it
    completes, and how many records it read from each file (`UnitRead`)."""
    records: list[RawRecord] = []
    states: list[FileState] = list(unit.completes)
    documents_by_file: dict[str, int] = {}
    for piece in unit.pieces:
        try:
            recs, state = read_piece(piece, max_bytes, raise_transient)
        except (OSError, MemoryError):
            raise  # the machine's trouble, not the input's: the task retries, or fails
        except (Exception, PanicException) as exc:  # a reader's bug (or a library's
            # panic) must not stop the run: the piece is quarantined with what failed
            recs, state = [unread_piece(piece, exc)], None
        if state is not None:
            states.append(state)
        records.extend(recs)
        key = str(piece.path)
        documents_by_file[key] = documents_by_file.get(key, 0) + len(recs)
    manifest = pl.DataFrame(
        [{**asdict(st), "run_id": run_id} for st in states] or None, schema=MANIFEST_SCHEMA
    )
    return UnitRead(records_to_frame(records, run_id, ingested_at), manifest, documents_by_file)


def ingest_files(
    files: Iterable[Path], run_id: str, ingested_at: datetime, max_bytes: int | None = None
) -> pl.DataFrame:
    """Read every file of a batch into the bronze frame."""
    return ingest_batch(files, run_id, ingested_at, max_bytes)[0]
