"""The repair log as data: every step appends {kind, detail} structs to `repairs`.

A list-of-struct column travels with the article through every step, so the log is
built vectorised and exploded into `quality_issues` rows at the end — never a log line.
"""

from __future__ import annotations

import polars as pl

REPAIR = pl.Struct({"kind": pl.String(), "detail": pl.String()})
REPAIRS = pl.List(REPAIR)

Repair = dict[str, str]


def repair(kind: str, detail: str) -> Repair:
    """One repair-log entry."""
    return {"kind": kind, "detail": detail}


def append_repairs(df: pl.DataFrame, new: list[list[Repair]] | pl.Series) -> pl.DataFrame:
    """Append per-row lists of repairs to the `repairs` column (created when missing)."""
    series = new if isinstance(new, pl.Series) else pl.Series("_new", new, dtype=REPAIRS)
    if "repairs" not in df.columns:
        return df.with_columns(series.alias("repairs"))
    return df.with_columns(pl.concat_list(pl.col("repairs"), series.alias("_new")).alias("repairs"))


def excerpt(text: str, start: int, end: int, width: int = 30) -> str:
    """A short one-line window around text[start:end], for a human reading the log."""
    left = max(0, start - width)
    right = min(len(text), end + width)
    snippet = text[left:right].replace("\n", " ⏎ ")
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")
