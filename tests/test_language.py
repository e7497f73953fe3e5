"""The batch language identifier gives exactly py3langid's answers, faster, with the
model unpacked once into the cache folder; answers are ISO 639-1 codes, as the
article contract requires."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import py3langid
import pytest

from flows.clean import language
from flows.clean.cache_dir import CACHE_ENV
from flows.clean.language import ARRAYS, _feature_counts, detect_language, detect_languages
from schemas.text_checks import ISO_639_1
from tests.conftest import DEV_SET, SEEDS, clean_and_validate


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
    found = detect_languages(texts)
    assert found == [detect_language(t) for t in texts]
    # Where py3langid's own answer is an ISO 639-1 code, it is the answer.
    for text, code in zip(texts, found, strict=True):
        if text and len(text) >= language.MIN_CHARS_FOR_LANGUAGE:
            raw = py3langid.classify(text[: language.PREFIX_CHARS])[0]
            assert code == raw or raw not in ISO_639_1


# py3langid reads these as Nigerian Pidgin ("pcm", the first two), Extremaduran
# ("ext") and no language at all ("zxx").
MENU = (
    "Go to... Home News Opinion Showbiz Sports Lifestyle Gallery Photos Videos Social "
    "Facebook Twitter Contact Us"
)
MONTHS = "Select Month April 2020 March 2020 February 2020 January 2020 December 2019 November 2019"
PAPERS = (
    "Diari de Girona | Diario de Ibiza | Diario de Mallorca | Faro de Vigo | "
    "La Opinión A Coruña | La Opinión de Málaga"
)
JSON = '{"_id":"5e9760bb8ebc","slug":"city-news-5205298178","type":"story","status":"publish"}'


def test_languages_without_an_iso_code_give_the_best_one_that_has_one() -> None:
    assert [py3langid.classify(t)[0] for t in (MENU, MONTHS, PAPERS, JSON)] == [
        "pcm",
        "pcm",
        "ext",
        "zxx",
    ]
    assert detect_languages([MENU, MONTHS, PAPERS, JSON]) == ["en", "en", "gl", None]


def test_an_article_read_as_pidgin_is_loaded_not_quarantined() -> None:
    """Its language used to fail the contract's ISO 639-1 check."""
    body = " ".join([MENU, MONTHS, MENU])
    checked = clean_and_validate([{"id": "a", "text": f"Site menu and archive\n\n{body}"}])
    assert checked.quarantine.is_empty()
    assert checked.articles["language"].to_list() == ["en"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Le gouvernement a annoncé mardi une réforme des retraites très contestée.", "fr"),
        ("Правительство объявило о новых мерах поддержки экономики во вторник.", "ru"),
    ],
)
def test_known_languages(text: str, code: str) -> None:
    assert detect_languages([text, None]) == [code, None]


def test_the_language_is_read_off_the_start_of_the_body() -> None:
    # A German article followed by a long English reader-comment thread: the
    # article's language is what its first PREFIX_CHARS characters say.
    german = "Die Bundesregierung hat am Dienstag neue Maßnahmen für die Wirtschaft beschlossen. "
    english = "Readers wrote in to say that the government should have done much more. "
    start = german * (language.PREFIX_CHARS // len(german) + 1)
    text = start[: language.PREFIX_CHARS] + english * 60
    assert len(english * 60) > 3 * language.PREFIX_CHARS
    assert detect_languages([text, english * 60]) == ["de", "en"]


@pytest.mark.parametrize("n_features", [50, 100_053, 2**40])  # 2**40: 64-bit keys
def test_feature_counts_as_a_counter_per_document(n_features: int) -> None:
    """Distinct features in first-occurrence order with their counts, per document,
    as py3langid's Counter gives them."""
    rng = np.random.default_rng(7)
    sizes = rng.integers(0, 400, size=300)
    doc_ids = np.repeat(np.arange(300, dtype=np.int16), sizes)
    feat_ids = rng.integers(0, min(n_features, 100_000), size=doc_ids.size).astype(np.int32)
    feat_ids[::5] = min(n_features, 100_000) - 1  # many repeats
    docs, feats, counts = _feature_counts(doc_ids, feat_ids, n_features)
    start = 0
    expected_docs, expected_feats, expected_counts = [], [], []
    for doc, size in enumerate(sizes):
        seen: dict[int, int] = {}
        for feat in feat_ids[start : start + size].tolist():
            seen[feat] = seen.get(feat, 0) + 1
        start += size
        expected_docs += [doc] * len(seen)
        expected_feats += list(seen)
        expected_counts += list(seen.values())
    assert docs.tolist() == expected_docs
    assert feats.tolist() == expected_feats
    assert counts.tolist() == expected_counts


def test_feature_counts_of_no_features() -> None:
    docs, feats, counts = _feature_counts(np.empty(0, np.int16), np.empty(0, np.int32), 10)
    assert docs.size == feats.size == counts.size == 0


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("py3langid's model file was unpacked again")


def test_the_model_is_unpacked_once_then_mapped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = _texts()
    expected = [detect_language(t) for t in texts]
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    built = language.load_model()  # unpacks py3langid's file and keeps the arrays
    folder = language.model_folder()
    assert folder is not None and folder.parent == tmp_path
    assert {p.name for p in folder.iterdir()} == {f"{a}.npy" for a in ARRAYS} | {"labels.json"}
    # A later worker maps the kept arrays and never opens py3langid's file.
    monkeypatch.setattr(language.langid.LanguageIdentifier, "from_model_file", _refuse)
    mapped = language.load_model()
    assert not mapped.table.flags.writeable  # read-only pages of the file
    for name in ARRAYS:
        kept, made = getattr(mapped, name), getattr(built, name)
        assert kept.dtype == made.dtype and np.array_equal(kept, made)
    assert mapped.classes == built.classes and mapped.aliases == built.aliases
    monkeypatch.setattr(language, "_model", lambda: mapped)
    assert detect_languages(texts) == expected


@pytest.mark.parametrize("damage", ["cut short", "wrong type", "labels missing"])
def test_a_damaged_model_cache_is_unpacked_again(
    damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    built = language.load_model()
    folder = language.model_folder()
    assert folder is not None
    table = folder / "table.npy"
    if damage == "cut short":
        table.write_bytes(table.read_bytes()[: 1 << 20])
    elif damage == "wrong type":
        np.save(table, built.table.astype(np.float64))
    else:
        (folder / "labels.json").unlink()
    again = language.load_model()  # from py3langid's file, and kept anew
    assert np.array_equal(again.table, built.table) and again.table.flags.writeable
    monkeypatch.setattr(language.langid.LanguageIdentifier, "from_model_file", _refuse)
    assert np.array_equal(language.load_model().table, built.table)


def test_no_model_cache_when_the_cache_is_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, "")
    monkeypatch.chdir(tmp_path)
    assert language.model_folder() is None
    assert language.load_model().classes
    assert not any(tmp_path.iterdir())
