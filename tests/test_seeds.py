"""The seed documents come out as the cleaning issue specifies."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from flows.clean import CleanResult, clean_batch
from flows.ingest import discover, ingest_files
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def cleaned() -> CleanResult:
    files, _ = discover([SEEDS])
    return clean_batch(ingest_files(files, "seed-test", datetime(2026, 11, 24)))


def _article(cleaned: CleanResult, prefix: str) -> dict:
    rows = cleaned.articles.filter(pl.col("source_id").str.starts_with(prefix)).to_dicts()
    assert len(rows) == 1
    return rows[0]


def _issues(cleaned: CleanResult, article: dict) -> list[dict]:
    return cleaned.quality_issues.filter(pl.col("article_id") == article["article_id"]).to_dicts()


def _candidates(cleaned: CleanResult, article: dict) -> list[dict]:
    return cleaned.date_candidates.filter(pl.col("article_id") == article["article_id"]).to_dicts()


def test_seed_000(cleaned: CleanResult) -> None:
    a = _article(cleaned, "000")
    assert a["published_date"] == date(2023, 1, 5)
    assert (a["location"], a["outlet"], a["agency"]) == ("PARIS", "UrduPoint News", "Sputnik")
    assert a["title"].startswith("France seeks to maintain existing contacts")
    assert a["title"].endswith("said on Thursday")
    assert not a["body"].startswith("PARIS")
    assert "UrduPoint" not in a["body"]
    assert "\ufffd" not in a["body"] and "Located on the left bank" in a["body"]
    kinds = [i["kind"] for i in _issues(cleaned, a)]
    assert "unrecoverable_char" in kinds


def test_seed_001(cleaned: CleanResult) -> None:
    a = _article(cleaned, "001")
    assert a["url"].startswith("https://sputniknews.com/20220307/")
    assert a["published_date"] == date(2022, 3, 7)
    title = (
        "'We Are Not at War': French FM Says 'Absolutely Necessary' to Maintain "
        "Communication With Russia"
    )
    assert a["title"] == title
    assert title not in a["body"]
    assert "It is necessary to have an open channel" not in a["body"]
    for glued in ('".The', "Putin.Russia", "again.On", "Zelensky.During", "week.The", "areas.In"):
        assert glued not in a["body"]
    for intact in ("1.5-hour-long", "a.m.", "10:00"):
        assert intact in a["body"]
    days = {c["parsed_date"] for c in _candidates(cleaned, a) if c["parsed_date"]}
    assert days == {date(2022, 3, 7)}


def test_seed_002(cleaned: CleanResult) -> None:
    a = _article(cleaned, "002")
    assert a["published_date"] == date(2024, 4, 3)
    assert a["published_at"] == datetime(2024, 4, 3, 23, 17)
    assert "France and Russia on Wednesday held rare phone talks" in a["body"]
    assert "\u00a0" not in a["body"]
    assert not any(p.startswith(" ") for p in a["body"].split("\n"))
    assert (
        a["body"].split("\n\n")[-1] == "Lecornu and Shoigu last held phone talks in October 2022."
    )
    assert "Latest News" not in a["body"] and "Most View" not in a["body"]
    assert (a["agency"], a["location"]) == ("BSS/AFP", "PARIS")


def test_seed_003(cleaned: CleanResult, seed_texts: dict[str, str]) -> None:
    a = _article(cleaned, "003")
    assert a["published_date"] is None
    assert "date_missing" in [i["kind"] for i in _issues(cleaned, a)]
    partial = [c for c in _candidates(cleaned, a) if c["partial"]]
    assert {c["raw"] for c in partial} >= {"November 12", "November 7", "October 23"}
    for quote in ("“A series of conversations", "haven’t spoken", "“dirty bomb”"):
        assert quote in a["body"] and quote in seed_texts["003"]


def test_seed_004(cleaned: CleanResult) -> None:
    a = _article(cleaned, "004")
    assert a["published_date"] == date(2026, 2, 4)
    assert a["published_at"] == datetime(2026, 2, 4, 8, 6, 21)
    assert a["title"] == "Russia Confirms Confidential Discussions with France"
    assert a["agency"] == "MENAFN"
    cands = _candidates(cleaned, a)
    chosen = [c for c in cands if c["chosen"]]
    assert [c["parsed_date"] for c in chosen] == [date(2026, 2, 4)]
    assert date(2024, 1, 2) in {c["parsed_date"] for c in cands if not c["chosen"]}
    assert all(c["origin"] for c in cands)
    conflicts = [i for i in _issues(cleaned, a) if i["kind"] == "date_conflict"]
    assert conflicts and "Wednesday" in conflicts[0]["detail"]
    assert "Tuesday, 02 January 2024" not in a["body"]


def test_acronym_expansion_is_not_a_dateline() -> None:
    from flows.clean.structure import parse_dateline

    prose = "NATO (North Atlantic Treaty Organization) said on Monday it would meet."
    assert parse_dateline(prose)["end"] == 0
    wire = parse_dateline("ST. JOSEPH, Mich. (AP) — Michigan health authorities said")
    assert (wire["location"], wire["agency"]) == ("ST. JOSEPH, Mich.", "AP")


def test_truncated_teasers_go_and_prose_with_an_ellipsis_stays() -> None:
    from flows.clean.structure import tidy_body

    seed = next(SEEDS.glob("001_*")).read_text(encoding="utf-8")
    teaser = next(line for line in seed.split("\n") if "French Foreign... 07.03.2022" in line)
    out = tidy_body(seed, None)
    assert teaser not in out["text"]
    assert any(r["kind"] == "teaser_removed" for r in out["repairs"])
    body = "He paused… and then went on speaking to the crowd for an hour."
    for stamp_line in ("Ministers met again… 12.03.2022", "Talks resume... 2022-03-12"):
        out = tidy_body(f"{body}\n{stamp_line}\n{body}", None)
        assert out["text"] == f"{body}\n{body}"
    out = tidy_body(f"Read the whole story…\n{body}", None)  # a short teaser first
    assert out["text"] == body
    # … also after blank lines (a page's text often starts with some).
    assert tidy_body(f"\n\nRead the whole story…\n{body}", None)["text"] == f"\n\n{body}"
    # An ellipsis line after the first line of prose is the article's own.
    assert tidy_body(f"{body}\n\nAnd then…\n{body}", None)["text"] == f"{body}\n\nAnd then…\n{body}"
    assert tidy_body(f"{body}\n{body}", None)["text"] == f"{body}\n{body}"
