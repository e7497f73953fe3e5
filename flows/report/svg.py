"""Inline SVG charts for the HTML report: no script, no CDN, readable offline.

Every label and tooltip passes through `html.escape`, because labels come from
the data (outlet names, check names) and the report must never run what it shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

FONT = "font-family='system-ui, -apple-system, Segoe UI, Roboto, sans-serif'"

# Fixed palette: the browser test looks for these colours in the rendered page.
LOADED = "#2563eb"
QUARANTINED = "#dc2626"
SKIPPED = "#9ca3af"
REPAIR = "#0d9488"
DATES = "#7c3aed"


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def hbar_chart(
    rows: Sequence[tuple[str, float]],
    color: str,
    *,
    name: str,
    width: int = 720,
    label_width: int = 260,
    row_height: int = 26,
) -> str:
    """Horizontal bars, one per (label, value), longest first as given."""
    if not rows:
        return ""
    top = max(v for _, v in rows) or 1
    plot = width - label_width - 70
    height = row_height * len(rows) + 8
    parts = [
        f"<svg class='chart' data-chart='{escape(name)}' role='img' width='{width}' "
        f"height='{height}' viewBox='0 0 {width} {height}' {FONT} font-size='13'>"
    ]
    for i, (label, value) in enumerate(rows):
        y = 4 + i * row_height
        bar = max(2.0, plot * value / top)
        short = label if len(label) <= 38 else label[:37] + "…"
        parts.append(
            f"<g><title>{escape(label)}: {_fmt(value)}</title>"
            f"<text x='{label_width - 8}' y='{y + 17}' text-anchor='end' fill='#374151'>"
            f"{escape(short)}</text>"
            f"<rect x='{label_width}' y='{y + 3}' width='{bar:.1f}' height='{row_height - 8}' "
            f"rx='3' fill='{color}'/>"
            f"<text x='{label_width + bar + 6:.1f}' y='{y + 17}' fill='#111827'>"
            f"{_fmt(value)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked_bar(
    parts: Sequence[tuple[str, float, str]], *, name: str, width: int = 720, height: int = 34
) -> str:
    """One bar split into labelled parts (label, value, colour), with a legend below."""
    total = sum(v for _, v, _ in parts)
    svg = [
        f"<svg class='chart' data-chart='{escape(name)}' role='img' width='{width}' "
        f"height='{height + 26}' viewBox='0 0 {width} {height + 26}' {FONT} font-size='13'>"
    ]
    x = 0.0
    for label, value, color in parts:
        if total and value:
            w = width * value / total
            svg.append(
                f"<rect x='{x:.1f}' y='0' width='{w:.1f}' height='{height}' fill='{color}'>"
                f"<title>{escape(label)}: {_fmt(value)}</title></rect>"
            )
            x += w
    if not total:
        svg.append(f"<rect x='0' y='0' width='{width}' height='{height}' fill='#e5e7eb'/>")
    lx = 0
    for label, value, color in parts:
        svg.append(
            f"<rect x='{lx}' y='{height + 10}' width='12' height='12' rx='2' fill='{color}'/>"
            f"<text x='{lx + 18}' y='{height + 21}' fill='#374151'>"
            f"{escape(label)} ({_fmt(value)})</text>"
        )
        lx += 30 + 8 * len(f"{label} ({_fmt(value)})")
    svg.append("</svg>")
    return "".join(svg)


def trend_chart(runs: Sequence[dict], *, name: str, width: int = 720, height: int = 220) -> str:
    """Stacked columns per run (loaded, quarantined, unchanged), oldest on the left."""
    if not runs:
        return ""
    series = (("articles_loaded", LOADED), ("quarantined", QUARANTINED), ("skipped", SKIPPED))
    top = max(sum(int(r[k] or 0) for k, _ in series) for r in runs) or 1
    left, bottom, plot_h = 48, 34, height - 50
    step = (width - left - 10) / len(runs)
    bar_w = max(4.0, min(40.0, step * 0.6))
    svg = [
        f"<svg class='chart' data-chart='{escape(name)}' role='img' width='{width}' "
        f"height='{height}' viewBox='0 0 {width} {height}' {FONT} font-size='12'>",
        f"<line x1='{left}' y1='{height - bottom}' x2='{width - 10}' y2='{height - bottom}' "
        "stroke='#9ca3af'/>",
        f"<text x='{left - 6}' y='{height - bottom - plot_h + 4}' text-anchor='end' "
        f"fill='#6b7280'>{top:,}</text>",
        f"<text x='{left - 6}' y='{height - bottom + 4}' text-anchor='end' fill='#6b7280'>0</text>",
    ]
    for i, r in enumerate(runs):
        x = left + i * step + (step - bar_w) / 2
        y = height - bottom
        tip = (
            f"{r['run_id']} ({r['status']}): {r['articles_loaded']} loaded, "
            f"{r['quarantined']} quarantined, {r['skipped']} unchanged"
        )
        svg.append(f"<g><title>{escape(tip)}</title>")
        for key, color in series:
            h = plot_h * int(r[key] or 0) / top
            if h:
                y -= h
                svg.append(
                    f"<rect x='{x:.1f}' y='{y:.1f}' width='{bar_w:.1f}' height='{h:.1f}' "
                    f"fill='{color}'/>"
                )
        if r["status"] == "Failed":
            svg.append(
                f"<text x='{x + bar_w / 2:.1f}' y='{y - 4:.1f}' text-anchor='middle' "
                f"fill='{QUARANTINED}' font-weight='bold'>✕</text>"
            )
        svg.append("</g>")
        if len(runs) <= 12 or i % max(1, len(runs) // 10) == 0:
            label = str(r["started_at"])[5:19]
            svg.append(
                f"<text x='{x + bar_w / 2:.1f}' y='{height - bottom + 16}' "
                f"text-anchor='middle' fill='#6b7280'>{escape(label)}</text>"
            )
    svg.append("</svg>")
    return "".join(svg)
