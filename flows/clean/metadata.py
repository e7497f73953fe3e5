"""Metadata derived from the cleaned article: outlet, language and word count."""

from __future__ import annotations

import polars as pl
import py3langid

# Below this many characters a language guess is noise; leave it null.
MIN_CHARS_FOR_LANGUAGE = 20


def detect_language(text: str | None) -> str | None:
    """ISO 639-1 code from py3langid (a maintained langid.py), or None for short text."""
    if not text or len(text) < MIN_CHARS_FOR_LANGUAGE:
        return None
    lang, _score = py3langid.classify(text[:2000])
    return lang


URL_HOST = r"^[A-Za-z][A-Za-z0-9+.-]*://(?:www\.)?([^/:?#]+)"


def add_metadata(df: pl.DataFrame) -> pl.DataFrame:
    """Polars step: adds `language` and `word_count` from `body`; `outlet` from the URL
    host when the dateline named none."""
    return df.with_columns(
        pl.coalesce(pl.col("outlet"), pl.col("url").str.extract(URL_HOST, 1)).alias("outlet"),
        pl.col("body").map_elements(detect_language, return_dtype=pl.String).alias("language"),
        pl.col("body").str.count_matches(r"\w+").cast(pl.Int64).alias("word_count"),
    )
