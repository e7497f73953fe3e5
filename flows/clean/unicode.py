"""Unicode repair: fix what is broken, never impose a house style.

ftfy runs with a deliberate config (as datatrove's FTFY formatter does): it fixes
mojibake, C1 controls, HTML entities, lossy sequences and terminal escapes, but does
not uncurl quotes, change character widths, split ligatures or normalise to NFC/NFKC
— those change correct text. ftfy costs ~100 µs per kB, so it only runs on documents
that a vectorised test (ftfy's own badness regex plus entities and control
characters) flags; clean documents never pay for it.

After ftfy, characters that cannot be recovered (U+FFFD) are removed and logged, and
odd spaces (NBSP, thin, ideographic, zero-width) are normalised so later steps can
rely on plain spaces and "\n" line ends.
"""

from __future__ import annotations

import re

import ftfy
import polars as pl
from ftfy.badness import badness

from flows.clean.repairs import Repair, append_repairs, changed_window, excerpt, repair
from schemas.text_checks import CONTROL, ENTITY, MOJIBAKE

FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html="auto",  # unescape entities unless the text looks like real HTML
    remove_terminal_escapes=True,  # ANSI colour codes are never article text
    fix_encoding=True,  # the point: undo UTF-8 read as cp1252/latin-1/…
    restore_byte_a0=True,  # "Ã " where NBSP became a space is still mojibake
    replace_lossy_sequences=True,  # mojibake that lost a byte → U+FFFD, removed below
    decode_inconsistent_utf8=True,  # fix mojibake inside otherwise good text
    fix_c1_controls=True,  # C1 controls are cp1252 punctuation read as latin-1
    fix_latin_ligatures=False,  # "ﬁ" is correct text, not damage
    fix_character_width=False,  # full-width forms are correct in CJK text
    uncurl_quotes=False,  # curly quotes are the author's, keep them exactly
    fix_line_breaks=False,  # line ends are normalised below, without touching U+2028 meaning
    fix_surrogates=True,
    remove_control_chars=True,
    normalization=None,  # NFC would rewrite correct decomposed text
    explain=True,
)


NEEDS_FTFY = f"(?:{MOJIBAKE})|{ENTITY}|{CONTROL}|\x1b"
NEEDS_REPAIR = f"{NEEDS_FTFY}|\ufffd"


CONTROL_RE = re.compile(f"{CONTROL}|\x1b")


def _gate(texts: list[str], pattern: str) -> list[bool]:
    """Which texts match `pattern`, in one polars call: Python's `re` needs ~300 µs
    per page for ftfy's badness regex, and a polars call per text pays its setup
    (and the regex compilation) each time."""
    if not texts:
        return []
    return pl.Series(texts, dtype=pl.String).str.contains(pattern).fill_null(False).to_list()


def _flagged_lines(texts: list[str]) -> list[tuple[list[str], list[bool]]]:
    """Each text's lines (line ends kept) and which of them the gate flags, in one
    polars call for all of them (Python's `re` took ~10 µs a non-ASCII line)."""
    split = [text.splitlines(keepends=True) for text in texts]
    flags = iter(_gate([line for lines in split for line in lines], NEEDS_REPAIR))
    return [(lines, [next(flags) for _ in lines]) for lines in split]


# Spaces that are not U+0020 but mean one; invisible characters that mean nothing
# (zero-width space, word joiner, stray BOM, soft hyphen). ZWNJ and ZWJ are kept:
# Persian and Indic spelling and emoji sequences depend on them.
ODD_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
ZERO_WIDTH = re.compile("[\u200b\u2060\ufeff\u00ad]")
ODD_SPACES_PL = "[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
ZERO_WIDTH_PL = "[\u200b\u2060\ufeff\u00ad]"
# What normalise_spaces changes: a text holding none of these is left as it is.
NORMALISED = f"[\r{ODD_SPACES_PL[1:-1]}{ZERO_WIDTH_PL[1:-1]}]"
REPLACEMENT = "\ufffd"


def _ftfy_lines(lines: list[str], flagged: list[bool], steps: dict[str, None]) -> str:
    """ftfy on each line that the gate flags (clean lines are left alone: ftfy on
    every non-ASCII line cost more than the rest of the cleaning); the lines joined."""
    lines = list(lines)
    for i, line in enumerate(lines):
        if not flagged[i]:
            continue
        fixed, explanation = ftfy.fix_and_explain(line, FTFY_CONFIG)
        if fixed != line:
            lines[i] = fixed
            steps.update(dict.fromkeys(f"{a} {p}" for a, p in (explanation or [])))
    return "".join(lines)


def _inert(line: str) -> bool:
    """Whether no ftfy fixer in FTFY_CONFIG can change this line or be swayed by it:
    ASCII reads the same in every encoding ftfy tries and holds no mojibake; the
    only ASCII that ftfy touches is entities, control characters and escapes."""
    return line.isascii() and "&" not in line and not CONTROL_RE.search(line)


def _fix_region(text: str) -> tuple[str, list[ftfy.ExplanationStep] | None]:
    """ftfy on the whole text as one piece, without the inside of inert stretches.

    ftfy's cost is scanning: its badness regex (Python `re`) runs over the whole text
    before and after each fix, and about half of a mojibake page's characters are in
    plain ASCII lines (measured on the generated corpus). What ftfy decides for the
    whole text (whether it can be re-encoded, and how) depends only on the other
    lines, except that a few badness patterns read one character across a line
    break ("[a-z]\\s?[ÃÂ][ ]": "y\\nÃ " is mojibake). So the lines next to a line
    that is not inert are kept, and only lines with inert lines on both sides are
    left out. Its one text-wide switch, no HTML unescaping where a "<" appears, is
    set from the whole text."""
    config = FTFY_CONFIG._replace(unescape_html=False) if "<" in text else FTFY_CONFIG
    lines = text.split("\n")
    inert = [_inert(line) for line in lines]
    kept = [
        k
        for k in range(len(lines))
        if not (inert[k] and 0 < k < len(lines) - 1 and inert[k - 1] and inert[k + 1])
    ]
    if len(kept) == len(lines):
        return ftfy.fix_and_explain(text, config)
    fixed, explanation = ftfy.fix_and_explain("\n".join(lines[k] for k in kept), config)
    pieces = fixed.split("\n")
    if len(pieces) != len(kept) or any(
        inert[k] and piece != lines[k] for k, piece in zip(kept, pieces, strict=True)
    ):  # an entity became a line break: the lines no longer map, so do it whole
        return ftfy.fix_and_explain(text, config)
    for k, piece in zip(kept, pieces, strict=True):
        lines[k] = piece
    return "\n".join(lines), explanation


def _fix_wholes(texts: list[str]) -> list[tuple[str, dict[str, None]]]:
    """ftfy on each whole text, then on each line the gate still flags."""
    out = []
    wholes = [_fix_region(text) for text in texts]
    for (lines, flagged), (_, explanation) in zip(
        _flagged_lines([whole for whole, _ in wholes]), wholes, strict=True
    ):
        steps = dict.fromkeys(f"{a} {p}" for a, p in (explanation or []))
        out.append((_ftfy_lines(lines, flagged, steps), steps))
    return out


def fix_texts(texts: list[str]) -> list[tuple[str, list[Repair]]]:
    """ftfy with FTFY_CONFIG on each text; returns each text and what was done.

    Two readings are tried and the less bad one (ftfy's badness count) is kept:
    the whole text, then each line (a page that is mojibake throughout is undone best
    as one piece: short lines alone carry too little evidence), and each line alone
    (one damaged paragraph in an otherwise clean text does not re-encode as a whole;
    this is how `ftfy.fix_text` works). The second reading is tried only where the
    first still looks broken (one gate call for all texts; counting every match with
    badness() is only worth it there).
    """
    wholes = _fix_wholes(texts)
    still_broken = _gate([whole for whole, _ in wholes], MOJIBAKE)
    broken_lines = iter(_flagged_lines([t for t, b in zip(texts, still_broken, strict=True) if b]))
    out: list[tuple[str, list[Repair]]] = []
    for text, (whole, whole_steps), broken in zip(texts, wholes, still_broken, strict=True):
        fixed, steps = whole, whole_steps
        if broken:
            line_steps: dict[str, None] = {}
            by_line = _ftfy_lines(*next(broken_lines), line_steps)
            if badness(by_line) < badness(whole):
                fixed, steps = by_line, line_steps
        if fixed == text:
            out.append((text, []))
            continue
        before, after = changed_window(text, fixed)
        detail = ", ".join(steps) or "ftfy changed the text"
        out.append((fixed, [repair("unicode_fixed", detail, before, after)]))
    return out


def remove_replacement_chars(text: str) -> tuple[str, list[Repair]]:
    """Drop U+FFFD (the information is gone) and log where each one stood."""
    if REPLACEMENT not in text:
        return text, []
    repairs = [
        repair(
            "unrecoverable_char",
            "U+FFFD removed: " + excerpt(text, m.start(), m.end(), 20),
            excerpt(text, m.start(), m.end(), 30),
            excerpt(text, m.start(), m.end(), 30).replace(REPLACEMENT, ""),
        )
        for m in re.finditer(REPLACEMENT, text)
    ][:20]
    return text.replace(REPLACEMENT, ""), repairs


def normalise_spaces(text: str) -> str:
    """Plain spaces and "\n" line ends; zero-width characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return ZERO_WIDTH.sub("", ODD_SPACES.sub(" ", text))


def repair_texts(texts: list[str]) -> list[tuple[str, list[Repair]]]:
    """ftfy + U+FFFD removal + space normalisation, repeated until nothing changes.

    Removing a soft hyphen or NBSP can expose a mojibake pair that was not adjacent
    before, so one pass is not always a fixed point; three always were in testing.
    Each pass works on the texts still flagged, with one gate call per pass: ftfy
    only sees texts its gate (NEEDS_FTFY) flags — a text whose only damage is U+FFFD
    needs just the removal — and a text that no longer changes, or that the gate no
    longer flags, is done.
    """
    current = list(texts)
    logs: list[list[Repair]] = [[] for _ in texts]
    todo = list(range(len(texts)))
    for _ in range(3):
        if not todo:
            break
        needs_ftfy = _gate([current[i] for i in todo], NEEDS_FTFY)
        ftfy_rows = [i for i, needed in zip(todo, needs_ftfy, strict=True) if needed]
        fixed = dict(zip(ftfy_rows, fix_texts([current[i] for i in ftfy_rows]), strict=True))
        changed = []
        for i in todo:
            text, done = fixed.get(i, (current[i], []))
            text, lost = remove_replacement_chars(text)
            text = normalise_spaces(text)
            logs[i] += done + lost
            if text != current[i]:
                changed.append(i)
            current[i] = text
        flags = _gate([current[i] for i in changed], NEEDS_REPAIR)
        todo = [i for i, flagged in zip(changed, flags, strict=True) if flagged]
    return list(zip(current, logs, strict=True))


def repair_unicode(df: pl.DataFrame, column: str = "text") -> pl.DataFrame:
    """Polars step: repair `column` in place and append to `repairs`.

    Only rows matching NEEDS_FTFY (or holding U+FFFD) go through Python; the
    whitespace normalisation is vectorised, on the rows that hold something it
    changes (~10 % of pages; normalising and checking again every page made the
    step 43 ms slower for 3,280 pages), and a row that it changes is checked again
    (normalising can bring mojibake pairs together).
    """
    gate = pl.col(column).str.contains(NEEDS_FTFY) | pl.col(column).str.contains(REPLACEMENT)
    flags = df.select(
        gate.fill_null(False).alias("flagged"),
        pl.col(column).str.contains(NORMALISED).fill_null(False).alias("odd"),
    )
    odd_rows = flags["odd"].arg_true()
    odd = (
        df.select(pl.col(column).gather(odd_rows))
        .select(
            pl.col(column)
            .str.replace_all("\r\n?", "\n")
            .str.replace_all(ODD_SPACES_PL, " ")
            .str.replace_all(ZERO_WIDTH_PL, ""),
            pl.col(column).str.count_matches(ODD_SPACES_PL).alias("nbsp"),
        )
        .with_columns(gate.fill_null(False).alias("flagged"))
    )
    flagged = flags["flagged"].scatter(odd_rows, flags["flagged"].gather(odd_rows) | odd["flagged"])
    originals = df[column].to_list()
    texts = list(originals)
    logs: list[list[Repair]] = [[] for _ in texts]
    for i, text, n in zip(
        odd_rows.to_list(), odd[column].to_list(), odd["nbsp"].to_list(), strict=True
    ):
        texts[i] = text
        if n:
            logs[i].append(repair("odd_spaces_normalised", f"{n} non-breaking/odd spaces"))
    rows = flagged.arg_true().to_list()
    for i, (text, log) in zip(rows, repair_texts([originals[i] for i in rows]), strict=True):
        texts[i], logs[i] = text, log + logs[i]
    out = df.with_columns(pl.Series(column, texts, dtype=pl.String))
    return append_repairs(out, logs)


def repair_title_hint(df: pl.DataFrame) -> pl.DataFrame:
    """Polars step: the record's own title (a feed's or scraper's) gets the text's
    repair. Unrepaired, a stray U+FFFD or mojibake in it failed the article's
    contract and sent a sound article to quarantine."""
    return repair_unicode(df, column="title_hint")
