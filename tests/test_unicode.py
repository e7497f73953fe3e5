"""Unicode repair: fixes damage, keeps correct text exactly, logs what it did."""

from __future__ import annotations

import polars as pl

from flows.clean.repairs import REPAIRS
from flows.clean.unicode import repair_unicode


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


def test_entities_and_controls() -> None:
    out = _run("Fish &amp; chips\x07 for €5")
    assert out["text"][0] == "Fish & chips for €5"


def test_clean_rows_skip_ftfy_entirely() -> None:
    out = _run("Plain ASCII text.", "Ελληνικά κείμενα χωρίς λάθη.")
    assert out["text"].to_list() == ["Plain ASCII text.", "Ελληνικά κείμενα χωρίς λάθη."]
    assert out["repairs"].list.len().to_list() == [0, 0]


def test_vectorised_gate_agrees_with_ftfy_badness() -> None:
    """The polars translation of ftfy's verbose regex must flag exactly what ftfy flags."""
    import json

    from ftfy.badness import BADNESS_RE

    from schemas.text_checks import compact_verbose
    from tests.conftest import DEV_SET, SEEDS

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
