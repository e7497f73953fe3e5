"""Property tests: every cleaning step takes any string without raising, and the
text-level repairs are idempotent (cleaning cleaned text changes nothing)."""

from __future__ import annotations

from datetime import datetime

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.clean.boilerplate import main_block
from flows.clean.dates import resolve
from flows.clean.reflow import paragraphs, unglue, unwrap
from flows.clean.repairs import REPAIRS
from flows.clean.structure import split_header, tidy_body
from flows.clean.unicode import repair_unicode

# Text with the characters that matter: newlines, NBSP, mojibake-prone Latin-1,
# curly quotes, U+FFFD, digits and date punctuation.
TEXTS = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=["Cs"]),
        st.sampled_from(list("\n\n .,:/-–()\u00a0\ufffdÃâ€™“”0123456789")),
    ),
    max_size=400,
)
SETTINGS = settings(max_examples=150, deadline=None)


def _unicode(text: str) -> str:
    df = pl.DataFrame({"text": [text]}).with_columns(pl.lit([], dtype=REPAIRS).alias("repairs"))
    return repair_unicode(df)["text"][0]


@SETTINGS
@given(TEXTS)
def test_unicode_repair_total_and_idempotent(text: str) -> None:
    once = _unicode(text)
    assert _unicode(once) == once
    assert "\ufffd" not in once


@SETTINGS
@given(TEXTS)
def test_reflow_idempotent(text: str) -> None:
    unwrapped, _ = unwrap(text)
    assert unwrap(unwrapped)[0] == unwrapped
    glued, _ = unglue(text)
    assert unglue(glued)[0] == glued
    laid = paragraphs(text)
    assert paragraphs(laid) == laid


@SETTINGS
@given(TEXTS, st.one_of(st.none(), TEXTS))
def test_structure_and_boilerplate_total(text: str, title: str | None) -> None:
    body, dropped = main_block(text)
    assert dropped >= 0 and len(body) <= len(text)
    head = split_header(text, title, None)
    tidy_body(head["text"], head["title"])


@SETTINGS
@given(TEXTS, st.one_of(st.none(), st.just("https://x.test/2020/01/31/a")))
def test_dates_total(text: str, url: str | None) -> None:
    out = resolve(text, url, None, None, datetime(2026, 11, 24))
    assert sum(1 for c in out["date_candidates"] if c["chosen"]) <= 1
    if out["published_date"] is not None:
        assert out["published_date"] <= datetime(2026, 11, 25).date()
