"""The per-run HTML report: one self-contained file (inline CSS and SVG, no script).

Every value that comes from the data — titles, outlets, file names, excerpts,
reasons — is HTML-escaped; a title like `<script>alert(1)</script>` renders as text.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

import polars as pl

from flows.report.data import ReportData
from flows.report.svg import (
    DATES,
    LOADED,
    QUARANTINED,
    REPAIR,
    SKIPPED,
    hbar_chart,
    stacked_bar,
    trend_chart,
)

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f3f4f6; color: #111827;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { background: #111827; color: #f9fafb; padding: 22px 40px; }
header h1 { margin: 0 0 4px; font-size: 22px; font-weight: 600; }
header .meta { color: #d1d5db; font-size: 13px; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 40px 60px; }
section { background: #fff; border-radius: 10px; padding: 20px 24px; margin: 0 0 20px;
  box-shadow: 0 1px 2px rgba(0,0,0,.06); }
h2 { font-size: 17px; margin: 0 0 12px; }
h3 { font-size: 14px; margin: 16px 0 8px; color: #374151; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 13px;
  font-weight: 600; vertical-align: middle; margin-left: 8px; }
.ok { background: #dcfce7; color: #166534; } .bad { background: #fee2e2; color: #991b1b; }
.na { background: #e5e7eb; color: #374151; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin-bottom: 14px; }
.card { background: #f9fafb; border: 1px solid #e5e7eb; border-radius: 8px; padding: 12px 14px; }
.card .n { font-size: 26px; font-weight: 650; }
.card .l { font-size: 12px; color: #6b7280; text-transform: uppercase; letter-spacing: .04em; }
.alert { background: #fef2f2; border: 1px solid #fecaca; color: #991b1b; border-radius: 8px;
  padding: 10px 14px; margin: 0 0 14px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; margin: 6px 0 4px; }
th { background: #1f2937; color: #f9fafb; text-align: left; font-weight: 600;
  padding: 7px 10px; }
td { padding: 6px 10px; border-bottom: 1px solid #e5e7eb; vertical-align: top;
  overflow-wrap: break-word; word-break: break-word; }
tr:nth-child(even) td { background: #f9fafb; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.short { white-space: nowrap; }
.muted { color: #6b7280; font-size: 13px; }
.example { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; margin: 6px 0 10px; }
.example div { font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace;
  padding: 8px 10px; border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
.before { background: #fef2f2; border-left: 3px solid #f87171; }
.after { background: #f0fdf4; border-left: 3px solid #4ade80; }
.source { font-size: 12px; color: #6b7280; margin-top: 8px; }
"""


def _cell(value: Any) -> str:
    if value is None:
        return "<span class='muted'>–</span>"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return escape(str(value))


def _cell_class(numeric: bool, value: Any) -> str:
    """Numbers align right; short values (statuses, stages, dates) never wrap."""
    if numeric:
        return "num"
    return "short" if value is not None and len(str(value)) <= 26 else ""


def table(frame: pl.DataFrame, headers: dict[str, str] | None = None) -> str:
    """An HTML table of `frame` (columns renamed by `headers`), every cell escaped."""
    if frame.is_empty():
        return "<p class='muted'>None.</p>"
    headers = headers or {}
    numeric = {c for c, t in frame.schema.items() if t.is_numeric()}
    head = "".join(
        f"<th class='{'num' if c in numeric else ''}'>{escape(headers.get(c, c))}</th>"
        for c in frame.columns
    )
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td class='{_cell_class(c in numeric, v)}'>{_cell(v)}</td>"
            for c, v in zip(frame.columns, row, strict=True)
        )
        + "</tr>"
        for row in frame.iter_rows()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _summary(d: ReportData) -> str:
    r = d.run
    cards = "".join(
        f"<div class='card'><div class='n'>{r[k]:,}</div><div class='l'>{escape(label)}</div></div>"
        for k, label in (
            ("docs_read", "documents read"),
            ("articles_loaded", "articles loaded"),
            ("quarantined", "quarantined"),
            ("skipped", "unchanged (skipped)"),
        )
    )
    balance = (
        f"{r['docs_read']:,} read = {r['articles_loaded']:,} loaded + "
        f"{r['quarantined']:,} quarantined + {r['skipped']:,} unchanged"
    )
    verdict = (
        "<span class='badge ok'>reconciles</span>"
        if d.reconciles
        else "<span class='badge bad'>DOES NOT RECONCILE</span>"
    )
    chart = stacked_bar(
        [
            ("loaded", r["articles_loaded"], LOADED),
            ("quarantined", r["quarantined"], QUARANTINED),
            ("unchanged", r["skipped"], SKIPPED),
        ],
        name="reconciliation",
    )
    return (
        f"<section id='counts'><h2>Counts and reconciliation</h2><div class='cards'>{cards}</div>"
        f"<p>{escape(balance)} {verdict}</p>{chart}</section>"
    )


def _gate_badge(gate: dict[str, Any]) -> str:
    if gate["breached"]:
        return "<span class='badge bad'>exceeded</span>"
    if gate["value"] is None:
        return "<span class='badge na'>n/a</span>"
    if not gate["enforced"]:
        return "<span class='badge na'>not enforced: too few documents</span>"
    return "<span class='badge ok'>ok</span>"


def _gates(d: ReportData) -> str:
    if d.gates.is_empty():
        return (
            "<section id='gates'><h2>Quality gates</h2>"
            "<p class='muted'>Not checked (the run did not finish).</p></section>"
        )
    rows = "".join(
        f"<tr><td>{escape(g['name'])}</td><td>{escape(g['description'])}</td>"
        f"<td class='num'>{_pct(g['value'])}</td><td class='num'>{_pct(g['limit_value'])}</td>"
        f"<td>{_gate_badge(g)}</td></tr>"
        for g in d.gates.iter_rows(named=True)
    )
    return (
        "<section id='gates'><h2>Quality gates</h2><table><thead><tr><th>gate</th>"
        "<th>measures</th><th class='num'>this run</th><th class='num'>limit</th><th></th>"
        f"</tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _repairs(d: ReportData) -> str:
    bars = hbar_chart(
        [(k, float(n)) for k, n in d.repairs.select("kind", "n").iter_rows()],
        REPAIR,
        name="repairs",
    )
    body = [
        "<section id='repairs'><h2>Repairs by kind</h2>",
        bars,
        table(d.repairs, {"n": "repairs", "articles": "articles"}),
    ]
    if not d.examples.is_empty():
        body.append("<h3>Examples, before → after</h3>")
        for (kind,), group in d.examples.group_by("kind", maintain_order=True):
            body.append(f"<h3>{escape(str(kind))}</h3>")
            for ex in group.iter_rows(named=True):
                body.append(
                    f"<div class='source'>{escape(str(ex['source_id']))}"
                    f"{' — ' + escape(ex['title']) if ex['title'] else ''}</div>"
                    f"<div class='example'><div class='before'>{escape(ex['before'] or '')}</div>"
                    f"<div class='after'>{escape(ex['after'] or '') or '<i>(removed)</i>'}"
                    "</div></div>"
                )
    body.append("</section>")
    return "".join(body)


def _quarantine(d: ReportData) -> str:
    checks = d.quarantine_checks
    bars = hbar_chart(
        [
            (f"{s}: {c}", float(n))
            for s, c, n in checks.select("stage", "check_name", "documents").iter_rows()
        ],
        QUARANTINED,
        name="quarantine",
    )
    return (
        "<section id='quarantine'><h2>Quarantine</h2>"
        "<p class='muted'>Quarantined documents keep their raw text in "
        "<code>raw_documents</code>; fix the input or the rule and run again.</p>"
        f"{bars}{table(checks, {'check_name': 'check', 'column_name': 'column'})}"
        "<h3>Documents</h3>"
        f"{table(d.quarantined, {'reason_text': 'reason'})}</section>"
    )


def _dates(d: ReportData) -> str:
    bars = hbar_chart(
        [(o, float(n)) for o, n in d.date_resolution.select("origin", "articles").iter_rows()],
        DATES,
        name="dates",
    )
    return (
        "<section id='dates'><h2>Date resolution</h2>"
        "<p class='muted'>Where each article's publication date came from "
        "(<i>none</i>: no date with a year in the text).</p>"
        f"{bars}{table(d.date_resolution, {'avg_confidence': 'mean confidence'})}"
        "<h3>Conflicts and missing dates</h3>"
        f"{table(d.date_issues)}</section>"
    )


def _outlets(d: ReportData) -> str:
    return (
        "<section id='outlets'><h2>Per outlet</h2>"
        f"{table(d.outlets, {'avg_words': 'mean words'})}</section>"
    )


def _inputs(d: ReportData) -> str:
    return (
        "<section id='inputs'><h2>Inputs by format and encoding</h2>"
        "<p class='muted'>Documents read this run. An encoding other than utf-8 was "
        "worked out from the bytes (a byte-order mark, a page's declared charset or a "
        "guess): look there first if a text reads wrongly.</p>"
        f"{table(d.inputs)}</section>"
    )


def _trend(d: ReportData) -> str:
    chart = trend_chart(d.trend.to_dicts(), name="trend")
    return (
        f"<section id='trend'><h2>Trend over the last {d.trend.height} run(s)</h2>{chart}"
        f"{table(d.trend.reverse())}</section>"
    )


def render_html(d: ReportData) -> str:
    """The whole report as one HTML document."""
    r = d.run
    failed = r["status"] == "Failed"
    status = f"<span class='badge {'bad' if failed else 'ok'}'>{escape(str(r['status']))}</span>"
    alert = (
        f"<div class='alert'><b>Run failed:</b> {escape(str(r['message']))}</div>"
        if failed and r.get("message")
        else ""
    )
    inputs = escape(", ".join(str(r.get("inputs") or "").splitlines()))
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>newsclean run {escape(str(r['run_id']))}</title><style>{CSS}</style></head>"
        f"<body><header><h1>newsclean run {escape(str(r['run_id']))} {status}</h1>"
        f"<div class='meta'>started {_cell(r['started_at'])} · finished "
        f"{_cell(r['finished_at'])} · inputs: {inputs}</div></header><main>"
        f"{alert}{_summary(d)}{_gates(d)}{_repairs(d)}{_quarantine(d)}{_dates(d)}"
        f"{_outlets(d)}{_inputs(d)}{_trend(d)}</main></body></html>"
    )
