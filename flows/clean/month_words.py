"""Which month a word names, in any language dateparser knows, remembered on disk.

News dates are all different, but their month words are few, so each word is asked
of dateparser once ("1 <word> 2000", strict) and the day and year are taken from the
text as they are. A first question costs a worker ~1 s (dateparser loads, then each
language's data as words need it; 96 words took 1.8 s in one process, measured),
and every batch worker of every run used to pay it again. The answers depend only
on the word and dateparser's version, so they are also kept in a small JSON file per
dateparser version in the user's cache folder (flows/clean/cache_dir.py). A worker
that finds all its words there never loads dateparser.
A cache that cannot be read or written is ignored: dateparser answers as before.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path

from flows.clean.cache_dir import cache_dir

QUERY_VERSION = 1  # bump when the question asked of dateparser changes
# Most words asked about are no month ("12 teams 2024" has the shape of a date);
# past this many, new answers are neither kept nor written (memory and file stay small).
MAX_WORDS = 20_000
SETTINGS = {
    "STRICT_PARSING": True,
    "REQUIRE_PARTS": ["day", "month", "year"],
    "RETURN_AS_TIMEZONE_AWARE": False,
}


def ask_dateparser(word: str) -> int | None:
    """The month `word` names according to dateparser, or None."""
    import dateparser  # slow import, only when a word is not known yet

    try:
        parsed = dateparser.parse(f"1 {word} 2000", settings=SETTINGS)
    except Exception:  # dateparser raises several types on odd input
        return None
    return parsed.month if parsed and (parsed.year, parsed.day) == (2000, 1) else None


def cache_file() -> Path | None:
    """This dateparser version's file, or None when the disk cache is off."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        version = metadata.version("dateparser")
    except metadata.PackageNotFoundError:
        return None
    return folder / f"month-words-v{QUERY_VERSION}-dateparser-{version}.json"


def _read(path: Path) -> dict[str, int | None]:
    try:
        words = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(words, dict):
        return {}
    return {w: m for w, m in words.items() if m is None or (type(m) is int and 1 <= m <= 12)}


def _write(path: Path, words: dict[str, int | None]) -> None:
    """Merge `words` into the file (others may have added theirs) and replace it
    atomically; a lost race only means a word is asked of dateparser again."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        merged = {**_read(path), **words}
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(merged, fh, ensure_ascii=False, sort_keys=True)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


class MonthWords:
    """The answers known to this process, read from the cache file at first use."""

    def __init__(self) -> None:
        self.known: dict[str, int | None] | None = None
        self.path: Path | None = None
        self.asked = 0  # words dateparser was asked about in this process

    def month_of(self, word: str) -> int | None:
        if self.known is None:
            self.path = cache_file()
            self.known = _read(self.path) if self.path else {}
        if word in self.known:
            return self.known[word]
        month = ask_dateparser(word)
        self.asked += 1
        if len(self.known) < MAX_WORDS:
            self.known[word] = month
            if self.path:
                _write(self.path, {word: month})
        return month


WORDS = MonthWords()


def month_of(word: str) -> int | None:
    """The month `word` (lower case) names in any language dateparser knows, or None."""
    return WORDS.month_of(word)
