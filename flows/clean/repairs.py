"""The repair log as data: every step appends {kind, detail} structs to `repairs`.

A list-of-struct column travels with the article through every step, so the log is
built vectorised and exploded into `quality_issues` rows at the end — never a log line.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from flows.clean.nested import entries_frame, lists_of_entries, struct_lists

# before/after: a short excerpt of the text around the change, for the report's examples.
REPAIR = pl.Struct(
    {"kind": pl.String(), "detail": pl.String(), "before": pl.String(), "after": pl.String()}
)
REPAIRS = pl.List(REPAIR)

Repair = dict[str, str | None]
EXAMPLE_CHARS = 160  # longest before/after excerpt kept per repair


def repair(kind: str, detail: str, before: str | None = None, after: str | None = None) -> Repair:
    """One repair-log entry, with an optional before/after excerpt."""
    return {
        "kind": kind,
        "detail": detail,
        "before": None if before is None else before[:EXAMPLE_CHARS],
        "after": None if after is None else after[:EXAMPLE_CHARS],
    }


def _matching_length(same: Callable[[int, int], bool], n: int) -> int:
    """The largest k <= n such that `same(0, k)`, where `same(lo, hi)` says whether
    two texts agree on their characters lo to hi (counted from one end), for a
    prefix or a suffix. Found with slice equality (string comparison runs in C; a
    character loop in Python cost ~0.2 ms per page): slices doubling in length
    until one differs, then bisection inside it. A page's first change is usually
    early, so the slices stay short (bisecting the whole text made changed_window
    ~16 µs a page, a third of joining hard wraps)."""
    lo, step = 0, 64
    while True:
        hi = min(n, lo + step)
        if not same(lo, hi):
            break
        if hi == n:
            return n
        lo, step = hi, step * 2
    hi -= 1  # the match ends in [lo, hi]
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if same(lo, mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_prefix(a: str, b: str) -> int:
    """Length of the longest common prefix."""
    return _matching_length(lambda lo, hi: a[lo:hi] == b[lo:hi], min(len(a), len(b)))


def _common_suffix(a: str, b: str) -> int:
    """Length of the longest common suffix (without reversing both texts)."""
    la, lb = len(a), len(b)
    return _matching_length(
        lambda lo, hi: a[la - hi : la - lo] == b[lb - hi : lb - lo], min(la, lb)
    )


def changed_window(before: str, after: str, width: int = 50) -> tuple[str, str]:
    """Matching excerpts of two texts around their first difference."""
    i = _common_prefix(before, after)
    limit = min(len(before), len(after)) - i
    same = min(_common_suffix(before, after), limit)
    end_b, end_a = (i + 1, i + 1) if same == limit else (len(before) - same, len(after) - same)
    lo = max(0, i - width)
    return (
        before[lo : min(len(before), end_b + width)].replace("\n", " ⏎ "),
        after[lo : min(len(after), end_a + width)].replace("\n", " ⏎ "),
    )


def append_repairs(df: pl.DataFrame, new: list[list[Repair]]) -> pl.DataFrame:
    """Append per-row lists of repairs to the `repairs` column (created when missing).

    Built sparse (`struct_lists`): most rows of a batch have no repair, and turning
    thousands of empty Python lists into a nested polars column costs more than the
    step itself. Appending goes through the flat entries too (the row's old entries,
    then its new ones, regrouped): `concat_list` on the list-of-struct column took
    10 ms a step for 3,280 pages, this 3 ms.
    """
    if len(new) != df.height:
        raise ValueError(f"{len(new)} repair lists for {df.height} rows")
    if not any(new):
        if "repairs" in df.columns:
            return df
        return df.with_columns(pl.lit([], dtype=REPAIRS).alias("repairs"))
    if "repairs" not in df.columns:
        return df.with_columns(struct_lists("repairs", new, REPAIRS))
    old = (
        df.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"), "repairs")
        .explode("repairs")
        .drop_nulls("repairs")  # an empty list explodes to a null
        .unnest("repairs")
    )
    added = entries_frame(new, REPAIRS)
    entries = pl.concat([old, added]).sort("_row", maintain_order=True)
    return df.with_columns(lists_of_entries("repairs", entries, df.height, REPAIRS))


def excerpt(text: str, start: int, end: int, width: int = 30) -> str:
    """A short one-line window around text[start:end], for a human reading the log."""
    left = max(0, start - width)
    right = min(len(text), end + width)
    snippet = text[left:right].replace("\n", " ⏎ ")
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")
