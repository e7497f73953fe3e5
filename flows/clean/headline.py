"""Matching a page's headline where it is printed again.

Shared by boilerplate removal (the reprinted headline anchors the body), dates
(bylines sit just below it) and structure (titles printed twice are removed).
"""

from __future__ import annotations

import re

WORD = re.compile(r"\w+")
# " - Site", " | Site", " : Site" … at the end of a page's <title> line.
PAGE_SITE_SUFFIX = re.compile(r"\s+[-|–—:·»]\s+[^-|–—:·»]{2,60}$")


def norm(line: str) -> str:
    """Case- and punctuation-insensitive form of a line, for matching repeats."""
    return " ".join(WORD.findall(line.casefold()))


def strip_site_suffix(first_line: str) -> str:
    """The first line (the page title) without a trailing " - Site"."""
    return PAGE_SITE_SUFFIX.sub("", first_line).strip()
