"""Month words: asked of dateparser once, then remembered on disk across processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.clean import month_words
from flows.clean.cache_dir import CACHE_ENV
from flows.clean.month_words import MonthWords


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    return tmp_path


def _no_dateparser(word: str) -> int | None:
    raise AssertionError(f"dateparser was asked about {word!r}")


def test_a_word_is_asked_once_and_kept_on_disk(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = MonthWords()
    assert [first.month_of(w) for w in ("janvier", "märz", "agosto", "janvier")] == [1, 3, 8, 1]
    assert first.month_of("teams") is None
    assert first.asked == 4
    path = month_words.cache_file()
    assert path is not None and path.parent == cache_dir
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "agosto": 8, "janvier": 1, "märz": 3, "teams": None,
    }  # fmt: skip
    # Another process (a worker of a later run) reads the file: no dateparser.
    monkeypatch.setattr(month_words, "ask_dateparser", _no_dateparser)
    later = MonthWords()
    assert [later.month_of(w) for w in ("agosto", "teams", "janvier")] == [8, None, 1]
    assert later.asked == 0


def test_writers_merge_their_words(cache_dir: Path) -> None:
    path = month_words.cache_file()
    assert path is not None
    path.write_text(json.dumps({"mai": 5}), encoding="utf-8")
    a, b = MonthWords(), MonthWords()
    assert a.month_of("mai") == b.month_of("mai") == 5  # both have read the file
    a.month_of("janvier")
    b.month_of("agosto")  # b's write keeps the word a wrote after b read the file
    assert json.loads(path.read_text(encoding="utf-8")) == {"agosto": 8, "janvier": 1, "mai": 5}
    assert not [p for p in cache_dir.iterdir() if p.suffix == ".tmp"]


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[1, 2]",
        json.dumps({"janvier": 13, "märz": "3", "agosto": 8}),
        json.dumps({"janvier": True, "märz": 3.0}),  # JSON's true is no month 1
    ],
)
def test_a_damaged_cache_is_asked_again(cache_dir: Path, content: str) -> None:
    path = month_words.cache_file()
    assert path is not None
    path.write_text(content, encoding="utf-8")
    words = MonthWords()
    assert (words.month_of("janvier"), words.month_of("märz")) == (1, 3)
    assert words.asked == 2


def test_an_empty_setting_or_an_unwritable_folder_keeps_answers_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, "")
    assert month_words.cache_file() is None
    words = MonthWords()
    assert words.month_of("janvier") == 1 and words.month_of("janvier") == 1
    assert words.asked == 1
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
    words = MonthWords()
    assert words.month_of("agosto") == 8 and words.asked == 1  # no crash, no file


def test_memory_and_file_stop_growing(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(month_words, "MAX_WORDS", 2)
    words = MonthWords()
    for word in ("janvier", "agosto", "märz", "märz"):
        words.month_of(word)
    assert words.asked == 4  # the third word is not kept, so it is asked again
    path = month_words.cache_file()
    assert path is not None
    assert set(json.loads(path.read_text(encoding="utf-8"))) == {"janvier", "agosto"}
