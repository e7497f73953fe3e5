"""pandera models: failing rows are split off with every failed check."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from schemas import ArticleModel, DateCandidateModel, check_references, split_valid

BODY = "The council met on Tuesday and agreed the plan for the bridge after a long debate. " * 2


def _articles(**overrides: list) -> pl.DataFrame:
    base = {
        "article_id": ["a", "b", "c"],
        "doc_id": ["a", "b", "c"],
        "source_id": ["s1", "s2", "s3"],
        "url": ["https://x.test/1", None, "https://x.test/3"],
        "title": ["T1", None, "T3"],
        "body": [BODY + "One.", BODY + "Two.", BODY + "Three."],
        "published_date": [dt.date(2024, 1, 2), None, dt.date(2020, 5, 6)],
        "published_at": [None, None, None],
        "language": ["en", "fr", None],
        "word_count": [2, 2, 2],
        "body_hash": ["0" * 32, "1" * 32, "2" * 32],
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
        body=[BODY, "", BODY + "bad \ufffd char"],
        url=["https://x.test/1", "not a url", "https://x.test/3"],
        published_date=[dt.date(1850, 1, 1), None, dt.date(2020, 5, 6)],
    )
    valid, failures = split_valid(frame, ArticleModel)
    assert valid["article_id"].to_list() == []
    assert {f.check for f in failures[0]} == {"greater_than_or_equal_to(1900-01-01)"}
    assert {(f.check, f.column) for f in failures[1]} == {
        ("body_min_length", "body"),
        ("str_matches('^[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s/$.?#][^\\s]*$')", "url"),
    }
    assert [f.check for f in failures[2]] == ["no_replacement_or_control_chars"]


def test_text_quality_checks() -> None:
    tomorrow_plus = dt.date.today() + dt.timedelta(days=3)
    frame = _articles(
        body=[BODY + "CafÃ© owners said itâ€™s fine.", "Only a menu", BODY],
        title=["Two\nlines", "T2", "T3"],
        language=["en", "xx", "fr"],
        published_date=[None, None, tomorrow_plus],
    )
    _, failures = split_valid(frame, ArticleModel)
    assert {f.check for f in failures[0]} == {"no_mojibake_left", "title_single_line"}
    assert {f.check for f in failures[1]} == {"body_min_length", "language_known_code"}
    assert {f.check for f in failures[2]} == {"published_date_not_after_ingest"}


def test_duplicate_ids_fail_both_rows() -> None:
    frame = _articles(article_id=["a", "a", "c"])
    valid, failures = split_valid(frame, ArticleModel)
    assert sorted(failures) == [0, 1]
    assert valid["article_id"].to_list() == ["c"]


def test_date_candidates_are_consistent() -> None:
    frame = pl.DataFrame(
        {
            "article_id": ["a", "a", "a"],
            "candidate_index": [0, 1, 2],
            "raw": ["March 3", "2024-03-03", "yesterday"],
            "origin": ["body", "header", "banner"],
            "position": [10, 0, 5],
            "parsed_date": [None, dt.date(2024, 3, 3), None],
            "parsed_at": [None, None, None],
            "partial": [True, False, False],
            "chosen": [True, False, False],
        },
        schema_overrides={"parsed_at": pl.Datetime("us")},
    )
    _, failures = split_valid(frame, DateCandidateModel)
    assert {f.check for f in failures[0]} == {"chosen_candidate_has_a_date"}
    assert 1 not in failures
    assert {f.check for f in failures[2]} == {
        "isin(['record', 'url', 'header', 'byline', 'dateline', 'body'])",
        "partial_means_no_date",
    }


def test_frame_level_failure_is_a_bug_and_raises() -> None:
    with pytest.raises(ValueError, match="frame-level"):
        split_valid(_articles().drop("body"), ArticleModel)


def test_orphan_rows_are_a_bug() -> None:
    parent = pl.DataFrame({"article_id": ["a", "b"]})
    check_references(pl.DataFrame({"article_id": ["a", "a", "b"]}), parent, "article_id", "x")
    with pytest.raises(ValueError, match="1 row"):
        check_references(pl.DataFrame({"article_id": ["a", "z"]}), parent, "article_id", "x")
