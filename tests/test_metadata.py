"""Metadata: the outlet a record names among its own fields."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from flows.clean import clean_batch
from flows.clean.metadata import declared_outlet
from flows.ingest import ingest_files

STORY = (
    "The council said on Monday that the harbour wall, built in 1854, would be rebuilt "
    "in two phases after the storms, at a cost of 2.4 million pounds, officials said."
)


@pytest.mark.parametrize(
    ("extra", "outlet"),
    [
        ({"source": {"id": None, "name": "Coast News"}, "author": "A. Writer"}, "Coast News"),
        ({"source": "The New York Times"}, "The New York Times"),
        ({"publisher": {"@type": "Organization", "name": "The Times"}}, "The Times"),
        ({"site_name": "  Harbour Gazette "}, "Harbour Gazette"),
        ({"outlet": "Kent Online", "source": {"name": "Other"}}, "Kent Online"),
        ({"source": {"id": "coast-news"}}, None),  # an object without a name
        ({"publisher": ["a", "b"]}, None),
        ({"source": ""}, None),
        ({"source": "x" * 101}, None),
        ({"author": "A. Writer"}, None),
        (None, None),
    ],
)
def test_the_outlet_a_record_names(extra: dict | None, outlet: str | None) -> None:
    frame = pl.DataFrame(
        {"extra": [None if extra is None else json.dumps(extra)]}, schema={"extra": pl.String}
    )
    assert frame.select(declared_outlet(pl.col("extra"))).item() == outlet


def test_a_records_own_outlet_comes_after_the_dateline_and_before_the_url(tmp_path: Path) -> None:
    """NewsAPI names its source: that, not the URL's host, unless the text's
    dateline names an outlet ("PARIS (UrduPoint News / Sputnik) -"); a dateline that
    names only an agency ("(Reuters)") fills `agency`, and the outlet is the source."""
    source = {"id": None, "name": "Coast News"}
    records = [
        {"id": "a", "url": "https://example.org/a", "source": source, "content": STORY},
        {"id": "b", "url": "https://example.org/b", "source": source,
         "content": "LONDON (Reuters) - " + STORY},
        {"id": "c", "url": "https://www.example.org/c", "content": STORY},
        {"id": "d", "url": "https://example.org/d", "source": source,
         "content": "PARIS (UrduPoint News / Sputnik) - " + STORY},
    ]  # fmt: skip
    path = tmp_path / "answers.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    articles = clean_batch(ingest_files([path], "r", datetime(2026, 12, 1))).articles
    assert articles.select("source_id", "outlet", "agency").rows() == [
        ("a", "Coast News", None),
        ("b", "Coast News", "Reuters"),
        ("c", "example.org", None),
        ("d", "UrduPoint News", "Sputnik"),
    ]
