"""Run per-document Python logic over a frame and return new typed columns.

Some cleaning (structure, dates) is per-document parsing that polars expressions
cannot express. This helper keeps that logic in plain functions of plain values —
easy to unit-test — while each step stays `frame -> frame` with declared dtypes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import polars as pl

from flows.clean.nested import struct_lists
from flows.clean.repairs import append_repairs


def map_rows(
    df: pl.DataFrame,
    fn: Callable[..., dict[str, Any]],
    inputs: Sequence[str | Sequence[Any]],
    outputs: dict[str, pl.DataType],
) -> pl.DataFrame:
    """Call `fn(*row_of_inputs)` per row; its dict gives `outputs` (+ optional
    "repairs"). An input is a column name of `df`, or per-row Python values the step
    already has: values it computed for the batch, or a column it read itself (a
    page's text read twice cost ~1.5 % of cleaning)."""
    columns = [df[col].to_list() if isinstance(col, str) else col for col in inputs]
    return rows_frame(df, [fn(*values) for values in zip(*columns, strict=True)], outputs)


def rows_frame(
    df: pl.DataFrame, results: Sequence[dict[str, Any]], outputs: dict[str, pl.DataType]
) -> pl.DataFrame:
    """`df` with the per-row `results` (dicts as `map_rows` describes) as columns,
    for a step that computes its rows itself (in more than one pass, say)."""
    new = [
        struct_lists(name, [r[name] for r in results], dtype)
        if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct)
        else pl.Series(name, [r[name] for r in results], dtype=dtype)
        for name, dtype in outputs.items()
    ]
    out = df.with_columns(new) if new else df
    if results and any("repairs" in r for r in results):
        out = append_repairs(out, [r.get("repairs", []) for r in results])
    return out
