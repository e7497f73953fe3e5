"""The signal behind an error. Prefect and pydantic wrap the exception a signal
raised (Ctrl-C, SIGTERM), and a run must still end as the signal says: exit 130 or
143, and "stopped by SIGTERM" in the runs table, not "run FAILED" with a traceback.
Stdlib only: the command line uses it before Prefect is loaded.
"""

from __future__ import annotations


def wrapped_signal(
    exc: BaseException, kinds: tuple[type[BaseException], ...]
) -> BaseException | type[BaseException] | None:
    """The first exception of one of `kinds` in `exc`'s chain of causes (`exc`
    included); else the kind whose name the message keeps, as pydantic's does for a
    signal that lands while it serialises ("Error calling function `_ser_model`:
    TerminationSignal: "); else None."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, kinds):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    text = str(exc)
    return next((kind for kind in kinds if f"{kind.__name__}: " in text), None)
