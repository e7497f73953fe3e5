"""Matching a page's headline where it is printed again.

Shared by boilerplate removal (the reprinted headline anchors the body), dates
(bylines sit just below it) and structure (titles printed twice are removed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

WORD = re.compile(r"\w+")
# " - Site", " | Site", " : Site" … at the end of a page's <title> line. A match
# starts where a run of whitespace starts ((?<!\s)): tried at every space of a long
# run, `\s+` read the rest of the run each time (200,000 spaces in a line: 5 min).
PAGE_SITE_SUFFIX = re.compile(r"(?<!\s)\s+[-|–—:·»]\s+[^-|–—:·»]{2,60}$")
# "Site - " … at the start, the other common order.
PAGE_SITE_PREFIX = re.compile(r"^[^-|–—:·»]{2,40}\s+[-|–—:·»]\s+")


def norm(line: str) -> str:
    """Case- and punctuation-insensitive form of a line, for matching repeats."""
    return " ".join(WORD.findall(line.casefold()))


@lru_cache(maxsize=256)
def _probe(key: str) -> str:
    """The key's longest word: the rarest, so the likeliest to rule a line out."""
    return max(key.split(" "), key=len)


@lru_cache(maxsize=256)
def _first(key: str) -> str:
    return key.split(" ", 1)[0]


def norm_equals(line: str, key: str) -> bool:
    """`norm(line) == key`, answered without `norm` for most lines (C-speed tests;
    `norm` is a regex over the whole line). Every word of `norm(line)` is a
    substring of `line.casefold()`, and consecutive words are apart by at least one
    character there, so a matching line's casefolded text holds the key's longest
    word and is at least as long as the key; and its first word (the search stops
    there) is the key's first. A body paragraph often holds a headline's longest
    word, rarely starts with its first."""
    folded = line.casefold()
    if len(folded) < len(key) or _probe(key) not in folded:
        return False
    first = WORD.search(folded)
    return (first.group() if first else "") == _first(key) and norm(line) == key


def equal_lines(lines: Sequence[str], key: str, start: int = 0) -> list[int]:
    """The indices k >= `start` of the lines with `norm(lines[k]) == key`.

    The lines are casefolded together, in one call, and only those holding the
    key's longest word are tested with `norm_equals`: a page has ~26 lines and the
    word is in one or two. Casefolding never makes or removes a line break, so the
    joined text's lines are the lines'. 0.8 µs a line before, for every line.
    """
    if start >= len(lines):
        return []
    probe = _probe(key)
    joined = "\n".join(lines[start:]).casefold()
    found = []
    k, cursor = start, 0  # cursor: where line k starts in `joined`
    pos = joined.find(probe)
    while pos >= 0:
        breaks = joined.count("\n", cursor, pos)
        if breaks:
            k += breaks
            cursor = joined.rfind("\n", cursor, pos) + 1
        if norm_equals(lines[k], key):
            found.append(k)
        end = joined.find("\n", pos)
        if end < 0:
            break
        k, cursor = k + 1, end + 1
        pos = joined.find(probe, cursor)
    return found


def shorter_readings(title: str, suffix: re.Pattern[str] = PAGE_SITE_SUFFIX) -> Iterator[str]:
    """The title with one more trailing part cut off each time ("Headline | Section
    | Site" → "Headline | Section" → "Headline"), while three or more words are left
    (fewer is a section's name, not a headline)."""
    head = title.strip()
    while (m := suffix.search(head)) and len((shorter := head[: m.start()].strip()).split()) >= 3:
        yield shorter
        head = shorter


def strip_site_suffix(first_line: str) -> str:
    """The first line (the page title) without its trailing " - Site" parts."""
    return [first_line.strip(), *shorter_readings(first_line)][-1]


def headline_variants(first_line: str) -> list[str]:
    """Ways the page title may be printed again: without a site suffix or prefix."""
    variants = [strip_site_suffix(first_line)]
    without_prefix = PAGE_SITE_PREFIX.sub("", first_line).strip()
    if without_prefix != first_line.strip() and without_prefix not in variants:
        variants.append(without_prefix)
    return variants
