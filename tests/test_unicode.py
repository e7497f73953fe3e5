"""Unicode repair: fixes damage, keeps correct text exactly, logs what it did."""

from __future__ import annotations

import json

import ftfy
import polars as pl
from hypothesis import example, given, settings
from hypothesis import strategies as st

from flows.bench.corruption import make_cases
from flows.clean.repairs import REPAIRS
from flows.clean.unicode import (
    FTFY_CONFIG,
    NEEDS_FTFY,
    _fix_region,
    _gate,
    _inert,
    repair_unicode,
)
from tests.conftest import ARTICLE, DEV_SET, SEEDS, clean_and_validate, real_texts


def _run(*texts: str) -> pl.DataFrame:
    df = pl.DataFrame({"text": list(texts)}).with_columns(
        pl.lit([], dtype=REPAIRS).alias("repairs")
    )
    return repair_unicode(df)


def test_mojibake_fixed_and_logged() -> None:
    out = _run("Russiaâ€™s operation and the Peopleâ€™s Republics")
    assert out["text"][0] == "Russia’s operation and the People’s Republics"
    kinds = [r["kind"] for r in out["repairs"][0]]
    assert kinds == ["unicode_fixed"]


def test_curly_quotes_and_ligatures_are_kept() -> None:
    text = "“I haven’t spoken to the minister,” he said. The ﬁnal word — ＡＢＣ."
    out = _run(text)
    assert out["text"][0] == text
    assert out["repairs"][0].to_list() == []


def test_replacement_char_removed_with_context(seed_texts: dict[str, str]) -> None:
    out = _run(seed_texts["000"])
    assert "\ufffd" not in out["text"][0]
    assert "Located on the left bank" in out["text"][0]
    (lost,) = [r for r in out["repairs"][0] if r["kind"] == "unrecoverable_char"]
    assert "Located" in lost["detail"]


def test_nbsp_and_crlf_normalised(seed_texts: dict[str, str]) -> None:
    out = _run(seed_texts["002"], "a\r\nb\rc")
    assert "\u00a0" not in out["text"][0]
    assert out["text"][1] == "a\nb\nc"
    assert any(r["kind"] == "odd_spaces_normalised" for r in out["repairs"][0])


def test_mojibake_that_normalising_brings_together_is_fixed() -> None:
    """A word joiner kept a mojibake pair apart, so only the normalised text is
    flagged; the row is repaired, and its log lists the fix, then the spaces."""
    out = _run(
        "The cafÃ\u2060© is open.\u00a0Really.", "Plain\u00a0text\r\nhere", "Clean text.",
        "Itâ€™s fine",
    )  # fmt: skip
    assert out["text"].to_list() == [
        "The café is open. Really.", "Plain text\nhere", "Clean text.", "It’s fine",
    ]  # fmt: skip
    assert [[r["kind"] for r in row] for row in out["repairs"].to_list()] == [
        ["unicode_fixed", "odd_spaces_normalised"],
        ["odd_spaces_normalised"],
        [],
        ["unicode_fixed"],
    ]


def test_entities_and_controls() -> None:
    out = _run("Fish &amp; chips\x07 for €5")
    assert out["text"][0] == "Fish & chips for €5"


def test_clean_rows_skip_ftfy_entirely() -> None:
    out = _run("Plain ASCII text.", "Ελληνικά κείμενα χωρίς λάθη.")
    assert out["text"].to_list() == ["Plain ASCII text.", "Ελληνικά κείμενα χωρίς λάθη."]
    assert out["repairs"].list.len().to_list() == [0, 0]


def test_vectorised_gate_agrees_with_ftfy_badness() -> None:
    """The polars translation of ftfy's verbose regex must flag exactly what ftfy flags."""
    from ftfy.badness import BADNESS_RE

    from schemas.text_checks import compact_verbose

    samples = ["Russiaâ€™s", "cafÃ© ", "Ã la carte", "РџСЂРёРІРµС‚", "naïve café", "×²", "plain"]
    samples += [p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")]
    for name in ("boilerplate.jsonl", "dates.jsonl"):
        path = DEV_SET / name
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                samples += json.loads(line)["text"].split("\n")
    flagged = pl.Series(samples).str.contains(compact_verbose(BADNESS_RE.pattern)).to_list()
    expected = [bool(BADNESS_RE.search(s)) for s in samples]
    mismatches = [s for s, a, b in zip(samples, flagged, expected, strict=True) if a != b]
    assert mismatches == []
    assert sum(expected) >= 4


def _ftfy_whole(text: str) -> tuple[str, list | None]:
    """ftfy's own reading of the whole text (the reference for `_fix_region`)."""
    fixed, explanation = ftfy.fix_and_explain(text, FTFY_CONFIG)
    return fixed, explanation


def _real_texts() -> list[str]:
    """Seeds, dev pages and every kind of damage done to them (flows/bench/corruption):
    those that the gate hands to ftfy."""
    texts = real_texts()
    cases = make_cases([(str(k), text) for k, text in enumerate(texts)], seed=5)
    texts += [case.damaged for case in cases[::2]]  # half: each kind, ~850 pages
    return [t for t, flagged in zip(texts, _gate(texts, NEEDS_FTFY), strict=True) if flagged]


def test_ftfy_without_inert_lines_reads_as_ftfy_on_the_whole_text() -> None:
    """Leaving plain ASCII lines out of ftfy's whole-text reading changes nothing:
    same text, same steps, on real pages and every kind of damage done to them."""
    texts = _real_texts()
    mixed = [t for t in texts if len({_inert(line) for line in t.split("\n")}) == 2]
    assert len(mixed) > 100  # pages that ftfy now reads without some of their lines
    for text in texts:
        assert _fix_region(text) == _ftfy_whole(text)


LINES = st.sampled_from(
    ["Plain ASCII line.", "", "Ã©tÃ© franÃ§ais", "cafÃ© ", "cafÃ", "Ã la carte", "café",
     "РџСЂРёРІРµС‚", "Ð¿Ñ€Ð¸Ð²ÐµÑ‚", "Russiaâ€™s", "&amp; &eacute;", "a &#10; b", "<b>bold</b>",
     "x < y", "\x85 NEL", "\x07bell", "\x1b[31mred", "naïve", "Ελληνικά", "â€", "\xa0",
     "1 Â½ cups", "\ufffd", "ï¿½", "Ã\xa0 la", "&lt;p&gt;", "ends in a letter", "ГўВЂВ",
     "Ã ", "Â »"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(LINES, max_size=12))
@example(["Plain ASCII line.", "x < y", "Ã la carte"])  # mojibake only after "y\n"
@example(["Plain ASCII line.", "Ã "])  # not mojibake after ".\n", but at the start
def test_ftfy_without_inert_lines_on_generated_pages(lines: list[str]) -> None:
    """Mixes of mojibake (one or two layers, Cyrillic, a lost NBSP, some that ftfy
    sees only with the letter before the line break), good non-ASCII, entities (one
    that becomes a line break), tags, controls and plain lines."""
    text = "\n".join(lines)
    assert _fix_region(text) == _ftfy_whole(text)


def test_a_records_damaged_title_is_repaired_and_the_article_loaded() -> None:
    """A feed's title with a stray U+FFFD or mojibake used to fail the article's
    contract (no_replacement_or_control_chars / no_mojibake_left on title)."""
    checked = clean_and_validate(
        [
            {"id": "fffd", "title": "\ufffdCouncil agrees bridge repairs", "text": ARTICLE},
            {"id": "moji", "title": "CafÃ© owners welcome the bridge plan", "text": ARTICLE},
        ]
    )
    assert checked.quarantine.is_empty()
    assert sorted(checked.articles["title"].to_list()) == [
        "Café owners welcome the bridge plan",
        "Council agrees bridge repairs",
    ]
