"""Shared fixtures: paths, the Prefect test harness, a fresh warehouse per test."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from flows.batch import ValidatedBatch
from flows.clean import clean_batch
from flows.evaluation import bronze_frame
from flows.validate import validate_batch

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")  # Prefect's client-side telemetry
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"
DEV_SET = SHARED / "data" / "news-text-dev"


# A short article that every step keeps whole: long sentences, no dates, no furniture.
ARTICLE = " ".join(
    f"The council met on day {i} and agreed the next step of the bridge repairs." for i in range(4)
)


def clean_and_validate(records: list[dict]) -> ValidatedBatch:
    """Records (text, and optional id, url, title, date) through ingest's frame, the
    clean stage and validation: what a run would load or quarantine."""
    raw = bronze_frame(records)
    return validate_batch(raw, clean_batch(raw))


@pytest.fixture(scope="session", autouse=True)
def month_word_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tests' own disk cache of month words (not the user's), for every process
    they start."""
    folder = tmp_path_factory.mktemp("month-words")
    os.environ["NEWSCLEAN_CACHE_DIR"] = str(folder)
    return folder


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


# Columns that name the run or the clock, which differ between any two runs.
VOLATILE = {"run_id", "loaded_at", "ingested_at", "quarantined_at", "seen_at", "deleted_run"}
TABLE_KEYS = {
    "raw_documents": ["doc_id"],
    "articles": ["article_id"],
    "date_candidates": ["article_id", "candidate_index"],
    "quality_issues": ["article_id", "issue_index"],
    "quarantine": ["doc_id", "stage"],
    "manifest": ["path"],
}


def warehouse_snapshot(path: Path) -> dict:
    """Every data table of a warehouse, sorted by key, without run ids and clocks:
    what two runs over the same input must agree on. Fails when a key repeats (the
    loader, not an index, keeps keys unique: migration 006)."""
    from warehouse import Warehouse

    store = Warehouse(path)
    out = {}
    for table, key in TABLE_KEYS.items():
        frame = store.query(f"select * from {table}")
        repeated = frame.select(key).is_duplicated().sum()
        assert repeated == 0, f"{table}: {repeated} rows share a key {key}"
        out[table] = frame.drop([c for c in frame.columns if c in VOLATILE]).sort(key)
    return out


def real_texts() -> list[str]:
    """The seeds and the dev set's pages (all languages)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for name in ("boilerplate.jsonl", "dates.jsonl"):
        with (DEV_SET / name).open(encoding="utf-8") as fh:
            texts += [json.loads(line).get("text") or "" for line in fh]
    return texts


def real_lines() -> list[str]:
    """Every non-blank line of the seeds and the dev set's pages."""
    return [s for text in real_texts() for line in text.split("\n") if (s := line.strip())]


class CountingFile(io.FileIO):
    """A file that counts the bytes read from it (how often a compressed input is
    decompressed)."""

    def __init__(self, path: Path, counter: list[int]) -> None:
        super().__init__(path, "rb")
        self._counter = counter

    def read(self, size: int = -1) -> bytes:
        data = super().read(size)
        self._counter[0] += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        n = super().readinto(buffer) or 0
        self._counter[0] += n
        return n
