"""The corruption benchmark: its damage is real damage, and the repair undoes it."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from flows.bench.corruption import KINDS, damage, is_clean, make_cases, score
from flows.cli import main
from flows.evaluation import clean_bodies, repair_texts
from tests.conftest import DEV_SET, SEEDS

# Clean paragraphs in several scripts, written for this test.
MULTILINGUAL = [
    ("fr", "Le ministre a déclaré mercredi à Paris que « l'été sera décisif » pour l'économie."),
    ("ru", "Министр заявил в среду, что переговоры продолжатся на следующей неделе в Москве."),
    ("el", "Ο υπουργός δήλωσε την Τετάρτη ότι οι συνομιλίες θα συνεχιστούν την άλλη εβδομάδα."),
    ("ja", "大臣は水曜日、来週も東京で協議を続けると述べた。市場は落ち着いている。"),
    ("fa", "وزیر روز چهارشنبه گفت که مذاکرات هفته آینده ادامه می‌یابد."),
    ("en", "He said it’s “a long road” — but the talks, at 9 a.m., went well."),
]


@pytest.mark.parametrize("kind", ["cp1252", "latin1", "double", "html_entities"])
def test_damage_kinds_produce_the_known_symptoms(kind: str) -> None:
    damaged = damage("Le ministre a déclaré l'été", kind, random.Random(0))
    assert damaged is not None
    symptom = {"cp1252": "Ã©", "latin1": "Ã\xa9", "double": "Ãƒ", "html_entities": "&eacute;"}
    assert symptom[kind] in damaged


def test_ascii_text_has_nothing_to_misread() -> None:
    assert damage("Plain ASCII text.", "cp1252", random.Random(0)) is None


def test_one_paragraph_damages_exactly_one() -> None:
    text = "Première partie, déjà écrite.\n\nDeuxième partie, également.\n\nFin."
    damaged = damage(text, "one_paragraph", random.Random(1))
    assert damaged is not None
    changed = [a != b for a, b in zip(text.split("\n\n"), damaged.split("\n\n"), strict=True)]
    assert sum(changed) == 1


def _documents() -> list[tuple[str, str]]:
    """One three-paragraph document per language."""
    return [(lang, "\n\n".join([text] * 3)) for lang, text in MULTILINGUAL]


def test_cases_are_deterministic_for_a_seed() -> None:
    assert make_cases(_documents(), seed=3) == make_cases(_documents(), seed=3)
    assert make_cases(_documents(), seed=3) != make_cases(_documents(), seed=4)
    assert {c.kind for c in make_cases(_documents())} == set(KINDS)


def test_damaged_text_is_not_clean() -> None:
    assert is_clean("Ordinary text, déjà vu.")
    assert not is_clean("Broken \ufffd text")
    assert not is_clean("Latin-1 control \x85 here")
    assert not is_clean("An entity &eacute; left by the extractor")


def test_every_kind_is_restored_on_multilingual_text() -> None:
    report = score(_documents(), clean_bodies, repair_texts)
    assert report.failures == []
    assert report.clean_changed == []  # ZWNJ in Persian and curly quotes stay as written
    assert all(k.damaged > 0 for k in report.by_kind.values())


@pytest.mark.skipif(not DEV_SET.is_dir(), reason="needs ../shared/data/news-text-dev")
def test_benchmark_targets_on_the_dev_set(tmp_path: Path) -> None:
    """The issue's targets, on the default sources: seeds plus the dev set's texts."""
    out = tmp_path / "corruption.json"
    assert main(["bench", "corruption", "--json", str(out)]) == 0
    figures = json.loads(out.read_text())
    assert figures["restored_share"] >= 0.99
    assert figures["changed_share"] <= 0.005


def test_bench_corruption_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "corruption", "--source", str(SEEDS)]) == 0
    out = capsys.readouterr().out
    assert "(a) damaged documents restored exactly: 100.00%" in out
    assert "(b) clean documents changed beyond whitespace: 0.00%" in out
