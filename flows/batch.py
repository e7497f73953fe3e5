"""What a batch task hands back to the flow: plain data, polars frames only.

Kept apart from the stages that produce it, so the process that only receives and
loads batches (the flow, when batches run on workers) unpickles them without
importing the cleaning and validation code (pandera, dateparser, the language
model: ~110 MB it never uses).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl


@dataclass(frozen=True)
class ValidatedBatch:
    """The frames ready to load, all checked; `quarantine` holds what failed."""

    raw: pl.DataFrame
    articles: pl.DataFrame
    date_candidates: pl.DataFrame
    quality_issues: pl.DataFrame
    quarantine: pl.DataFrame

    def frames(self) -> dict[str, pl.DataFrame]:
        """The frames under the names the warehouse load expects."""
        return {
            "batch_raw": self.raw,
            "batch_articles": self.articles,
            "batch_candidates": self.date_candidates,
            "batch_issues": self.quality_issues,
            "batch_quarantine": self.quarantine,
        }


@dataclass
class PreparedBatch:
    """A batch ready to load, with the manifest rows it completes and its timings."""

    validated: ValidatedBatch
    manifest: pl.DataFrame | None
    documents: int
    input_bytes: int
    seconds: dict[str, float] = field(default_factory=dict)
    # Records read per input file in this batch (`flows.ingest.UnitRead`).
    documents_by_file: dict[str, int] = field(default_factory=dict)


class FileTally:
    """Counts each input file's records over the batches that read it, in order, and
    gives the manifest row of the batch that completes a file that count: the planner
    counted a JSONL file's lines, and a line that is an API's answer gives several
    records. An unchanged file's records count as its documents skipped in a later
    run, so they must be what was read."""

    def __init__(self) -> None:
        self._read: dict[str, int] = {}

    def add(self, batch: PreparedBatch) -> None:
        """Count `batch`'s records, and put the totals in its manifest rows."""
        for path, documents in batch.documents_by_file.items():
            self._read[path] = self._read.get(path, 0) + documents
        manifest = batch.manifest
        if manifest is None or manifest.is_empty():
            return
        totals = [
            self._read.pop(path, planned)
            for path, planned in zip(manifest["path"], manifest["records"], strict=True)
        ]
        batch.manifest = manifest.with_columns(pl.Series("records", totals, dtype=pl.Int64))
