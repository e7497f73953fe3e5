"""Corruption benchmark: damage clean text the way the web does, and check the repair.

Each kind of damage is what really happens to news text on its way to a scraper:

- `cp1252`: UTF-8 bytes decoded as Windows-1252 ("Ã©", "â€™"), as browsers do it
  (WHATWG: the five undefined bytes become C1 controls, ftfy's "sloppy" codec);
- `latin1`: UTF-8 bytes decoded as ISO-8859-1 (C1 control characters appear);
- `double`: the cp1252 damage applied twice ("Ãƒ©");
- `one_paragraph`: one paragraph damaged as cp1252 in an otherwise clean text
  (a CMS that concatenated two sources);
- `html_entities`: text taken from HTML without unescaping (`&eacute;`, `&#8217;`,
  `&amp;`);
- `replacement_chars`: stray U+FFFD next to spaces, where an undecodable byte stood.

Two figures come out (see `score`): (a) the share of damaged documents whose cleaned
body equals the cleaned body of the undamaged original, and (b) the share of clean
documents whose text the Unicode repair changes beyond whitespace.

Pure functions over strings and polars frames: no Prefect, no DuckDB.
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from html.entities import codepoint2name
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-windows-1252" codec)
import polars as pl

from flows.datasets import dataset_records
from schemas.text_checks import ENTITY

KINDS = ("cp1252", "latin1", "double", "one_paragraph", "html_entities", "replacement_chars")
# Whitespace for "changed beyond whitespace": \s plus the zero-width spaces (ZWSP,
# word joiner, mid-text BOM) that the repair drops as spacing.
_WHITESPACE = re.compile("[\\s\u200b\u2060\ufeff]+")
# Objective marks of damage: U+FFFD, C1 controls, and HTML character references left
# in plain text by an extractor. A text carrying them is not a clean original.
_DAMAGE_MARKS = re.compile(f"[\ufffd\x80-\x9f]|{ENTITY}")


def _as_cp1252(text: str) -> str:
    return text.encode("utf-8").decode("sloppy-windows-1252")


def _as_latin1(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


def _one_paragraph(text: str, rng: random.Random) -> str:
    paragraphs = text.split("\n\n") if "\n\n" in text else text.split("\n")
    sep = "\n\n" if "\n\n" in text else "\n"
    damageable = [i for i, p in enumerate(paragraphs) if _as_cp1252(p) != p]
    if not damageable or len(paragraphs) < 2:
        return text
    i = rng.choice(damageable)
    paragraphs[i] = _as_cp1252(paragraphs[i])
    return sep.join(paragraphs)


def _entity(ch: str) -> str:
    name = codepoint2name.get(ord(ch))
    return f"&{name};" if name else f"&#{ord(ch)};"


def _html_entities(text: str) -> str:
    escaped = html.escape(text, quote=True)
    return "".join(_entity(ch) if ord(ch) > 127 else ch for ch in escaped)


def _replacement_chars(text: str, rng: random.Random) -> str:
    spaces = [m.start() for m in re.finditer(" ", text)]
    if not spaces:
        return text
    chosen = sorted(rng.sample(spaces, k=min(len(spaces), rng.randint(1, 4))), reverse=True)
    for pos in chosen:  # "word \ufffdword" or "word\ufffd word", as in the seeds
        at = pos + 1 if rng.random() < 0.5 else pos
        text = text[:at] + "\ufffd" + text[at:]
    return text


DAMAGE: dict[str, Callable[[str, random.Random], str]] = {
    "cp1252": lambda t, _: _as_cp1252(t),
    "latin1": lambda t, _: _as_latin1(t),
    "double": lambda t, _: _as_cp1252(_as_cp1252(t)),
    "one_paragraph": _one_paragraph,
    "html_entities": lambda t, _: _html_entities(t),
    "replacement_chars": _replacement_chars,
}


def damage(text: str, kind: str, rng: random.Random) -> str | None:
    """`text` with one kind of damage, or None when that damage leaves it unchanged
    (pure ASCII has no bytes for cp1252 to misread)."""
    damaged = DAMAGE[kind](text, rng)
    return None if damaged == text else damaged


def is_clean(text: str) -> bool:
    """Nothing objectively marks the text as damaged (see _DAMAGE_MARKS)."""
    return bool(text.strip()) and not _DAMAGE_MARKS.search(text)


def same_beyond_whitespace(a: str, b: str) -> bool:
    return _WHITESPACE.sub(" ", a).strip() == _WHITESPACE.sub(" ", b).strip()


def load_texts(paths: Iterable[Path]) -> list[tuple[str, str]]:
    """(name, text) pairs from .txt files, folders of them, and JSONL files.

    From JSONL, `gold_body` is taken when present (human-cleaned article text),
    otherwise `text`.
    """
    out: list[tuple[str, str]] = []
    for path in paths:
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for f in files:
            if f.suffix in {".txt", ".md"}:
                out.append((f.name, f.read_text(encoding="utf-8", errors="replace")))
            elif f.suffix in {".jsonl", ".ndjson"}:
                for number, rec in dataset_records(f):
                    text = rec.get("gold_body") or rec.get("text") or ""
                    out.append((f"{f.name}:{rec.get('id', number - 1)}", str(text)))
    return out


@dataclass(frozen=True)
class Case:
    """One damaged document and where it came from."""

    name: str
    kind: str
    original: str
    damaged: str


def make_cases(texts: Sequence[tuple[str, str]], seed: int = 0) -> list[Case]:
    """Every applicable kind of damage for every clean text; deterministic for `seed`."""
    rng = random.Random(seed)
    cases = []
    for name, text in texts:
        for kind in KINDS:
            damaged = damage(text, kind, rng)
            if damaged is not None:
                cases.append(Case(name, kind, text, damaged))
    return cases


@dataclass
class KindScore:
    damaged: int = 0
    restored: int = 0

    @property
    def share(self) -> float:
        return self.restored / self.damaged if self.damaged else 1.0


@dataclass
class CorruptionReport:
    """(a) restored share per kind and overall; (b) clean documents changed."""

    by_kind: dict[str, KindScore] = field(default_factory=dict)
    clean_docs: int = 0
    clean_changed: list[str] = field(default_factory=list)
    failures: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def damaged(self) -> int:
        return sum(k.damaged for k in self.by_kind.values())

    @property
    def restored_share(self) -> float:
        total = self.damaged
        return sum(k.restored for k in self.by_kind.values()) / total if total else 1.0

    @property
    def changed_share(self) -> float:
        return len(self.clean_changed) / self.clean_docs if self.clean_docs else 0.0


def _first_difference(a: str, b: str, width: int = 40) -> tuple[str, str]:
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return a[max(0, i - width) : i + width], b[max(0, i - width) : i + width]


def score(
    texts: Sequence[tuple[str, str]],
    clean_bodies: Callable[[list[str]], list[str | None]],
    repair_text: Callable[[list[str]], list[str]],
    seed: int = 0,
) -> CorruptionReport:
    """Run the benchmark with the given cleaning functions (kept injectable so the
    benchmark measures the real pipeline without importing it here)."""
    clean = [(n, t) for n, t in texts if is_clean(t)]
    report = CorruptionReport(by_kind={k: KindScore() for k in KINDS})
    report.clean_docs = len(clean)
    repaired = repair_text([t for _, t in clean])
    for (name, text), fixed in zip(clean, repaired, strict=True):
        if not same_beyond_whitespace(text, fixed):
            report.clean_changed.append(name)
    cases = make_cases(clean, seed)
    originals = dict(zip([n for n, _ in clean], clean_bodies([t for _, t in clean]), strict=True))
    bodies = clean_bodies([c.damaged for c in cases])
    for case, body in zip(cases, bodies, strict=True):
        k = report.by_kind[case.kind]
        k.damaged += 1
        expected = originals[case.name]
        if body == expected:
            k.restored += 1
        else:
            want, got = _first_difference(expected or "", body or "")
            report.failures.append((case.name, case.kind, want, got))
    return report


def report_frame(report: CorruptionReport) -> pl.DataFrame:
    """Per-kind table for printing."""
    rows = [
        {"damage": k, "documents": s.damaged, "restored": s.restored, "share": round(s.share, 4)}
        for k, s in report.by_kind.items()
    ]
    rows.append(
        {
            "damage": "all",
            "documents": report.damaged,
            "restored": sum(s.restored for s in report.by_kind.values()),
            "share": round(report.restored_share, 4),
        }
    )
    return pl.DataFrame(rows)
