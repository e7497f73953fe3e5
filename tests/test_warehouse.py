"""Warehouse: migrations apply once, batch loads are idempotent and reconcile."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from flows.clean import clean_batch
from flows.clean.fingerprint import body_fingerprint
from flows.ingest import discover, ingest_files
from flows.validate import validate_batch
from tests.conftest import SEEDS
from warehouse import Warehouse, load_group_ready, migrate
from warehouse.store import (
    MAX_GROUP_DOCUMENTS,
    MAX_GROUP_INPUT_BYTES,
    NO_FILES,
    WRITE_ROW_GROUP_SIZE,
    migrations,
    sql,
    statements,
    transaction,
)

FACTS = ("raw_documents", "articles", "date_candidates", "quality_issues", "quarantine")


def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE TABLE t (x INTEGER)")
    with pytest.raises(duckdb.ConstraintException), transaction(con):
        con.execute("INSERT INTO t VALUES (1)")
        con.execute("INSERT INTO t VALUES (NULL::INTEGER)")  # fine
        con.execute("CREATE TABLE u (y INTEGER NOT NULL)")
        con.execute("INSERT INTO u VALUES (NULL)")  # fails: everything above is undone
    assert con.execute("SELECT count(*) FROM t").fetchone() == (0,)
    with transaction(con):
        con.execute("INSERT INTO t VALUES (2)")
    assert con.execute("SELECT x FROM t").fetchall() == [(2,)]


def test_migrations_apply_once(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    assert migrate(con) == [v for v, _, _ in migrations()]
    assert migrate(con) == []
    tables = {
        r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()
    }
    assert {
        "raw_documents",
        "articles",
        "date_candidates",
        "quality_issues",
        "quarantine",
        "runs",
    } <= tables
    con.close()


def _seed_batch(run_id: str, path: Path = SEEDS):
    files, _ = discover([path])
    raw = ingest_files(files, run_id, datetime(2026, 1, 1))
    return validate_batch(raw, clean_batch(raw))


def test_load_is_idempotent(warehouse_path: Path) -> None:
    store = Warehouse(warehouse_path)
    store.start_run("r1", None, ["seeds"], datetime.now())
    first = store.load_batch("r1", _seed_batch("r1").frames())
    assert (first.docs_read, first.articles_loaded, first.quarantined, first.skipped) == (
        5,
        5,
        0,
        0,
    )
    store.start_run("r2", None, ["seeds"], datetime.now())
    second = store.load_batch("r2", _seed_batch("r2").frames())
    assert (second.articles_loaded, second.skipped) == (0, 5)
    counts = store.query(
        "select (select count(*) from raw_documents) r, (select count(*) from articles) a"
    ).row(0)
    assert counts == (5, 5)
    run = store.named("run_summary", run_id="r2").row(0, named=True)
    assert run["docs_read"] == run["articles_loaded"] + run["quarantined"] + run["skipped"]


def _other_process_counts(path: Path) -> subprocess.CompletedProcess[str]:
    """Another process opening the file read-only, once, without retrying."""
    return subprocess.run(
        [sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1], "
         "read_only=True); print(con.execute('select count(*) from raw_documents').fetchone()[0])",
         str(path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_batch_writer_keeps_one_connection_and_lets_readers_in_between(
    warehouse_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Warehouse(warehouse_path)
    store.start_run("r1", None, ["seeds"], datetime.now())
    batch = _seed_batch("r1")
    opened: list[bool] = []
    real_open = Warehouse._open
    monkeypatch.setattr(
        Warehouse,
        "_open",
        lambda self, read_only: opened.append(read_only) or real_open(self, read_only),
    )
    with store.batch_writer(hold_seconds=3600):
        assert store.load_batch("r1", batch.frames()).articles_loaded == 5
        # Reads, and another Warehouse object on the same file, go through the writer.
        assert store.query("select count(*) from raw_documents").item() == 5
        assert Warehouse(warehouse_path).load_batch("r1", batch.frames()).skipped == 5
        # The loads run on one DuckDB thread (the batch workers have the cores).
        assert store.query("select current_setting('threads')").item() == 1
        held = _other_process_counts(warehouse_path)
        assert held.returncode != 0 and "lock" in held.stderr.lower()  # held: locked out
    assert opened == [False]  # one connection for all of the above
    released = _other_process_counts(warehouse_path)
    assert released.returncode == 0 and released.stdout.strip() == "5"
    # Held for no time, the writer closes after each use: readers get in between.
    with store.batch_writer(hold_seconds=0):
        store.load_batch("r1", batch.frames())
        assert _other_process_counts(warehouse_path).stdout.strip() == "5"
        store.load_batch("r1", batch.frames())
    assert opened == [False, False, False]
    default = duckdb.connect().execute("select current_setting('threads')").fetchone()
    assert default is not None
    assert store.query("select current_setting('threads')").item() == default[0]


def test_failed_load_leaves_nothing_behind(warehouse_path: Path) -> None:
    store = Warehouse(warehouse_path)
    store.start_run("r1", None, ["seeds"], datetime.now())
    frames = _seed_batch("r1").frames()
    frames["batch_issues"] = frames["batch_issues"].drop("kind")  # breaks a later statement
    try:
        store.load_batch("r1", frames)
    except duckdb.Error:
        pass
    else:
        raise AssertionError("a broken batch must fail its load")
    assert store.query("select count(*) from raw_documents").item() == 0
    assert store.query("select count(*) from articles").item() == 0


def _load_before_008(con: duckdb.DuckDBPyConnection, run_id: str, path: Path = SEEDS) -> None:
    """Load the seeds (or `path`) as the loader did before migration 008, which added
    articles.body_hash (and 009, raw_documents.record_path)."""
    for name, frame in {**_seed_batch(run_id, path).frames(), "batch_manifest": NO_FILES}.items():
        con.register(name, frame.to_arrow())
    old = sql("load_batch").replace("AS loaded_at, body_hash", "AS loaded_at")
    old = old.replace("record_index, record_path,", "record_index,")
    assert "body_hash" not in old and "record_path" not in old
    for statement in statements(old):
        con.execute(statement)


def test_migration_006_keeps_rows_and_drops_the_indexes(tmp_path: Path) -> None:
    """A warehouse written before 006 (with primary keys) keeps every row."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    assert migrate(con, upto=5) == [1, 2, 3, 4, 5]
    _load_before_008(con, "r0")
    before = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in FACTS}
    con.close()
    assert before["articles"] == 5 and before["date_candidates"] > 5

    store = Warehouse(path)
    store.initialise()
    after = {t: store.query(f"select count(*) from {t}").item() for t in FACTS}
    assert after == before
    keys = store.query(
        "select table_name from duckdb_constraints() where constraint_type = 'PRIMARY KEY'"
    )["table_name"].to_list()
    assert not set(keys) & set(FACTS)
    assert {"runs", "manifest"} <= set(keys)
    assert store.query("select count(*) from current_articles").item() == 5


def _load_seeds(store: Warehouse, run_id: str) -> None:
    store.start_run(run_id, None, ["seeds"], datetime.now())
    store.load_batch(run_id, _seed_batch(run_id).frames())
    with store.connect() as con:
        con.execute("CHECKPOINT")  # compression happens when data reaches the file


def _text_compression(store: Warehouse) -> set[str]:
    """The compressions of the segments holding raw_text and body."""
    return set(
        store.query(
            "select compression from pragma_storage_info('raw_documents') "
            "where column_name = 'raw_text' and segment_type = 'VARCHAR' union all "
            "select compression from pragma_storage_info('articles') "
            "where column_name = 'body' and segment_type = 'VARCHAR'"
        )["compression"].to_list()
    )


def test_a_new_warehouse_compresses_the_page_texts_with_zstd(tmp_path: Path) -> None:
    store = Warehouse(tmp_path / "new.duckdb")
    store.initialise()
    _load_seeds(store, "r0")
    assert _text_compression(store) == {"ZSTD"}


def test_a_warehouse_in_an_old_storage_format_migrates_without_zstd(tmp_path: Path) -> None:
    """DuckDB 1.x wrote v1.0 files by default; such a file refuses zstd for text (or
    stores it uncompressed), so migration 007 copies its tables as they were."""
    path = tmp_path / "old-format.duckdb"
    con = duckdb.connect()
    con.execute("ATTACH ? AS old (STORAGE_VERSION 'v1.0.0')", [str(path)])
    con.execute("USE old")
    assert migrate(con, upto=6) == [1, 2, 3, 4, 5, 6]
    con.close()
    store = Warehouse(path)
    store.initialise()  # applies 007
    _load_seeds(store, "r0")
    assert store.query("select count(*) from articles").item() == 5
    assert "ZSTD" not in _text_compression(store)


def test_writers_add_row_groups_of_write_row_group_size(warehouse_path: Path) -> None:
    """A checkpoint rewrites a table's last, partly filled row group: a run's
    writer keeps row groups small (WRITE_ROW_GROUP_SIZE), and a reader still sees
    every row, whether through the writer or on its own."""
    store = Warehouse(warehouse_path)
    rows = 3 * WRITE_ROW_GROUP_SIZE + 100
    with store.connect() as con:
        con.execute(f"CREATE TABLE numbers AS SELECT range AS n FROM range({rows})")
    with store.connect() as con:
        con.execute(f"INSERT INTO numbers SELECT range FROM range({rows})")
    groups = store.query(
        "select row_group_id, sum(count) as n from pragma_storage_info('numbers') "
        "where column_path = '[0]' group by row_group_id"
    )
    assert groups["n"].max() == WRITE_ROW_GROUP_SIZE
    assert groups.height >= 6
    reader = duckdb.connect(str(warehouse_path), read_only=True)
    assert reader.execute("select count(*) from numbers").fetchone() == (2 * rows,)
    reader.close()


def test_load_groups_end_on_a_nearly_full_row_group() -> None:
    size = WRITE_ROW_GROUP_SIZE
    assert not load_group_ready(size - 1)  # below one row group: the WAL path
    assert load_group_ready(size)
    assert load_group_ready(2 * size)
    # Batches of 2,000 documents go four at a time: 8,000 = 4,096 + 3,904 (95 %).
    ready = [n for n in range(2000, 8 * 2000 + 1, 2000) if load_group_ready(n)]
    assert ready[0] == 8000, ready
    assert not load_group_ready(size + size // 4)  # a last row group a quarter full
    assert load_group_ready(MAX_GROUP_DOCUMENTS)
    assert load_group_ready(MAX_GROUP_DOCUMENTS + 1)


def test_load_groups_of_long_pages_end_at_the_input_byte_bound() -> None:
    # 2,000 documents of 20 KB: far below the document bound, far above the byte one.
    assert not load_group_ready(2000, MAX_GROUP_INPUT_BYTES - 1)
    assert load_group_ready(2000, MAX_GROUP_INPUT_BYTES)


def test_full_reclean_pages_are_bounded_by_bytes_as_well_as_documents(
    warehouse_path: Path,
) -> None:
    store = Warehouse(warehouse_path)
    _load_seeds(store, "r1")
    sizes = store.query("select doc_id, size_bytes from raw_documents order by doc_id")
    cap = int(sizes["size_bytes"][0] + sizes["size_bytes"][1])  # the first two fit
    pages = list(store.raw_batches("r2", size=4, max_bytes=cap))
    ids = [page["doc_id"].to_list() for page in pages]
    assert [i for page in ids for i in page] == sizes["doc_id"].to_list()  # all, in order
    assert ids[0] == sizes["doc_id"].to_list()[:2]
    for page in pages:  # each within the bound, or a single document above it
        assert page.height == 1 or page["size_bytes"].sum() <= cap
        assert page.height <= 4 and set(page["run_id"]) == {"r2"}
    assert next(store.raw_batches("r2", size=2, max_bytes=1 << 30)).height == 2  # documents


def _copies(frames: dict[str, pl.DataFrame], n: int) -> dict[str, pl.DataFrame]:
    """`n` copies of a batch's frames under distinct document ids."""
    out = {}
    for name, frame in frames.items():
        keys = [c for c in ("doc_id", "article_id") if c in frame.columns]
        out[name] = pl.concat(
            [frame.with_columns(pl.col(c) + f"-{k}" for c in keys) for k in range(n)]
        )
    return out


def test_a_load_that_fills_a_row_group_bypasses_the_write_ahead_log(tmp_path: Path) -> None:
    """Why loads come in groups: DuckDB writes a transaction that fills a row group
    straight into the file, and logs only where it put it; a smaller one is logged
    whole (and compressed into the file again at the next checkpoint)."""
    seed = _seed_batch("r1").frames()
    wal_bytes = {}
    for docs in (5 * (WRITE_ROW_GROUP_SIZE // 5), 5 * (WRITE_ROW_GROUP_SIZE // 5 + 1)):
        path = tmp_path / f"{docs}.duckdb"
        store = Warehouse(path)
        store.start_run("r1", None, ["seeds"], datetime.now())
        with store.batch_writer():  # held: no checkpoint until the end
            loaded = store.load_batch("r1", _copies(seed, docs // 5))
            assert loaded.articles_loaded == docs
            wal_bytes[docs] = Path(f"{path}.wal").stat().st_size
        assert store.query("select count(*) from articles").item() == docs
    below, full = wal_bytes.values()
    assert full * 4 < below, wal_bytes


def _with_copies(tmp_path: Path) -> Path:
    """The seeds, and two copies of the first: one word for word, one hard-wrapped
    anew (the same story, as another site printed it)."""
    folder = tmp_path / "in"
    folder.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    for seed in seeds:
        (folder / seed.name).write_bytes(seed.read_bytes())
    text = seeds[0].read_text(encoding="utf-8")
    (folder / "copy.txt").write_text(text, encoding="utf-8")
    (folder / "rewrapped.txt").write_text(text.replace(". ", ".\n"), encoding="utf-8")
    return folder


def test_duplicate_bodies_are_found_line_breaks_aside(tmp_path: Path) -> None:
    folder = _with_copies(tmp_path)
    store = Warehouse(tmp_path / "w.duckdb")
    store.initialise()
    store.start_run("r0", None, [str(folder)], datetime.now())
    store.load_batch("r0", _seed_batch("r0", folder).frames())
    first = str(folder / sorted(SEEDS.glob("*.txt"))[0].name)
    kept = store.query(
        "select article_id from current_articles where source_uri = $p", {"p": first}
    ).item()
    got = store.query(
        "select source_uri, duplicate_of from duplicate_articles order by source_uri"
    ).rows()
    assert got == [(str(folder / "copy.txt"), kept), (str(folder / "rewrapped.txt"), kept)]
    assert store.query("select count(*) from current_articles").item() == 7
    assert store.query("select count(*) from distinct_articles").item() == 5
    assert store.query("select count(distinct body_hash) from articles").item() == 5


def test_migration_008_fingerprints_the_articles_already_loaded(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    assert migrate(con, upto=7) == [1, 2, 3, 4, 5, 6, 7]
    _load_before_008(con, "r0", _with_copies(tmp_path))
    con.close()
    store = Warehouse(path)
    store.initialise()  # applies 008
    assert store.query("select count(*) from articles where body_hash is null").item() == 0
    assert store.query("select count(*) from duplicate_articles").item() == 2


def test_the_sql_fingerprint_of_migration_008_is_the_cleaning_s() -> None:
    """Rows loaded before 008 are fingerprinted in SQL, new ones in Python: a body
    must get the same hash either way, or its copies across the two go unseen."""
    bodies = [seed.read_text(encoding="utf-8") for seed in sorted(SEEDS.glob("*.txt"))] + [
        "Para one.\n\nPara  two\nsame para.",
        "Ünïcödé — “quotes” 漢字 😀\n\n\n x",
        "  leading and trailing  \n",
        "",
    ]
    script = next(path for v, _, path in migrations() if v == 8).read_text()
    expression = re.search(r"SET body_hash = (.+);", script).group(1)
    con = duckdb.connect()
    got = [con.execute(f"SELECT {expression} FROM (SELECT ? AS body)", [b]).fetchone()[0]
           for b in bodies]  # fmt: skip
    assert got == [body_fingerprint(b) for b in bodies]
    assert script.count("md5(") == 1


def test_a_file_duckdb_cannot_open_says_so_in_duckdbs_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warehouse written by a newer DuckDB, or a read error: not a traceback."""
    from warehouse import WarehouseUnreadable

    path = tmp_path / "w.duckdb"
    with Warehouse(path).connect():  # made by this DuckDB
        pass

    def newer(*args: object, **kwargs: object) -> None:
        raise duckdb.IOException(
            "IO Error: Trying to read a database file with version number 99, but we can "
            "only read version 64.\nThe database file was created with a newer version"
        )

    monkeypatch.setattr(duckdb, "connect", newer)
    for read_only in (True, False):
        with pytest.raises(WarehouseUnreadable) as caught:
            Warehouse(path).query("select 1", read_only=read_only)
        assert str(caught.value) == (
            f"cannot open the warehouse {path}: Trying to read a database file with "
            "version number 99, but we can only read version 64."
        )
