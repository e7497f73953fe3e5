"""Lazy validation that splits a frame into valid rows and failures per row.

pandera collects every failed check in one pass (lazy=True); this turns its
failure-case table into, for each failing row, the list of (check, column, value)
a person needs to act on. Failures that are not about a row (a missing column, a
wrong dtype) mean the pipeline itself is broken, so they raise.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaErrors

EXCERPT_CHARS = 80


@dataclass(frozen=True)
class Failure:
    """One failed check on one row."""

    check: str
    column: str | None
    value: str | None


def _excerpt(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).replace("\n", " ⏎ ")
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def split_valid(
    frame: pl.DataFrame, model: type[pa.DataFrameModel]
) -> tuple[pl.DataFrame, dict[int, list[Failure]]]:
    """Validate `frame` against `model`; return (valid rows, {row index: failures})."""
    try:
        model.validate(frame, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return frame, {}
    if cases["index"].null_count():
        frame_level = cases.filter(pl.col("index").is_null())
        raise ValueError(
            f"{model.__name__}: frame-level schema failure (a pipeline bug, not bad data):\n"
            f"{frame_level}"
        )
    failures: dict[int, list[Failure]] = {}
    for row in cases.iter_rows(named=True):
        failures.setdefault(int(row["index"]), []).append(
            Failure(str(row["check"]), row["column"], _excerpt(row["failure_case"]))
        )
    bad = pl.Series(sorted(failures), dtype=pl.Int64)
    valid = frame.with_row_index("_row").filter(~pl.col("_row").is_in(bad)).drop("_row")
    return valid, failures


def check_references(child: pl.DataFrame, parent: pl.DataFrame, key: str, name: str) -> None:
    """Every `child[key]` must exist in `parent[key]` (candidates and issues belong to
    a loaded article). An orphan is a pipeline bug, so it raises."""
    orphans = child.join(parent.select(key), on=key, how="anti")
    if orphans.height:
        raise ValueError(
            f"{name}: {orphans.height} row(s) reference no {key} in the parent frame "
            f"(a pipeline bug): {orphans[key].unique().head(5).to_list()}"
        )
