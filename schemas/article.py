"""Contract of the cleaned-article frame (silver)."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas.text_checks import (
    ISO_639_1,
    MAX_TITLE_CHARS,
    MOJIBAKE,
    REPLACEMENT_OR_CONTROL,
    URL,
)

# Below this a "body" is a block page, a cookie wall or a lone menu, not an article
# (on the dev set every body this short was one; the shortest real article is 243).
MIN_BODY_CHARS = 100
EARLIEST_DATE = dt.date(1900, 1, 1)


class ArticleModel(pa.DataFrameModel):
    """A cleaned article: real body, clean text, sane title, plausible date, unique id."""

    article_id: str = pa.Field(unique=True)
    doc_id: str
    source_id: str
    url: str = pa.Field(nullable=True, str_matches=URL)
    title: str = pa.Field(nullable=True, str_length={"min_value": 1, "max_value": MAX_TITLE_CHARS})
    body: str
    published_date: dt.date = pa.Field(nullable=True, ge=EARLIEST_DATE)
    published_at: dt.datetime = pa.Field(nullable=True)
    language: str = pa.Field(nullable=True)
    word_count: int = pa.Field(ge=0)
    body_hash: str = pa.Field(str_length={"min_value": 32, "max_value": 32})

    class Config:
        strict = False

    @pa.check("body", name="body_min_length")
    @classmethod
    def _body_long_enough(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.len_chars() >= MIN_BODY_CHARS)

    @pa.check("title", name="title_single_line")
    @classmethod
    def _title_single_line(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(~pl.col(data.key).str.contains("\n").fill_null(False))

    @pa.check("body", "title", name="no_replacement_or_control_chars")
    @classmethod
    def _clean_chars(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            ~pl.col(data.key).str.contains(REPLACEMENT_OR_CONTROL).fill_null(False)
        )

    @pa.check("body", "title", name="no_mojibake_left")
    @classmethod
    def _no_mojibake(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(~pl.col(data.key).str.contains(MOJIBAKE).fill_null(False))

    @pa.check("published_date", name="published_date_not_after_ingest")
    @classmethod
    def _not_in_future(cls, data: PolarsData) -> pl.LazyFrame:
        # Evaluated at validation time, right after ingest: a scheduled process that
        # runs for months must not compare against the day it started.
        limit = dt.date.today() + dt.timedelta(days=1)
        return data.lazyframe.select((pl.col(data.key) <= limit).fill_null(True))

    @pa.check("language", name="language_known_code")
    @classmethod
    def _known_language(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col(data.key).is_in(sorted(ISO_639_1)) | pl.col(data.key).is_null()
        )
