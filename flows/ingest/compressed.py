"""Compressed inputs: `feed.jsonl.gz`, `articles.csv.bz2`, `page.txt.xz` are read as
the file inside them (the name without its last suffix says which reader).

Datasets of news are often shipped compressed, and unpacking a corpus by hand
doubles its disk use. gzip, bzip2 and xz are in Python's standard library; zstd,
the usual compression of large text corpora, is not before Python 3.14 and is read
with python-zstandard (`flows/ingest/zstd.py`).

A JSONL shard is cut into batches by byte ranges of its decompressed stream (see
`flows/ingest/units.py`). A compressed stream cannot be entered in the middle: a
batch seeks to its range by decompressing up to it, in the stream its thread kept
open from its last batch of the file (`flows/ingest/kept_streams.py`), so each
worker decompresses the file about once; the planner's pass once more. Nothing is
written to disk, so workers on other machines (Dask) read the same files.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO

from flows.ingest.zstd import ZstdError, open_zstd

OPENERS: dict[str, Callable[..., IO[bytes]]] = {
    ".gz": gzip.open,
    ".bz2": bz2.open,
    ".xz": lzma.open,
    ".zst": open_zstd,
}
NAMES = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "zstd"}
CHUNK = 1 << 20
# What a damaged or mislabelled compressed file raises while it is read (gzip and
# bz2 raise an OSError without an errno; one with an errno is an I/O error), and a
# damaged member of a ZIP archive (its checksum fails).
DAMAGED = (OSError, EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile, ZstdError)


def is_io_error(exc: BaseException) -> bool:
    """Whether an exception from reading a file is the file system's, not the data's."""
    return isinstance(exc, OSError) and exc.errno is not None


def read_some(fh: IO[bytes], size: int) -> bytes:
    """Up to `size` decompressed bytes, from as little compressed input as the
    decompressor can manage (`read1`): when the stream is damaged, `read` would lose
    everything it decompressed in the failing call, `read1` only a small part."""
    read1 = getattr(fh, "read1", None)
    return read1(size) if read1 is not None else fh.read(size)


def read_decompressed(path: Path, limit: int | None = None) -> tuple[bytes, BaseException | None]:
    """Up to `limit` decompressed bytes of `path` (all when None), and the damage that
    stopped the reading, if any: what came before it is returned. I/O errors are
    raised."""
    with open_decompressed(path) as fh:
        return read_upto(fh, limit)


def read_upto(fh: IO[bytes], limit: int | None = None) -> tuple[bytes, BaseException | None]:
    """Up to `limit` bytes of a decompressing stream (all when None), and the damage
    that stopped the reading, if any, with what came before it. I/O errors are
    raised."""
    parts: list[bytes] = []
    size = 0
    try:
        while limit is None or size < limit:
            block = read_some(fh, CHUNK if limit is None else min(CHUNK, limit - size))
            if not block:
                break
            parts.append(block)
            size += len(block)
    except DAMAGED as exc:
        if is_io_error(exc):
            raise
        return b"".join(parts), exc
    return b"".join(parts), None


def compression_of(path: Path) -> str | None:
    """The compression suffix of `path` (".gz", ".bz2", ".xz", ".zst"), or None."""
    suffix = path.suffix.lower()
    return suffix if suffix in OPENERS else None


def inner_path(path: Path) -> Path:
    """The name of the file inside: `feed.jsonl.gz` → `feed.jsonl`."""
    return path.with_suffix("") if compression_of(path) else path


def open_decompressed(path: Path) -> IO[bytes]:
    """The decompressed bytes of a compressed file, as a (forward-seekable) stream."""
    suffix = compression_of(path)
    if suffix is None:
        raise ValueError(f"not a compressed file name: {path}")
    return OPENERS[suffix](path, "rb")


def damage_reason(path: Path, exc: BaseException, after: str = "", member: bool = False) -> str:
    """Why a compressed file, or a `member` of an archive, could not be read, for its
    quarantine record."""
    where = f" after {after}" if after else ""
    if member:
        return f"damaged inside the archive{where}: {exc}"
    kind = NAMES.get(compression_of(path) or "", "compressed")
    return f"{kind} data damaged or not {kind}{where}: {exc}"
