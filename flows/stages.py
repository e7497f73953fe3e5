"""One batch through ingest → clean → validate, timed: the work a batch task does.

Plain Python (no Prefect, no DuckDB), so the same function runs in the flow's own
process, in a pool of worker processes or on a Dask worker, and the result (polars
frames, which pickle as Arrow) travels back to the one process that writes the
warehouse.
"""

from __future__ import annotations

import time
from datetime import datetime

import polars as pl

from flows.batch import PreparedBatch
from flows.clean import clean_batch
from flows.ingest import ingest_unit
from flows.ingest.units import Unit
from flows.validate import validate_batch
from flows.workers import exit_with_parent, release_free_memory


def prepare_batch(
    unit: Unit | None,
    raw: pl.DataFrame | None,
    run_id: str,
    ingested_at: datetime,
    max_bytes: int | None,
    raise_transient: bool = False,
) -> PreparedBatch:
    """Read `unit` (or take `raw`, already-read bronze rows for --full), clean and
    validate it. Exactly one of `unit` and `raw` is given."""
    exit_with_parent()
    release_free_memory()
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    manifest: pl.DataFrame | None = None
    documents_by_file: dict[str, int] = {}
    if unit is not None:
        raw, manifest, documents_by_file = ingest_unit(
            unit, run_id, ingested_at, max_bytes, raise_transient
        )
    if raw is None:
        raise ValueError("prepare_batch needs a unit to read or raw rows")
    seconds["ingest"] = time.perf_counter() - start
    start = time.perf_counter()
    cleaned = clean_batch(raw)
    seconds["clean"] = time.perf_counter() - start
    start = time.perf_counter()
    validated = validate_batch(raw, cleaned)
    seconds["validate"] = time.perf_counter() - start
    return PreparedBatch(
        validated,
        manifest,
        documents=raw.height,
        input_bytes=int(raw["size_bytes"].sum() or 0),
        seconds=seconds,
        documents_by_file=documents_by_file,
    )
