"""Article structure: header lines, title, dateline and teasers.

Two steps, around boilerplate removal:
- `split_header` (before): removes header stamps at the top — a " date YYYY-MM-DD"
  prefix, a URL line, a bare timestamp line — and picks the title. The first line
  stays in the text because boilerplate removal uses it as the headline anchor.
- `tidy_body` (after): removes the title wherever it is printed again, drops
  truncated teasers ("… French Foreign... 07.03.2022") and parses the dateline
  ("PARIS (Outlet / Agency - date)", "CITY, Month D, YYYY (AGENCY) -", "(MENAFN)")
  into location/outlet/agency, removing it from the body.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from flows.clean.headline import equal_lines, norm, shorter_readings
from flows.clean.repairs import Repair, repair
from flows.clean.rows import map_rows
from schemas.text_checks import MAX_TITLE_CHARS

HEADER_LINES = 4  # header stamps are only looked for this near the top

DATE_PREFIX = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s*")
URL_LINE = re.compile(r"^\s*(https?://\S+)\s*$")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*,?\s+)?"
STAMP_LINE = re.compile(
    rf"(?i)^\s*{_WEEKDAY}(?:\d{{4}}-\d{{2}}-\d{{2}}(?:[ T]\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}(?:,?\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?"
    rf"|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}(?:,?\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?"
    rf"|\d{{1,2}}[./]\d{{1,2}}[./]\d{{4}}(?:\s+\d{{1,2}}:\d{{2}})?)"
    rf"(?:\s*(?:am|pm|a\.m\.|p\.m\.))?(?:\s*(?:GMT|UTC|[A-Z]{{2,4}}T|[+-]\d{{2}}:?\d{{2}}))?\s*$"
)
SITE_SUFFIX = re.compile(r"\s+[-|–—]\s+([^-|–—]{2,40})$")

# Datelines, tried in order on the first body paragraph.
_CITY = r"[A-Z][A-Z .'’-]{1,40}?(?:,\s*[A-Z][a-z]+\.?)?"
DATELINE_PAREN = re.compile(rf"^({_CITY})\s*\(([^()]{{2,80}})\)\s*(?:[-–—:]\s*)?")
DATELINE_DATED = re.compile(
    rf"^({_CITY}),\s*({_MONTH}\s*\d{{1,2}},?\s*\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}})"
    r"\s*\(([^()]{2,40})\)\s*[-–—:]\s*",
    re.IGNORECASE,
)
AGENCY_ONLY = re.compile(r"^\(([A-Z][A-Za-z&.-]{1,20})\)\s*[-–—:]?\s*")
TEASER_END = re.compile(
    r"(?:\.\.\.|…)\s*(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{2}-\d{2})?(?:\s+\d{1,2}:\d{2})?\s*$"
)
TRAILING_DATE = re.compile(r"(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{2}-\d{2})\s*$")


def _clean_title(line: str, text: str, url: str | None) -> str:
    """Drop a " - Site" suffix when the bare headline is printed again or names the
    site. Titles may carry several ("Headline | Section | Site"): each shorter
    reading is tried too, and one printed again in the text is the headline."""
    m = SITE_SUFFIX.search(line)
    if not m:
        return line
    bare = line[: m.start()].strip()
    site = re.sub(r"\W", "", m.group(1).casefold())
    domain = re.sub(r"\W", "", (url or "").casefold())
    lines = text.split("\n")
    if equal_lines(lines, norm(bare), 1) or (site and site in domain):
        return bare
    readings = shorter_readings(bare, SITE_SUFFIX)
    return next((title for title in readings if equal_lines(lines, norm(title), 1)), line)


def line_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the line holding text[start:end] starts and ends (its "\n" excluded)."""
    line_end = text.find("\n", end)
    return text.rfind("\n", 0, start) + 1, line_end if line_end >= 0 else len(text)


def leading_lines(text: str, count: int) -> list[tuple[int, int]]:
    """(start, end) of the text's first `count` non-blank lines, found without
    splitting the whole page (header stamps here, the header zone in dates)."""
    spans: list[tuple[int, int]] = []
    start = 0
    while len(spans) < count and start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if text[start:end].strip():
            spans.append((start, end))
        start = end + 1
    return spans


def record_title(title_hint: str | None) -> tuple[str | None, list[Repair]]:
    """The record's own title as the article's: one line (a scraped <title> often
    holds line breaks and indents), and none when it is longer than a title can be
    (a description put in the title field), which is logged; the page's text may
    then give one. Either used to fail the contract and cost the article."""
    title = " ".join(title_hint.split()) if title_hint else ""
    if len(title) > MAX_TITLE_CHARS:
        detail = f"the record's title has {len(title)} characters (more than {MAX_TITLE_CHARS})"
        return None, [repair("title_dropped", detail, title)]
    return title or None, []


def split_header(text: str, title_hint: str | None, url_hint: str | None) -> dict[str, Any]:
    """Remove header stamps from the top; choose the title (the text keeps it)."""
    url = url_hint
    title, repairs = record_title(title_hint)
    # The first HEADER_LINES non-blank lines, and one more: a title needs a body
    # below it. Most pages have no stamp to drop and are not split at all.
    leading = leading_lines(text, HEADER_LINES + 1)
    drop: set[int] = set()  # offsets of the lines to drop
    for start, end in leading[:HEADER_LINES]:
        line = text[start:end]
        m = DATE_PREFIX.match(line)
        if m:
            rest = line[m.end() :].strip()
            repairs.append(repair("header_removed", f"date prefix {m.group(1)!r}", line, rest))
            drop.add(start)
            u = URL_LINE.match(rest)
            if u:
                url = url or u.group(1)
            else:
                title = title or rest or None
        elif URL_LINE.match(line):
            url = url or line.strip()
            drop.add(start)
            repairs.append(repair("header_removed", "URL line", line.strip(), ""))
        elif STAMP_LINE.match(line):
            drop.add(start)
            repairs.append(repair("header_removed", "timestamp line", line.strip(), ""))
    if drop:
        body, offset = [], 0
        for line in text.split("\n"):
            if offset not in drop:
                body.append(line)
            offset += len(line) + 1
        text = "\n".join(body)
        leading = leading_lines(text, 2)
    if title is None and len(leading) > 1:
        first = text[leading[0][0] : leading[0][1]].strip()
        if 0 < len(first) <= MAX_TITLE_CHARS and not first.endswith((".", ",", ";")):
            title = _clean_title(first, text, url)
    return {"text": text, "title": title, "url": url, "repairs": repairs}


def parse_dateline(paragraph: str) -> dict[str, Any]:
    """Location, outlet, agency and date text of a leading dateline, and where it ends."""
    found = {"location": None, "outlet": None, "agency": None, "dateline_date": None, "end": 0}
    m = DATELINE_DATED.match(paragraph)
    if m:
        found.update(
            location=m.group(1).strip(),
            dateline_date=m.group(2),
            agency=m.group(3).strip(),
            end=m.end(),
        )
        return found
    m = DATELINE_PAREN.match(paragraph)
    # "(Sputnik)", "(AP)", "(Outlet / Agency - date)" — not an expansion such as
    # "NATO (North Atlantic Treaty Organization) said", which is prose.
    inside = m.group(2) if m else ""
    looks_like_credit = len(inside.split()) <= 3 or "/" in inside or re.search(r"\s[-–—]\s", inside)
    if m and len(m.group(1).split()) <= 5 and looks_like_credit:
        parts = re.split(r"\s+[-–—]\s+", inside, maxsplit=1)
        names = [p.strip() for p in parts[0].split("/") if p.strip()]
        if len(parts) > 1:
            found["dateline_date"] = parts[1].strip()
        if len(names) >= 2:
            found["outlet"], found["agency"] = names[0], "/".join(names[1:])
        elif names:
            found["agency"] = names[0]
        found.update(location=m.group(1).strip(), end=m.end())
        return found
    m = AGENCY_ONLY.match(paragraph)
    if m:
        found.update(agency=m.group(1), end=m.end())
    return found


def tidy_body(text: str, title: str | None) -> dict[str, Any]:
    """Remove reprinted titles and teasers; parse and strip the dateline."""
    repairs = []
    lines = text.split("\n")
    if title:
        reprinted = set(equal_lines(lines, norm(title)))
        if reprinted:
            lines = [line for k, line in enumerate(lines) if k not in reprinted]
            repairs.append(
                repair(
                    "title_removed_from_body",
                    f"title printed {len(reprinted)} time(s) in the text",
                )
            )
    out = []
    prose_seen = False  # a short undated teaser goes only before the first content line
    for line in lines:
        stripped = line.strip()
        if (
            ("..." in stripped or "…" in stripped)  # C-speed test before the regex
            and TEASER_END.search(stripped)
            and (TRAILING_DATE.search(stripped) or (len(stripped.split()) <= 40 and not prose_seen))
        ):
            repairs.append(repair("teaser_removed", stripped[:80], stripped, ""))
            continue
        prose_seen = prose_seen or bool(stripped)
        out.append(line)
    meta = {"location": None, "outlet": None, "agency": None, "dateline_date": None}
    first = next((i for i, line in enumerate(out) if line.strip()), None)
    if first is not None:
        found = parse_dateline(out[first].strip())
        if found["end"]:
            meta = {k: found[k] for k in meta}
            line = out[first].strip()
            out[first] = line[found["end"] :]
            repairs.append(
                repair(
                    "dateline_parsed",
                    ", ".join(f"{k}={v}" for k, v in meta.items() if v),
                    line[: found["end"] + 40],
                    out[first][:40],
                )
            )
    return {"text": "\n".join(out), **meta, "repairs": repairs}


def extract_header(df: pl.DataFrame) -> pl.DataFrame:
    """Polars step: adds `title`, may fill `url`, removes header stamps from `text`."""
    return map_rows(
        df,
        split_header,
        ["text", "title_hint", "url"],
        {"text": pl.String(), "title": pl.String(), "url": pl.String()},
    )


def extract_dateline(df: pl.DataFrame) -> pl.DataFrame:
    """Polars step: adds dateline location/outlet/agency; strips title copies and teasers."""
    return map_rows(
        df,
        tidy_body,
        ["text", "title"],
        {
            "text": pl.String(),
            "location": pl.String(),
            "outlet": pl.String(),
            "agency": pl.String(),
            "dateline_date": pl.String(),
        },
    )
