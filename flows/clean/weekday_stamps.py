"""Dates printed without a year but with their weekday: "lundi 24 août",
"7 ЧЕРВНЯ, НЕДІЛЯ", "Sunday, May 3", "Երեքշաբթի Նոյեմբեր 24".

Many sites stamp a page with the day and its weekday and leave the year out (it is
the current one). Alone such a stamp names no date, so a page whose only dates look
like this stayed undated. The page usually names its year elsewhere, though: in its
copyright line ("© 2005—2020", "Tous droits réservés © Radio-Canada 2020"). If that
day of that year falls on the printed weekday, the stamp is read with it; the weekday
is the check that makes this a reading rather than a guess (a wrong year matches it
about one time in seven). Without a copyright year the stamp stays partial: the year
of ingestion is no evidence for a page cleaned long after it was collected.

Weekday words in every language dateparser knows are read from its locale data
(~0.1 s, once per process, and only when a page needs them); month words go through
`month_words`. Used by `dates.resolve` only for pages left without any usable date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import polars as pl

from flows.clean.month_words import month_of
from flows.clean.structure import line_span

WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Shorter weekday words ("are", "sat", "man", "van" in some language) are common
# words in others; a stamp that leaves out its year spells the weekday out.
MIN_WEEKDAY_CHARS = 4
# A stamp stands on a short line ("ZAXID NET 7 ЧЕРВНЯ, НЕДІЛЯ", "lundi 24 août"); in a
# sentence ("Starting on Sunday, May 3, the station will close") it names a day the
# text talks about, not the day it was published.
MAX_OTHER_WORDS = 4
YEAR_FROM_COPYRIGHT = "year from the copyright line, weekday checked"

_WORD = r"[^\W\d_]{3,15}"
_DAY = r"(\d{1,2})(?:st|nd|rd|th|er)?\.?"
_YEAR_AFTER = re.compile(r"\.?,?\s+(?:de\s+)?\d{4}(?!\d)")
# weekday day month ("lundi 24 août", "Sonntag, 7. Juni", "martes 14 de abril"),
# weekday month day ("Sunday, May 3", "Երեքշաբթի\nՆոյեմբեր 24"), and
# day month weekday ("7 ЧЕРВНЯ, НЕДІЛЯ").
SHAPES = (
    ("wdm", re.compile(rf"(?<!\w)({_WORD})\.?,?\s+{_DAY}\s+(?:de\s+)?({_WORD})\b\.?")),
    ("wmd", re.compile(rf"(?<!\w)({_WORD})\.?,?\s+({_WORD})\.?\s+{_DAY}(?!\d)")),
    ("dmw", re.compile(rf"(?<![\w.])(\d{{1,2}})\.?\s+(?:de\s+)?({_WORD})\.?,?\s+({_WORD})\b")),
)
# A copyright line and the years in it ("© 2005—2020", "Copyright © 2020 WABC-TV").
COPYRIGHT = re.compile(r"(?im)^.*(?:©|\(c\)|\bcopyright\b).*$")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


@dataclass(frozen=True)
class Stamp:
    """A weekday stamp read with the page's year (YEAR_FROM_COPYRIGHT says how)."""

    start: int
    end: int
    day: date


@lru_cache(maxsize=1)
def weekday_words() -> dict[str, int]:
    """Lower-case weekday word → 0 (Monday) … 6, from dateparser's locale data; a
    word that names different weekdays in different languages is left out."""
    from dateparser.languages import default_loader  # only pages that need it pay

    days: dict[str, set[int]] = {}
    for locale in default_loader.get_locales():
        for number, key in enumerate(WEEKDAY_KEYS):
            for word in locale.info.get(key, []):
                days.setdefault(word.lower(), set()).add(number)
    return {
        word: next(iter(found))
        for word, found in days.items()
        if len(found) == 1 and len(word) >= MIN_WEEKDAY_CHARS and word.isalpha()
    }


@lru_cache(maxsize=1)
def _gate_pattern() -> str:
    """A Rust-regex superset of SHAPES with a weekday word, for lower-cased text (a
    case-insensitive alternation of 1,400 words ran 400x slower in polars)."""
    words = "|".join(sorted(map(re.escape, weekday_words()), key=len, reverse=True))
    return (
        rf"(?:{words})\.?,?\s+(?:\d{{1,2}}|\w{{3,15}}\.?\s+\d{{1,2}})"
        rf"|\d{{1,2}}\.?\s+(?:de\s+)?\w{{3,15}}\.?,?\s+(?:{words})"
    )


def may_hold_stamps(texts: Sequence[str]) -> list[bool]:
    """Per text, whether it may hold a weekday stamp (one polars pass)."""
    if not texts:
        return []
    lower = pl.Series(texts, dtype=pl.String).str.to_lowercase()
    return lower.str.contains(_gate_pattern()).fill_null(False).to_list()


def copyright_year(text: str) -> int | None:
    """The latest year named in the page's copyright lines, if any."""
    years = [int(y) for line in COPYRIGHT.findall(text) for y in YEAR.findall(line)]
    return max(years) if years else None


def _reading(shape: str, groups: tuple[str, ...]) -> tuple[int, str, int] | None:
    """(weekday, month word, day of month) of a match, or None when its weekday
    word is no weekday."""
    if shape == "wdm":
        weekday, day, month = groups
    elif shape == "wmd":
        weekday, month, day = groups
    else:
        day, month, weekday = groups
    number = weekday_words().get(weekday.lower())
    return None if number is None else (number, month, int(day))


def _stands_alone(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] shares its line with at most MAX_OTHER_WORDS words."""
    line_start, line_end = line_span(text, start, end)
    rest = text[line_start:start] + " " + text[end:line_end]
    return len(rest.split()) <= MAX_OTHER_WORDS


def weekday_stamps(text: str, year: int) -> list[Stamp]:
    """Each stamp in `text` without a year of its own whose weekday is right for
    that day in `year`, in text order."""
    found: list[Stamp] = []
    taken: list[tuple[int, int]] = []
    for shape, pattern in SHAPES:
        for m in pattern.finditer(text):
            start, end = m.span()
            if any(s < end and start < e for s, e in taken):
                continue
            if _YEAR_AFTER.match(text, end):  # a full date: read with its own year
                continue
            if not _stands_alone(text, start, end):
                continue
            reading = _reading(shape, m.groups())
            if reading is None:
                continue
            weekday, word, day_of_month = reading
            month = month_of(word.lower().rstrip("."))
            if month is None:
                continue
            try:
                day = date(year, month, day_of_month)
            except ValueError:
                continue
            if day.weekday() != weekday:
                continue
            taken.append((start, end))
            found.append(Stamp(start, end, day))
    found.sort(key=lambda s: s.start)
    return found
