"""A JSON array of records (a scraper's `items.json`) is cut between its items and
read in batches, as a JSONL shard is; until session 23 it was read whole, and a file
above `max_document_bytes` was quarantined."""

from __future__ import annotations

import gzip
import json
import os
import random
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.ingest import ingest_files, ingest_unit, plan_units
from flows.ingest.json_arrays import ArrayScan, NotAnArray, ObjectScan, split_items
from flows.ingest.readers import _json_records

WHEN = datetime(2026, 11, 30)
STORY = (
    'The council said on Monday that the "old" harbour wall, built in 1854, would be '
    "rebuilt [in two phases] {after the storms}, at a cost of £2.4m.\n\nWork starts in May."
)

# Strings with what a scanner can trip on: quotes, backslashes, brackets, commas.
TRICKY = st.text(alphabet=st.sampled_from(list('a",\\[]{}: é\n\t')), max_size=12)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TRICKY,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TRICKY, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    items=st.lists(VALUES, max_size=8),
    indent=st.sampled_from([None, 1, 4]),
    ascii_only=st.booleans(),
    block=st.integers(min_value=1, max_value=64),
)
def test_the_scan_finds_the_items_wherever_the_blocks_end(
    items: list[Any], indent: int | None, ascii_only: bool, block: int
) -> None:
    data = json.dumps(items, indent=indent, ensure_ascii=ascii_only).encode()
    scan = ArrayScan()
    separators = [o for i in range(0, len(data), block) for o in scan.feed(data[i : i + block])]
    scan.finish()
    assert len(separators) == max(len(items) + 1, 2)
    assert scan.has_items == bool(items)
    inside = data[separators[0] + 1 : separators[-1]]
    assert [json.loads(item) for item in split_items(inside)] == items


@pytest.mark.parametrize(
    "data",
    [
        b'{"text": "one record"}',
        b'[{"a": 1}]\n[{"a": 2}]',
        b'[{"a": 1}',
        b"[1]]",
        b"[1] x",
        b'[{"a": 1}}',
    ],
)
def test_a_document_that_is_not_one_array_is_not_cut(data: bytes) -> None:
    with pytest.raises(NotAnArray):
        scan = ArrayScan()
        scan.feed(data)
        scan.finish()


def _items(n: int) -> list[dict[str, Any]]:
    return [
        {"id": f"s{i}", "url": f"https://example.org/{i}", "title": f"Story {i}", "text": STORY}
        for i in range(n)
    ]


def _scrapy(items: list[Any]) -> bytes:
    """As Scrapy's JSON exporter writes its items: one per line inside the array."""
    return ("[\n" + ",\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n]").encode()


def _read(path: Path, batch_size: int, max_bytes: int | None = None) -> pl.DataFrame:
    units = list(plan_units([path], batch_size, 1 << 20))
    frames = [ingest_unit(u, "r", WHEN, max_bytes)[0] for u in units]
    return pl.concat(frames).drop("ingested_at")


def _saved(path: Path, data: bytes) -> Path:
    """`data` saved as `path`: gzipped for a .gz, as a JSON member of a .zip."""
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(data))
    elif path.suffix == ".zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("export/items.json", data)
    else:
        path.write_bytes(data)
    return path


@pytest.mark.parametrize("name", ["items.json", "items.json.gz", "crawl.zip"])
def test_a_json_array_is_read_in_batches_as_it_is_whole(tmp_path: Path, name: str) -> None:
    items: list[Any] = _items(95)
    items[10] = ["not", "a", "record"]
    path = _saved(tmp_path / name, _scrapy(items))
    units = list(plan_units([path], 20, 1 << 20))
    pieces = [p for u in units for p in u.pieces]
    assert [(p.items, p.first_line, p.lines) for p in pieces] == [
        ("item", k, min(20, 95 - k)) for k in range(0, 95, 20)
    ]
    assert units[-1].completes[0].records == 95
    frame = _read(path, 20)
    assert frame["record_index"].to_list() == list(range(95))
    assert frame["error"][10] == "item 11: expected a JSON object, got list"
    loaded = frame.filter(pl.col("error").is_null())
    assert loaded["raw_text"].to_list() == [STORY] * 94
    assert loaded["title"].to_list() == [i["title"] for i in items if isinstance(i, dict)]
    assert frame.equals(ingest_files([path], "r", WHEN).drop("ingested_at"))


# The two shapes a JSON file's records are cut in: an array, and an object's list.
SHAPES = pytest.mark.parametrize(
    "shape, word", [("array", "item"), ("object", "'articles' record")]
)


def _document(shape: str, items: list[Any]) -> bytes:
    return _scrapy(items) if shape == "array" else _api_answer(items)


@SHAPES
def test_json_records_above_the_document_limit_are_loaded_one_by_one(
    tmp_path: Path, shape: str, word: str
) -> None:
    """The limit holds per item, as per JSONL line: a 4 kB file of 300-byte items
    loads under a 2 kB limit (whole, it was quarantined), and only a larger item is
    an error record of its own."""
    items: list[Any] = _items(14)
    items[5]["text"] = STORY * 20
    path = tmp_path / "items.json"
    path.write_bytes(_document(shape, items))
    assert path.stat().st_size > 4_000
    whole = ingest_files([path], "r", WHEN, max_bytes=2_000)
    assert whole.height == 1 and "document too large" in whole["error"][0]
    frame = _read(path, 4, max_bytes=2_000)
    assert frame.height == 14
    assert frame["error"][5].startswith(f"{word} 6: record too large")
    assert frame["error"].null_count() == 13


@SHAPES
def test_a_bad_item_costs_only_itself(tmp_path: Path, shape: str, word: str) -> None:
    data = _document(shape, _items(6)).replace(b'"id": "s2"', b'"id": s2')
    path = tmp_path / "items.json"
    path.write_bytes(data)
    frame = _read(path, 4)
    assert frame["error"].to_list()[2].startswith(f"{word} 3: invalid JSON")
    assert frame["error"].null_count() == 5


@pytest.mark.parametrize(
    "data, records",
    [
        (b"[ ]\n", 0),
        (json.dumps(_items(1)[0]).encode(), 1),  # one record
    ],
)
def test_other_json_documents_are_read_whole_as_before(
    tmp_path: Path, data: bytes, records: int
) -> None:
    path = tmp_path / "doc.json"
    path.write_bytes(data)
    frame = _read(path, 2)
    whole = ingest_files([path], "r", WHEN).drop("ingested_at")
    assert whole.height == records and frame.equals(whole)
    assert frame["error"].null_count() == records


@pytest.mark.parametrize(
    "encoding, cut",
    [
        ("utf-8", True),
        ("cp1252", True),  # one byte a character: the brackets are its own
        ("shift_jis", False),  # "[" and "\" can be halves of characters: read whole
    ],
)
def test_a_json_array_in_a_legacy_code_page(tmp_path: Path, encoding: str, cut: bool) -> None:
    words = "Café, naïve — «été»" if encoding != "shift_jis" else "東京の港、防波堤を再建へ"
    items = [{"id": f"e{i}", "text": f"{words} {i}. {STORY}"} for i in range(9)]
    path = tmp_path / "items.json"
    path.write_bytes(_scrapy(items).decode().encode(encoding))
    pieces = [p for u in plan_units([path], 4, 1 << 20) for p in u.pieces]
    assert all(p.items for p in pieces) is cut and len(pieces) == (3 if cut else 1)
    frame = _read(path, 4)
    assert frame["raw_text"].to_list() == [i["text"] for i in items]
    assert frame.drop("encoding").equals(
        ingest_files([path], "r", WHEN).drop("ingested_at", "encoding")
    )


def test_a_stray_cp1252_byte_costs_the_batch_nothing(tmp_path: Path) -> None:
    """UTF-8 with one item holding two stray bytes (a scraper's mixed sources): the
    array is still cut, and that item is read as its piece reads, UTF-8 with the
    strays as cp1252. Alone, the item was too short to tell (its one "é" against
    two strays), and a guess read it in another code page ("ÿ©" as "ĸĐ")."""
    items = _items(6)
    for item in items:
        item["text"] = "Un café, then the council met."
    data = _scrapy(items).replace(b"Story 2", b"Story 2 \xff\xa9")
    path = tmp_path / "items.json"
    path.write_bytes(data)
    assert all(p.items for u in plan_units([path], 4, 1 << 20) for p in u.pieces)
    frame = _read(path, 4)
    assert frame["error"].null_count() == 6
    assert frame["title"].to_list()[2] == "Story 2 ÿ©"
    assert frame["raw_text"].to_list() == ["Un café, then the council met."] * 6


@pytest.mark.parametrize("name", ["items.jsonl", "items.jsonl.gz"])
def test_a_json_array_saved_as_jsonl_is_read_as_an_array(tmp_path: Path, name: str) -> None:
    """Read line by line, Scrapy's array export named .jsonl gave error records for
    its "[" and "]" lines and for every item but the last ("Extra data": each of
    their lines ends with a comma)."""
    data = _scrapy(_items(9))
    path = _saved(tmp_path / name, data)
    pieces = [p for u in plan_units([path], 4, 1 << 20) for p in u.pieces]
    assert [(p.items, p.lines) for p in pieces] == [("item", 4), ("item", 4), ("item", 1)]
    frame = _read(path, 4)
    assert frame["error"].null_count() == 9 and set(frame["format"]) == {"json"}
    assert frame["title"].to_list() == [f"Story {i}" for i in range(9)]
    assert frame.equals(ingest_files([path], "r", WHEN).drop("ingested_at"))


def test_json_lines_whose_lines_are_arrays_stay_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b"\n".join(json.dumps([i]).encode() for i in _items(3)) + b"\n")
    frame = _read(path, 4)
    assert frame["error"].to_list() == [
        f"line {n}: expected a JSON object, got list" for n in (1, 2, 3)
    ]
    assert frame.equals(ingest_files([path], "r", WHEN).drop("ingested_at"))


def test_damage_found_by_a_batch_says_how_many_items_came_before(tmp_path: Path) -> None:
    """A gzipped array cut short after it was planned: the batches before the cut
    load, and the one it hits says where, counted as JSONL lines and CSV rows are
    (the items before it)."""
    rng = random.Random(2)
    items = [{"id": f"d{i}", "text": rng.randbytes(2_000).hex()} for i in range(12)]
    path = tmp_path / "items.json.gz"
    data = gzip.compress(_scrapy(items))
    path.write_bytes(data)
    units = list(plan_units([path], 4, 1 << 20))
    path.write_bytes(data[: int(len(data) * 0.85)])
    frame = pl.concat([ingest_unit(u, "r", WHEN)[0] for u in units])
    assert frame["error"].to_list()[:8] == [None] * 8
    assert frame.height == 9 and frame["record_index"][8] == 8
    assert frame["error"][8].startswith("gzip data damaged or not gzip after item 8:")


# An API's answer: its records in a list under a key (NewsAPI's shape), after other
# lists that are not the records (empty, of strings, mixed) and an object.
def _api_answer(records: list[Any], indent: int | None = None) -> bytes:
    answer = {
        "status": "ok",
        "sources": [],
        "tags": ["news", 'a \\"quoted\\" [tag]'],
        "mixed": [{"id": 1}, "two"],
        "query": {"q": "harbour", "pages": [{"n": 1}]},
        "totalResults": len(records),
        "articles": records,
        "related": [{"id": "not these"}],
    }
    return json.dumps(answer, indent=indent, ensure_ascii=False).encode()


@pytest.mark.parametrize("name", ["answer.json", "answer.json.gz", "answers.zip"])
def test_the_records_an_object_holds_are_read_in_batches_as_whole(
    tmp_path: Path, name: str
) -> None:
    """NewsAPI keeps its articles under "articles"; until session 24 such a file was
    read whole, and one above `max_document_bytes` was quarantined."""
    records = _items(45)
    path = _saved(tmp_path / name, _api_answer(records, indent=2))
    units = list(plan_units([path], 20, 1 << 20))
    pieces = [p for u in units for p in u.pieces]
    assert [(p.items, p.first_line, p.lines) for p in pieces] == [
        ("'articles' record", 0, 20),
        ("'articles' record", 20, 20),
        ("'articles' record", 40, 5),
    ]
    assert units[-1].completes[0].records == 45
    frame = _read(path, 20)
    assert frame["error"].null_count() == 45
    assert frame["title"].to_list() == [r["title"] for r in records]
    assert frame.equals(ingest_files([path], "r", WHEN).drop("ingested_at"))


@pytest.mark.parametrize(
    "document",
    [
        {"text": "an object that is one record", "articles": [{"text": "not this"}]},
        {"articles": [], "tags": ["a"]},  # no list of records: the reader says so
        {"articles": [{"text": "a"}, ["b"]]},
    ],
)
def test_an_object_without_a_list_of_records_to_cut_is_read_whole(
    tmp_path: Path, document: dict[str, Any]
) -> None:
    path = tmp_path / "doc.json"
    path.write_bytes(json.dumps(document).encode())
    units = list(plan_units([path], 2, 1 << 20))
    assert [p.whole for u in units for p in u.pieces] == [True]
    assert _read(path, 2).equals(ingest_files([path], "r", WHEN).drop("ingested_at"))


KEYS = st.text(alphabet=st.sampled_from(list('ab",\\[]{}: é')), max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    document=st.dictionaries(
        KEYS, VALUES | st.lists(st.dictionaries(TRICKY, VALUES, max_size=3), max_size=4)
    ),
    indent=st.sampled_from([None, 1]),
    block=st.integers(min_value=1, max_value=64),
    batch=st.integers(min_value=1, max_value=3),
)
def test_the_object_scan_takes_the_list_the_reader_takes(
    document: dict[str, Any], indent: int | None, block: int, batch: int
) -> None:
    data = json.dumps(document, indent=indent, ensure_ascii=False).encode()
    scan = ObjectScan(batch, 1 << 20)
    for i in range(0, len(data), block):
        scan.feed(data[i : i + block])
    scan.finish()
    assert scan.keys == list(document)
    records, where = _json_records(document)  # KEYS spell no text field
    if records is None:
        assert scan.cuts is None
        return
    assert scan.cuts is not None and where == f"{scan.chosen!r} record"
    found = [json.loads(item) for a, b, _, _ in scan.cuts.spans for item in split_items(data[a:b])]
    assert found == records
    assert [n for _, _, _, n in scan.cuts.spans] == [
        min(batch, len(records) - k) for k in range(0, len(records), batch)
    ]


@pytest.mark.parametrize(
    "data",
    [
        b'[{"text": "an array"}]',
        b'{"a": [{"b": 1}]}\n{"a": [{"b": 2}]}',  # JSON Lines named .json
        b'{"a": [{"b": 1}]',  # cut short
        b'{"a": [{"b": 1}}}',
        b'{"a": [{"b": 1}]]',
        b'{"a": 1, "a": [{"b": 1}]}',  # json.loads keeps the last: read whole
        b'{"a": [{"b": 1}]} x',
    ],
)
def test_a_document_that_is_not_one_object_is_not_cut(data: bytes) -> None:
    with pytest.raises(NotAnArray):
        scan = ObjectScan(2, 1 << 20)
        scan.feed(data)
        scan.finish()


@pytest.mark.parametrize("name", ["feed.json", "feed.json.gz"])
@pytest.mark.parametrize("lines", ["objects", "arrays"])
def test_json_lines_named_json_are_cut_as_json_lines(tmp_path: Path, name: str, lines: str) -> None:
    """The reader reads them as JSON Lines; until session 24 the planner left them
    whole, so one above `max_document_bytes` was quarantined."""
    records: list[Any] = _items(9) if lines == "objects" else [[i] for i in _items(9)]
    data = b"\n".join(json.dumps(r).encode() for r in records) + b"\n"
    path = _saved(tmp_path / name, data)
    units = list(plan_units([path], 4, 1 << 20))
    pieces = [p for u in units for p in u.pieces]
    assert [(p.whole, p.items, p.first_line, p.lines) for p in pieces] == [
        (False, None, 0, 4),
        (False, None, 4, 4),
        (False, None, 8, 1),
    ]
    assert units[-1].completes[0].records == 9
    frame = _read(path, 4, max_bytes=len(data) // 2)  # whole, it would be too large
    assert frame.equals(ingest_files([path], "r", WHEN).drop("ingested_at"))
    if lines == "objects":
        assert frame["error"].null_count() == 9
    else:
        assert frame["error"][0] == "line 1: expected a JSON object, got list"


@pytest.mark.parametrize(
    "data",
    [
        b'{"text": "a"} {"text": "b"}\n',
        b'[{"text": "a"}] x\n',
        b'{"text": "a"}\n]\n',
        # A raw line break in a string: the first value is not JSON, so the reader
        # does not read the document as JSON Lines (found by a fuzzer).
        b'{"text": "a\nb"}\n{"text": "c"}\n',
    ],
)
def test_more_after_a_value_that_is_no_json_lines_is_read_whole(
    tmp_path: Path, data: bytes
) -> None:
    """Not JSON Lines for the reader either: one error record, or its lines."""
    path = tmp_path / "doc.json"
    path.write_bytes(data)
    units = list(plan_units([path], 4, 1 << 20))
    assert [p.whole for u in units for p in u.pieces] == [True]
    assert _read(path, 4).equals(ingest_files([path], "r", WHEN).drop("ingested_at"))


def _answers() -> list[Any]:
    """An API's answers, as a collector saves them: each whole, one a line."""
    hits = _items(5)
    hits[1] = {"url": "https://example.org/no-text", "title": "No text"}
    return [
        {"status": "ok", "totalResults": 3, "articles": _items(3)},
        {"id": "plain", "text": STORY},  # a line that is one article, as before
        {"status": "ok", "page": 2, "hits": [{**h, "id": f"h{k}"} for k, h in enumerate(hits)]},
        {"status": "error", "message": "rate limited"},  # no text, no list of records
        {"status": "ok", "articles": [{"title": "no id", "text": STORY}]},
    ]


@pytest.mark.parametrize("name", ["answers.jsonl", "answers.jsonl.gz", "answers.json"])
def test_a_line_that_is_an_api_answer_gives_its_records(tmp_path: Path, name: str) -> None:
    """A line with no text of its own that holds a list of records (NewsAPI's
    `{"status": "ok", "articles": [...]}`) is read as those records, each its own
    article: numbered like their line, told apart by `record_path`. Until session 25
    such a line was quarantined as a record without text. A `.json` file of such
    lines is JSON Lines too."""
    data = "".join(json.dumps(a) + "\n" for a in _answers()).encode()
    path = _saved(tmp_path / name, data)
    frame = ingest_files([path], "r", WHEN)
    rows = frame.select("record_index", "record_path", "source_id", "error").rows()
    assert rows[:4] == [
        (0, "articles[0]", "s0", None),
        (0, "articles[1]", "s1", None),
        (0, "articles[2]", "s2", None),
        (1, None, "plain", None),
    ]
    assert [r[:3] for r in rows[4:9]] == [(2, f"hits[{k}]", f"h{k}") for k in range(5)]
    assert rows[5][3].startswith("line 3, 'hits' record 2: record has no 'text' field (nor ")
    assert rows[9][:2] == (3, None) and "has no 'text' field" in rows[9][3]
    assert rows[10] == (4, "articles[0]", "answers:4:0", None)  # an id of its own
    assert frame["doc_id"].n_unique() == frame.height == 11
    loaded = frame.filter(pl.col("error").is_null())
    assert loaded["raw_text"].to_list() == [STORY] * 9
    assert loaded["title"][:3].to_list() == ["Story 0", "Story 1", "Story 2"]
    # Each record is sized and hashed as itself, not as its whole line.
    assert frame["size_bytes"][0] == len(json.dumps(_items(3)[0], ensure_ascii=False).encode())
    assert frame["sha256"][0] != frame["sha256"][1]


def test_api_answers_read_in_batches_give_what_reading_them_whole_gives(tmp_path: Path) -> None:
    """Lines are cut into batches by line, so an answer's records stay together."""
    path = tmp_path / "answers.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in _answers() * 7))
    assert len(list(plan_units([path], 4, 1 << 20))) == 9
    whole = ingest_files([path], "r", WHEN).drop("ingested_at")
    assert whole.height == 77
    assert _read(path, 4).equals(whole)


@SHAPES
def test_a_json_file_of_api_answers_gives_their_records(
    tmp_path: Path, shape: str, word: str
) -> None:
    """A JSON array (or an object's list) whose items are answers: each item's
    records, whether the file is read whole or cut between its items."""
    answers = _answers() * 5
    document = answers if shape == "array" else {"status": "ok", "articles": answers}
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(document, indent=1))
    whole = ingest_files([path], "r", WHEN).drop("ingested_at")
    assert whole.height == 55
    assert whole["record_path"][:4].to_list() == ["articles[0]", "articles[1]", "articles[2]", None]
    assert whole["error"][5].startswith(f"{word} 3, 'hits' record 2: record has no 'text' field")
    assert _read(path, 4).equals(whole)


def _newsapi(titles: list[str], day: int) -> dict[str, Any]:
    """One answer as NewsAPI gives it."""
    return {
        "status": "ok",
        "totalResults": len(titles),
        "articles": [
            {
                "source": {"id": None, "name": "Coast News"},
                "title": title,
                "url": f"https://example.org/{day}/{k}",
                "publishedAt": f"2024-03-{day:02d}T07:00:00Z",
                "content": f"{title}. {STORY}",
            }
            for k, title in enumerate(titles)
        ],
    }


@pytest.mark.usefixtures("prefect_harness")
def test_api_answers_load_one_article_each_and_a_changed_one_is_a_new_version(
    tmp_path: Path,
) -> None:
    """Through the flow: every record of every answer is an article of its own in
    `current_articles` (they share their line's record_index); an answer saved again
    with one headline corrected loads that article only, and `current_articles`
    holds its new version in place of the old; unchanged, its records count as
    skipped."""
    from flows.pipeline import news_etl
    from warehouse import Warehouse

    path = tmp_path / "in" / "newsapi.jsonl"
    path.parent.mkdir()
    first = [_newsapi(["Harbour wall to be rebuilt", "Ferry times change"], 5)]
    first.append(_newsapi(["Lifeboat crew rescue two walkers", "Council budget set", "Tide"], 6))
    second = [
        first[0],
        _newsapi(["Lifeboat crew rescues two walkers", *["Council budget set", "Tide"]], 6),
    ]

    def fetch(answers: list[dict[str, Any]], step: int) -> tuple[int, int, int, int]:
        path.write_text("".join(json.dumps(a) + "\n" for a in answers))
        os.utime(path, ns=(step * 10**9, step * 10**9))
        counts = news_etl(
            inputs=[str(path.parent)],
            warehouse=str(tmp_path / "wh.duckdb"),
            reports_dir=str(tmp_path / "reports"),
        ).counts
        return counts.docs_read, counts.articles_loaded, counts.quarantined, counts.skipped

    assert fetch(first, 1) == (5, 5, 0, 0)
    assert fetch(second, 2) == (5, 1, 0, 4)
    # Unchanged (same size and time), so not read: its 5 records count as skipped,
    # not its 2 lines, which is what the planner had counted.
    assert fetch(second, 2) == (5, 0, 0, 5)
    manifest = Warehouse(tmp_path / "wh.duckdb").manifest()
    assert manifest.select("path", "records").rows() == [(str(path), 5)]
    store = Warehouse(tmp_path / "wh.duckdb")
    assert store.query("select count(*) from articles").item() == 6
    current = store.query(
        "select r.record_index, r.record_path, a.title, a.published_date::varchar, a.outlet "
        "from current_articles a join raw_documents r using (doc_id) order by 1, 2"
    )
    assert current.rows() == [
        (0, "articles[0]", "Harbour wall to be rebuilt", "2024-03-05", "Coast News"),
        (0, "articles[1]", "Ferry times change", "2024-03-05", "Coast News"),
        (1, "articles[0]", "Lifeboat crew rescues two walkers", "2024-03-06", "Coast News"),
        (1, "articles[1]", "Council budget set", "2024-03-06", "Coast News"),
        (1, "articles[2]", "Tide", "2024-03-06", "Coast News"),
    ]
