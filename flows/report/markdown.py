"""The Markdown run summary: the report's key tables, for the Prefect UI and terminals."""

from __future__ import annotations

import polars as pl

from flows.report.data import ReportData


def _table(frame: pl.DataFrame) -> str:
    if frame.is_empty():
        return "_none_\n"
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    rows = [
        "| "
        + " | ".join(
            ("–" if v is None else str(v)).replace("|", "\\|").replace("\n", " ") for v in row
        )
        + " |"
        for row in frame.iter_rows()
    ]
    return "\n".join([head, rule, *rows]) + "\n"


def render_markdown(d: ReportData) -> str:
    """Markdown for one run: counts with reconciliation, gates, repairs, quarantine,
    dates and the inputs' encodings."""
    run = d.run
    read, loaded = run["docs_read"], run["articles_loaded"]
    quarantined, skipped = run["quarantined"], run["skipped"]
    gates = d.gates.with_columns(pl.col("value").round(4), pl.col("limit_value").round(4)).select(
        "name", "value", "limit_value", "breached"
    )
    lines = [
        f"# newsclean run `{run['run_id']}`",
        "",
        f"- status: **{run['status']}**" + (f" — {run['message']}" if run.get("message") else ""),
        f"- started: {run['started_at']}, finished: {run['finished_at']}",
        "",
        "## Counts",
        "",
        "| documents read | articles loaded | quarantined | unchanged (skipped) | reconciles |",
        "|---|---|---|---|---|",
        f"| {read} | {loaded} | {quarantined} | {skipped} | "
        f"{'yes' if d.reconciles else '**NO**'} |",
        "",
        "## Quality gates",
        "",
        _table(gates),
        "## Repairs by kind",
        "",
        _table(d.repairs),
        "## Quarantine by check",
        "",
        _table(d.quarantine_checks.select("stage", "check_name", "column_name", "documents")),
        "## Date resolution",
        "",
        _table(d.date_resolution),
        "## Inputs by format and encoding",
        "",
        _table(d.inputs),
    ]
    return "\n".join(lines)
