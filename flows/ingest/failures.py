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


def our_failure(doing: str, exc: BaseException) -> str:
    """The quarantine reason for a failure no input should cause (newsclean's bug or
    a library's) while `doing` ("read", "plan how to read") a file."""
    return f"newsclean failed to {doing} this ({what_failed(exc)}); please report it with the file"
