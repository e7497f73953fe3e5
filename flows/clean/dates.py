"""Publication dates: collect every candidate with its origin, then choose one.

Candidates come from the record's `date` field, the URL (/2022/03/07/, /20220307/),
header stamps at the top of the text, bylines ("Updated:", "First Published:",
"Publié le"), the dateline, and date mentions in the text. Numeric and English
forms are parsed by regex (fast, and exact about D.M.Y vs M/D/Y); other languages'
month names go to dateparser, cached because the same strings repeat across pages.
A date without a year is kept as a partial candidate and never completed by guessing.

Choice (highest score wins; every rule is a line in `_score`):
- origin: record > URL > byline > dateline > header stamp > body mention;
- among header stamps, the one nearest the body (a timestamp directly above the
  article beats a page banner);
- agreement: each other candidate on the same day adds weight;
- weekday words in the text ("said on Thursday") that match the day add weight;
- dates after the ingest time (+1 day) are rejected; ambiguous D/M readings weigh half.
The chosen candidate is marked, others keep a note why they lost, and a `date_conflict`
issue is logged when a strong candidate disagrees with the choice.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import polars as pl

from flows.clean.headline import strip_site_suffix
from flows.clean.repairs import Repair, repair
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

ORIGIN_WEIGHT = {"record": 100, "url": 80, "byline": 60, "dateline": 55, "header": 50, "body": 20}
AGREEMENT = 15
WEEKDAY_MATCH = 12
NEAR_BODY = 8
MAX_CANDIDATES = 80  # per text; a page listing more dates is an archive, not an article
HEADLINE_ZONE = 400  # characters after a reprinted headline where the byline sits

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
# Longest alternatives first, so "september" is not read as "sep" + "tember".
_MON = rf"({'|'.join(sorted(ENGLISH_MONTHS, key=len, reverse=True))})\b\.?"
TIME = re.compile(
    r"^[,\s]*(?:at\s+|um\s+|à\s+|-\s*|\|\s*)?(\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"\s*(am|pm|a\.m\.|p\.m\.)?",
    re.IGNORECASE,
)

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"(?<![\d/])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])")),
    ("ymd", re.compile(r"(?<![\d.])(\d{4})[./](\d{1,2})[./](\d{1,2})(?![\d])")),
    ("cjk", re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")),
    ("ymd", re.compile(r"(?<![\d.])(\d{4})\.\s(\d{1,2})\.\s(\d{1,2})\.")),
    ("dmy_dot", re.compile(r"(?<![\d.])(\d{1,2})[.-](\d{1,2})[.-](\d{4})(?![\d])")),
    ("slash", re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")),
    (
        "d_mon_y",
        re.compile(rf"(?i)\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON},?\s+(\d{{4}})\b"),
    ),
    ("mon_d_y", re.compile(rf"(?i)\b{_MON}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b")),
    (
        "intl",
        re.compile(
            r"(?i)\b(\d{1,2})\.?\s+(?:de\s+)?([^\W\d_]{3,12})\.?,?\s+(?:de\s+)?"
            r"(\d{4})\b"
        ),
    ),
    ("intl_md", re.compile(r"(?i)\b([^\W\d_]{3,12})\.?\s+(\d{1,2}),?\s+(\d{4})\b")),
    ("partial", re.compile(rf"(?i)\b{_MON}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s+\d{{4}})")),
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
ENGLISH_HINT = re.compile(r"\b(the|and|of|to|in|is|that)\b")
WEEKDAY_WORD = re.compile(r"(?i)\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b")


@lru_cache(maxsize=65536)
def _dateparser(snippet: str) -> date | None:
    """dateparser for month names in other languages; cached, strict, never raises."""
    import dateparser  # slow import, only when a non-English month name shows up

    try:
        parsed = dateparser.parse(
            snippet,
            settings={
                "STRICT_PARSING": True,
                "REQUIRE_PARTS": ["day", "month", "year"],
                "RETURN_AS_TIMEZONE_AWARE": False,
            },
        )
    except Exception:  # dateparser raises several types on odd input
        return None
    return parsed.date() if parsed else None


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
    return []


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


def _headline_zones(text: str) -> list[tuple[int, int]]:
    """Spans just after the headline is printed again (where bylines and dates sit)."""
    first = text.lstrip().split("\n", 1)[0]
    head = strip_site_suffix(first)
    if len(head.split()) < 3:
        return []
    zones, start = [], len(text) - len(text.lstrip()) + len(first)
    while True:
        pos = text.find(head, start)
        if pos < 0:
            return zones
        zones.append((pos + len(head), pos + len(head) + HEADLINE_ZONE))
        start = pos + len(head)


def text_candidates(text: str, header_end: int) -> list[dict[str, Any]]:
    """Every dated (or partial) mention in `text`, with its origin by context."""
    found: list[dict[str, Any]] = []
    zones = _headline_zones(text)
    taken: list[tuple[int, int]] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            before = text[max(0, m.start() - 60) : m.start()]
            if m.start() < header_end:
                origin = "header"
            elif BYLINE.search(before[before.rfind("\n") + 1 :]) or any(
                a <= m.start() < b for a, b in zones
            ):
                origin = "byline"
            else:
                origin = "body"
            raw = m.group(0).strip()
            if kind == "partial":
                found.append(_candidate(raw, origin, m.start(), None, note="no year"))
                taken.append(m.span())
                continue
            if kind in {"intl", "intl_md"}:
                word = m.group(2) if kind == "intl" else m.group(1)
                if word.lower().rstrip(".") in ENGLISH_MONTHS:
                    continue  # English months are handled exactly above
                day = _dateparser(raw)
                readings = [(day, None)] if day else []
            else:
                readings = _readings(kind, m.groups())
            if not readings:
                continue
            taken.append(m.span())
            for day, note in readings:
                at = _time_after(text, m.end(), day)
                found.append(_candidate(raw, origin, m.start(), day, at, note))
    found.sort(key=lambda c: c["position"])
    return found[:MAX_CANDIDATES]


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
    """Offset where the header zone (first few non-blank lines) ends."""
    count, pos = 0, 0
    for line in text.split("\n"):
        pos += len(line) + 1
        if line.strip():
            count += 1
            if count >= 4 or len(line.split()) > 25:
                break
    return pos


def choose(
    candidates: list[dict[str, Any]], text: str, ingested: datetime
) -> tuple[dict[str, Any] | None, float, list[Repair]]:
    """Score the dated candidates, mark the winner; returns (winner, confidence, issues)."""
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
    weekdays = {WEEKDAYS.index(w.lower()) for w in WEEKDAY_WORD.findall(text[:4000])}
    # M/D/Y is a US habit; elsewhere D/M/Y. English prose is the cheap proxy.
    english = len(ENGLISH_HINT.findall(text[:5000])) >= 8
    headers = [c for c in usable if c["origin"] == "header"]
    nearest_header = max(headers, key=lambda c: c["position"]) if headers else None
    body_rank = {id(c): i for i, c in enumerate(c for c in usable if c["origin"] == "body")}

    def _score(c: dict[str, Any]) -> float:
        s = float(ORIGIN_WEIGHT[c["origin"]])
        s += AGREEMENT * sum(
            1
            for o in usable
            if o is not c
            and o["parsed_date"] == c["parsed_date"]
            and (o["origin"] != c["origin"] or o["position"] != c["position"])
        )
        if c["parsed_date"].weekday() in weekdays:
            s += WEEKDAY_MATCH
        if c is nearest_header and len(headers) > 1:
            s += NEAR_BODY
        if c["origin"] == "body":
            s -= min(body_rank.get(id(c), 0), 10)  # earlier mentions are likelier
        if c["note"] and c["note"].startswith("ambiguous"):
            preferred = "ambiguous M/D/Y" if english else "ambiguous D/M/Y"
            s *= 0.6 if c["note"] == preferred else 0.4
        return s

    scored = sorted(((_score(c), c) for c in usable), key=lambda x: -x[0])
    best_score, best = scored[0]
    best["chosen"] = True
    reasons = [f"origin {best['origin']}"]
    agree = [o for o in usable if o is not best and o["parsed_date"] == best["parsed_date"]]
    if agree:
        reasons.append(f"agrees with {len(agree)} other candidate(s)")
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
) -> dict[str, Any]:
    """All candidates for one article and the chosen publication date."""
    ingested = ingested or datetime.now()
    candidates: list[dict[str, Any]] = []
    if date_hint:
        for c in text_candidates(date_hint, 0):
            c["origin"] = "record"
            candidates.append(c)
    candidates += url_candidates(url)
    body_cands = text_candidates(source_text, _header_end(source_text))
    if dateline_date:
        for c in body_cands:
            if c["raw"] and c["raw"] in dateline_date:
                c["origin"] = "dateline"
    candidates += body_cands
    best, confidence, issues = choose(candidates, source_text, ingested)
    return {
        "published_date": best["parsed_date"] if best else None,
        "published_at": best["parsed_at"] if best else None,
        "date_origin": best["origin"] if best else None,
        "date_confidence": confidence if best else None,
        "date_candidates": candidates,
        "repairs": issues,
    }


def resolve_dates(df: pl.DataFrame) -> pl.DataFrame:
    """Polars step: adds published_date/_at, date_origin, date_confidence, date_candidates."""
    return map_rows(
        df,
        resolve,
        ["source_text", "url", "date_hint", "dateline_date", "ingested_at"],
        {
            "published_date": pl.Date(),
            "published_at": pl.Datetime("us"),
            "date_origin": pl.String(),
            "date_confidence": pl.Float64(),
            "date_candidates": pl.List(CANDIDATE),
        },
    )
