"""The repair log's excerpts: where two texts first and last differ."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from flows.clean.repairs import _common_prefix, _common_suffix, changed_window

# Long shared stretches, so that the search doubles and bisects over many lengths.
_PIECE = st.one_of(st.text(alphabet="ab\n", max_size=4), st.sampled_from(["x" * 70, "é" * 300]))
_TEXT = st.lists(_PIECE, max_size=12).map("".join)


def _shared_start(x: str, y: str) -> int:
    n = 0
    while n < min(len(x), len(y)) and x[n] == y[n]:
        n += 1
    return n


@settings(max_examples=500, deadline=None)
@given(_TEXT, _TEXT, _TEXT)
def test_common_prefix_and_suffix(shared: str, a: str, b: str) -> None:
    for x, y in ((shared + a, shared + b), (a + shared, b + shared), (a, b), (a, a)):
        assert _common_prefix(x, y) == _shared_start(x, y)
        assert _common_suffix(x, y) == _shared_start(x[::-1], y[::-1])


def test_changed_window_shows_the_change_in_context() -> None:
    before = "A" * 200 + " the port reopened on Monday " + "B" * 200
    after = before.replace("Monday", "Tuesday")
    old, new = changed_window(before, after, width=10)
    # 10 characters before the first difference, 10 after the last ("y" is shared)
    assert (old, new) == ("opened on Monday BBBBBB", "opened on Tuesday BBBBBB")
    assert changed_window("same\ntext", "same\ntext!", width=4) == ("text", "text!")
