"""Scoring cleaned output against gold labels: body shingle F1 and date accuracy.

The body metric is the one of the article-extraction benchmark (Scrapinghub/Zyte):
tokens are `\\w+` runs, bodies are cut into 4-token shingles, per page tp/fp/fn are
counted on shingle multisets and normalised to sum 1 (so long pages weigh no more
than short ones), precision and recall are averaged over pages, F1 = 2PR/(P+R).
Dates are exact-day matches over all pages; no answer counts as wrong.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from flows.bench import corruption
from flows.bench.corruption import CorruptionReport
from flows.clean import clean_batch
from flows.clean.unicode import repair_unicode
from flows.ingest import records_to_frame
from flows.ingest.readers import RawRecord, sha256_hex
from flows.validate import validate_batch

_TOKEN = re.compile(r"\w+")
NGRAM = 4


def shingles(text: str | None, n: int = NGRAM) -> Counter[tuple[str, ...]]:
    """Multiset of n-token shingles (a text shorter than n is one shingle)."""
    tokens = _TOKEN.findall(text or "")
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def shingle_match(gold: str | None, pred: str | None) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) between the gold and predicted body of one page."""
    g, p = shingles(gold), shingles(pred)
    tp = sum((g & p).values())
    fp = sum((p - g).values())
    fn = sum((g - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


@dataclass(frozen=True)
class BodyScore:
    """Averaged body precision, recall and F1 over pages."""

    precision: float
    recall: float
    f1: float
    pages: int


def body_scores(pairs: Iterable[tuple[str | None, str | None]]) -> BodyScore:
    """Score (gold, predicted) body pairs with the benchmark's metric."""
    triples = [shingle_match(g, p) for g, p in pairs]
    precisions = [_precision(*t) for t in triples if t[0] + t[1] > 0]
    recalls = [_recall(*t) for t in triples if t[0] + t[2] > 0]
    p = statistics.fmean(precisions) if precisions else 0.0
    r = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return BodyScore(p, r, f1, len(triples))


def date_accuracy(gold: Sequence[str | None], pred: Sequence[str | None]) -> float:
    """Share of pages whose predicted day equals the gold day (no answer is wrong)."""
    pairs = [(g, p) for g, p in zip(gold, pred, strict=True) if g]
    if not pairs:
        return 0.0
    return sum(1 for g, p in pairs if p is not None and str(p)[:10] == g[:10]) / len(pairs)


@dataclass(frozen=True)
class EvalReport:
    """What `newsclean eval` prints for one dataset."""

    records: int
    body: BodyScore | None
    date_accuracy: float | None
    quarantined: int


def bronze_frame(records: Sequence[dict]) -> pl.DataFrame:
    """Records (dicts with text and optional id, url, title, date) as the ingest
    stage would have produced them from a JSONL file."""
    raws = [
        RawRecord(
            source_uri="eval",
            record_index=i,
            format="jsonl",
            encoding="utf-8",
            sha256=sha256_hex(str(rec.get("text")).encode()),
            raw_text=rec.get("text"),
            source_id=str(rec.get("id", i)),
            url=rec.get("url"),
            title=rec.get("title"),
            date=rec.get("date"),
        )
        for i, rec in enumerate(records)
    ]
    return records_to_frame(raws, "eval", datetime.now())


def clean_bodies(texts: list[str]) -> list[str | None]:
    """The cleaned body of each text, through the real clean stage, in order."""
    articles = clean_batch(
        bronze_frame([{"id": i, "text": t} for i, t in enumerate(texts)])
    ).articles
    by_id = dict(zip(articles["source_id"].to_list(), articles["body"].to_list(), strict=True))
    return [by_id.get(str(i)) for i in range(len(texts))]


def repair_texts(texts: list[str]) -> list[str]:
    """Only the Unicode repair step, on each text."""
    return repair_unicode(pl.DataFrame({"text": texts}, schema={"text": pl.String}))[
        "text"
    ].to_list()


def corruption_benchmark(paths: Sequence[Path], seed: int = 0) -> CorruptionReport:
    """The corruption benchmark (flows.bench.corruption) run on the real pipeline."""
    return corruption.score(corruption.load_texts(paths), clean_bodies, repair_texts, seed)


def evaluate_records(records: list[dict]) -> tuple[EvalReport, list[dict]]:
    """Run the real ingest → clean → validate stages on dataset records and score them.

    Records are {id, url, text, gold_body?, gold_date?}. A quarantined record counts
    as an empty body and no date. Returns the report and per-record outputs.
    """
    batch = validate_batch(raw := bronze_frame(records), clean_batch(raw))
    out = {row["source_id"]: row for row in batch.articles.iter_rows(named=True)}
    results = []
    for rec in records:
        art = out.get(str(rec.get("id")), {})
        results.append(
            {
                "id": rec.get("id"),
                "body": art.get("body"),
                "published_date": art.get("published_date"),
            }
        )
    with_body = [
        (r["gold_body"], o["body"])
        for r, o in zip(records, results, strict=True)
        if r.get("gold_body") is not None
    ]
    gold_dates = [r.get("gold_date") for r in records if r.get("gold_date")]
    pred_dates = [
        o["published_date"] for r, o in zip(records, results, strict=True) if r.get("gold_date")
    ]
    report = EvalReport(
        records=len(records),
        body=body_scores(with_body) if with_body else None,
        date_accuracy=date_accuracy(gold_dates, pred_dates) if gold_dates else None,
        quarantined=batch.quarantine.height,
    )
    return report, results
