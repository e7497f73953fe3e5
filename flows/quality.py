"""Quality gates: limits a run's figures must stay within, or the run fails.

A bad batch (a scraper that started saving error pages, a feed whose encoding
changed) should stop the line instead of sliding into the warehouse unnoticed. The
figures are shares of the documents that are new in this run. A share over a
handful of documents says nothing (one odd file in an incremental run would be
"100 %"), so gates are enforced only from `min_documents` new documents on; below
that the figure is still recorded and shown. Limits come from Settings.thresholds
(newsclean.toml `[thresholds]`, NEWSCLEAN_THRESHOLD_<NAME> or `--threshold NAME=VALUE`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Gate:
    """One limit: the share it bounds, as numerator / denominator of run figures."""

    name: str
    description: str
    numerator: str
    denominator: tuple[str, ...]
    default: float


GATES: dict[str, Gate] = {
    g.name: g
    for g in (
        Gate(
            "max_quarantine_rate",
            "share of new documents quarantined",
            "quarantined",
            ("articles", "quarantined"),
            0.5,
        ),
        Gate(
            "max_undated_share",
            "share of loaded articles without a publication date",
            "undated",
            ("articles",),
            0.5,
        ),
        Gate(
            "max_unrecoverable_share",
            "share of loaded articles with unrecoverable characters (U+FFFD)",
            "unrecoverable",
            ("articles",),
            0.3,
        ),
        # A scraper that saves the same consent or error page over and over, or the
        # same corpus loaded again from another folder, loads copies: the articles
        # of duplicate_articles (warehouse/views.sql) this run loaded.
        Gate(
            "max_duplicate_share",
            "share of loaded articles that repeat another article's body",
            "duplicates",
            ("articles",),
            0.5,
        ),
    )
}
DEFAULT_THRESHOLDS: dict[str, float] = {name: g.default for name, g in GATES.items()}


@dataclass(frozen=True)
class GateResult:
    """A gate checked against one run."""

    name: str
    description: str
    value: float | None  # None when the run had nothing to measure
    limit: float
    enforced: bool = True  # False below the minimum number of new documents

    @property
    def breached(self) -> bool:
        return self.enforced and self.value is not None and self.value > self.limit

    def message(self) -> str:
        shown = "n/a" if self.value is None else f"{self.value:.1%}"
        verdict = "exceeds" if self.breached else "within"
        if self.value is not None and self.value > self.limit and not self.enforced:
            verdict = "would exceed (too few documents to enforce)"
        return f"{self.description} {shown} {verdict} {self.name} = {self.limit:.1%}"


def validate_thresholds(limits: Mapping[str, float]) -> dict[str, float]:
    """Known gate names and shares in [0, 1], merged over the defaults; else ValueError."""
    unknown = sorted(set(limits) - set(GATES))
    if unknown:
        raise ValueError(f"unknown threshold(s) {unknown}; known: {sorted(GATES)}")
    bad = {k: v for k, v in limits.items() if not 0.0 <= float(v) <= 1.0}
    if bad:
        raise ValueError(f"thresholds are shares between 0 and 1: {bad}")
    return {**DEFAULT_THRESHOLDS, **{k: float(v) for k, v in limits.items()}}


def check_gates(
    figures: Mapping[str, int], limits: Mapping[str, float], min_documents: int = 1
) -> list[GateResult]:
    """Every gate's value for this run (figures from the run_quality query)."""
    results = []
    new_documents = int(figures["articles"]) + int(figures["quarantined"])
    for name, limit in validate_thresholds(limits).items():
        gate = GATES[name]
        total = sum(int(figures[d]) for d in gate.denominator)
        value = int(figures[gate.numerator]) / total if total else None
        results.append(
            GateResult(name, gate.description, value, limit, new_documents >= min_documents)
        )
    return results


def breaches(results: list[GateResult]) -> list[GateResult]:
    return [r for r in results if r.breached]
