"""Hard-wrap joining: `unwrap` strips each line once and decides exactly as the
line-by-line version it replaced (kept here as the reference)."""

from __future__ import annotations

import re

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.clean.reflow import MAX_WRAP, MIN_WRAP, join_drop_caps, reflow_paragraphs, unwrap
from flows.clean.repairs import REPAIRS
from tests.conftest import real_texts

_TERMINAL = re.compile(r"[.!?:;\"”’»)\]…]$")


def _reference_unwrap(text: str) -> tuple[str, int]:
    lines = text.split("\n")
    cands = []
    for i in range(len(lines) - 1):
        line, nxt = lines[i].rstrip(), lines[i + 1]
        if (
            MIN_WRAP <= len(line.strip()) <= MAX_WRAP
            and not _TERMINAL.search(line)
            and nxt.strip()
            and not nxt[:1].isspace()
        ):
            cands.append(i)
    long_lines = sum(1 for line in lines if len(line.strip()) >= MIN_WRAP)
    if len(cands) < 2 or len(cands) < 0.25 * long_lines:
        return text, 0
    lengths = sorted(len(lines[i].strip()) for i in cands)
    width = lengths[int(0.9 * (len(lengths) - 1))]
    if sum(1 for n in lengths if n >= 0.7 * width) < 0.7 * len(lengths):
        return text, 0
    join = {i for i in cands if len(lines[i].strip()) >= 0.6 * width}
    out: list[str] = []
    joined = 0
    for i, line in enumerate(lines):
        if out and (i - 1) in join:
            out[-1] = out[-1].rstrip() + " " + line.strip()
            joined += 1
        else:
            out.append(line)
    return "\n".join(out), joined


# Lines around the wrap widths, ending in letters, punctuation or odd whitespace,
# some indented, some blank.
_LINE = st.builds(
    lambda lead, size, end, tail: lead + "w" * size + end + tail,
    st.sampled_from(["", " ", "\t", "\x1c", "\u00a0"]),
    st.sampled_from([0, 20, 35, 39, 40, 45, 60, 80, 100, 119, 120, 121, 130]),
    st.sampled_from(["", "x", ".", "”", "…", ")", ":", "-", "\u2028"]),
    st.sampled_from(["", " ", "\t ", "\x1d", "\u3000"]),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_LINE, max_size=25))
def test_unwrap_decides_as_the_line_by_line_version(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert unwrap(text) == _reference_unwrap(text)


def test_unwrap_on_real_pages() -> None:
    texts = real_texts()
    joined = 0
    for text in texts:
        expected = _reference_unwrap(text)
        assert unwrap(text) == expected
        joined += expected[1] > 0
    assert joined >= 3  # some real pages are hard-wrapped


def test_a_split_drop_cap_is_joined_when_the_word_occurs_elsewhere() -> None:
    guardian = "H ong Kong is burning.\n\nProtesters in Hong Kong blocked roads again."
    assert join_drop_caps(guardian) == (guardian.replace("H ong", "Hong", 1), 1)
    review = "A dam Schiff’s inquiry is incoherent.\n\nAdam Schiff said so on Monday."
    assert join_drop_caps(review)[0].startswith("Adam Schiff’s inquiry")


def test_single_letter_words_are_not_drop_caps() -> None:
    for text in (
        "E chi siamo noi per astenersi? Ecco allora le offerte.",
        "O que une uma família é o amor.",
        "T cells fight infections, the study found.",
        "A new bridge opens today.",
    ):
        assert join_drop_caps(text) == (text, 0)


def test_the_paragraph_step_logs_the_drop_caps_it_joins() -> None:
    frame = pl.DataFrame(
        {"text": ["T he council met.\n\nThe plan was approved.", "T cells grow."]},
        schema={"text": pl.String},
    ).with_columns(pl.lit([], dtype=REPAIRS).alias("repairs"))
    out = reflow_paragraphs(frame)
    assert out["text"].to_list() == ["The council met.\n\nThe plan was approved.", "T cells grow."]
    kinds = [[r["kind"] for r in row] for row in out["repairs"].to_list()]
    assert kinds == [["drop_caps_joined"], []]
