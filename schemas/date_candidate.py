"""Contract of the date-candidate frame: every date considered for an article."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

ORIGINS = ["record", "url", "header", "byline", "dateline", "body"]


class DateCandidateModel(pa.DataFrameModel):
    """One candidate date with where it was found and whether it was chosen."""

    article_id: str
    candidate_index: int = pa.Field(ge=0)
    raw: str
    origin: str = pa.Field(isin=ORIGINS)
    position: int = pa.Field(nullable=True)
    parsed_date: dt.date = pa.Field(nullable=True)
    parsed_at: dt.datetime = pa.Field(nullable=True)
    partial: bool
    chosen: bool

    class Config:
        strict = False

    @pa.dataframe_check(name="chosen_candidate_has_a_date")
    @classmethod
    def _chosen_has_date(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(~pl.col("chosen") | pl.col("parsed_date").is_not_null())

    @pa.dataframe_check(name="partial_means_no_date")
    @classmethod
    def _partial_consistent(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("partial") == pl.col("parsed_date").is_null())
