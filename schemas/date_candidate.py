"""Contract of the date-candidate frame: every date considered for an article."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa


class DateCandidateModel(pa.DataFrameModel):
    """One candidate date with where it was found and whether it was chosen."""

    article_id: str
    candidate_index: int = pa.Field(ge=0)
    raw: str
    origin: str
    position: int = pa.Field(nullable=True)
    parsed_date: dt.date = pa.Field(nullable=True)
    parsed_at: dt.datetime = pa.Field(nullable=True)
    partial: bool
    chosen: bool

    class Config:
        strict = False
