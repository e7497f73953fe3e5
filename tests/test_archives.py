"""ZIP and tar archives are read without unpacking: each file inside as the same file
on disk, JSONL and CSV members cut into batches, damage said where it is."""

from __future__ import annotations

import gzip
import io
import json
import random
import tarfile
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.ingest import archives as archives_module
from flows.ingest import ingest_unit, kept_streams, records_to_frame
from flows.ingest.compressed import OPENERS, compression_of
from flows.ingest.readers import format_of, read_file
from flows.ingest.units import plan_units
from flows.pipeline import news_etl
from tests.conftest import CountingFile
from warehouse import Warehouse

WHEN = datetime(2026, 11, 30)
SEEDS = sorted(p for p in Path(__file__).parent.parent.joinpath("seeds").iterdir() if p.is_file())
STORY = (
    "The harbour wall at Porthmeor gave way on Tuesday night after three days of storms, "
    "and the council closed the coast road while engineers inspect the damage.\n"
)


def _members() -> dict[str, bytes]:
    """What each test archive holds: the seeds, a JSONL shard of 25 records, a CSV
    export of 12 rows with line breaks in quoted fields, a gzipped JSONL shard,
    an HTML page, files that are no input (hidden, macOS's copies), an archive
    and a crawl inside the archive."""
    shard = "".join(
        json.dumps({"id": f"r{i}", "title": f"Story {i}", "text": f"{STORY}Part {i}. " * 3}) + "\n"
        for i in range(25)
    )
    rows = "id,title,text\n" + "".join(
        f'c{i},Row {i},"{STORY}Row {i}, line two."\n' for i in range(12)
    )
    page = f"<html><head><title>Wall</title></head><body><p>{STORY}</p></body></html>"
    return {
        **{f"seeds/{p.name}": p.read_bytes() for p in SEEDS},
        "feeds/shard.jsonl": shard.encode(),
        "feeds/export.csv": rows.encode(),
        "feeds/more.jsonl.gz": gzip.compress(json.dumps({"text": STORY}).encode() + b"\n"),
        "pages/wall.html": page.encode(),
        ".DS_Store": b"\x00\x00\x00\x01Bud1",
        "__MACOSX/seeds/._a.txt": b"\x00\x05\x16\x07",
        "inner/more.zip": b"PK\x05\x06" + bytes(18),
        "inner/crawl.warc.gz": gzip.compress(b"WARC/1.0\r\n"),
    }


READ = 5 + 25 + 12 + 1 + 1  # records of the members that are inputs
REFUSED = 2  # the archive and the crawl inside


def _zip(path: Path, files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _tar(path: Path, files: dict[str, bytes], mode: str) -> Path:
    with tarfile.open(path, mode) as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("archives")
    files = _members()
    return {
        "zip": _zip(folder / "news.zip", files),
        "tar": _tar(folder / "news.tar", files, "w"),
        "tar.gz": _tar(folder / "news.tar.gz", files, "w:gz"),
        "tgz": _tar(folder / "news.tgz", files, "w:gz"),
        "tar.xz": _tar(folder / "news.tar.xz", files, "w:xz"),
    }


def _planned(path: Path, batch_size: int = 4) -> pl.DataFrame:
    units = list(plan_units([path], batch_size=batch_size, batch_bytes=1 << 20))
    return pl.concat([ingest_unit(unit, "r", WHEN)[0] for unit in units]).drop("ingested_at")


@pytest.mark.parametrize("kind", ["zip", "tar", "tar.gz", "tgz", "tar.xz"])
def test_each_file_in_an_archive_is_read_as_that_file(archives: dict[str, Path], kind: str) -> None:
    path = archives[kind]
    assert format_of(path) == "archive"
    records = read_file(path)
    by_uri = {r.source_uri.removeprefix(f"{path}/"): r for r in records}
    loaded = [r for r in records if r.error is None]
    assert len(loaded) == READ and len(records) == READ + REFUSED
    # Each record's path is the archive's joined with the member's name.
    seed = by_uri[f"seeds/{SEEDS[0].name}"]
    assert seed.format == "text" and seed.raw_text == SEEDS[0].read_text()
    assert by_uri["pages/wall.html"].format == "html"
    assert by_uri["pages/wall.html"].title == "Wall"
    assert by_uri["feeds/more.jsonl.gz"].raw_text == STORY
    shard = [r for r in records if r.source_uri.endswith("shard.jsonl")]
    assert [r.source_id for r in shard] == [f"r{i}" for i in range(25)]
    export = [r for r in records if r.source_uri.endswith("export.csv")]
    assert [r.title for r in export] == [f"Row {i}" for i in range(12)]
    assert export[3].raw_text == f"{STORY}Row 3, line two."
    # Hidden files and macOS's copies are no input, as on disk; the rest says why not.
    assert not any(".DS_Store" in u or "__MACOSX" in u for u in by_uri)
    assert by_uri["inner/more.zip"].error.startswith("an archive inside an archive; unpack")
    assert by_uri["inner/crawl.warc.gz"].error.startswith("a WARC file inside an archive; unpack")


@pytest.mark.parametrize("kind", ["zip", "tar", "tar.gz", "tgz", "tar.xz"])
def test_an_archive_read_in_batches_reads_as_it_does_whole(
    archives: dict[str, Path], kind: str
) -> None:
    path = archives[kind]
    units = list(plan_units([path], batch_size=4, batch_bytes=1 << 20))
    pieces = [piece for unit in units for piece in unit.pieces]
    # The 25-line shard and the 12-row export are cut in their own streams.
    shard = [p for p in pieces if p.members and p.members[0].name == "feeds/shard.jsonl"]
    export = [p for p in pieces if p.members and p.members[0].name == "feeds/export.csv"]
    assert [p.lines for p in shard] == [4, 4, 4, 4, 4, 4, 1]
    assert [p.lines for p in export] == [4, 4, 4]
    assert all(len(u.pieces) and u.documents <= 4 for u in units)
    assert [len(u.completes) for u in units] == [0] * (len(units) - 1) + [1]
    assert units[-1].completes[0].records == READ + REFUSED
    assert _planned(path).equals(_records_frame(path))


@pytest.mark.parametrize("name, mode", [("pages.tar.gz", "w:gz"), ("pages.tar.xz", "w:xz")])
def test_a_compressed_tar_is_decompressed_once_for_its_batches_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, mode: str
) -> None:
    """A compressed tar cannot be entered in the middle. Each batch used to
    decompress it from its start, which grew with the square of the batches; the
    thread's stream is kept for its next batch, so the batches, read in order, read
    the compressed file about once."""
    rng = random.Random(5)  # hex of random bytes: the archive does not shrink to a block
    files = {f"p/{i:02d}.txt": f"{STORY}{rng.randbytes(8_000).hex()}\n".encode() for i in range(30)}
    files["p/shard.jsonl"] = b"".join(
        json.dumps({"text": f"{STORY}Record {i}."}).encode() + b"\n" for i in range(10)
    )
    path = _tar(tmp_path / name, files, mode)
    size = path.stat().st_size
    read = [0]
    opener = OPENERS[compression_of(path)]
    monkeypatch.setattr(
        archives_module, "_tar_stream", lambda p: opener(CountingFile(p, read), "rb")
    )
    units = list(plan_units([path], batch_size=4, batch_bytes=1 << 20))
    read[0] = 0
    frame = pl.concat([ingest_unit(unit, "r", WHEN)[0] for unit in units]).drop("ingested_at")
    assert len(units) == 11 and frame.height == 40 and frame["error"].null_count() == 40
    assert size <= read[0] < 1.2 * size  # a stream per batch: 7.8 times
    assert frame.equals(_records_frame(path))
    # A batch before the stream's place (another worker took the ones between)
    # starts the stream over, and reads the same.
    first = ingest_unit(units[0], "r", WHEN)[0].drop("ingested_at")
    assert first.equals(frame.head(first.height))
    # The file changed: its kept stream is not the file's any more.
    _tar(path, {"p/new.txt": STORY.encode()}, mode)
    assert [r.raw_text for r in read_file(path)] == [STORY]
    kept_streams.forget()


def test_members_sharing_a_kept_stream_read_in_turns(tmp_path: Path) -> None:
    """Two members of one compressed tar open at once, read a piece at a time in
    turns: each gets its own bytes though both read the thread's kept stream."""
    files = {"a.txt": b"A" * 70_000 + b"end a", "b.txt": b"B" * 90_000 + b"end b"}
    path = _tar(tmp_path / "two.tar.gz", files, "w:gz")
    listed = {m.name: m for m in archives_module.members(path)}
    with (
        archives_module.open_member(path, listed["a.txt"]) as a,
        archives_module.open_member(path, listed["b.txt"]) as b,
    ):
        got = {"a.txt": b"", "b.txt": b""}
        while True:
            pieces = a.read(8_192), b.read(8_192)
            if not any(pieces):
                break
            got["a.txt"] += pieces[0]
            got["b.txt"] += pieces[1]
    assert got == files


def _records_frame(path: Path) -> pl.DataFrame:
    """The archive read whole by `read_file`, as the bronze frame."""
    return records_to_frame(read_file(path), "r", WHEN).drop("ingested_at")


@pytest.mark.parametrize("mode, name", [("w", "cut.tar"), ("w:gz", "cut.tar.gz")])
def test_a_tar_archive_cut_short_loads_the_files_before_the_cut(
    tmp_path: Path, mode: str, name: str
) -> None:
    files = {f"p/{i:02d}.txt": f"{STORY}Story {i}.\n".encode() * 20 for i in range(10)}
    data = _tar(tmp_path / "whole", files, mode).read_bytes()
    cut = tmp_path / name
    cut.write_bytes(data[: len(data) * 6 // 10])
    records = read_file(cut)
    loaded = [r for r in records if r.error is None]
    *_, last, archive = records
    assert len(loaded) >= 2
    assert [r.source_uri for r in loaded] == [f"{cut}/p/{i:02d}.txt" for i in range(len(loaded))]
    assert last.source_uri == f"{cut}/p/{len(loaded):02d}.txt"
    assert last.error.startswith("damaged inside the archive: ")
    assert archive.source_uri == str(cut) and archive.format == "archive"
    assert archive.error.startswith(
        f"tar archive damaged or cut short after p/{len(loaded):02d}.txt"
    )
    assert _planned(cut, batch_size=3).equals(_records_frame(cut))


def test_a_zip_member_that_fails_its_checksum_is_quarantined_alone(tmp_path: Path) -> None:
    files = {f"p/{i}.txt": f"{STORY}Story {i}.\n".encode() * 20 for i in range(4)}
    data = bytearray(_zip(tmp_path / "ok.zip", files, zipfile.ZIP_STORED).read_bytes())
    data[data.find(b"Story 2.") + 3] ^= 0x20  # stored: the flip is in the member's bytes
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    errors = {r.source_uri: r.error for r in read_file(damaged)}
    assert len(errors) == 4
    assert (
        errors[f"{damaged}/p/2.txt"] == "damaged inside the archive: Bad CRC-32 for file 'p/2.txt'"
    )
    assert [e for u, e in errors.items() if not u.endswith("2.txt")] == [None] * 3


def test_a_zip_archive_cut_short_or_empty_says_so(tmp_path: Path) -> None:
    data = _zip(tmp_path / "ok.zip", {"a.txt": STORY.encode()}).read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: len(data) // 2])
    (record,) = read_file(cut)
    assert record.error == (
        "not a readable zip archive (damaged, cut short, or not one): File is not a zip file"
    )
    # A directory entry that asks for a zip version Python cannot read (the archive
    # fuzzer found one: zipfile raised NotImplementedError out of the reader).
    future = bytearray(data)
    entry = future.index(b"PK\x01\x02")  # the central directory's entry
    future[entry + 6 : entry + 8] = (169).to_bytes(2, "little")  # version needed: 16.9
    (tmp_path / "future.zip").write_bytes(future)
    for records in (read_file(tmp_path / "future.zip"), _planned(tmp_path / "future.zip").rows()):
        assert len(records) == 1
    (record,) = read_file(tmp_path / "future.zip")
    assert record.error.endswith("zipfile cannot read its directory: zip file version 16.9")
    empty = _zip(tmp_path / "empty.zip", {"folder/": b"", ".hidden": b"x"})
    units = list(plan_units([empty], batch_size=10))
    frame, manifest, _ = ingest_unit(units[0], "r", WHEN)
    assert frame["error"].to_list() == ["zip archive without input files"]
    assert manifest["records"].to_list() == [1]


def test_members_the_archive_cannot_give_are_quarantined_with_why(tmp_path: Path) -> None:
    path = tmp_path / "odd.tar"
    with tarfile.open(path, "w") as archive:
        info = tarfile.TarInfo("story.txt")
        info.size = len(STORY)
        archive.addfile(info, io.BytesIO(STORY.encode()))
        link = tarfile.TarInfo("latest.txt")
        link.type, link.linkname = tarfile.SYMTYPE, "story.txt"
        archive.addfile(link)
        big = tarfile.TarInfo("big.txt")
        big.size = 3000
        archive.addfile(big, io.BytesIO(b"word " * 600))
    got = {r.source_uri.removeprefix(f"{path}/"): r.error for r in read_file(path, max_bytes=2000)}
    assert got == {
        "story.txt": None,
        "latest.txt": "a link to 'story.txt'; links inside an archive are not followed",
        "big.txt": "document too large: more than max_document_bytes (2,000 bytes); raise "
        "the setting to load it",
    }
    locked = tmp_path / "locked.zip"
    _zip(locked, {"secret.txt": b"ciphertext"}, zipfile.ZIP_STORED)
    data = bytearray(locked.read_bytes())
    for header, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # local, central
        data[data.find(header) + flags] |= 0x1  # as a zip tool marks an encrypted member
    locked.write_bytes(bytes(data))
    (record,) = read_file(locked)
    assert record.error == "encrypted; unzip it with its password (unzip FILE -d DIR)"


@pytest.mark.usefixtures("prefect_harness")
def test_a_run_loads_an_archive_and_skips_it_when_unchanged(
    archives: dict[str, Path], tmp_path: Path
) -> None:
    def run() -> tuple[int, int, int, int]:
        c = news_etl(
            inputs=[str(archives["tar.gz"])],
            warehouse=str(tmp_path / "wh.duckdb"),
            reports_dir=str(tmp_path / "reports"),
            batch_size=8,
            thresholds={"max_quarantine_rate": 1, "max_undated_share": 1},
        ).counts
        return c.docs_read, c.articles_loaded + c.quarantined, c.quarantined, c.skipped

    assert run() == (READ + REFUSED, READ + REFUSED, REFUSED, 0)
    assert run() == (READ + REFUSED, 0, 0, READ + REFUSED)
    store = Warehouse(tmp_path / "wh.duckdb")
    seeds = store.query(
        "select count(*) from articles a join raw_documents r using (doc_id) "
        "where r.source_uri like '%news.tar.gz/seeds/%'"
    ).rows()
    assert seeds == [(len(SEEDS),)]


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(["zip", "tar", "tar.gz"]),
    cut=st.floats(0.0, 1.0),
    flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(1, 255)), max_size=3),
)
def test_a_damaged_archive_never_stops_a_run(kind: str, cut: float, flips: list) -> None:
    """Whatever is cut off or flipped, the archive reads without raising, whole and
    in batches, every record is either text or an error that says why, and the two
    reads agree on the files read whole. (A JSON Lines member is judged per batch
    in one read and whole in the other, as a JSONL file is: a flipped byte that
    makes bytes binary refuses its batch, or all of it.)"""
    files = {f"p/{i}.txt": f"{STORY}Story {i}.\n".encode() for i in range(6)}
    files["p/shard.jsonl"] = b"".join(
        json.dumps({"text": STORY}).encode() + b"\n" for _ in range(9)
    )
    with tempfile.TemporaryDirectory() as folder:
        name = Path(folder) / f"news.{kind}"
        if kind == "zip":
            _zip(name, files)
        else:
            _tar(name, files, "w:gz" if kind == "tar.gz" else "w")
        data = bytearray(name.read_bytes())
        for at, xor in flips:
            data[min(int(at * len(data)), len(data) - 1)] ^= xor
        name.write_bytes(bytes(data[: max(1, int(cut * len(data)))] if cut < 1 else data))
        reads = [_records_frame(name), _planned(name, batch_size=4)]
        for read in reads:
            assert read.height >= 1
            assert read.filter(pl.col("raw_text").is_null() & pl.col("error").is_null()).is_empty()
        documents = [read.filter(~pl.col("source_uri").str.ends_with(".jsonl")) for read in reads]
        assert documents[0].equals(documents[1])


def test_a_parquet_member_is_cut_into_row_ranges_from_its_footer(tmp_path: Path) -> None:
    """As a Parquet file on disk is: a batch reads its row groups only, so a large
    member no longer loads whole (until session 22 it went whole into one batch);
    its size limit holds per row."""
    rows = {
        "id": [f"p{i}" for i in range(9)],
        "text": [STORY * (30 if i == 4 else 8) for i in range(9)],
        "date": [f"2026-11-0{i % 9 + 1}" for i in range(9)],
    }
    table = io.BytesIO()
    pl.DataFrame(rows).write_parquet(table, compression="uncompressed", row_group_size=2)
    files = {"a.txt": STORY.encode(), "t.parquet": table.getvalue()}
    for name, mode in [("table.zip", None), ("table.tar.gz", "w:gz")]:
        path = _zip(tmp_path / name, files) if mode is None else _tar(tmp_path / name, files, mode)
        units = list(plan_units([path], batch_size=4, batch_bytes=1 << 20))
        pieces = [p for u in units for p in u.pieces]
        assert [(p.rows, p.lines) for p in pieces] == [(False, 1), (True, 4), (True, 4), (True, 1)]
        assert units[-1].completes[0].records == 10
        frame = pl.concat([ingest_unit(u, "r", WHEN, max_bytes=3000)[0] for u in units])
        assert frame["record_index"].to_list() == [0, *range(9)]
        assert frame["source_uri"].to_list()[1:] == [f"{path}/t.parquet"] * 9
        errors = frame["error"].to_list()
        assert errors[5].startswith("row 5: record too large")
        assert errors.count(None) == 9
        loaded = frame.filter(pl.col("error").is_null())
        assert loaded["raw_text"].to_list()[1:] == [t for i, t in enumerate(rows["text"]) if i != 4]
        assert loaded["date"].to_list()[1:] == [d for i, d in enumerate(rows["date"]) if i != 4]
        # Read whole (no planner), the member gives the same records.
        unlimited = pl.concat([ingest_unit(u, "r", WHEN)[0] for u in units])
        assert unlimited.drop("ingested_at").equals(_records_frame(path))


@pytest.mark.parametrize("name", ["wide.zip", "wide.tar.gz"])
def test_a_utf16_jsonl_member_is_cut_into_batches_in_its_codec(tmp_path: Path, name: str) -> None:
    """As a UTF-16 shard on disk is (until session 23 such a member was read whole,
    in one batch): each piece starts on a whole character and names its codec."""
    lines = [json.dumps({"id": f"w{i}", "text": f"{STORY}Été {i}, Zürich."}) for i in range(10)]
    data = "\n".join(lines).encode("utf-16")  # with its byte-order mark
    files = {"a.txt": STORY.encode(), "feeds/wide.jsonl": data}
    path = (
        _zip(tmp_path / name, files)
        if name.endswith(".zip")
        else _tar(tmp_path / name, files, "w:gz")
    )
    units = list(plan_units([path], batch_size=4, batch_bytes=1 << 20))
    pieces = [p for u in units for p in u.pieces if p.members[0].name == "feeds/wide.jsonl"]
    assert [(p.lines, p.encoding) for p in pieces] == [(4, "utf-16-le")] * 2 + [(2, "utf-16-le")]
    frame = _planned(path)
    assert frame.filter(pl.col("error").is_null())["raw_text"].to_list()[1:] == [
        f"{STORY}Été {i}, Zürich." for i in range(10)
    ]
    # Read whole, the same; a piece names the byte order its codec reads, as a
    # piece of a UTF-16 file on disk does.
    assert frame["encoding"].to_list()[1:] == ["utf-16-le"] * 10
    assert frame.drop("encoding").equals(_records_frame(path).drop("encoding"))
    assert units[-1].completes[0].records == 11


def test_a_name_a_tar_holds_twice_is_two_members_in_their_own_streams(tmp_path: Path) -> None:
    """A tar appended to (`tar -rf`) can hold one name twice: each copy is read from
    its own place, also when its stream is kept for the next batch."""
    versions = [
        gzip.compress(
            b"".join(json.dumps({"text": f"{STORY}V{v} {i}."}).encode() + b"\n" for i in range(6))
        )
        for v in (1, 2)
    ]
    path = tmp_path / "appended.tar"
    with tarfile.open(path, "w") as archive:
        for data in versions:
            info = tarfile.TarInfo("feeds/day.jsonl.gz")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    frame = _planned(path, batch_size=4)
    assert frame["raw_text"].to_list() == [f"{STORY}V{v} {i}." for v in (1, 2) for i in range(6)]
    assert frame.equals(_records_frame(path))
