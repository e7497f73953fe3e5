"""Contract of the bronze frame: one row per input record, as read."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa


class RawDocumentModel(pa.DataFrameModel):
    """Every input record, readable or not; `error` says why it could not be read."""

    doc_id: str = pa.Field(unique=True, str_length={"min_value": 8})
    source_uri: str = pa.Field(str_length={"min_value": 1})
    record_index: int = pa.Field(ge=0)
    record_path: str = pa.Field(nullable=True)
    format: str = pa.Field(
        isin=["text", "html", "feed", "jsonl", "json", "csv", "parquet", "warc", "archive"]
    )
    encoding: str
    sha256: str = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    size_bytes: int = pa.Field(ge=0)
    raw_text: str = pa.Field(nullable=True)
    source_id: str
    error: str = pa.Field(nullable=True)
    ingested_at: dt.datetime
    run_id: str

    class Config:
        strict = False
