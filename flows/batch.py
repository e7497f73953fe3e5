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
