"""Property tests: every cleaning step takes any string without raising, and the
text-level repairs are idempotent (cleaning cleaned text changes nothing)."""

from __future__ import annotations

import re
import time
from datetime import datetime

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.clean import clean_batch
from flows.clean.boilerplate import main_block
from flows.clean.dates import Intervals, _Taken, resolve
from flows.clean.headline import shorter_readings
from flows.clean.reflow import LINE_SPACE, SPACE_RUN, join_drop_caps, reflow_paragraphs, unwrap
from flows.clean.repairs import REPAIRS, changed_window
from flows.clean.structure import split_header, tidy_body
from flows.clean.unicode import repair_unicode
from flows.evaluation import bronze_frame
from flows.validate import validate_batch

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


# The per-text reading of the last reflow step, as Python's re writes it (look-around,
# str.split()); the polars step must give exactly this.
_GLUED = re.compile(r"(?<=[a-z0-9)\"”’%])([.!?])(?=[A-Z][a-z])")


def _reference_reflow(text: str) -> tuple[str, list[tuple[str, str, str]]]:
    unglued, glued = _GLUED.subn(r"\1 ", text)
    parts = [" ".join(line.split()) for line in unglued.split("\n")]
    log = []
    if glued:
        before, after = changed_window(text, unglued, width=30)
        log.append((f"{glued} sentence(s)", before, after))
    laid = "\n\n".join(p for p in parts if p)
    # Drop caps are joined per text in the step too: the reading of the laid-out text.
    joined, caps = join_drop_caps(laid)
    if caps:
        before, after = changed_window(laid, joined, width=30)
        log.append((f"{caps} drop cap(s)", before, after))
    return joined, log


def _reflow(texts: list[str]) -> list[tuple[str, list[tuple[str, str, str]]]]:
    df = pl.DataFrame({"text": texts}, schema={"text": pl.String})
    out = reflow_paragraphs(df.with_columns(pl.lit([], dtype=REPAIRS).alias("repairs")))
    return [
        (text, [(r["detail"], r["before"], r["after"]) for r in repairs])
        for text, repairs in out.select("text", "repairs").rows()
    ]


GLUE_TEXTS = st.text(alphabet=st.sampled_from(list("aBcDz9)”%.!? \t\n\x1c\u2028\u00a0é")))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(TEXTS, GLUE_TEXTS), min_size=1, max_size=6))
def test_reflow_step_is_the_per_text_reading(texts: list[str]) -> None:
    assert _reflow(texts) == [_reference_reflow(t) for t in texts]


def test_line_space_is_what_python_splits_on_within_a_line() -> None:
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    matched = pl.Series(chars).str.contains(f"^{LINE_SPACE}$").to_list()
    assert matched == [c.isspace() and c != "\n" for c in chars]


@SETTINGS
@given(GLUE_TEXTS)
def test_space_runs_change_what_line_space_runs_change(text: str) -> None:
    """Skipping lone spaces (SPACE_RUN) lays out the same text as replacing every
    run of spaces (LINE_SPACE)."""
    s = pl.Series([text, text + "  \t\x1c x \u00a0"])
    assert (
        s.str.replace_all(SPACE_RUN, " ").to_list()
        == s.str.replace_all(f"{LINE_SPACE}+", " ").to_list()
    )


def test_reflow_splits_chains_of_short_words() -> None:
    ((text, log),) = _reflow(["It rained.So we met at noon.Ab.Cd.Ef went home."])
    assert text == "It rained. So we met at noon. Ab. Cd. Ef went home."
    assert log[0][0] == "4 sentence(s)"


@SETTINGS
@given(TEXTS)
def test_reflow_idempotent(text: str) -> None:
    unwrapped, _ = unwrap(text)
    assert unwrap(unwrapped)[0] == unwrapped
    ((laid, _),) = _reflow([text])
    assert _reflow([laid]) == [(laid, [])]


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


# Pieces of page titles: words, the separators of a site suffix, runs of whitespace.
TITLE_PIECES = st.lists(
    st.sampled_from(
        ["News", "Storm", "hits", "the", "coast", " ", "   ", "\t", " - ", " | ", "-", "»"]
    ),
    max_size=14,
).map("".join)
OLD_SITE_SUFFIX = re.compile(r"\s+[-|–—:·»]\s+[^-|–—:·»]{2,60}$")  # before session 27


@SETTINGS
@given(TITLE_PIECES)
def test_the_site_suffix_is_found_where_it_was_before_matches_started_at_a_space_run(
    title: str,
) -> None:
    """PAGE_SITE_SUFFIX now starts a match only where a whitespace run starts, which
    the leftmost match always did: the same readings of every title."""
    assert list(shorter_readings(title)) == list(shorter_readings(title, OLD_SITE_SUFFIX))


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8)), max_size=40))
def test_taken_spans_answer_overlaps_as_a_scan_of_them_all_did(spans: list) -> None:
    """`_Taken` keeps the date spans sorted and bisects; the scan it replaced."""
    taken, plain = _Taken(), []
    for start, length in spans:
        end = start + length
        overlaps = any(s < end and start < e for s, e in plain)
        assert taken.overlaps(start, end) == overlaps
        if not overlaps:
            taken.add(start, end)
            plain.append((start, end))


@SETTINGS
@given(
    st.lists(st.tuples(st.integers(-20, 80), st.integers(0, 30)), min_size=1, max_size=30),
    st.integers(-40, 120),
)
def test_intervals_answer_as_asking_every_span_did(spans: list, point: int) -> None:
    """`Intervals` bisects sorted spans (which may overlap, as byline zones do); the
    scans over every span that it replaced."""
    spans = [(a, a + length) for a, length in spans]
    found = Intervals(spans)
    assert found.holds(point) == any(a <= point < b for a, b in spans)
    assert found.distance(point) == min(max(a - point, point - b, 0) for a, b in spans)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "a line of 200,000 spaces (boilerplate's headline match: 5 min)",
            "a" + " " * 200_000 + "b",
        ),
        ("60,000 dates (each new one checked against all before it: ~2 min)", "1/2/2020 " * 60_000),
        (
            "the headline and a date, 8,000 times (every date asked every headline: 50 s)",
            "Storm hits the coast today - Site\n\n"
            + "\n".join(["Storm hits the coast today", "March 2, 2020"] * 8000),
        ),
        (
            "1,600 long lines that start alike (each compared with the whole page: 225 s)",
            "\n".join(
                f"{'The bridge will close for repairs next week. ' * 17}{i}" for i in range(1600)
            ),
        ),
    ],
)
def test_a_pathological_page_is_cleaned_not_stalled(name: str, text: str) -> None:
    """A guard against a hang, not a speed target: each page took minutes before its
    fix (quadratic in the run of spaces, or in the dates found) and under a second
    after; 60 s leaves room for any machine."""
    raw = bronze_frame([{"id": "x", "url": "https://x.test/2020/01/02/a", "text": text}])
    began = time.perf_counter()
    result = validate_batch(raw, clean_batch(raw))
    assert time.perf_counter() - began < 60, name
    assert result.articles.height + result.quarantine.height == 1
