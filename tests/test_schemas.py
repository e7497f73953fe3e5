"""pandera models: failing rows are split off with every failed check."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from schemas import ArticleModel, split_valid


def _articles(**overrides: list) -> pl.DataFrame:
    base = {
        "article_id": ["a", "b", "c"],
        "doc_id": ["a", "b", "c"],
        "source_id": ["s1", "s2", "s3"],
        "url": ["https://x.test/1", None, "https://x.test/3"],
        "title": ["T1", None, "T3"],
        "body": ["Body one.", "Body two.", "Body three."],
        "published_date": [dt.date(2024, 1, 2), None, dt.date(2020, 5, 6)],
        "published_at": [None, None, None],
        "language": ["en", "fr", None],
        "word_count": [2, 2, 2],
    }
    base.update(overrides)
    return pl.DataFrame(base, schema_overrides={"published_at": pl.Datetime("us")})


def test_valid_frame_passes_untouched() -> None:
    frame = _articles()
    valid, failures = split_valid(frame, ArticleModel)
    assert failures == {}
    assert valid.equals(frame)


def test_each_bad_row_gets_all_its_failures() -> None:
    frame = _articles(
        body=["Body one.", "", "bad \ufffd char"],
        url=["https://x.test/1", "not a url", "https://x.test/3"],
        published_date=[dt.date(1850, 1, 1), None, dt.date(2020, 5, 6)],
    )
    valid, failures = split_valid(frame, ArticleModel)
    assert valid["article_id"].to_list() == []
    assert {f.check for f in failures[0]} == {"greater_than_or_equal_to(1900-01-01)"}
    assert {f.column for f in failures[1]} == {"body", "url"}
    assert [f.check for f in failures[2]] == ["no_replacement_or_control_chars"]


def test_duplicate_ids_fail_both_rows() -> None:
    frame = _articles(article_id=["a", "a", "c"])
    valid, failures = split_valid(frame, ArticleModel)
    assert sorted(failures) == [0, 1]
    assert valid["article_id"].to_list() == ["c"]


def test_frame_level_failure_is_a_bug_and_raises() -> None:
    with pytest.raises(ValueError, match="frame-level"):
        split_valid(_articles().drop("body"), ArticleModel)
