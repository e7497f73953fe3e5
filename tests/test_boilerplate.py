"""Boilerplate: lines a site repeats across its documents are its furniture."""

from __future__ import annotations

import polars as pl

from flows.clean.boilerplate import main_block, site_repeated_lines

TAGLINE = "Local news you can trust, every single day."  # mid-length, ends a sentence


def _article(topic: str) -> str:
    sentences = " ".join(
        f"The {topic} committee met on day {i} and agreed a further step of the plan for "
        f"the {topic} project, which residents had asked about for months."
        for i in range(3)
    )
    return f"{topic.title()} plan goes ahead\n\n{TAGLINE}\n\n{sentences}\n\nShare this"


def _frame(texts: list[str], host: str = "news.example.org") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "text": texts,
            "url": [f"https://{host}/a/{i}" for i in range(len(texts))],
            "source_uri": ["feed.jsonl"] * len(texts),
        }
    )


def test_a_line_repeated_across_a_sites_documents_is_found() -> None:
    texts = [_article(t) for t in ("bridge", "school", "library", "harbour")]
    found = site_repeated_lines(_frame(texts)).to_list()
    assert all(TAGLINE in lines for lines in found)
    assert all(not any("committee" in line for line in lines) for lines in found)


def test_other_sites_and_identical_copies_do_not_count() -> None:
    same = [_article("bridge")] * 4  # one document ingested four times
    assert site_repeated_lines(_frame(same)).to_list() == [None] * 4
    mixed = pl.concat(
        [_frame([_article("bridge")], host=h) for h in ("a.example", "b.example", "c.example")]
    )
    assert site_repeated_lines(mixed).to_list() == [None] * 3


def test_site_furniture_leaves_the_body() -> None:
    text = _article("bridge")
    assert TAGLINE in main_block(text)[0]
    assert TAGLINE not in main_block(text, site_lines=frozenset({TAGLINE}))[0]
    assert "committee met on day 2" in main_block(text, site_lines=frozenset({TAGLINE}))[0]
