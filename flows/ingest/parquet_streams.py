"""Row ranges of a Parquet file that is a stream: compressed (`t.parquet.zst`) or
an archive's member.

A Parquet file's footer, which says where each row group is, sits at its end. On
disk a reader seeks there and back for nothing; in a stream that seek decompresses
the whole file, and seeking back to the row groups starts it over. So each batch
of such a file cost a pass over all of it and part of another, and a file of N
batches about 1.5·N passes. Here the footers read are kept per process, by file
(path, size, time) and member, so only a process's first batch of a file reads
to its end; later batches go on from the stream their thread kept
(`kept_streams`) to their own row groups. Row groups are read on the calling
thread: pyarrow's threads would read column chunks out of order, and a stream
seeks back only by starting over.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import IO

import polars as pl
import pyarrow.parquet as pq

FOOTERS_KEPT = 8  # files whose footer a process keeps (a few large shards at once)

_footers: OrderedDict[tuple[str, int, int, str], pq.FileMetaData] = OrderedDict()
_lock = threading.Lock()


def _footer_key(where: tuple[Path, str]) -> tuple[str, int, int, str] | None:
    """The cache key of a stream: its file's path, size and time, and the member."""
    path, member = where
    try:
        stat = path.stat()
    except OSError:
        return None  # the read that follows says why
    return str(path), stat.st_size, stat.st_mtime_ns, member


def _kept_footer(key: tuple[str, int, int, str] | None) -> pq.FileMetaData | None:
    if key is None:
        return None
    with _lock:
        meta = _footers.get(key)
        if meta is not None:
            _footers.move_to_end(key)
        return meta


def _keep_footer(key: tuple[str, int, int, str] | None, meta: pq.FileMetaData) -> None:
    if key is None:
        return
    with _lock:
        for old in [k for k in _footers if k[0] == key[0] and k[3] == key[3] and k != key]:
            del _footers[old]  # the file as it was
        _footers[key] = meta
        while len(_footers) > FOOTERS_KEPT:
            _footers.popitem(last=False)


def forget_footers() -> None:
    """Drop the kept footers (tests; a process that rewrote its inputs)."""
    with _lock:
        _footers.clear()


def stream_rows(
    opener: Callable[[], IO[bytes]],
    first_row: int,
    count: int,
    where: tuple[Path, str] | None = None,
) -> pl.DataFrame:
    """Rows [first_row, first_row + count) of the Parquet file in a stream: only the
    row groups that hold them are read (pyarrow; polars reads a stream whole).
    `where` names the stream (file, member) for the kept footers; None: read it."""
    key = _footer_key(where) if where is not None else None
    with opener() as fh:
        parquet = pq.ParquetFile(fh, metadata=_kept_footer(key))
        _keep_footer(key, parquet.metadata)
        groups, skip, row = [], 0, 0
        for k in range(parquet.metadata.num_row_groups):
            rows = parquet.metadata.row_group(k).num_rows
            if row + rows > first_row and row < first_row + count:
                if not groups:  # the first group read: its rows before first_row
                    skip = first_row - row
                groups.append(k)
            row += rows
        if groups:
            table = parquet.read_row_groups(groups, use_threads=False)
        else:
            table = parquet.schema_arrow.empty_table()
    frame = pl.from_arrow(table.slice(skip, count))
    assert isinstance(frame, pl.DataFrame)  # a table, not an array
    return frame
