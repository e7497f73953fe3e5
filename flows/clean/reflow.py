"""Reflow: join hard-wrapped lines into paragraphs and separate glued sentences.

Hard wraps are recognised per document, not per line: a web dump has many long lines
without a full stop (headlines, captions) that must not be joined. A document counts
as hard-wrapped when several lines end mid-sentence at a similar width (a wrap
column ≤ 120); only such lines are joined to the next one, and an indented line or a
blank line always starts a new paragraph.

A drop cap split from its word ("T he Davis Cup began", "H ong Kong is burning")
comes from pages that print an article's first letter large, in an element of its
own: the letter is joined back when the joined word occurs elsewhere in the text
("The", "Hong"), so "A dam" becomes "Adam" on a page about Adam Schiff, while "E chi
siamo" (Italian), "O que" (Portuguese) or "T cells" stay as they are.

Glued sentences (".The", "again.On") come from scrapers that drop the space between
<p> elements. A full stop between a lowercase letter/closing quote and a capitalised
word is split; "a.m.", "1.5-hour", "U.S." and domain names do not match. That and
the paragraph layout run as polars expressions over the batch (they were 5 % of the
cleaning as a Python loop); only the rows with a split go through Python, for the
repair log's excerpt.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from flows.clean.repairs import Repair, append_repairs, changed_window, repair
from flows.clean.rows import map_rows

# A line ending in one of these (trailing whitespace aside) ends a sentence.
TERMINAL = frozenset('.!?:;"”’»)]…')
# Rust's regex has no look-around, so the letters on both sides are matched and put
# back. Matches cannot then share a letter ("a.Bc.De": "c" belongs to the first),
# so the split runs twice; the second pass finds what the first skipped, because a
# skipped match always follows one that was split.
GLUED = r"([a-z0-9)\"”’%])([.!?])([A-Z][a-z])"
SPLIT_GLUED = "${1}${2} ${3}"
# A character Python's str.split() treats as whitespace (Rust's \s lacks
# \x1c-\x1f), the line end excepted: a paragraph is a line.
LINE_SPACE = r"[[\s\x1c-\x1f]&&[^\n]]"
# The runs of LINE_SPACE whose replacement by one space changes the text: two or
# more, or one that is not a space. Matching every lone space to put it back was
# 37 ms of the 47 ms this pass took for 3,280 pages.
SPACE_RUN = rf"{LINE_SPACE}{{2,}}|[{LINE_SPACE}&&[^ ]]"
MIN_WRAP, MAX_WRAP = 40, 120
# A paragraph that starts with a lone capital letter, a space and a lower-case word;
# polars' superset finds the pages that have one.
DROP_CAP = re.compile(r"(?m)^([^\W\d_]) ([^\W\d_]+)")
DROP_CAP_PL = r"(?m)^\p{Lu} \p{Ll}"


def unwrap(text: str) -> tuple[str, int]:
    """Join hard-wrapped lines; returns the text and the number of joins.

    A wrap candidate is a line of MIN_WRAP to MAX_WRAP characters (stripped) that
    ends mid-sentence, followed by a non-blank line that is not indented. Each line
    is stripped once (stripping it for every test was half of this step)."""
    lines = text.split("\n")
    stripped = [line.strip() for line in lines]
    sizes = [len(line) for line in stripped]
    cands = [
        i
        for i in range(len(lines) - 1)
        if MIN_WRAP <= sizes[i] <= MAX_WRAP
        and stripped[i][-1] not in TERMINAL
        and sizes[i + 1]
        and not lines[i + 1][:1].isspace()
    ]
    long_lines = sum(1 for n in sizes if n >= MIN_WRAP)
    if len(cands) < 2 or len(cands) < 0.25 * long_lines:
        return text, 0
    lengths = sorted(sizes[i] for i in cands)
    width = lengths[int(0.9 * (len(lengths) - 1))]
    if sum(1 for n in lengths if n >= 0.7 * width) < 0.7 * len(lengths):
        return text, 0
    join = {i for i in cands if sizes[i] >= 0.6 * width}
    out: list[str] = []
    joined = 0
    for i, line in enumerate(lines):
        if out and (i - 1) in join:
            out[-1] = out[-1].rstrip() + " " + stripped[i]
            joined += 1
        else:
            out.append(line)
    return "\n".join(out), joined


def unglue(text: pl.Expr) -> pl.Expr:
    """Insert the missing space in glued sentences (".The")."""
    return text.str.replace_all(GLUED, SPLIT_GLUED).str.replace_all(GLUED, SPLIT_GLUED)


def paragraphs(text: pl.Expr) -> pl.Expr:
    """One paragraph per non-blank line, its whitespace runs made one space and
    trimmed, paragraphs separated by one blank line."""
    return (
        text.str.replace_all(SPACE_RUN, " ")
        .str.replace_all(r" ?\n ?", "\n")
        .str.replace_all(r"\n+", "\n\n")
        .str.strip_chars(" \n")
    )


def join_drop_caps(text: str) -> tuple[str, int]:
    """Join each split drop cap whose joined word occurs elsewhere in the text;
    returns the text and how many were joined."""
    joins: list[tuple[int, int]] = []
    for m in DROP_CAP.finditer(text):
        letter, rest = m.groups()
        if not (letter.isupper() and rest.islower()):
            continue
        word = re.compile(rf"\b{re.escape(letter + rest)}\b", re.IGNORECASE)
        if word.search(text):  # the split one does not match: it holds a space
            joins.append((m.start(1), m.end(1)))
    for _, end in reversed(joins):
        text = text[:end] + text[end + 1 :]
    return text, len(joins)


def _unwrap(text: str) -> dict[str, Any]:
    out, joined = unwrap(text)
    if not joined:
        return {"text": out, "repairs": []}
    before, after = changed_window(text, out)
    return {
        "text": out,
        "repairs": [repair("hard_wraps_joined", f"{joined} line break(s)", before, after)],
    }


def unwrap_lines(df: pl.DataFrame) -> pl.DataFrame:
    """Polars step (before boilerplate scoring): join hard-wrapped lines in `text`."""
    return map_rows(df, _unwrap, ["text"], {"text": pl.String()})


def reflow_paragraphs(df: pl.DataFrame) -> pl.DataFrame:
    """Polars step (last): split glued sentences and lay `text` out as paragraphs."""
    split = (
        df.lazy()
        .select(pl.col("text"), unglue(pl.col("text")).alias("unglued"))
        .with_columns(
            (pl.col("unglued").str.len_chars() - pl.col("text").str.len_chars()).alias("glued"),
            paragraphs(pl.col("unglued")).alias("laid"),
        )
        .collect()
    )
    logs: list[list[Repair]] = [[] for _ in range(df.height)]
    for i in split["glued"].gt(0).arg_true().to_list():
        text, unglued, glued, _ = split.row(i)
        before, after = changed_window(text, unglued, width=30)
        logs[i].append(repair("glued_sentences_split", f"{glued} sentence(s)", before, after))
    laid = split["laid"]
    rows = laid.str.contains(DROP_CAP_PL).fill_null(False).arg_true()
    joined_rows: list[int] = []
    joined_texts: list[str] = []
    for i, text in zip(rows.to_list(), laid.gather(rows).to_list(), strict=True):
        joined, count = join_drop_caps(text)
        if count:
            before, after = changed_window(text, joined, width=30)
            logs[i].append(repair("drop_caps_joined", f"{count} drop cap(s)", before, after))
            joined_rows.append(i)
            joined_texts.append(joined)
    if joined_rows:  # only the pages that changed travel to Python and back
        laid = laid.clone().scatter(joined_rows, joined_texts)
    return append_repairs(df.with_columns(laid.alias("text")), logs)
