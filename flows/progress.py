"""How a run's progress lines word its pace: plain functions, so that the flow's
lines and their tests agree."""

from __future__ import annotations


def pace(documents: int, batches: int, total: int | None, seconds: float) -> str:
    """How fast a run goes so far, and about how long it has left (from the time
    per batch so far, when the number of batches is known): a long run's progress
    lines say when it will end."""
    said = f"{documents / seconds:,.0f} docs/s" if seconds > 0 else ""
    if total and batches < total and seconds > 0:
        said += f", ~{duration(seconds / batches * (total - batches))} left"
    return said


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
