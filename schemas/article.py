"""Contract of the cleaned-article frame (silver)."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

MIN_BODY_CHARS = 1
MAX_TITLE_CHARS = 300
EARLIEST_DATE = dt.date(1900, 1, 1)


class ArticleModel(pa.DataFrameModel):
    """A cleaned article: non-empty body, sane title, plausible date, unique id."""

    article_id: str = pa.Field(unique=True)
    doc_id: str
    source_id: str
    url: str = pa.Field(nullable=True, str_matches=r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/$.?#][^\s]*$")
    title: str = pa.Field(nullable=True, str_length={"min_value": 1, "max_value": MAX_TITLE_CHARS})
    body: str = pa.Field(str_length={"min_value": MIN_BODY_CHARS})
    published_date: dt.date = pa.Field(nullable=True, ge=EARLIEST_DATE)
    published_at: dt.datetime = pa.Field(nullable=True)
    language: str = pa.Field(nullable=True, str_matches=r"^[a-z]{2,3}$")
    word_count: int = pa.Field(ge=0)

    class Config:
        strict = False

    @pa.check("title", name="title_single_line")
    @classmethod
    def _title_single_line(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(~pl.col(data.key).str.contains("\n").fill_null(False))

    @pa.check("body", name="no_replacement_or_control_chars")
    @classmethod
    def _clean_chars(cls, data: PolarsData) -> pl.LazyFrame:
        bad = "[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
        return data.lazyframe.select(~pl.col(data.key).str.contains(bad))
