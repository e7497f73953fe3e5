"""The Markdown run summary: what was read, loaded, quarantined and repaired."""

from __future__ import annotations

from typing import Any

import polars as pl


def _table(frame: pl.DataFrame) -> str:
    if frame.is_empty():
        return "_none_\n"
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    rows = [
        "| " + " | ".join(str(v).replace("|", "\\|").replace("\n", " ") for v in row) + " |"
        for row in frame.iter_rows()
    ]
    return "\n".join([head, rule, *rows]) + "\n"


def render_markdown(run: dict[str, Any], repairs: pl.DataFrame, reasons: pl.DataFrame) -> str:
    """Markdown for one run: counts with reconciliation, repairs by kind, quarantine reasons."""
    read, loaded = run["docs_read"], run["articles_loaded"]
    quarantined, skipped = run["quarantined"], run["skipped"]
    balanced = read == loaded + quarantined + skipped
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
        f"| {read} | {loaded} | {quarantined} | {skipped} | {'yes' if balanced else '**NO**'} |",
        "",
        "## Repairs by kind",
        "",
        _table(repairs),
        "## Quarantine reasons",
        "",
        _table(reasons),
    ]
    return "\n".join(lines)
