"""Metadata derived from the cleaned article: outlet, language and word count."""

from __future__ import annotations

import polars as pl

from flows.clean.language import detect_languages

URL_HOST = r"^[A-Za-z][A-Za-z0-9+.-]*://(?:www\.)?([^/:?#]+)"


def add_metadata(df: pl.DataFrame) -> pl.DataFrame:
    """Polars step: adds `language` and `word_count` from `body`; `outlet` from the URL
    host when the dateline named none."""
    languages = pl.Series("language", detect_languages(df["body"].to_list()), dtype=pl.String)
    return df.with_columns(
        pl.coalesce(pl.col("outlet"), pl.col("url").str.extract(URL_HOST, 1)).alias("outlet"),
        languages,
        pl.col("body").str.count_matches(r"\w+").cast(pl.Int64).alias("word_count"),
    )
