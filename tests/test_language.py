"""The batch language identifier gives exactly py3langid's answers, faster."""

from __future__ import annotations

import json

import pytest

from flows.clean.language import detect_language, detect_languages
from tests.conftest import DEV_SET, SEEDS


def _texts() -> list[str | None]:
    texts: list[str | None] = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*"))]
    texts += [
        None,
        "",
        "too short",
        "ALL CAPITALS HEADLINE ABOUT THE ELECTION RESULTS TODAY",  # py3langid lowercases
        "1234 5678 9012 3456 7890 !!!! ????",  # no letters at all
        "Le gouvernement a annoncé mardi une réforme des retraites très contestée.",
        "Die Bundesregierung hat am Dienstag neue Maßnahmen beschlossen.",
        "Правительство объявило о новых мерах поддержки экономики во вторник.",
        "政府は火曜日、経済を支援するための新たな措置を発表した。" * 3,
        "x" * 5000,  # longer than the prefix the model reads
    ]
    if DEV_SET.exists():
        for name in ("boilerplate.jsonl", "dates.jsonl"):
            for line in (DEV_SET / name).read_text(encoding="utf-8").splitlines():
                texts.append(json.loads(line).get("text"))
    return texts


def test_batch_matches_py3langid_on_every_text() -> None:
    texts = _texts()
    assert detect_languages(texts) == [detect_language(t) for t in texts]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Le gouvernement a annoncé mardi une réforme des retraites très contestée.", "fr"),
        ("Правительство объявило о новых мерах поддержки экономики во вторник.", "ru"),
    ],
)
def test_known_languages(text: str, code: str) -> None:
    assert detect_languages([text, None]) == [code, None]
