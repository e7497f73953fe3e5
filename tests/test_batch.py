"""FileTally: a completed file's manifest row counts the records read from it."""

from __future__ import annotations

import polars as pl

from flows.batch import FileTally, PreparedBatch, ValidatedBatch
from flows.ingest import MANIFEST_SCHEMA

EMPTY = pl.DataFrame()


def _batch(read: dict[str, int], completes: dict[str, int]) -> PreparedBatch:
    manifest = pl.DataFrame(
        [
            {"path": p, "size_bytes": 1, "mtime_ns": 1, "sha256": "s", "records": n, "run_id": "r"}
            for p, n in completes.items()
        ]
        or None,
        schema=MANIFEST_SCHEMA,
    )
    validated = ValidatedBatch(EMPTY, EMPTY, EMPTY, EMPTY, EMPTY)
    return PreparedBatch(validated, manifest, sum(read.values()), 0, documents_by_file=read)


def test_a_file_read_over_several_batches_counts_all_its_records() -> None:
    tally = FileTally()
    first = _batch({"a.jsonl": 3}, {})
    second = _batch({"a.jsonl": 4, "b.txt": 1}, {"a.jsonl": 2, "b.txt": 1})
    third = _batch({"c.jsonl": 2}, {"c.jsonl": 2})
    for batch in (first, second, third):
        tally.add(batch)
    assert first.manifest is not None and first.manifest.is_empty()
    assert second.manifest is not None and third.manifest is not None
    # a.jsonl: 2 lines planned, 7 records read (lines that were API answers).
    assert second.manifest.select("path", "records").rows() == [("a.jsonl", 7), ("b.txt", 1)]
    assert third.manifest.select("path", "records").rows() == [("c.jsonl", 2)]


def test_a_completed_file_with_nothing_read_keeps_the_planned_count() -> None:
    tally = FileTally()
    batch = _batch({}, {"empty.jsonl": 0})
    tally.add(batch)
    assert batch.manifest is not None
    assert batch.manifest["records"].to_list() == [0]
