"""struct_lists builds the same list-of-struct column polars builds from Python, and
append_repairs appends to one as list concatenation would."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.clean.dates import CANDIDATE
from flows.clean.nested import struct_lists
from flows.clean.repairs import REPAIRS, append_repairs

_text = st.one_of(st.none(), st.text(max_size=8))
_repair = st.fixed_dictionaries({"kind": st.text(max_size=5), "detail": _text,
                                 "before": _text, "after": _text})  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_repair, max_size=3), max_size=12))
def test_equals_the_column_polars_builds_from_the_lists(rows: list[list[dict]]) -> None:
    built = struct_lists("repairs", rows, REPAIRS)
    assert built.dtype == REPAIRS and built.name == "repairs"
    assert built.to_list() == pl.Series("repairs", rows, dtype=REPAIRS).to_list()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.lists(_repair, max_size=3), st.lists(_repair, max_size=3)), max_size=12)
)
def test_append_repairs_keeps_each_row_s_old_entries_first(rows: list[tuple]) -> None:
    old, new = [o for o, _ in rows], [n for _, n in rows]
    df = pl.DataFrame({"repairs": pl.Series(old, dtype=REPAIRS), "n": range(len(rows))})
    out = append_repairs(df, new)
    assert out["repairs"].to_list() == [o + n for o, n in rows]
    assert out["n"].to_list() == list(range(len(rows))) and out["repairs"].dtype == REPAIRS
    fresh = append_repairs(df.drop("repairs"), new)["repairs"]  # no column yet
    assert fresh.to_list() == new and fresh.dtype == REPAIRS


def test_date_candidates_keep_their_types() -> None:
    from datetime import date, datetime

    cand = {"raw": "7 March 2022", "origin": "byline", "position": 40,
            "parsed_date": date(2022, 3, 7), "parsed_at": datetime(2022, 3, 7, 9, 30),
            "partial": False, "chosen": True, "note": None}  # fmt: skip
    rows = [[], [cand, {**cand, "position": 90, "chosen": False}], []]
    built = struct_lists("date_candidates", rows, pl.List(CANDIDATE))
    assert built.to_list() == [[], rows[1], []]
    assert built.dtype == pl.List(CANDIDATE)


def test_only_lists_of_structs() -> None:
    with pytest.raises(TypeError):
        struct_lists("x", [[1]], pl.List(pl.Int64))
