"""A compressed file's batches, read in order, decompress it about once: each thread
keeps the stream it read last open for its next batch (`flows/ingest/kept_streams.py`)."""

from __future__ import annotations

import io
import json
import multiprocessing
import random
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.ingest import ingest_files, ingest_unit, kept_streams, plan_units, readers
from flows.ingest.compressed import OPENERS, open_decompressed
from flows.ingest.kept_streams import HEAD_BYTES, TAIL_BYTES, Rewindable, StreamView
from tests.conftest import CountingFile
from tests.test_compressed import COMPRESSORS, STORY, _comparable

WHEN = datetime(2026, 11, 30)


@pytest.fixture(autouse=True)
def _no_kept_streams() -> Iterator[None]:
    kept_streams.forget()
    yield
    kept_streams.forget()


def _counted_opens(monkeypatch: pytest.MonkeyPatch, suffix: str) -> list[int]:
    """Make the range reader open compressed files through a byte counter."""
    read = [0]
    opener = OPENERS[suffix]
    monkeypatch.setattr(readers, "open_decompressed", lambda p: opener(CountingFile(p, read), "rb"))
    return read


def _random_text(rng: random.Random, n: int) -> str:
    return rng.randbytes(n).hex()  # does not shrink to a few blocks when compressed


@pytest.mark.parametrize("suffix", sorted(COMPRESSORS))
def test_a_compressed_shard_is_decompressed_once_for_its_batches_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """Each batch used to decompress the shard from its start up to its range: a
    shard of N batches was decompressed ~N/2 times (5.5 times here)."""
    rng = random.Random(3)
    data = b"".join(
        json.dumps({"id": f"a{i}", "text": f"{STORY} {_random_text(rng, 15_000)}"}).encode() + b"\n"
        for i in range(100)
    )
    path = tmp_path / f"feed.jsonl{suffix}"
    path.write_bytes(COMPRESSORS[suffix](data))
    units = list(plan_units([path], 10))
    read = _counted_opens(monkeypatch, suffix)
    rows = [r for u in units for r in _comparable(ingest_unit(u, "r", WHEN)[0])]
    assert len(units) == 10 and len(rows) == 100
    assert rows == _comparable(ingest_files([path], "r", WHEN))
    size = path.stat().st_size
    assert size <= read[0] < 1.2 * size
    # A batch behind the kept stream's place (another worker took the ones between)
    # starts it over and reads the same records.
    read[0] = 0
    assert _comparable(ingest_unit(units[1], "r", WHEN)[0]) == rows[10:20]
    assert 0 < read[0] < size


def test_a_compressed_csv_file_reads_its_header_from_the_kept_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every CSV range reads the header row again: the kept stream holds the file's
    first HEAD_BYTES, so that is no seek back to the start."""
    rng = random.Random(4)
    rows = "".join(f'{i},Row {i},"{STORY} {_random_text(rng, 2_000)}"\n' for i in range(200))
    path = tmp_path / "table.csv.gz"
    path.write_bytes(COMPRESSORS[".gz"](f"id,title,text\n{rows}".encode()))
    units = list(plan_units([path], 20))
    read = _counted_opens(monkeypatch, ".gz")
    got = [r for u in units for r in _comparable(ingest_unit(u, "r", WHEN)[0])]
    assert len(units) == 10 and [r[1] for r in got] == [str(i) for i in range(200)]
    assert read[0] < 1.2 * path.stat().st_size  # a stream per range: 5.6 times


def test_a_changed_file_is_not_read_from_its_old_stream(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl.gz"
    for story in ("first", "second, longer"):
        path.write_bytes(COMPRESSORS[".gz"](json.dumps({"text": f"{STORY} {story}"}).encode()))
        (unit,) = plan_units([path], 10)
        assert ingest_unit(unit, "r", WHEN)[0]["raw_text"].to_list() == [f"{STORY} {story}"]


def _read_in_child(path: Path, start: int, size: int, queue: Any) -> None:
    """What a forked worker would read (no polars: its threads do not survive a fork)."""
    view = StreamView(kept_streams.kept_stream(path, open_decompressed), owns=False)
    view.seek(start)
    queue.put(view.read(size))


def test_a_forked_process_does_not_read_its_parents_kept_stream(tmp_path: Path) -> None:
    """A forked child shares its parent's file offsets: reading the parent's kept
    stream would move the parent's place in the compressed file under it."""
    data = random.Random(6).randbytes(6 * TAIL_BYTES)
    path = tmp_path / "blob.bin.gz"
    path.write_bytes(COMPRESSORS[".gz"](data))
    parent = StreamView(kept_streams.kept_stream(path, open_decompressed), owns=False)
    assert parent.read(TAIL_BYTES) == data[:TAIL_BYTES]
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_read_in_child, args=(path, 4 * TAIL_BYTES, 1_000, queue))
    child.start()
    assert queue.get(timeout=60) == data[4 * TAIL_BYTES : 4 * TAIL_BYTES + 1_000]
    child.join(60)
    assert child.exitcode == 0
    assert parent.read(2 * TAIL_BYTES) == data[TAIL_BYTES : 3 * TAIL_BYTES]


class _ForwardOnly(io.RawIOBase):
    """A stream that seeks as a decompressor does: forward by reading, backward by
    starting over (counted)."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data, self._pos, self.restarts = data, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if offset < self._pos:
            self.restarts += 1
        self._pos = offset
        return offset

    def readinto(self, buffer: Any) -> int:
        chunk = self._data[self._pos : self._pos + min(len(buffer), 5_000)]  # short reads
        buffer[: len(chunk)] = chunk
        self._pos += len(chunk)
        return len(chunk)


DATA = random.Random(1).randbytes(3 * TAIL_BYTES)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(DATA) + 10), st.integers(0, 300_000)), max_size=12))
def test_a_kept_stream_reads_what_the_stream_holds_wherever_it_seeks(
    reads: list[tuple[int, int]],
) -> None:
    inner = _ForwardOnly(DATA)
    view = StreamView(Rewindable(inner), owns=True)
    for start, size in reads:
        view.seek(start)
        assert view.read(size) == DATA[start : start + size]


def test_a_kept_stream_seeks_back_into_its_head_and_tail_without_starting_over() -> None:
    inner = _ForwardOnly(DATA)
    view = StreamView(Rewindable(inner), owns=True)
    spans = [(0, 100), (HEAD_BYTES // 2, 1_000), (TAIL_BYTES, 5_000)]
    spans += [(TAIL_BYTES + 4_000, 9_000), (0, HEAD_BYTES), (2 * TAIL_BYTES, 10)]
    spans += [(2 * TAIL_BYTES - TAIL_BYTES // 2, 10)]  # back within the tail
    for start, size in spans:
        view.seek(start)
        assert view.read(size) == DATA[start : start + size]
    assert inner.restarts == 0
    view.seek(HEAD_BYTES + 10)  # behind the tail, past the head: start over
    assert view.read(10) == DATA[HEAD_BYTES + 10 : HEAD_BYTES + 20]
    assert inner.restarts == 1


def test_views_sharing_a_stream_read_in_turns() -> None:
    inner: IO[bytes] = Rewindable(_ForwardOnly(DATA))
    a = io.BufferedReader(StreamView(inner, 1_000, 200_000, owns=False))
    b = io.BufferedReader(StreamView(inner, 500_000, 300_000, owns=False))
    parts: dict[str, list[bytes]] = {"a": [], "b": []}
    while True:
        pieces = a.read(8_192), b.read(8_192)
        if not any(pieces):
            break
        parts["a"].append(pieces[0])
        parts["b"].append(pieces[1])
    assert b"".join(parts["a"]) == DATA[1_000:201_000]
    assert b"".join(parts["b"]) == DATA[500_000:800_000]


def test_a_sized_view_of_a_stream_cut_short_says_so_after_the_bytes_it_has() -> None:
    view = io.BufferedReader(StreamView(io.BytesIO(DATA[:10_000]), 9_000, 5_000))
    assert view.read(800) == DATA[9_000:9_800]
    assert view.read1(5_000) == DATA[9_800:10_000]
    with pytest.raises(EOFError, match="ends 4,000 bytes before"):
        view.read(10)
