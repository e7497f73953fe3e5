"""Article structure: split the title off the text.

A title is taken only when the text plainly has one: a short first line with no
sentence-final punctuation, followed by more text. A title printed twice (common
in scraped pages) is kept once.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from flows.clean.repairs import repair
from flows.clean.rows import map_rows

MAX_TITLE_CHARS = 200


def _looks_like_title(line: str) -> bool:
    line = line.strip()
    return 0 < len(line) <= MAX_TITLE_CHARS and not line.endswith((".", ",", ";", ":"))


def split_title(text: str, given_title: str | None) -> dict[str, Any]:
    """Return the title (given or found) and the text without it."""
    lines = text.split("\n")
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    repairs = []
    title = given_title.strip() if given_title and given_title.strip() else None
    if title is None and len(nonblank) > 1 and _looks_like_title(lines[nonblank[0]]):
        title = lines[nonblank[0]].strip()
    drop = {i for i in nonblank[:3] if title and lines[i].strip() == title}
    if len(drop) > 1:
        repairs.append(repair("title_deduplicated", f"title printed {len(drop)} times"))
    body = "\n".join(line for i, line in enumerate(lines) if i not in drop)
    return {"title": title, "text": body, "repairs": repairs}


def extract_title(df: pl.DataFrame) -> pl.DataFrame:
    """Polars step: adds `title`, removes it from `text`."""
    return map_rows(
        df, split_title, ["text", "title_hint"], {"title": pl.String(), "text": pl.String()}
    )
