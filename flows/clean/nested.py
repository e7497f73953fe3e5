"""Per-row lists of dicts as one polars list-of-struct column, built flat.

polars builds a nested column from Python lists of dicts one value at a time, and
most rows of a batch have no entry at all: 13,000 date candidates for 3,000 pages
took 0.09 s that way, 0.02 s as below (one flat frame of the entries, grouped by
row and joined back to every row).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl


def struct_lists(
    name: str, rows: Sequence[Sequence[Mapping[str, Any]]], dtype: pl.List
) -> pl.Series:
    """A `dtype` (list of struct) Series with one list per row; an empty row is [].
    Every entry must have every field of the struct (None for a null)."""
    return lists_of_entries(name, entries_frame(rows, dtype), len(rows), dtype)


def entries_frame(rows: Sequence[Sequence[Mapping[str, Any]]], dtype: pl.List) -> pl.DataFrame:
    """The rows' entries as one flat frame: `_row` (UInt32) and the struct's fields."""
    fields = _fields(dtype)
    return pl.DataFrame(
        {
            "_row": [i for i, entries in enumerate(rows) for _ in entries],
            **{f: [entry[f] for entries in rows for entry in entries] for f in fields},
        },
        schema={"_row": pl.UInt32(), **fields},
    )


def lists_of_entries(name: str, entries: pl.DataFrame, height: int, dtype: pl.List) -> pl.Series:
    """A `dtype` Series of `height` lists from a flat frame of entries: a `_row`
    column (UInt32, ascending) and the struct's fields; a row without entries gets []."""
    fields = _fields(dtype)
    empty = pl.lit([], dtype=dtype)
    if entries.is_empty():
        return pl.select(pl.repeat(empty, height)).to_series().alias(name)
    grouped = entries.group_by("_row", maintain_order=True).agg(pl.struct(list(fields)).alias(name))
    return (
        pl.DataFrame({"_row": pl.arange(0, height, dtype=pl.UInt32, eager=True)})
        .join(grouped, on="_row", how="left", maintain_order="left")[name]
        .fill_null(empty)
        .cast(dtype)
    )


def _fields(dtype: pl.List) -> dict[str, pl.DataType]:
    struct = dtype.inner
    if not isinstance(struct, pl.Struct):
        raise TypeError(f"struct_lists builds lists of structs, not {dtype}")
    return dict(struct.to_schema())
