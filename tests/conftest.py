"""Shared fixtures: paths, the Prefect test harness, a fresh warehouse per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"
DEV_SET = SHARED / "data" / "news-text-dev"


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect backend for every flow test (starting one costs seconds)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "news.duckdb"


@pytest.fixture
def seed_texts() -> dict[str, str]:
    """The five seed documents by file stem prefix ("000" … "004")."""
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
