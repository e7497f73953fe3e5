"""The per-run data-quality report: read from the warehouse, rendered as HTML + Markdown."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from flows.report.data import ReportData, latest_run_id, load_report_data
from flows.report.html import render_html
from flows.report.markdown import render_markdown
from warehouse import Warehouse

__all__ = [
    "ReportData",
    "WrittenReport",
    "latest_run_id",
    "load_report_data",
    "render_html",
    "render_markdown",
    "write_report",
]


@dataclass(frozen=True)
class WrittenReport:
    """Where a run's report was written, and what it said."""

    html_path: Path
    markdown_path: Path
    markdown: str
    data: ReportData


def write_report(store: Warehouse, run_id: str, reports_dir: str | Path) -> WrittenReport:
    """Write reports_dir/run-<id>.html and .md from the warehouse (overwrites)."""
    data = load_report_data(store, run_id)
    out = Path(reports_dir)
    out.mkdir(parents=True, exist_ok=True)
    html_path = out / f"run-{run_id}.html"
    md_path = out / f"run-{run_id}.md"
    markdown = render_markdown(data)
    _write_atomically(html_path, render_html(data))
    _write_atomically(md_path, markdown)
    return WrittenReport(html_path, md_path, markdown, data)


def _write_atomically(path: Path, text: str) -> None:
    """Write then rename: a crash mid-write never leaves half a report."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
