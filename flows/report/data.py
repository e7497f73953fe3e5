"""Everything a run report shows, read back from the warehouse.

The report is built from the warehouse, never from in-memory batch state, so
`newsclean report --run ID` regenerates exactly what the run wrote, at any time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from warehouse import Warehouse

TREND_RUNS = 20  # runs shown in the trend chart
EXAMPLES_PER_KIND = 3
LIST_LIMIT = 50  # quarantined documents, date issues and outlets listed


@dataclass(frozen=True)
class ReportData:
    """One run as the report presents it; every frame comes from a named query."""

    run: dict[str, Any]
    gates: pl.DataFrame  # name, description, value, limit_value, breached
    repairs: pl.DataFrame  # kind, n, articles
    quarantine_checks: pl.DataFrame  # stage, check_name, column_name, documents, examples
    quarantined: pl.DataFrame  # stage, source_uri, record_index, reason_text
    date_resolution: pl.DataFrame  # origin, articles, avg_confidence
    date_issues: pl.DataFrame  # kind, source_id, title, published_date, detail
    outlets: pl.DataFrame  # outlet, articles, dated, avg_words, languages, repairs
    inputs: pl.DataFrame  # format, encoding, documents, loaded, quarantined
    trend: pl.DataFrame  # last runs, oldest first
    examples: pl.DataFrame  # kind, source_id, title, before, after

    @property
    def reconciles(self) -> bool:
        r = self.run
        return r["docs_read"] == r["articles_loaded"] + r["quarantined"] + r["skipped"]


def latest_run_id(store: Warehouse) -> str | None:
    """The most recently started run, or None in an empty warehouse."""
    found = store.named("latest_run")
    return found["run_id"][0] if found.height else None


def load_report_data(store: Warehouse, run_id: str) -> ReportData:
    """Read every section of run `run_id`'s report; KeyError if there is no such run."""
    runs = store.named("run_summary", run_id=run_id)
    if runs.is_empty():
        raise KeyError(f"no run {run_id!r} in {store.path}")
    return ReportData(
        run=runs.to_dicts()[0],
        gates=store.named("run_gates", run_id=run_id),
        repairs=store.named("repairs_by_kind", run_id=run_id),
        quarantine_checks=store.named("quarantine_checks", run_id=run_id),
        quarantined=store.named("quarantined_documents", run_id=run_id, limit=LIST_LIMIT),
        date_resolution=store.named("date_resolution", run_id=run_id),
        date_issues=store.named("date_issues", run_id=run_id, limit=LIST_LIMIT),
        outlets=store.named("outlet_breakdown", run_id=run_id, limit=LIST_LIMIT),
        inputs=store.named("input_encodings", run_id=run_id, limit=LIST_LIMIT),
        trend=store.named("run_trend", run_id=run_id, limit=TREND_RUNS).reverse(),
        examples=store.named("repair_examples", run_id=run_id, per_kind=EXAMPLES_PER_KIND),
    )
