"""Publication dates: collect candidates with their origin, then choose one.

Every candidate is kept (as a list of structs) so the warehouse can show what was
considered and why one was chosen.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import polars as pl

from flows.clean.repairs import repair
from flows.clean.rows import map_rows

CANDIDATE = pl.Struct(
    {
        "raw": pl.String(),
        "origin": pl.String(),
        "position": pl.Int64(),
        "parsed_date": pl.Date(),
        "parsed_at": pl.Datetime("us"),
        "partial": pl.Boolean(),
        "chosen": pl.Boolean(),
        "note": pl.String(),
    }
)

ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?(?!\d)")


def _candidate(
    raw: str, origin: str, position: int, day: date | None, at: datetime | None = None
) -> dict[str, Any]:
    return {
        "raw": raw,
        "origin": origin,
        "position": position,
        "parsed_date": day,
        "parsed_at": at,
        "partial": day is None,
        "chosen": False,
        "note": None,
    }


def _iso_candidates(text: str, origin: str, limit: int) -> list[dict[str, Any]]:
    out = []
    for m in ISO.finditer(text[:limit]):
        y, mo, d, hh, mm, ss = m.groups()
        try:
            day = date(int(y), int(mo), int(d))
            at = datetime(int(y), int(mo), int(d), int(hh), int(mm), int(ss or 0)) if hh else None
        except ValueError:
            continue
        out.append(_candidate(m.group(0), origin, m.start(), day, at))
    return out


def resolve(text: str, date_hint: str | None) -> dict[str, Any]:
    """Candidates from the record's date field and the text head; first one wins."""
    candidates = []
    if date_hint:
        candidates += _iso_candidates(date_hint, "record", len(date_hint))
    candidates += _iso_candidates(text, "header", 200)
    chosen = next((c for c in candidates if c["parsed_date"] is not None), None)
    repairs = []
    if chosen:
        chosen["chosen"] = True
        chosen["note"] = "first dated candidate"
    else:
        repairs.append(repair("date_missing", "no candidate date with a year"))
    return {
        "published_date": chosen["parsed_date"] if chosen else None,
        "published_at": chosen["parsed_at"] if chosen else None,
        "date_candidates": candidates,
        "repairs": repairs,
    }


def resolve_dates(df: pl.DataFrame) -> pl.DataFrame:
    """Polars step: adds published_date, published_at and date_candidates."""
    return map_rows(
        df,
        resolve,
        ["text", "date_hint"],
        {
            "published_date": pl.Date(),
            "published_at": pl.Datetime("us"),
            "date_candidates": pl.List(CANDIDATE),
        },
    )
