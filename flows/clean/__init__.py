"""Clean (silver): bronze frame → articles, date candidates and the repair log.

The order of the steps matters and is fixed here, in one place:
unicode (text, then the record's title) → urls → reflow (unwrap) → structure
(header) → boilerplate → structure (dateline, teasers) → reflow (paragraphs) →
dates → metadata. Hard wraps are joined before boilerplate scoring because the
scorer judges whole lines.
Each step is a pure `pl.DataFrame -> pl.DataFrame` function that adds or rewrites
columns and appends to `repairs`; none of them knows about Prefect or DuckDB.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from flows.clean.boilerplate import remove_boilerplate
from flows.clean.dates import resolve_dates
from flows.clean.fingerprint import add_body_hash
from flows.clean.metadata import add_metadata, declared_outlet
from flows.clean.reflow import reflow_paragraphs, unwrap_lines
from flows.clean.repairs import REPAIRS
from flows.clean.structure import extract_dateline, extract_header
from flows.clean.unicode import repair_title_hint, repair_unicode
from flows.clean.urls import normalise_urls

Step = Callable[[pl.DataFrame], pl.DataFrame]


def keep_source(df: pl.DataFrame) -> pl.DataFrame:
    """Keep the repaired full text: dates are looked for in all of it, header included."""
    return df.with_columns(pl.col("text").alias("source_text"))


STEPS: tuple[Step, ...] = (
    repair_unicode,
    repair_title_hint,
    normalise_urls,
    keep_source,
    unwrap_lines,
    extract_header,
    remove_boilerplate,
    extract_dateline,
    reflow_paragraphs,
    resolve_dates,
)

ARTICLE_COLUMNS = [
    "article_id",
    "doc_id",
    "source_id",
    "source_uri",
    "url",
    "title",
    "body",
    "published_date",
    "published_at",
    "language",
    "word_count",
    "outlet",
    "agency",
    "location",
    "date_origin",
    "date_confidence",
    "body_hash",
    "run_id",
]


@dataclass(frozen=True)
class CleanResult:
    """What the clean stage hands to validation: three frames keyed by article_id."""

    articles: pl.DataFrame
    date_candidates: pl.DataFrame
    quality_issues: pl.DataFrame


def _working_frame(raw: pl.DataFrame) -> pl.DataFrame:
    """Select the bronze columns the steps work on, under the names they expect."""
    return raw.select(
        pl.col("doc_id").alias("article_id"),
        "doc_id",
        "source_id",
        "source_uri",
        "url",
        "run_id",
        pl.col("raw_text").fill_null("").alias("text"),
        pl.col("title").alias("title_hint"),
        pl.col("date").alias("date_hint"),
        declared_outlet(pl.col("extra")).alias("outlet_hint"),
        "ingested_at",
        pl.lit([], dtype=REPAIRS).alias("repairs"),
    )


def finish_body(df: pl.DataFrame) -> pl.DataFrame:
    """Trim each line and collapse runs of blank lines: the body as stored."""
    return df.with_columns(
        pl.col("text")
        .str.replace_all(r"[ \t]+\n", "\n")
        .str.replace_all(r"\n[ \t]+", "\n")
        .str.replace_all(r"\n{3,}", "\n\n")
        .str.strip_chars()
        .alias("body")
    )


# After the steps: the body as stored, and what is derived from it.
FINAL_STEPS: tuple[Step, ...] = (finish_body, add_metadata, add_body_hash)


def run_steps(raw: pl.DataFrame, steps: tuple[Step, ...] = STEPS) -> pl.DataFrame:
    """Apply the cleaning steps to the bronze rows; returns the wide working frame."""
    df = _working_frame(raw)
    for step in (*steps, *FINAL_STEPS):
        df = step(df)
    return df


def clean_batch(raw: pl.DataFrame) -> CleanResult:
    """Clean every bronze row that was read without an ingest error."""
    return split_result(run_steps(raw.filter(pl.col("error").is_null())))


def split_result(df: pl.DataFrame) -> CleanResult:
    """The wide working frame → the article, date-candidate and repair-log frames."""
    candidates = (
        df.select("article_id", pl.col("date_candidates"))
        .explode("date_candidates")
        .drop_nulls("date_candidates")
        .with_columns(pl.int_range(pl.len()).over("article_id").alias("candidate_index"))
        .unnest("date_candidates")
    )
    issues = (
        df.select("article_id", "repairs")
        .explode("repairs")
        .drop_nulls("repairs")
        .unnest("repairs")
        .with_columns(pl.int_range(pl.len()).over("article_id").alias("issue_index"))
    )
    return CleanResult(df.select(ARTICLE_COLUMNS), candidates, issues)
