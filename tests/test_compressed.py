"""Compressed inputs (.gz, .bz2, .xz, .zst) are read as the file inside them, in batches,
and damage in them is quarantined after the good records are loaded."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import json
import lzma
import shutil
import tarfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
import zstandard

from flows.ingest import ingest_files, ingest_unit, plan_units, units
from flows.ingest.compressed import NAMES
from flows.ingest.readers import format_of
from flows.pipeline import news_etl
from tests.conftest import SEEDS

COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    ".gz": gzip.compress,
    ".bz2": bz2.compress,
    ".xz": lzma.compress,
    # as the zstd tool writes it: one frame, with its checksum
    ".zst": zstandard.ZstdCompressor(write_checksum=True).compress,
}
STORY = (
    "The harbour authority said on Monday that the sea wall would be rebuilt over the "
    "winter, after storms damaged two sections of it in October."
)
WHEN = datetime(2026, 11, 30)


def _jsonl_bytes() -> bytes:
    lines = [
        json.dumps({"id": f"a{i}", "date": f"2026-11-0{i + 1}", "text": f"{STORY} Story {i}."})
        for i in range(5)
    ]
    lines.insert(2, "")  # a blank line keeps its number
    lines.insert(4, "{broken json")
    return ("\n".join(lines) + "\n").encode()


def _comparable(frame):  # what must not depend on the compression
    return frame.select("record_index", "source_id", "raw_text", "error", "format").rows()


def _all_units(path: Path, batch_size: int):
    units = list(plan_units([path], batch_size))
    frames = [ingest_unit(unit, "r", WHEN)[0] for unit in units]
    return units, [row for frame in frames for row in _comparable(frame)]


@pytest.mark.parametrize("suffix", sorted(COMPRESSORS))
def test_a_compressed_jsonl_shard_reads_as_the_plain_one_in_batches(
    tmp_path: Path, suffix: str
) -> None:
    plain = tmp_path / "feed.jsonl"
    plain.write_bytes(_jsonl_bytes())
    packed = tmp_path / f"feed.jsonl{suffix}"
    packed.write_bytes(COMPRESSORS[suffix](_jsonl_bytes()))
    assert format_of(packed) == "jsonl"

    units, rows = _all_units(packed, batch_size=2)
    assert len(units) == 4  # 7 lines, 2 a batch
    assert rows == _all_units(plain, batch_size=2)[1]
    assert [r[0] for r in rows] == [0, 1, 3, 4, 5, 6]  # line numbers: blank line 2 skipped
    assert sum(r[3] is not None for r in rows) == 1  # the broken line, quarantined
    whole = ingest_files([packed], "r", WHEN)
    assert _comparable(whole) == rows
    assert set(whole["source_uri"]) == {str(packed)}  # provenance names the file as it is
    state = units[-1].completes[0]
    assert (state.path, state.records) == (str(packed), 6)  # 7 lines, one of them blank
    assert list(plan_units([plain], 2))[-1].completes[0].records == 6


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_damage_in_a_compressed_shard_quarantines_the_rest_after_the_good_lines(
    tmp_path: Path, suffix: str
) -> None:
    """python-zstandard's own reader ends a stream cut short in silence: the lines
    after the cut went missing without a reason."""
    data = b"".join(
        json.dumps({"id": f"a{i}", "text": f"{STORY} Story {i}. " * 40}).encode() + b"\n"
        for i in range(400)
    )
    packed = COMPRESSORS[suffix](data)
    path = tmp_path / f"feed.jsonl{suffix}"
    path.write_bytes(packed[: len(packed) * 2 // 3])  # a download cut short
    kind = {".gz": "gzip", ".zst": "zstd"}[suffix]

    whole = ingest_files([path], "r", WHEN).rows(named=True)
    units = list(plan_units([path], 100))
    batched = [r for u in units for r in ingest_unit(u, "r", WHEN)[0].rows(named=True)]
    for rows in (whole, batched):
        errors = [r for r in rows if r["error"]]
        assert len(errors) == 1 and errors[0] is rows[-1]
        assert errors[0]["error"].startswith(f"{kind} data damaged or not {kind} after line ")
        assert errors[0]["record_index"] == len(rows) - 1 > 100  # the good lines load
        assert all(r["raw_text"].startswith(STORY) for r in rows[:-1])
    assert [r["source_id"] for r in whole] == [r["source_id"] for r in batched]
    assert units[-1].completes[0].records == len(batched)


def test_a_zstd_file_of_several_frames_is_read_to_its_end(tmp_path: Path) -> None:
    """As `pzstd` and `zstd -T` write them; python-zstandard's reader stops after the
    first frame unless told otherwise."""
    data = _jsonl_bytes() * 50
    middle = data.index(b"\n", len(data) // 2) + 1
    path = tmp_path / "feed.jsonl.zst"
    path.write_bytes(b"".join(COMPRESSORS[".zst"](part) for part in (data[:middle], data[middle:])))
    plain = tmp_path / "feed.jsonl"
    plain.write_bytes(data)
    assert _all_units(path, batch_size=40)[1] == _all_units(plain, batch_size=40)[1]
    assert len(_all_units(path, batch_size=40)[1]) == 6 * 50


@pytest.mark.parametrize("suffix", sorted(COMPRESSORS))
def test_a_file_named_compressed_that_is_not_is_quarantined(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"page.txt{suffix}"
    path.write_text(STORY)
    frame = ingest_files([path], "r", WHEN)
    assert frame["error"].to_list()[0].startswith(f"{NAMES[suffix]} data damaged or not")
    feed = tmp_path / f"feed.jsonl{suffix}"
    feed.write_text(json.dumps({"text": STORY}) + "\n")
    frames = [ingest_unit(u, "r", WHEN)[0] for u in plan_units([feed], 10)]
    errors = [e for f in frames for e in f["error"].to_list()]
    assert len(errors) == 1 and "damaged or not" in errors[0]


def test_compressed_text_and_csv_files(tmp_path: Path) -> None:
    (tmp_path / "page.txt.gz").write_bytes(gzip.compress(STORY.encode("cp1252")))
    csv_text = f'id,text\nc1,"{STORY}"\nc2,"{STORY} Again."\n'
    (tmp_path / "table.csv.xz").write_bytes(lzma.compress(csv_text.encode()))
    frame = ingest_files(sorted(tmp_path.iterdir()), "r", WHEN)
    assert frame.select("source_id", "format", "error").rows() == [
        ("page", "text", None),
        ("c1", "csv", None),
        ("c2", "csv", None),
    ]
    assert frame["raw_text"].to_list()[0] == STORY


def _csv_bytes(rows: int, repeat: int = 1) -> bytes:
    """A CSV export: quoted fields with commas and line breaks, one broken row."""
    lines = ["id,date,text"]
    for i in range(rows):
        text = f"{STORY * repeat} Story {i}, part one.\n\nPart two of story {i}."
        lines.append(f'c{i},2026-11-{i % 28 + 1:02d},"{text}"')
    lines.insert(rows // 2, 'bad,2026-11-01,"a quote "inside" a field')
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.mark.parametrize("suffix", sorted(COMPRESSORS))
def test_a_compressed_csv_file_is_streamed_in_batches_as_the_plain_one(
    tmp_path: Path, suffix: str
) -> None:
    """A compressed CSV export larger than the file-size limit is cut into batches in
    its decompressed stream, and reads exactly as the plain file does."""
    plain = tmp_path / "table.csv"
    plain.write_bytes(_csv_bytes(300))
    packed = tmp_path / f"table.csv{suffix}"
    packed.write_bytes(COMPRESSORS[suffix](_csv_bytes(300)))
    limit = 2_000  # far below the file's size, above any row's

    def rows(path: Path) -> tuple[int, list[tuple]]:
        planned = list(plan_units([path], 100, batch_bytes=8_000))
        frames = [ingest_unit(u, "r", WHEN, max_bytes=limit)[0] for u in planned]
        return len(planned), [row for frame in frames for row in _comparable(frame)]

    batches, packed_rows = rows(packed)
    assert batches > 5
    assert (batches, packed_rows) == rows(plain)
    assert len(packed_rows) == 301
    assert sum(r[3] is None for r in packed_rows) >= 299  # all but the broken row
    assert not any("too large" in (r[3] or "") for r in packed_rows)
    state = list(plan_units([packed], 100))[-1].completes[0]
    assert state.sha256 == hashlib.sha256(packed.read_bytes()).hexdigest()


@pytest.mark.parametrize("cut", [0.4, 0.5, 0.6, 0.7, 0.8])
def test_damage_in_a_small_compressed_csv_file_loads_the_rows_before_it(
    tmp_path: Path, cut: float
) -> None:
    """Damage within the first MiB (the planner's first read) quarantined the whole
    file; a row cut short inside a quoted field is not loaded as if whole."""
    data = _csv_bytes(60)
    packed = gzip.compress(data)
    path = tmp_path / "table.csv.gz"
    path.write_bytes(packed[: int(len(packed) * cut)])
    frames = [ingest_unit(u, "r", WHEN)[0] for u in plan_units([path], 100)]
    rows = [r for frame in frames for r in frame.rows(named=True)]
    assert rows[-1]["error"].startswith("gzip data damaged or not gzip after row ")
    assert rows[-1]["record_index"] == len(rows) - 1 > 5
    loaded = [r for r in rows if not r["error"] and r["source_id"] != "bad"]
    assert len(loaded) >= len(rows) - 3  # the row with a stray quote and the damage aside
    for r in loaded:  # each whole: its story ends as written
        assert r["raw_text"].endswith(f"Part two of story {r['source_id'][1:]}."), r["raw_text"]


def test_damage_in_a_compressed_csv_file_quarantines_the_rest_after_the_good_rows(
    tmp_path: Path,
) -> None:
    data = _csv_bytes(3000, repeat=4)  # 2 MB: past the first block the planner reads
    packed = gzip.compress(data)
    path = tmp_path / "table.csv.gz"
    path.write_bytes(packed[: len(packed) * 2 // 3])  # a download cut short
    planned = list(plan_units([path], 100))
    frames = [ingest_unit(u, "r", WHEN)[0] for u in planned]
    rows = [r for frame in frames for r in frame.rows(named=True)]
    errors = [r for r in rows if r["error"]]
    assert len(errors) == 1 and errors[-1] is rows[-1]
    assert errors[-1]["error"].startswith("gzip data damaged or not gzip after row ")
    assert errors[-1]["record_index"] == len(rows) - 1 > 1000  # the good rows load
    stories = [r["raw_text"].startswith(STORY) for r in rows[:-1]]
    assert stories.count(False) == 1  # the row with the stray quote
    assert planned[-1].completes[0].records == len(rows)
    # A plain file cut at the same record reads the same rows.
    last = data.index(f"\r\n{rows[-2]['source_id']},".encode()) + 2
    plain = tmp_path / "table.csv"
    plain.write_bytes(data[: data.index(b"\r\n", last) + 2])
    same = [r for u in plan_units([plain], 100) for r in _comparable(ingest_unit(u, "r", WHEN)[0])]
    assert same == [r for frame in frames for r in _comparable(frame)][:-1]


def test_a_document_too_large_once_decompressed_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "page.txt.gz"
    path.write_bytes(gzip.compress((STORY * 400).encode()))  # ~50 kB, a few hundred packed
    assert path.stat().st_size < 2_000
    frame = ingest_files([path], "r", WHEN, max_bytes=10_000)
    assert "too large once decompressed" in frame["error"].to_list()[0]


@pytest.mark.parametrize("suffix, command", [(".gz", "gunzip -k FILE"), (".zst", "unzstd -k FILE")])
def test_a_compressed_file_not_named_so_says_how_to_read_it(
    tmp_path: Path, suffix: str, command: str
) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(COMPRESSORS[suffix](STORY.encode()))
    error = ingest_files([path], "r", WHEN)["error"].to_list()[0]
    assert f"not named {suffix}; rename it (FILE{suffix}) or unpack it ({command})" in error


@pytest.mark.parametrize(
    "head, reason",
    [
        (b"Rar!\x1a\x07\x01\x00", "RAR archive; unpack it (unrar x FILE DIR/) and run again"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04", "7-Zip archive; unpack it (7z x FILE -oDIR) and run again"),
    ],
)
def test_archives_newsclean_cannot_open_say_how_to_unpack_them(
    tmp_path: Path, head: bytes, reason: str
) -> None:
    path = tmp_path / "pages.rar"
    path.write_bytes(head + bytes(range(256)) * 4)
    assert ingest_files([path], "r", WHEN)["error"].to_list() == [f"not text: {reason}"]


@pytest.mark.usefixtures("prefect_harness")
def test_a_run_loads_compressed_inputs_and_skips_them_when_unchanged(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[:2]:
        (inputs / f"{seed.name}.gz").write_bytes(gzip.compress(seed.read_bytes()))
    (inputs / "feed.jsonl.bz2").write_bytes(bz2.compress(_jsonl_bytes()))
    kw = {"warehouse": str(tmp_path / "wh.duckdb"), "reports_dir": str(tmp_path / "rep")}
    first = news_etl(inputs=[str(inputs)], **kw)
    assert (first.counts.docs_read, first.counts.articles_loaded) == (8, 7)  # 2 txt, 6 lines
    assert first.counts.quarantined == 1  # the broken JSON line
    again = news_etl(inputs=[str(inputs)], **kw)
    # The blank line is no record: skipped counts what the first run read.
    assert (again.counts.articles_loaded, again.counts.skipped) == (0, 8)
    shutil.rmtree(inputs)


def test_a_tar_archive_not_named_so_says_how_to_read_it(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text(STORY)
    archive = tmp_path / "pages.gz"  # not named as a tar archive (pages.tar.gz is read)
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname="pages")
    error = ingest_files([archive], "r", WHEN)["error"].to_list()[0]
    assert error == (
        "not text: tar archive of files; name it .tar (.tar.gz if compressed) to read the "
        "files inside"
    )


@pytest.mark.parametrize("block", [1, 2, 3, 5, 8, 1 << 20])
def test_the_manifest_counts_records_not_blank_lines_across_blocks(
    tmp_path: Path, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(units, "SCAN_BLOCK", block)
    record = json.dumps({"text": "x"})
    for body, records in [
        (f"{record}\n\n{record}\n", 2),
        (f"  \n{record}\r\n \t \n{record}", 2),  # whitespace lines; no final newline
        (f"{record}\n{record}\n   ", 2),  # a last line of spaces
        (f"\n\n{record}\n  {record}\n", 2),  # an indented record counts
        ("\n \n", 0),
    ]:
        path = tmp_path / "feed.jsonl"
        path.write_text(body)
        state = list(plan_units([path], 2))[-1].completes[0]
        read = [r for u in plan_units([path], 2) for r in ingest_unit(u, "r", WHEN)[0].rows()]
        assert state.records == records == len(read), (block, body)
