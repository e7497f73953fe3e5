"""Publication dates: collect every candidate with its origin, then choose one.

Candidates come from the record's `date` field (Unix time too), the URL (/2022/03/07/,
/20220307/), header stamps at the top of the text, bylines ("Updated:", "First
Published:", "Publié le", or a short line next to the reprinted headline), the
dateline, and date mentions in the text. Numeric and English forms are parsed by
regex (fast, and exact about D.M.Y vs M/D/Y); other languages' month names go to
dateparser, once per word (`month_words`: remembered on disk across runs).
Arabic-Indic and Persian digits are read as ASCII, Solar Hijri dates are converted
(convertdate), and two-digit years are accepted only when a time of day follows. A
date without a year is kept as a partial candidate and never completed by guessing;
a page with no usable date may still be dated by a weekday stamp ("lundi 24 août")
whose weekday confirms the year of its copyright line (`weekday_stamps`).

Choice (highest score wins; every rule is a line in `_score`):
- origin: record > URL > byline > dateline > header stamp > body mention;
- the byline nearest the reprinted headline, or one labelled "published", gains;
- a date in a photo caption ("FILE - In this … photo") or an embedded post is a
  citation, never a byline;
- among header stamps, the one nearest the body (a timestamp directly above the
  article beats a page banner);
- agreement: other candidates on the same day add weight, body mentions less, and
  at most two count (a listing repeating a date is not many votes);
- weekday words in the text ("said on Thursday") that match the day add weight, but
  not the weekday printed inside a stamp itself;
- an "Updated" date loses to a publication stamp when there is one;
- dates after the ingest time (+1 day) are rejected; ambiguous D/M readings weigh less.
The chosen candidate is marked, others keep a note why they lost, and a `date_conflict`
issue is logged when a strong candidate disagrees with the choice.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
import polars as pl

from flows.clean.headline import headline_variants
from flows.clean.month_words import month_of
from flows.clean.repairs import Repair, repair
from flows.clean.rows import rows_frame
from flows.clean.structure import leading_lines, line_span
from flows.clean.weekday_stamps import (
    YEAR_FROM_COPYRIGHT,
    copyright_year,
    may_hold_stamps,
    weekday_stamps,
)

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

ORIGIN_WEIGHT = {"record": 100, "url": 80, "byline": 60, "dateline": 55, "header": 50, "body": 20}
AGREEMENT = 15  # per agreeing header/URL/byline/dateline candidate …
BODY_AGREEMENT = 5  # … and per agreeing body mention, a weak vote (lists repeat dates)
MAX_AGREEING = 2  # a list of 30 identical dates (an archive, a feed) is not 30 votes
UPDATED_PENALTY = 20  # "Updated …" is a later date than the publication
WEEKDAY_MATCH = 12
NEAR_BODY = 8
HEADLINE_STAMP = 10  # the byline nearest the reprinted headline
NEAR_HEADLINE = "next to the headline"
LABELLED = "labelled as published"
MAX_CANDIDATES = 80  # per text; a page listing more dates is an archive, not an article
HEADLINE_ZONE = 400  # characters after a reprinted headline where the byline sits
HEADLINE_LEAD = 200  # … and before it, where many sites print the timestamp
BYLINE_MAX_WORDS = 15  # a byline or stamp is a short line; a date in prose is a mention

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
FULL_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
ENGLISH_MONTHS = set(FULL_MONTHS) | set(MONTHS)
# Arabic-Indic, Persian, Devanagari and Bengali digits → ASCII (same length, so
# match positions stay valid in the original text).
_NATIVE = "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹०१२३४५६७८९০১২৩৪৫৬৭৮৯"
NATIVE_DIGITS = str.maketrans(_NATIVE, "0123456789" * 4)
HAS_NATIVE_DIGIT = re.compile(f"[{_NATIVE}]")  # str.translate costs ~150 µs a page
# Iranian sites date articles in the Solar Hijri calendar ("29 بهمن 1398").
JALALI_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("فروردین",),
            ("اردیبهشت",),
            ("خرداد",),
            ("تیر",),
            ("مرداد", "امرداد"),
            ("شهریور",),
            ("مهر",),
            ("آبان",),
            ("آذر",),
            ("دی",),
            ("بهمن",),
            ("اسفند",),
        ]
    )
    for name in names
}
ARABIC_LETTER_VARIANTS = str.maketrans("يكۀ", "یکه")


def _month_alternation(words: set[str]) -> str:
    """The month words as a regex alternation grouped by their three-letter head:
    "sep(?:tember|t)?|…". Each group tries its longer endings first, as a flat
    longest-first list does ("september" is not read as "sep" + "tember"), so the
    matches are the same; but a case-insensitive alternation is tried branch by
    branch at every word start, and 12 heads instead of 24 words scan ~1.7x faster.
    """
    tails: dict[str, set[str]] = {}
    for word in words:
        tails.setdefault(word[:3], set()).add(word[3:])
    groups = []
    for head, ends in sorted(tails.items()):
        longer = sorted((e for e in ends if e), key=len, reverse=True)
        optional = "?" if "" in ends else ""
        groups.append(head + (f"(?:{'|'.join(longer)}){optional}" if longer else ""))
    return "|".join(groups)


_MON = rf"({_month_alternation(ENGLISH_MONTHS)})\b\.?"
TIME = re.compile(
    r"^[,\s]*(?:at\s+|um\s+|à\s+|-\s*|\|\s*|/\s*)?(\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"\s*(am|pm|a\.m\.|p\.m\.)?",
    re.IGNORECASE,
)

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"(?<![\d/])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])")),
    ("ymd", re.compile(r"(?<![\d.])(\d{4})[./](\d{1,2})[./](\d{1,2})(?![\d])")),
    ("cjk", re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")),
    ("ymd", re.compile(r"(?<![\d.])(\d{4})\.\s(\d{1,2})\.\s(\d{1,2})\.")),
    ("dmy_dot", re.compile(r"(?<![\d.])(\d{1,2})[.-](\d{1,2})[.-](\d{4})(?![\d])")),
    ("slash", re.compile(r"(?<![\d/])(\d{1,2})\s?/\s?(\d{1,2})\s?/\s?(\d{4})(?![\d/])")),
    ("jalali", re.compile(r"(?<!\d)(\d{1,2})\s+([^\W\d_]{2,9})\s+(1[34]\d\d)(?!\d)")),
    # Two-digit years only when a time follows ("27 Mar 20 à 9:21", "27.03.20 09:21"):
    # alone, "27 March 20" is as likely a count as a year.
    (
        "d_mon_yy",
        re.compile(
            rf"(?i)\b(\d{{1,2}})\s+{_MON}\s+(\d{{2}})(?=,?\s+(?:at\s+|à\s+|um\s+|-\s+)?\d{{1,2}}[:h]\d{{2}})"
        ),
    ),
    (
        "dmy_yy",
        re.compile(
            r"(?<![\d./])(\d{1,2})([./])(\d{1,2})\2(\d{2})(?=,?\s+(?:at\s+|à\s+|um\s+|-\s+)?\d{1,2}:\d{2})"
        ),
    ),
    (
        "d_mon_y",
        re.compile(rf"(?i)\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON},?\s+(\d{{4}})\b"),
    ),
    ("mon_d_y", re.compile(rf"(?i)\b{_MON}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b")),
    (
        # "17 de marzo de 2020", "24. März 2020", "24 نيسان / أبريل 2020" (Levantine
        # Arabic prints the Syriac and the standard month name side by side).
        "intl",
        re.compile(
            r"(?i)\b(\d{1,2})\.?\s+(?:de\s+)?([^\W\d_]{3,12})\.?"
            r"(?:\s*/\s*([^\W\d_]{3,12}))?,?\s+(?:de\s+)?(\d{4})\b"
        ),
    ),
    ("intl_md", re.compile(r"(?i)\b([^\W\d_]{3,12})\.?\s+(\d{1,2}),?\s+(\d{4})\b")),
    ("partial", re.compile(rf"(?i)\b{_MON}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s+\d{{4}})")),
]
# Rust-regex (polars) supersets of PATTERNS, in the same order: any text one of the
# patterns matches, its prefilter matches too. They run vectorised over a whole batch
# (~1 GB/s), and a pattern is not run on a window its prefilter misses (scan_plans):
# Python's re costs ~30 ns a character per pattern, the largest part of date
# resolution. Look-arounds and back-references are dropped, letters widen to \S,
# literal digits to \d (native digits are read as ASCII only in Python), and \s
# also takes \x1c-\x1f, which Python counts as whitespace and Rust does not.
_S = r"[\s\x1c-\x1f]"
_MONR = rf"(?:{'|'.join(sorted(ENGLISH_MONTHS))})\.?"
PREFILTERS: list[str] = [
    r"\d{4}-\d{1,2}-\d{1,2}",
    r"\d{4}[./]\d{1,2}[./]\d{1,2}",
    rf"\d{{4}}{_S}*年{_S}*\d{{1,2}}{_S}*月{_S}*\d{{1,2}}{_S}*日",
    rf"\d{{4}}\.{_S}\d{{1,2}}\.{_S}\d{{1,2}}\.",
    r"\d{1,2}[.-]\d{1,2}[.-]\d{4}",
    rf"\d{{1,2}}{_S}?/{_S}?\d{{1,2}}{_S}?/{_S}?\d{{4}}",
    # Solar Hijri: only Persian month names (Arabic script) give a reading.
    rf"\d{{1,2}}{_S}+\p{{Arabic}}{{2,9}}{_S}+\d{{4}}",
    rf"(?i)\d{{1,2}}{_S}+{_MONR}{_S}+\d{{2}},?{_S}+(?:\S+{_S}+)?\d{{1,2}}[:h]\d{{2}}",
    rf"\d{{1,2}}[./]\d{{1,2}}[./]\d{{2}},?{_S}+(?:\S+{_S}+)?\d{{1,2}}:\d{{2}}",
    rf"(?i)\d{{1,2}}\w{{0,2}}{_S}+(?:of{_S}+)?{_MONR},?{_S}+\d{{4}}",
    rf"(?i){_MONR}{_S}+\d{{1,2}}\w{{0,2}},?{_S}+\d{{4}}",
    rf"\d{{1,2}}\.?{_S}+(?:\S+{_S}+)?\S+(?:{_S}*/{_S}*\S+)?{_S}+(?:\S+{_S}+)?\d{{4}}",
    rf"\S{{3}}{_S}+\d{{1,2}},?{_S}+\d{{4}}",
    rf"(?i){_MONR}{_S}+\d{{1,2}}",
]

URL_DATE = [
    re.compile(r"/(\d{4})/(\d{1,2})/(\d{1,2})(?:/|$)"),
    re.compile(r"/(\d{4})-(\d{2})-(\d{2})(?:[/-]|$)"),
    re.compile(r"(?<!\d)(20\d{2}|19\d{2})(\d{2})(\d{2})(?!\d)"),
]
BYLINE = re.compile(
    r"(?i)(published|updated|posted|first published|last modified|date:|publié|mis à jour|"
    r"veröffentlicht|aktualisiert|publicado|atualizado|pubblicato|aggiornato|опубликовано|"
    r"обновлено|güncelleme|yayınlanma|opublikowano|gepubliceerd|\bby\b|\|)[^\n]{0,40}$"
)
# An explicit publication label is the strongest byline there is.
PUBLISHED = re.compile(
    r"(?i)(published|posted|date:|publié|veröffentlicht|publicado|pubblicato|"
    r"опубликовано|опубліковано|yayınlanma|opublikowano|gepubliceerd|تاریخ انتشار|"
    r"تم نشره|نشر في)[^\n]{0,40}$"
)
UPDATED = re.compile(
    r"(?i)(updated|update:|last modified|mis à jour|modifié|aktualisiert|actualizado|"
    r"atualizado|aggiornato|обновлено|обновлен|оновлено|güncelleme|zaktualizowano|"
    r"bijgewerkt)[^\n]{0,40}$"
)


class Label:
    """A label pattern read case-insensitively, as `pattern.search` reads it, but
    fast on ASCII text: lower-cased and matched case-sensitively, ~10x faster
    (case-insensitive alternations cost 4-9 µs on a 60-character label, a third of
    reading a page's dates). Exact for ASCII text: the only non-ASCII pattern letter
    that IGNORECASE lets match ASCII is "ı" (dotless i, which takes "i" and "I"), so
    the fast pattern spells it "i". Other text takes the case-insensitive pattern."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.fast = re.compile(pattern.pattern.removeprefix("(?i)").replace("ı", "i"))

    def search(self, text: str) -> bool:
        if text.isascii():
            return self.fast.search(text.lower()) is not None
        return self.pattern.search(text) is not None


BYLINE_LABEL, PUBLISHED_LABEL, UPDATED_LABEL = Label(BYLINE), Label(PUBLISHED), Label(UPDATED)
# A date in a photo caption or an embedded post is a citation, not a byline.
CITATION = re.compile(r"(?i)\bfile(?: photo)?\b\s*[-–—:,]|file photo|\(@\w+\)|pic\.twitter\.com")
# Its polars superset, to rule pages out: Python's case-insensitive "i" also takes
# "İ" and "ı", Rust's does not.
CITATION_PREFILTER = r"(?i)f[iİı]le|\(@|p[iİı]c\.tw[iİı]tter\.com"
ENGLISH_HINT = re.compile(r"\b(the|and|of|to|in|is|that)\b")
# Weekday words, \b(monday|...|sunday)\b case-insensitively, found from their common
# ending: a case-insensitive alternation has no literal to skip ahead by, and
# scanning with it took 4.6x as long (tests/test_dates.py compares the two).
DAY_END = re.compile(r"(?i)day\b")
# One group per weekday, Monday first: the group that matched names the day, even
# where Python's case-insensitive match let in "İ", "ı" or "ſ" (whose lower() is no
# ASCII letter: "FRİDAY".lower() is not "friday", and looking it up crashed).
_WEEKDAY_HEADS = [day.removesuffix("day") for day in WEEKDAYS]
WEEKDAY_HEAD = re.compile(f"(?i)(?:{'|'.join(f'({head})' for head in _WEEKDAY_HEADS)})\\Z")
WEEKDAY_ZONE = 4000  # weekday words are looked for in the first characters only
WEEKDAY_PREFILTER = f"(?i)(?:{'|'.join(_WEEKDAY_HEADS)})day"  # polars superset


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        day = date(y, m, d)
    except ValueError:
        return None
    return day if 1900 <= y <= 2100 else None


def _readings(kind: str, groups: tuple[str, ...]) -> list[tuple[date, str | None]]:
    """All plausible dates a match can mean, with a note when it is ambiguous."""
    if kind in {"iso", "ymd", "cjk"}:
        d = _safe_date(int(groups[0]), int(groups[1]), int(groups[2]))
        return [(d, None)] if d else []
    if kind == "dmy_dot":
        d = _safe_date(int(groups[2]), int(groups[1]), int(groups[0]))
        return [(d, None)] if d else []
    if kind == "slash":
        a, b, y = int(groups[0]), int(groups[1]), int(groups[2])
        dm, md = _safe_date(y, b, a), _safe_date(y, a, b)
        if dm and md and dm != md:
            return [(md, "ambiguous M/D/Y"), (dm, "ambiguous D/M/Y")]
        return [(d, None) for d in {dm, md} if d]
    if kind == "d_mon_y":
        d = _safe_date(int(groups[2]), MONTHS[groups[1].lower()[:3]], int(groups[0]))
        return [(d, None)] if d else []
    if kind == "mon_d_y":
        d = _safe_date(int(groups[2]), MONTHS[groups[0].lower()[:3]], int(groups[1]))
        return [(d, None)] if d else []
    if kind == "d_mon_yy":
        d = _safe_date(2000 + int(groups[2]), MONTHS[groups[1].lower()[:3]], int(groups[0]))
        return [(d, "two-digit year")] if d else []
    if kind == "dmy_yy":
        a, b, y = int(groups[0]), int(groups[2]), 2000 + int(groups[3])
        if groups[1] == ".":
            d = _safe_date(y, b, a)
            return [(d, "two-digit year")] if d else []
        return _readings("slash", (str(a), str(b), str(y)))
    if kind == "jalali":
        month = JALALI_MONTHS.get(groups[1].translate(ARABIC_LETTER_VARIANTS))
        if not month:
            return []
        day = _solar_hijri(int(groups[2]), month, int(groups[0]))
        return [(day, "Solar Hijri calendar")] if day else []
    return []


def _solar_hijri(year: int, month: int, day: int) -> date | None:
    """The Gregorian date of a Solar Hijri one, as `convertdate.persian.to_gregorian`.

    convertdate finds the year's start (the March equinox) astronomically, ~70 ms a
    call, which made nine Persian stamps a third of a batch's date time. Within a
    year the calendar is arithmetic (months 1-6 have 31 days, 7-12 have 30), so the
    equinox is computed once per year and the rest added (tests compare the two).
    """
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    offset = (month - 1) * 31 if month <= 7 else (month - 1) * 30 + 6
    try:
        gregorian = _farvardin_first(year) + timedelta(days=offset + day - 1)
    except (ValueError, OverflowError):
        return None
    return _safe_date(gregorian.year, gregorian.month, gregorian.day)


@lru_cache(maxsize=256)
def _farvardin_first(year: int) -> date:
    """1 Farvardin (Nowruz) of a Solar Hijri year, in the Gregorian calendar."""
    from convertdate import persian  # only Persian pages pay for the import

    return date(*persian.to_gregorian(year, 1, 1))


def _candidate(
    raw: str,
    origin: str,
    position: int,
    day: date | None,
    at: datetime | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    return {
        "raw": raw,
        "origin": origin,
        "position": position,
        "parsed_date": day,
        "parsed_at": at,
        "partial": day is None,
        "chosen": False,
        "note": note,
    }


def _time_after(text: str, end: int, day: date) -> datetime | None:
    m = TIME.match(text[end : end + 24])
    if not m:
        return None
    hour, minute, second = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    suffix = (m.group(4) or "").lower().replace(".", "")
    if suffix == "pm" and hour < 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    return datetime(day.year, day.month, day.day, hour, minute, second)


def _headline_spans(text: str) -> list[tuple[int, int]]:
    """Where the page title is printed again below the top line."""
    first = text.lstrip().split("\n", 1)[0]
    spans: list[tuple[int, int]] = []
    for head in headline_variants(first):
        if len(head.split()) < 3:
            continue
        start = len(text) - len(text.lstrip()) + len(first)
        while (pos := text.find(head, start)) >= 0:
            spans.append((pos, pos + len(head)))
            start = pos + len(head)
    return spans


def _byline_zone_end(text: str, head_end: int) -> int:
    """The byline sits between the headline and the first line of prose."""
    limit = head_end + HEADLINE_ZONE
    pos = text.find("\n", head_end)
    while 0 <= pos < limit:
        nxt = text.find("\n", pos + 1)
        line = text[pos + 1 : nxt if nxt >= 0 else len(text)]
        if len(line.split()) > BYLINE_MAX_WORDS:
            return pos
        if nxt < 0:
            break
        pos = nxt
    return limit


class Intervals:
    """Spans of a text, which may overlap, sorted by start with the running maximum
    of their ends: whether one holds a point, and how far the nearest is, are two
    bisections. A page that prints its headline thousands of times asked every span
    about every date (16,000 lines of headline and date: 50 s)."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [a for a, _ in ordered]
        self.reach = list(itertools.accumulate((b for _, b in ordered), max))

    def holds(self, point: int) -> bool:
        """Whether a span holds `point` (start <= point < end)."""
        at = bisect.bisect_right(self.starts, point)
        return at > 0 and self.reach[at - 1] > point

    def distance(self, point: int) -> int:
        """How far `point` is from the nearest span (0 inside one); spans needed."""
        at = bisect.bisect_right(self.starts, point)
        after = self.starts[at] - point if at < len(self.starts) else None
        if at == 0:
            if after is None:
                raise ValueError("no spans to be near")
            return after
        before = max(point - self.reach[at - 1], 0)
        return before if after is None else min(before, after)


def _byline_zones(text: str, spans: list[tuple[int, int]]) -> Intervals:
    """Around each reprinted headline, where its byline or timestamp may sit."""
    return Intervals([(a - HEADLINE_LEAD, _byline_zone_end(text, b)) for a, b in spans])


def _mark_nearest_to_headline(found: list[dict[str, Any]], spans: list[tuple[int, int]]) -> None:
    """Note the dated byline closest to a reprinted headline: the article's own stamp."""
    near = [c for c in found if c["origin"] == "byline" and c["parsed_date"] is not None]
    if not spans or not near:
        return
    heads = Intervals(spans)
    distance = {id(c): heads.distance(c["position"]) for c in near}
    best = min(distance.values())
    for c in near:
        if distance[id(c)] == best and best <= HEADLINE_ZONE:
            c["note"] = "; ".join(filter(None, [c["note"], NEAR_HEADLINE]))


def _line_at(text: str, start: int, end: int) -> str:
    """The whole line holding text[start:end]."""
    line_start, line_end = line_span(text, start, end)
    return text[line_start:line_end]


def _label_before(text: str, start: int) -> str:
    """The same line's last 60 characters before a date: where its label sits."""
    before = text[max(0, start - 60) : start]
    return before[before.rfind("\n") + 1 :]


def _origin(
    text: str,
    start: int,
    end: int,
    header_end: int,
    zones: Intervals,
    may_cite: bool = True,
    label: str | None = None,
) -> str:
    """Where the date mention text[start:end] sits: header stamp, byline (or stamp by
    the headline), body. `may_cite` False says the text holds no citation
    (CITATION_PREFILTER); `label` is `_label_before(text, start)` when known."""
    if start < header_end:
        return "header"
    line = _line_at(text, start, end)
    if may_cite and CITATION.search(line):
        return "body"
    if BYLINE_LABEL.search(_label_before(text, start) if label is None else label):
        return "byline"
    if len(line.split()) <= BYLINE_MAX_WORDS and zones.holds(start):
        return "byline"
    return "body"


def _intl_readings(day: str, words: tuple[str | None, ...], year: str) -> list:
    """Other languages' month names, through dateparser (each spelling tried)."""
    for word in filter(None, words):
        if word.lower().rstrip(".") in ENGLISH_MONTHS:
            return []  # English months are handled exactly by the patterns above
        month = month_of(word.lower())
        parsed = _safe_date(int(year), month, int(day)) if month else None
        if parsed:
            return [(parsed, None)]
    return []


@dataclass(frozen=True)
class Anchor:
    """Which digit runs a pattern's matches hold (min_digits to max_digits long), and
    how far from such a run, in characters with whitespace runs counted as one, a
    match and the text its look-arounds read can reach."""

    min_digits: int
    max_digits: int | None
    margin: int


# Every date pattern holds a digit run; these bound each one's reach from it.
ANY_RUN = Anchor(1, None, 48)
YEAR_RUN = Anchor(4, None, 48)  # "17 de marzo / March de 2020": 41 before the year
DAY_RUN = Anchor(1, 2, 16)  # "September. 30th" + look-ahead for ", 2020": 12 / 9
ANCHORS = {"partial": DAY_RUN, "d_mon_yy": ANY_RUN, "dmy_yy": ANY_RUN}  # others: YEAR_RUN
ANCHORED = (ANY_RUN, YEAR_RUN, DAY_RUN)


Spans = list[tuple[int, int]]
Windows = dict[Anchor, Spans]
CHUNK_CHARS = 1 << 18  # characters per numpy pass: fastest measured (its arrays stay in cache)


DIGIT, SPACE = 1, 2  # the character classes of _char_classes


@lru_cache(maxsize=1)
def _char_classes() -> np.ndarray:
    """Lookup table by code point: DIGIT for what Python's re reads as \\d, SPACE for
    \\s, else 0 (read off the regexes themselves, so the windows agree with the
    patterns). One table, so a page's characters are looked up once for both."""
    points = np.arange(0x110000, dtype=np.uint32)
    every = points[(points < 0xD800) | (points >= 0xE000)].tobytes().decode("utf-32-le")
    table = np.zeros(0x110000, dtype=np.uint8)
    for pattern, kind in ((r"\d", DIGIT), (r"\s", SPACE)):
        table[[ord(c) for c in re.findall(pattern, every)]] = kind
    return table


def _reach(
    pos: np.ndarray, step: int, margin: int, limit: np.ndarray, spaces: np.ndarray
) -> np.ndarray:
    """For each position, the index `margin` characters away (step -1: before, +1:
    after, never past its page's `limit`), where a whitespace run counts as one
    character (a date may span a line break). spaces[k] counts the characters before
    k that are whitespace following whitespace (the extra characters of runs), so
    those in [lo, hi) are spaces[hi] - spaces[lo + 1] (a run cut by lo counts from
    lo). Widening by them can take in more runs: repeated until it settles."""
    out = np.empty_like(pos)
    extra = np.zeros_like(pos)
    todo = np.arange(pos.size)
    while todo.size:
        p, ex, lim = pos[todo], extra[todo], limit[todo]
        if step < 0:
            edge = np.maximum(lim, p - (margin + ex))
            lo, hi = edge, p
        else:
            edge = np.minimum(lim, p + (margin + ex))
            lo, hi = p, edge
        inner = np.minimum(lo + 1, hi)
        wider = spaces[hi] - spaces[inner]
        done = (wider == ex) | (edge == lim)
        out[todo[done]] = edge[done]
        extra[todo[~done]] = wider[~done]
        todo = todo[~done]
    return out


def _chunk_windows(texts: Sequence[str], anchors: Sequence[Anchor]) -> list[Windows]:
    """batch_windows for texts whose characters fit one numpy pass."""
    classes = _char_classes()
    # One array of code points for all pages, with a non-digit between them so that
    # no digit run crosses a page boundary (whitespace is counted only inside the
    # page's own [lo, hi), see _reach).
    joined = "\x00".join(texts)
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    page_start = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    page_end = page_start + lengths
    kinds = classes[points]
    digit = np.concatenate(([False], kinds == DIGIT, [False]))
    edges = np.flatnonzero(digit[1:] != digit[:-1])
    run_starts, run_ends = edges[0::2], edges[1::2]
    run_page = np.searchsorted(page_start, run_starts, side="right") - 1
    space = kinds == SPACE
    spaces = np.zeros(points.size + 1, dtype=np.int64)
    np.cumsum(space[1:] & space[:-1], out=spaces[2:])
    length = run_ends - run_starts
    out: list[Windows] = [{} for _ in texts]
    for anchor in anchors:
        keep = length >= anchor.min_digits
        if anchor.max_digits is not None:
            keep &= length <= anchor.max_digits
        starts, ends, page = run_starts[keep], run_ends[keep], run_page[keep]
        if not starts.size:
            for windows in out:
                windows[anchor] = []
            continue
        # Runs less than 2 × margin apart always share a window (each reaches at
        # least that far), so only the outer ends of such a cluster are measured.
        new = np.ones(starts.size, dtype=bool)
        new[1:] = (starts[1:] - ends[:-1] > 2 * anchor.margin) | (page[1:] != page[:-1])
        firsts = np.flatnonzero(new)
        lasts = np.append(firsts[1:] - 1, starts.size - 1)
        page = page[firsts]
        los = _reach(starts[firsts], -1, anchor.margin, page_start[page], spaces)
        his = _reach(ends[lasts], +1, anchor.margin, page_end[page], spaces)
        if anchor.min_digits > 1 or anchor.max_digits is not None:
            # A window must not end inside a run it does not anchor ("November 2|019"
            # reads as "November 2"): it is extended to that run's end.
            j = np.searchsorted(run_starts, his) - 1
            his = np.maximum(his, np.where(j >= 0, run_ends[np.maximum(j, 0)], 0))
        # Overlapping windows of a page merge; the last window always reaches
        # furthest, so a window opens where lo passes every earlier hi of its page
        # (offset by page, positions of a later page exceed those of earlier ones).
        shifted = page * (points.size + 1)
        reach_so_far = np.maximum.accumulate(his + shifted)
        opens = np.ones(los.size, dtype=bool)
        opens[1:] = los[1:] + shifted[1:] > reach_so_far[:-1]
        first = np.flatnonzero(opens)
        win_page = page[first]
        win_lo = (los[first] - page_start[win_page]).tolist()
        win_hi = (np.maximum.reduceat(his, first) - page_start[win_page]).tolist()
        bounds = np.searchsorted(win_page, np.arange(len(texts) + 1)).tolist()
        for k, windows in enumerate(out):
            a, b = bounds[k], bounds[k + 1]
            windows[anchor] = list(zip(win_lo[a:b], win_hi[a:b], strict=True))
    return out


def batch_windows(texts: Sequence[str], anchors: Sequence[Anchor] = ANCHORED) -> list[Windows]:
    """Per text, the stretches that can hold a match anchored as each anchor says.

    The date patterns are Python regexes (look-behind, back-references) and ran over
    whole pages at ~2 ms each; scanning only these windows finds the same matches,
    in the same order, because every match holds such a digit run within the margin
    (tests/test_dates.py compares with scanning whole pages). Digit and whitespace
    runs are found with numpy over the code points of many pages at once: per page,
    the numpy calls' own overhead was a quarter of the date step.
    """
    out: list[Windows] = []
    chunk: list[str] = []
    size = 0
    for text in texts:
        chunk.append(text)
        size += len(text) + 1
        if size >= CHUNK_CHARS:
            out += _chunk_windows(chunk, anchors)
            chunk, size = [], 0
    if chunk:
        out += _chunk_windows(chunk, anchors)
    return out


def date_windows(text: str, anchor: Anchor = ANY_RUN) -> list[tuple[int, int]]:
    """The stretches of `text` that can hold a date anchored as `anchor` says."""
    return batch_windows([text], [anchor])[0][anchor]


class _Taken:
    """The spans of the text already read as dates: disjoint, kept in order, so that
    whether a new match overlaps one is two bisections. Scanning the whole list each
    time made a page of 20,000 dates take 14 s."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        at = bisect.bisect_right(self.starts, start)
        return (at > 0 and self.ends[at - 1] > start) or (
            at < len(self.starts) and self.starts[at] < end
        )

    def add(self, start: int, end: int) -> None:
        at = bisect.bisect_right(self.starts, start)
        self.starts.insert(at, start)
        self.ends.insert(at, end)


def text_candidates(
    text: str,
    header_end: int,
    plan: Sequence[Spans] | None = None,
    may_cite: bool = True,
    native: bool | None = None,
) -> list[dict[str, Any]]:
    """Every dated (or partial) mention in `text`, with its origin by context.

    `plan` gives, per pattern of PATTERNS, the stretches of the text to run it on
    (see `scan_plans`: the windows its prefilter matched); None runs every pattern
    on every window of its anchor (`batch_windows`). `may_cite` False says
    CITATION_PREFILTER ruled citations out; `native` whether the text holds native
    digits (HAS_NATIVE_DIGIT), None: look."""
    found: list[dict[str, Any]] = []
    if plan is None:
        windows = batch_windows([text])[0]  # native digits are \d too: same windows
        plan = [windows[ANCHORS.get(kind, YEAR_RUN)] for kind, _ in PATTERNS]
    if not any(plan):
        return found
    original = text
    if HAS_NATIVE_DIGIT.search(text) if native is None else native:
        text = text.translate(NATIVE_DIGITS)
    spans = _headline_spans(text)
    zones = _byline_zones(text, spans)
    taken = _Taken()
    for (kind, pattern), stretches in zip(PATTERNS, plan, strict=True):
        if not stretches:  # most patterns have nothing to scan on a page
            continue
        for m in [m for a, b in stretches for m in pattern.finditer(text, a, b)]:
            start, end = m.span()
            if taken.overlaps(start, end):
                continue
            line_before = _label_before(text, start)
            origin = _origin(text, start, end, header_end, zones, may_cite, line_before)
            raw = original[start:end].strip()
            if kind == "partial":
                found.append(_candidate(raw, origin, start, None, note="no year"))
                taken.add(start, end)
                continue
            if kind == "intl":
                readings = _intl_readings(m.group(1), (m.group(2), m.group(3)), m.group(4))
            elif kind == "intl_md":
                readings = _intl_readings(m.group(2), (m.group(1),), m.group(3))
            else:
                readings = _readings(kind, m.groups())
            if not readings:
                continue
            taken.add(start, end)
            label = (
                "updated"
                if UPDATED_LABEL.search(line_before)
                else LABELLED
                if PUBLISHED_LABEL.search(line_before)
                else None
            )
            for day, note in readings:
                at = _time_after(text, end, day)
                note = "; ".join(filter(None, [note, label])) or None
                found.append(_candidate(raw, origin, start, day, at, note))
    found.sort(key=lambda c: c["position"])
    _mark_nearest_to_headline(found, spans)
    return found[:MAX_CANDIDATES]


def scan_plans(
    texts: Sequence[str], windows: Sequence[Windows]
) -> tuple[list[list[Spans]], list[bool]]:
    """Per text, the `plan` of `text_candidates`: per pattern, the windows of its
    anchor that its prefilter (PREFILTERS) matches; and whether the text holds native
    digits. All in one polars pass per anchor over the windows' text.

    Every match of a pattern lies within one window of its anchor, so a window that
    its Rust superset does not match cannot hold one. Per window rather than per
    page, Python's `re` runs on about a third of the windows (3,280 pages: 132 →
    ~45 ms of pattern scans). Every native digit is in an ANY_RUN window too."""
    plans: list[list[Spans]] = [[[] for _ in PATTERNS] for _ in texts]
    native = [False] * len(texts)
    for anchor in ANCHORED:
        mine = [i for i, (kind, _) in enumerate(PATTERNS) if ANCHORS.get(kind, YEAR_RUN) == anchor]
        checks = [pl.col("window").str.contains(PREFILTERS[i]).alias(str(i)) for i in mine]
        if anchor == ANY_RUN:
            checks.append(pl.col("window").str.contains(HAS_NATIVE_DIGIT.pattern).alias("native"))
        owners: list[int] = []
        stretches: Spans = []
        for k, found in enumerate(windows):
            owners += [k] * len(found[anchor])
            stretches += found[anchor]
        if not stretches:
            continue
        pieces = [texts[k][a:b] for k, (a, b) in zip(owners, stretches, strict=True)]
        flags = pl.DataFrame({"window": pieces}, schema={"window": pl.String}).select(checks)
        for i in mine:
            for j in flags[str(i)].arg_true().to_list():
                plans[owners[j]][i].append(stretches[j])
        if anchor == ANY_RUN:
            for j in flags["native"].arg_true().to_list():
                native[owners[j]] = True
    return plans, native


def stamp_candidates(text: str, header_end: int) -> list[dict[str, Any]]:
    """Weekday stamps without a year ("lundi 24 août"), read with the year of the
    page's copyright line where the weekday confirms it (`weekday_stamps`)."""
    year = copyright_year(text)
    if year is None:
        return []
    zones = _byline_zones(text, _headline_spans(text))
    return [
        _candidate(
            text[s.start : s.end].strip(),
            _origin(text, s.start, s.end, header_end, zones),
            s.start,
            s.day,
            _time_after(text, s.end, s.day),
            YEAR_FROM_COPYRIGHT,
        )
        for s in weekday_stamps(text, year)
    ]


def weekday_named(texts: pl.Series) -> list[bool]:
    """Per text, whether its first WEEKDAY_ZONE characters may name a weekday."""
    return texts.fill_null("").str.slice(0, WEEKDAY_ZONE).str.contains(WEEKDAY_PREFILTER).to_list()


def citation_possible(texts: pl.Series) -> list[bool]:
    """Per text, whether it may hold a citation (CITATION_PREFILTER)."""
    return texts.fill_null("").str.contains(CITATION_PREFILTER).to_list()


# A record's date as Unix time, in seconds or milliseconds (2001-09-09 to 2286).
EPOCH = re.compile(r"^\s*(\d{10}|\d{13})(?:\.\d+)?\s*$")


def epoch_candidates(hint: str) -> list[dict[str, Any]]:
    """A record date given as Unix time, as feeds and databases export it: the UTC
    time it names."""
    m = EPOCH.match(hint)
    if not m:
        return []
    value = int(m.group(1))
    seconds = value / 1000 if len(m.group(1)) == 13 else value
    at = datetime.fromtimestamp(seconds, tz=UTC).replace(tzinfo=None)
    return [_candidate(hint.strip(), "record", 0, at.date(), at, "Unix time, UTC")]


def url_candidates(url: str | None) -> list[dict[str, Any]]:
    """A date in the URL path: /2022/03/07/, /2022-03-07-, /20220307/."""
    if not url:
        return []
    for pattern in URL_DATE:
        m = pattern.search(url)
        if m:
            day = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if day:
                return [_candidate(m.group(0).strip("/-"), "url", None, day)]
    return []


def _header_end(text: str) -> int:
    """Offset where the header zone ends: just past its fourth non-blank line, or
    past a long one (prose) before that, or len(text) + 1. Reads the first lines
    only (splitting the whole page was 4 % of date resolution)."""
    spans = leading_lines(text, 4)
    for start, end in spans:
        if len(text[start:end].split()) > 25:
            return end + 1
    return spans[-1][1] + 1 if len(spans) == 4 else len(text) + 1


def _weekday_mentions(text: str, positions: list[int]) -> set[int]:
    """Weekdays named in the text, except those printed as part of a date stamp.

    "Wednesday, September 30, 2020" names its own weekday; counting it as evidence
    for itself would let a page banner outvote the byline.
    """
    stamps = sorted(positions)
    found = set()
    for _, end, day in _weekday_words(text):
        at = bisect.bisect_left(stamps, end)  # a date starting 0-6 characters after it
        if at == len(stamps) or stamps[at] - end > 6:
            found.add(day)
    return found


def _weekday_words(text: str) -> list[tuple[int, int, int]]:
    """(start, end, weekday 0-6) of each weekday word in the first
    WEEKDAY_ZONE characters: each "day" at a word's end, then the head before it."""
    found = []
    for m in DAY_END.finditer(text, 0, WEEKDAY_ZONE):
        end = m.start()
        head = WEEKDAY_HEAD.search(text, max(0, end - 6), end)
        if head is None:
            continue
        start = head.start()
        before = text[start - 1] if start else ""
        if before.isalnum() or before == "_":  # \b: the word must start there
            continue
        assert head.lastindex is not None
        found.append((start, m.end(), head.lastindex - 1))
    return found


def agreement_counts(candidates: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Per candidate, how many others agree with it (the same date from another
    origin or position), and how many of those are not body mentions. Counted per
    date and per (date, origin, position) spot rather than by pairs (80² a page)."""
    same_day: dict[Any, int] = {}
    strong_day: dict[Any, int] = {}
    same_spot: dict[tuple[Any, str, Any], int] = {}
    for c in candidates:  # one pass of plain dicts: three Counters cost twice as much
        day = c["parsed_date"]
        same_day[day] = same_day.get(day, 0) + 1
        if c["origin"] != "body":
            strong_day[day] = strong_day.get(day, 0) + 1
        spot = (day, c["origin"], c["position"])
        same_spot[spot] = same_spot.get(spot, 0) + 1
    out = []
    for c in candidates:
        day, strong = c["parsed_date"], c["origin"] != "body"
        here = same_spot[day, c["origin"], c["position"]]  # itself among them
        out.append((same_day[day] - here, strong_day.get(day, 0) - (here if strong else 0)))
    return out


def choose(
    candidates: list[dict[str, Any]], text: str, ingested: datetime, names_weekday: bool = True
) -> tuple[dict[str, Any] | None, float, list[Repair]]:
    """Score the dated candidates, mark the winner; returns (winner, confidence, issues).

    `names_weekday` False says the text's head names no weekday (a batch prefilter,
    see `WEEKDAY_PREFILTER`), which spares the scan."""
    dated = [c for c in candidates if c["parsed_date"] is not None]
    limit = (ingested + timedelta(days=1)).date()
    for c in dated:
        if c["parsed_date"] > limit:
            c["note"] = "rejected: after the ingest time"
    usable = [c for c in dated if c["parsed_date"] <= limit]
    if not usable:
        return (
            None,
            0.0,
            [
                repair(
                    "date_missing",
                    "no candidate date with a year"
                    + ("" if not dated else " that is not in the future"),
                )
            ],
        )
    weekdays = (
        _weekday_mentions(text, [c["position"] for c in dated if c["position"] is not None])
        if names_weekday
        else set()
    )
    # M/D/Y is a US habit; elsewhere D/M/Y. English prose is the cheap proxy, counted
    # only when a reading is ambiguous.
    english = any((c["note"] or "").startswith("ambiguous") for c in usable) and (
        len(ENGLISH_HINT.findall(text[:5000])) >= 8
    )
    headers = [c for c in usable if c["origin"] == "header"]
    nearest_header = max(headers, key=lambda c: c["position"]) if headers else None
    rank: dict[int, int] = {}  # the how-manieth body mention or byline each is
    ranked = {"body": 0, "byline": 0}
    for c in usable:
        if c["origin"] in ranked:
            rank[id(c)] = ranked[c["origin"]]
            ranked[c["origin"]] += 1
    # "Updated" loses only to a publication stamp that is there; alone, it is the date.
    has_published = any(
        c["origin"] != "body" and "updated" not in (c["note"] or "") for c in usable
    )

    agreement = dict(zip(map(id, usable), agreement_counts(usable), strict=True))

    def _score(c: dict[str, Any]) -> float:
        s = float(ORIGIN_WEIGHT[c["origin"]])
        agreeing, strong = agreement[id(c)]
        s += AGREEMENT * min(strong, MAX_AGREEING)
        s += BODY_AGREEMENT * min(agreeing - strong, MAX_AGREEING)
        if c["parsed_date"].weekday() in weekdays:
            s += WEEKDAY_MATCH
        if c is nearest_header and len(headers) > 1:
            s += NEAR_BODY
        if c["origin"] == "body":
            s -= min(rank.get(id(c), 0), 10)  # earlier mentions are likelier
        elif c["origin"] == "byline":
            s -= 2 * min(rank.get(id(c), 0), 5)  # the first byline is the article's
        note = c["note"] or ""
        if NEAR_HEADLINE in note or LABELLED in note:
            s += HEADLINE_STAMP
        if "updated" in note and has_published:
            s -= UPDATED_PENALTY
        if note.startswith("ambiguous"):
            preferred = "ambiguous M/D/Y" if english else "ambiguous D/M/Y"
            s *= 0.6 if note.startswith(preferred) else 0.4
        return s

    scored = sorted(((_score(c), c) for c in usable), key=lambda x: -x[0])
    best_score, best = scored[0]
    best["chosen"] = True
    reasons = [f"origin {best['origin']}"]
    agree = [o for o in usable if o is not best and o["parsed_date"] == best["parsed_date"]]
    if agree:
        reasons.append(f"agrees with {len(agree)} other candidate(s)")
    reasons += [
        r for r in (NEAR_HEADLINE, LABELLED, YEAR_FROM_COPYRIGHT) if r in (best["note"] or "")
    ]
    if best["parsed_date"].weekday() in weekdays:
        reasons.append(f"text mentions {WEEKDAYS[best['parsed_date'].weekday()].title()}")
    best["note"] = "chosen: " + ", ".join(reasons)
    if best["parsed_at"] is None:  # an agreeing candidate may carry the time of day
        timed = next((o for o in agree if o["parsed_at"] is not None), None)
        if timed:
            best["parsed_at"] = timed["parsed_at"]
            best["note"] += f", time from {timed['raw']!r}"
    runner = next((s for s, c in scored[1:] if c["parsed_date"] != best["parsed_date"]), 0.0)
    confidence = round(min(1.0, best_score / 100) * (1 - runner / best_score / 2), 3)
    issues = []
    for score, c in scored[1:]:
        if c["parsed_date"] != best["parsed_date"] and c["origin"] != "body":
            c["note"] = (
                c["note"] or f"lost to {best['raw']!r} (score {score:.0f} < {best_score:.0f})"
            )
            if abs((c["parsed_date"] - best["parsed_date"]).days) > 1:
                issues.append(
                    repair(
                        "date_conflict",
                        f"chose {best['parsed_date']} ({best['raw']!r}, {best['origin']}; "
                        f"{', '.join(reasons[1:]) or 'higher priority'}) over "
                        f"{c['parsed_date']} ({c['raw']!r}, {c['origin']})",
                    )
                )
    return best, confidence, issues[:3]


def resolve(
    source_text: str,
    url: str | None,
    date_hint: str | None,
    dateline_date: str | None,
    ingested: datetime | None = None,
    plan: Sequence[Spans] | None = None,
    names_weekday: bool = True,
    may_cite: bool = True,
    native: bool | None = None,
    stamps: bool = True,
) -> dict[str, Any]:
    """All candidates for one article and the chosen publication date.

    `plan` and `native` are the batch's `scan_plans` for the text, `names_weekday`
    and `may_cite` the verdicts of WEEKDAY_PREFILTER and CITATION_PREFILTER on it;
    the defaults scan everything. `stamps`: when no candidate is usable, read the
    weekday stamps without a year (`stamp_candidates`); False when the batch step
    leaves that to its own pass over the undated pages."""
    ingested = ingested or datetime.now()
    candidates: list[dict[str, Any]] = []
    if date_hint:
        for c in text_candidates(date_hint, 0) or epoch_candidates(date_hint):
            c["origin"] = "record"
            candidates.append(c)
    candidates += url_candidates(url)
    header_end = _header_end(source_text)
    body_cands = text_candidates(source_text, header_end, plan, may_cite, native)
    if dateline_date:
        for c in body_cands:
            if c["raw"] and c["raw"] in dateline_date:
                c["origin"] = "dateline"
    candidates += body_cands
    best, confidence, issues = choose(candidates, source_text, ingested, names_weekday)
    if best is None and stamps and (extra := stamp_candidates(source_text, header_end)):
        candidates += extra
        best, confidence, issues = choose(candidates, source_text, ingested, names_weekday)
    return {
        "published_date": best["parsed_date"] if best else None,
        "published_at": best["parsed_at"] if best else None,
        "date_origin": best["origin"] if best else None,
        "date_confidence": confidence if best else None,
        "date_candidates": candidates,
        "repairs": issues,
    }


def resolve_dates(df: pl.DataFrame) -> pl.DataFrame:
    """Polars step: adds published_date/_at, date_origin, date_confidence, date_candidates.

    Pages left undated are looked at again for weekday stamps without a year, when a
    batch prefilter says they may hold one (a few pages a batch: the prefilter on
    every page would cost ~2 % of the cleaning)."""
    texts = df["source_text"]
    plain = texts.fill_null("").to_list()
    plans, native = scan_plans(plain, batch_windows(plain))
    rows = list(
        zip(
            plain,
            df["url"].to_list(),
            df["date_hint"].to_list(),
            df["dateline_date"].to_list(),
            df["ingested_at"].to_list(),
            plans,
            weekday_named(texts),
            citation_possible(texts),
            native,
            strict=True,
        )
    )
    results = [resolve(*row, stamps=False) for row in rows]
    undated = [i for i, r in enumerate(results) if r["published_date"] is None and plain[i]]
    flags = may_hold_stamps([plain[i] for i in undated])
    for i in (i for i, flagged in zip(undated, flags, strict=True) if flagged):
        results[i] = resolve(*rows[i], stamps=True)
    return rows_frame(
        df,
        results,
        {
            "published_date": pl.Date(),
            "published_at": pl.Datetime("us"),
            "date_origin": pl.String(),
            "date_confidence": pl.Float64(),
            "date_candidates": pl.List(CANDIDATE),
        },
    )
