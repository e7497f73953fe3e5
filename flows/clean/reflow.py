"""Reflow: join hard-wrapped lines into paragraphs and separate glued sentences.

Hard wraps are recognised per document, not per line: a web dump has many long lines
without a full stop (headlines, captions) that must not be joined. A document counts
as hard-wrapped when several lines end mid-sentence at a similar width (a wrap
column ≤ 120); only such lines are joined to the next one, and an indented line or a
blank line always starts a new paragraph.

Glued sentences (".The", "again.On") come from scrapers that drop the space between
<p> elements. A full stop between a lowercase letter/closing quote and a capitalised
word is split; "a.m.", "1.5-hour", "U.S." and domain names do not match.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from flows.clean.repairs import changed_window, repair
from flows.clean.rows import map_rows

TERMINAL = re.compile(r"[.!?:;\"”’»)\]…]$")
GLUED = re.compile(r"(?<=[a-z0-9)\"”’%])([.!?])(?=[A-Z][a-z])")
MIN_WRAP, MAX_WRAP = 40, 120


def _wrap_candidates(lines: list[str]) -> list[int]:
    """Indexes of lines that end mid-sentence and are followed by a continuation line."""
    out = []
    for i in range(len(lines) - 1):
        line, nxt = lines[i].rstrip(), lines[i + 1]
        if (
            MIN_WRAP <= len(line.strip()) <= MAX_WRAP
            and not TERMINAL.search(line)
            and nxt.strip()
            and not nxt[:1].isspace()
        ):
            out.append(i)
    return out


def unwrap(text: str) -> tuple[str, int]:
    """Join hard-wrapped lines; returns the text and the number of joins."""
    lines = text.split("\n")
    cands = _wrap_candidates(lines)
    long_lines = sum(1 for line in lines if len(line.strip()) >= MIN_WRAP)
    if len(cands) < 2 or len(cands) < 0.25 * long_lines:
        return text, 0
    lengths = sorted(len(lines[i].strip()) for i in cands)
    width = lengths[int(0.9 * (len(lengths) - 1))]
    if sum(1 for n in lengths if n >= 0.7 * width) < 0.7 * len(lengths):
        return text, 0
    join = {i for i in cands if len(lines[i].strip()) >= 0.6 * width}
    out: list[str] = []
    joined = 0
    for i, line in enumerate(lines):
        if out and (i - 1) in join:
            out[-1] = out[-1].rstrip() + " " + line.strip()
            joined += 1
        else:
            out.append(line)
    return "\n".join(out), joined


def unglue(text: str) -> tuple[str, int]:
    """Insert the missing space in glued sentences (".The")."""
    return GLUED.subn(r"\1 ", text)


def paragraphs(text: str) -> str:
    """One paragraph per non-blank line, trimmed, separated by one blank line."""
    parts = [" ".join(line.split()) for line in text.split("\n")]
    return "\n\n".join(p for p in parts if p)


def _unwrap(text: str) -> dict[str, Any]:
    out, joined = unwrap(text)
    if not joined:
        return {"text": out, "repairs": []}
    before, after = changed_window(text, out)
    return {
        "text": out,
        "repairs": [repair("hard_wraps_joined", f"{joined} line break(s)", before, after)],
    }


def _finish(text: str) -> dict[str, Any]:
    out, glued = unglue(text)
    repairs = []
    if glued:
        before, after = changed_window(text, out, width=30)
        repairs.append(repair("glued_sentences_split", f"{glued} sentence(s)", before, after))
    return {"text": paragraphs(out), "repairs": repairs}


def unwrap_lines(df: pl.DataFrame) -> pl.DataFrame:
    """Polars step (before boilerplate scoring): join hard-wrapped lines in `text`."""
    return map_rows(df, _unwrap, ["text"], {"text": pl.String()})


def reflow_paragraphs(df: pl.DataFrame) -> pl.DataFrame:
    """Polars step (last): split glued sentences and lay `text` out as paragraphs."""
    return map_rows(df, _finish, ["text"], {"text": pl.String()})
