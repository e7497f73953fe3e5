"""JSON values of the input, parsed with the standard library's parser.

Python's parser recurses once per level of nesting, and JSON nested deeper than
the interpreter's recursion limit (~1,000 levels: a line of 100,000 "[") raises
RecursionError, a RuntimeError that every reader's `except ValueError` let
through: one such line stopped a whole run. Here it is the ValueError that any
other invalid JSON is, with a reason a person can act on.
"""

from __future__ import annotations

import json
from typing import Any

TOO_DEEP = "JSON nested too deeply to read (more than ~1,000 levels of [ or {)"


class TooDeep(json.JSONDecodeError):
    """JSON nested beyond the parser's reach: a decode error like any other, so the
    readers' handlers (which quote `msg`) say so, at no position."""

    def __init__(self) -> None:
        super().__init__(TOO_DEEP, "", 0)

    def __str__(self) -> str:
        return self.msg


def loads(text: str | bytes) -> Any:
    """`json.loads`, raising `json.JSONDecodeError` for what is not JSON, and
    `TooDeep`, one too, for nesting beyond the parser's reach."""
    try:
        return json.loads(text)
    except RecursionError:
        raise TooDeep from None
