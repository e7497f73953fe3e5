"""Rendering of the per-run data-quality report (pure: data in, text out)."""

from flows.report.markdown import render_markdown

__all__ = ["render_markdown"]
