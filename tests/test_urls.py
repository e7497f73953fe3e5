"""URLs: the record's URL is made one the contract accepts, or dropped with a note,
and the article is loaded either way."""

from __future__ import annotations

import polars as pl
import pytest

from flows.clean.repairs import REPAIRS
from flows.clean.urls import normalise_urls
from tests.conftest import ARTICLE, clean_and_validate

BODY = " ".join(
    f"The council met on day {i} and agreed the next step of the bridge repairs." for i in range(4)
)


def _normalise(urls: list[str | None]) -> pl.DataFrame:
    frame = pl.DataFrame({"url": urls}, schema={"url": pl.String})
    return normalise_urls(frame.with_columns(pl.lit([], dtype=REPAIRS).alias("repairs")))


@pytest.mark.parametrize(
    ("given", "expected", "kind"),
    [
        ("https://news.example.org/a/1", "https://news.example.org/a/1", None),
        ("https://news.example.org/ä", "https://news.example.org/ä", None),
        ("  https://news.example.org/a/1 \n", "https://news.example.org/a/1", "url_normalised"),
        ("//news.example.org/a/1", "https://news.example.org/a/1", "url_normalised"),
        ("www.example.org/2020/01/02/a", "https://www.example.org/2020/01/02/a", "url_normalised"),
        ("example.co.uk/a?b=1", "https://example.co.uk/a?b=1", "url_normalised"),
        ("example.org:8080/a", "https://example.org:8080/a", "url_normalised"),
        ("https://example.org/a b", "https://example.org/a%20b", "url_normalised"),
        ("javascript:void(0)", None, "url_dropped"),
        ("see the article", None, "url_dropped"),
        ("mailto:desk@example.org", None, "url_dropped"),
        ("", None, None),  # an empty field is no URL, nothing to log
        (None, None, None),
    ],
)
def test_urls(given: str | None, expected: str | None, kind: str | None) -> None:
    out = _normalise([given])
    assert out["url"].to_list() == [expected]
    kinds = [r["kind"] for r in out["repairs"][0]]
    assert kinds == ([kind] if kind else [])


def test_articles_with_odd_urls_are_loaded_and_dated_from_them() -> None:
    urls = [" https://x.example.org/a ", "www.x.example.org/2020/01/02/a", "javascript:void(0)", ""]
    checked = clean_and_validate(
        [{"id": str(i), "url": u, "text": ARTICLE} for i, u in enumerate(urls)]
    )
    assert checked.quarantine.is_empty()  # each used to fail the well-formed-URL check
    articles = checked.articles.sort("source_id")
    assert articles["url"].to_list() == [
        "https://x.example.org/a",
        "https://www.x.example.org/2020/01/02/a",
        None,
        None,
    ]
    assert str(articles["published_date"][1]) == "2020-01-02"  # read from the URL
