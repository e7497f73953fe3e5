"""Validate: check every frame against its pandera model; route failures to quarantine.

Nothing is dropped: a record that could not be read (ingest error) or whose article
fails a check becomes a quarantine row carrying every failed check; the raw record is
loaded to raw_documents either way, so it can be fixed and re-cleaned later.
"""

from __future__ import annotations

import polars as pl

from flows.batch import ValidatedBatch
from flows.clean import CleanResult
from schemas import (
    ArticleModel,
    DateCandidateModel,
    Failure,
    QualityIssueModel,
    RawDocumentModel,
    check_references,
    split_valid,
)

REASON = pl.Struct({"check": pl.String(), "column": pl.String(), "value": pl.String()})
QUARANTINE_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "stage": pl.String(),
    "source_uri": pl.String(),
    "record_index": pl.Int64(),
    "reasons": pl.List(REASON),
    "reason_text": pl.String(),
    "run_id": pl.String(),
}


def reason_text(failures: list[Failure]) -> str:
    """The failed checks as one line a person can act on."""
    parts = []
    for f in failures:
        where = f" on {f.column}" if f.column else ""
        value = f" (value: {f.value!r})" if f.value not in (None, "") else ""
        parts.append(f"{f.check}{where}{value}")
    return "; ".join(parts)


def quarantine_rows(rows: list[dict], stage: str, failures: list[list[Failure]]) -> pl.DataFrame:
    """Quarantine frame for `rows` (dicts with doc_id/source_uri/record_index/run_id)."""
    data = [
        {
            "doc_id": row["doc_id"],
            "stage": stage,
            "source_uri": row.get("source_uri"),
            "record_index": row.get("record_index"),
            "reasons": [f.__dict__ for f in fails],
            "reason_text": reason_text(fails),
            "run_id": row["run_id"],
        }
        for row, fails in zip(rows, failures, strict=True)
    ]
    return pl.DataFrame(data, schema=QUARANTINE_SCHEMA)


def validate_batch(raw: pl.DataFrame, cleaned: CleanResult) -> ValidatedBatch:
    """Check raw and cleaned frames; failing articles go to quarantine with reasons."""
    split_valid(raw, RawDocumentModel)  # raises only on a pipeline bug (frame-level)
    unread = raw.filter(pl.col("error").is_not_null())
    ingest_q = quarantine_rows(
        unread.to_dicts(),
        "ingest",
        [[Failure("readable_input", None, err)] for err in unread["error"].to_list()],
    )
    articles, failed = split_valid(cleaned.articles, ArticleModel)
    bad_rows = [cleaned.articles.row(i, named=True) for i in sorted(failed)]
    bad_docs = raw.filter(pl.col("doc_id").is_in([r["doc_id"] for r in bad_rows]))
    by_doc = {r["doc_id"]: r for r in bad_docs.to_dicts()}
    validate_q = quarantine_rows(
        [by_doc[r["doc_id"]] for r in bad_rows], "validate", [failed[i] for i in sorted(failed)]
    )
    keep = articles["article_id"]
    candidates, _ = split_valid(
        cleaned.date_candidates.filter(pl.col("article_id").is_in(keep)), DateCandidateModel
    )
    issues, _ = split_valid(
        cleaned.quality_issues.filter(pl.col("article_id").is_in(keep)), QualityIssueModel
    )
    check_references(candidates, articles, "article_id", "date_candidates")
    check_references(issues, articles, "article_id", "quality_issues")
    return ValidatedBatch(raw, articles, candidates, issues, pl.concat([ingest_q, validate_q]))
