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
    inputs: Sequence[str],
    outputs: dict[str, pl.DataType],
    extra: Sequence[Sequence[Any]] = (),
) -> pl.DataFrame:
    """Call `fn(*row[inputs], *row_of_extra)` per row; its dict gives `outputs` (+
    optional "repairs"). `extra` holds per-row Python values computed for the batch."""
    columns = [df[name].to_list() for name in inputs] + [list(values) for values in extra]
    results = [fn(*values) for values in zip(*columns, strict=True)]
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
