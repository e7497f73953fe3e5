"""Headline matching: the quick `norm_equals` and `equal_lines` answer exactly as
`norm(line) == key`."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from flows.clean.headline import equal_lines, norm, norm_equals
from tests.conftest import real_lines, real_texts

# Characters whose case folding changes length or form, marks, digits, punctuation.
TRICKY = ["ß", "ẞ", "ﬃ", "İ", "ı", "ς", "Σ", "ǅ", "ŉ", "e\u0301", "_", "’", "-", "2024", " ", "\t"]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(TRICKY), st.text(max_size=5)), max_size=12),
    st.lists(st.one_of(st.sampled_from(TRICKY), st.text(max_size=5)), max_size=12),
)
def test_norm_equals_is_norm_equality(line_parts: list[str], key_parts: list[str]) -> None:
    line, other = "".join(line_parts), "".join(key_parts)
    for key in (norm(other), norm(line), norm(line.upper()), ""):
        assert norm_equals(line, key) == (norm(line) == key)


LINE = st.lists(st.one_of(st.sampled_from(TRICKY), st.text(max_size=5)), max_size=8).map(
    lambda parts: "".join(parts).replace("\n", " ")
)


@settings(max_examples=500, deadline=None)
@given(st.lists(LINE, max_size=8), st.integers(0, 9), st.integers(0, 9))
def test_equal_lines_is_norm_equality(lines: list[str], pick: int, start: int) -> None:
    keys = [norm(lines[pick % len(lines)]) if lines else "x", norm(" ".join(lines[:2])), ""]
    for key in keys:
        expected = [k for k in range(start, len(lines)) if norm(lines[k]) == key]
        assert equal_lines(lines, key, start) == expected


def test_equal_lines_on_real_pages() -> None:
    """Each page's first line against its other lines, as boilerplate and structure
    ask; and lines copied into other pages, so that some keys are found."""
    texts = real_texts()
    matches = 0
    for text in texts:
        lines = text.split("\n")
        lines += lines[:1]  # the title printed again
        for key in (norm(lines[0]), norm(lines[len(lines) // 2])):
            expected = [k for k in range(1, len(lines)) if norm(lines[k]) == key]
            assert equal_lines(lines, key, 1) == expected
            matches += len(expected)
    assert matches >= len(texts)


def test_norm_equals_on_real_lines() -> None:
    lines = real_lines()[:5000]
    keys = [norm(line) for line in lines[::50]]
    matches = 0
    for line in lines:
        for key in keys:
            expected = norm(line) == key
            assert norm_equals(line, key) == expected
            matches += expected
    assert matches >= len(keys)  # each key matches at least its own line


def test_a_paragraph_holding_the_headline_s_words_is_not_the_headline() -> None:
    key = norm("Council approves the budget deal")
    assert norm_equals("— “Council approves the budget deal” —", key)
    assert norm_equals("COUNCIL APPROVES THE BUDGET DEAL", key)
    assert not norm_equals("The council approves the budget deal, said the mayor.", key)
    assert not norm_equals("Council approves the budget deal today", key)
