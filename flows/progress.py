"""How a run's progress lines word its pace: plain functions, so that the flow's
lines and their tests agree."""

from __future__ import annotations


def pace(
    documents: int,
    batches: int,
    total: int | None,
    seconds: float,
    first: float | None = None,
    lanes: int = 1,
) -> str:
    """How fast a run goes so far (`documents` in `seconds`), and about how long it
    has left when the number of batches is known: a long run's progress lines say
    when it will end. The time left goes by the time per batch since the `first`
    batch came in (seconds after the start), so that the start-up (worker processes
    importing their code, ~3 s) does not count. `lanes` batches run at once and
    finish about together, so the first `lanes` count as come in with the first
    (counting only the first one, a 50-batch run on two workers said ~30 s left at
    its 8th batch where 35.0 s were; now 35 s, and 25, 17 and 8 s at its 20th, 30th
    and 40th where 24.9, 16.6 and 8.3 s were). Until a batch has come in after
    those, nothing is said of the time left: reckoned with the start-up, the first
    line of a 20,000-document run said 37 s where 6.1 s were left. With no `first`
    given, the time left goes by the time per batch so far."""
    said = f"{documents / seconds:,.0f} docs/s" if seconds > 0 else ""
    if not total or batches >= total or seconds <= 0:
        return said
    if first is None:
        per_batch = seconds / batches
    elif batches > lanes and seconds > first:
        per_batch = (seconds - first) / (batches - lanes)
    else:
        return said
    return f"{said}, ~{duration(per_batch * (total - batches))} left"


def duration(seconds: float) -> str:
    """A time span as a person reads it: 42 s, 3 min 40 s, 1 h 12 min."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"
