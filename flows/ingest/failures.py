"""How a quarantine reason quotes an exception that a reader or a library raised
unexpectedly: its type and the first line of its message, which a person can act on
or report."""

from __future__ import annotations


def first_line(exc: BaseException) -> str:
    """The first non-blank line of the exception's message, else its repr."""
    return next((line.strip() for line in str(exc).splitlines() if line.strip()), repr(exc))


def what_failed(exc: BaseException, limit: int = 300) -> str:
    """The exception as "KeyError: 'offset'", at most `limit` characters."""
    return f"{type(exc).__name__}: {first_line(exc)}"[:limit]
