"""`newsclean export`: the cleaned articles out of the warehouse as Parquet, JSON Lines
or CSV, in the order they were loaded, whole or filtered, and nothing written when it
fails."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
import zstandard

from flows.clean import clean_batch
from flows.cli import main
from flows.ingest import discover, ingest_files
from flows.validate import validate_batch
from tests.conftest import SEEDS
from warehouse import Warehouse


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds and a word-for-word copy of the first, loaded."""
    root = tmp_path_factory.mktemp("export")
    inputs = root / "in"
    inputs.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        (inputs / seed.name).write_bytes(seed.read_bytes())
    (inputs / "zz-copy.txt").write_bytes(sorted(SEEDS.glob("*.txt"))[0].read_bytes())
    files, _ = discover([inputs])
    raw = ingest_files(files, "r0", datetime(2026, 11, 30))
    store = Warehouse(root / "w.duckdb")
    store.start_run("r0", None, [str(inputs)], datetime.now())
    store.load_batch("r0", validate_batch(raw, clean_batch(raw)).frames())
    return root / "w.duckdb"


def _export(warehouse: Path, out: Path, *args: str) -> int:
    return main(["export", str(out), "--warehouse", str(warehouse), *args])


def test_the_default_export_is_each_body_once_in_input_order(
    warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "corpus.parquet"
    assert _export(warehouse, out) == 0
    assert "exported 5 articles to" in capsys.readouterr().out
    got = pl.read_parquet(out)
    expected = Warehouse(warehouse).query(
        "select * from articles where article_id in (select article_id from distinct_articles) "
        "order by rowid"  # the order they were loaded in: the inputs' order
    )
    assert got.equals(expected)
    assert got["source_uri"].to_list() == sorted(got["source_uri"].to_list())
    assert not any(uri.endswith("zz-copy.txt") for uri in got["source_uri"])


def test_compressed_json_lines_and_csv_hold_what_the_warehouse_holds(
    warehouse: Path, tmp_path: Path
) -> None:
    lines = tmp_path / "current.jsonl.zst"
    assert _export(warehouse, lines, "--articles", "current") == 0
    with zstandard.open(lines, "rb") as fh:
        records = [json.loads(line) for line in fh.read().decode().splitlines()]
    assert len(records) == 6 and records[-1]["source_uri"].endswith("zz-copy.txt")
    assert records[-1]["body"] == records[0]["body"]
    store = Warehouse(warehouse)
    dates = dict(store.query("select article_id, published_date::varchar from articles").rows())
    assert {r["article_id"]: r["published_date"] for r in records} == dates
    table = tmp_path / "all.csv.gz"
    assert _export(warehouse, table, "--articles", "all") == 0
    with gzip.open(table, "rt", encoding="utf-8") as fh:
        frame = pl.read_csv(fh.read().encode())
    assert frame.height == 6 and frame["body"].to_list() == [r["body"] for r in records]


def test_where_selects_on_the_article_columns(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "some.jsonl"
    # source_uri is a column of raw_documents too: the condition sees the article's.
    where = "source_uri like '%zz-copy%' or published_date < '2023-01-01'"
    assert _export(warehouse, out, "--articles", "current", "--where", where) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    expected = Warehouse(warehouse).query(
        f"select article_id from current_articles where {where} order by source_uri"
    )
    assert [r["article_id"] for r in rows] == expected["article_id"].to_list()
    assert 1 < len(rows) < 6


def test_a_failed_export_says_why_and_leaves_no_file(
    warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "bad.parquet"
    assert _export(warehouse, out, "--where", "languag = 'en'") == 1
    err = capsys.readouterr().err
    assert 'Referenced column "languag" not found' in err and "language" in err
    assert list(out.parent.iterdir()) == []  # no file, and no partial one
    assert _export(warehouse, tmp_path / "corpus.txt") == 2
    assert "name it .parquet" in capsys.readouterr().err
    assert _export(tmp_path / "none.duckdb", tmp_path / "x.parquet") == 2
    assert "no warehouse at" in capsys.readouterr().err
