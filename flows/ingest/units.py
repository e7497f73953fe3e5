"""Work units: the inputs of a run cut into bounded batches, streamed one at a time.

A unit is what one batch task reads, cleans and validates: up to `batch_size`
documents and about `batch_bytes` of input (a unit ends after the document that
crosses it). Whole-document files (.txt …) are grouped several to a unit; a JSONL
file is cut at line boundaries into pieces of at most `batch_size` lines and about
`batch_bytes`, so a 10 GB shard never has to fit in memory, a shard of long pages
makes smaller batches than one of short articles, and units can be read in
parallel. A CSV file is cut the same way at record boundaries (both in the
decompressed stream of a compressed file; in UTF-16 and UTF-32 too), and a Parquet
file into row ranges from its footer (a compressed one's or an archive member's
read through its stream, `parquet_streams`). A JSON document that is one array is
cut between its items, and so is the list of records an object holds
(`{"articles": […]}`, `json_arrays`).

The cut points, the record count and the file's sha256 come from one streaming
pass over the file (JSONL: bytes only, no parsing; CSV: the csv module's record
ends; Parquet: its footer, plus the hash). The file's manifest row travels with
the unit that holds its last piece; units are loaded in order, so a file is recorded
as read only when all its pieces are in the warehouse.
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import io
import math
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.parquet as pq
from polars.exceptions import PanicException

from flows.config import Settings
from flows.ingest import archives, json_values, kept_streams, warc
from flows.ingest.archives import Member, member_path
from flows.ingest.compressed import (
    DAMAGED,
    compression_of,
    damage_reason,
    is_io_error,
    open_decompressed,
    read_some,
)
from flows.ingest.encoding import decode_bytes, piece_hint, wide_encoding
from flows.ingest.failures import our_failure
from flows.ingest.json_arrays import (
    ArrayScan,
    Cuts,
    MoreAfter,
    NotAnArray,
    ObjectScan,
    opens_array,
    opens_object,
)
from flows.ingest.readers import (
    FileState,
    Opener,
    field_name,
    format_of,
    header_delimiter,
    no_text_field,
    open_kept,
    open_stream,
    sha256_file,
)

SCAN_BLOCK = 8 << 20
MAX_JSON_HEAD = 64 << 20  # a first JSON value longer than this is no JSONL line
# A file's code page is judged on its first MiB (`piece_hint`): decoding the whole
# 8 MiB first block would make an 8-32 MB string per file in the planning process.
HINT_SAMPLE = 1 << 20
DEFAULT_BATCH_BYTES = Settings.batch_bytes


@dataclass(frozen=True)
class Piece:
    """A whole file; or lines [first_line, first_line + lines) of a JSONL file at
    bytes [start, end) (of its decompressed stream when it is compressed); or, with
    `rows`, rows [start, end) of a Parquet file, about `nbytes` of text."""

    path: Path
    start: int = 0
    end: int | None = None
    first_line: int = 0
    lines: int = 1
    error: str | None = None  # set: why this piece has no records (one error record)
    rows: bool = False
    nbytes: int | None = None  # input bytes, where start and end do not count them
    header: int = 0  # a CSV piece: its file's header row is bytes [0, header)
    encoding: str | None = None  # the file's legacy code page (encoding.piece_hint)
    warc: str | None = None  # a WARC piece: how its offsets count (warc.MEMBERS, STREAM)
    # Items [first_line, first_line + lines) of a JSON array ("item") or of the list
    # an object holds ("'articles' record"): what the reader calls one in an error.
    items: str | None = None
    # Rows of a compressed Parquet stream: the stream's length, which the planner
    # measured (it cannot tell it; pyarrow needs it to find the footer).
    stream_bytes: int | None = None
    # An archive's piece: the members it reads whole, or the one its range is in.
    members: tuple[Member, ...] = ()

    @property
    def whole(self) -> bool:
        return self.end is None

    @property
    def source(self) -> Path:
        """The path that names the piece's records: its file's, or, for a piece of
        one member of an archive, the member's (`news.zip/2024/a.jsonl`)."""
        if len(self.members) == 1 and (self.error is not None or not self.whole):
            return member_path(self.path, self.members[0].name)
        return self.path

    @property
    def opener(self) -> Opener | None:
        """Where a range piece's bytes are when not in its file: the one member of an
        archive it is a range of, or a compressed Parquet file's decompressed stream."""
        if len(self.members) == 1 and not self.whole:
            member = self.members[0]
            return functools.partial(archives.open_member, self.path, member, self.stream_bytes)
        if self.rows and compression_of(self.path) is not None:
            return functools.partial(open_kept, self.path, self.stream_bytes)
        return None

    @property
    def footer_key(self) -> tuple[Path, str]:
        """Which Parquet stream a rows piece reads: its file, and the member in an
        archive (`readers.read_rows` keeps the footers it read by it)."""
        return self.path, self.members[0].key if self.members else ""


@dataclass(frozen=True)
class Unit:
    """One batch: its pieces, and the manifest rows of the files it completes."""

    number: int
    pieces: tuple[Piece, ...]
    completes: tuple[FileState, ...] = field(default_factory=tuple)

    @property
    def documents(self) -> int:
        return sum(p.lines for p in self.pieces)


class _Damaged(Exception):
    """Damage in a compressed stream, kept apart from the I/O errors of `_scan_jsonl`
    (gzip and bz2 raise OSError subclasses for bad data)."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _read_block(fh: IO[bytes]) -> bytes:
    try:
        return read_some(fh, SCAN_BLOCK)
    except DAMAGED as exc:
        if is_io_error(exc):
            raise
        raise _Damaged(exc) from exc


WHITESPACE = frozenset(b" \t\r\x0b\x0c")


def _has_content(block: bytes, start: int, end: int) -> bool:
    """Whether block[start:end] (part of one line) holds a byte other than ASCII
    whitespace. A record line starts with "{", so one byte usually answers."""
    if start >= end:
        return False
    if block[start] not in WHITESPACE:
        return True
    return bool(block[start:end].strip())


def _scan_jsonl(
    path: Path,
    batch_size: int,
    batch_bytes: int,
    opener: Opener | None = None,
    arrays: bool = True,
) -> tuple[list[Piece], FileState] | None:
    """Cut a JSONL file after every `batch_size` lines, or sooner after the line that
    brings a piece to `batch_bytes`, in one pass (`_scan_wide_jsonl` for UTF-16 and
    UTF-32; `_scan_json` for a file that opens with "[", unless `arrays` is False:
    JSON Lines named .json that `_scan_json` hands on); None if it cannot be
    read (the reader will then quarantine it with the reason). A compressed file is
    hashed as it is and cut in its decompressed stream; damage in that stream ends
    the last piece at the last whole line before it, and a piece that says so
    follows (its reader quarantines it). With `opener`, the bytes are a member of an
    archive (`open_stream`), cut as a compressed file's are; the state's size, time
    and hash are then the archive's business (zero, empty)."""
    compressed = opener is not None or compression_of(path) is not None
    damage: BaseException | None = None
    try:
        stat = _stat(path, opener)
        digest = hashlib.sha256()
        cuts = [(0, 0)]  # (byte offset, line number) where a piece starts
        cut_at, cut_line = 0, 0  # the last cut
        lines = 0
        blank = 0  # lines of whitespace only: no record, so not counted in the manifest
        content = False  # whether the line being read so far holds a non-space byte
        hint: str | None = None
        offset = 0
        last_end = 0  # the byte after the last newline seen
        last_byte = b"\n"
        with open_stream(path, opener) as fh:
            while block := _read_block(fh):
                if not offset:
                    if (
                        arrays
                        and opens_array(block)
                        and (arrayed := _scan_json(path, batch_size, batch_bytes, opener))
                    ):
                        return arrayed  # a JSON array saved as .jsonl: read as one
                    wide = _wide_codec(block)
                    if wide:  # a b"\n" byte is half a UTF-16 newline
                        fh.seek(0)
                        return _scan_wide_jsonl(path, fh, *wide, batch_size, batch_bytes, opener)
                    hint = piece_hint(block[:HINT_SAMPLE])
                if not compressed:
                    digest.update(block)
                pos = 0
                while True:
                    nl = block.find(b"\n", pos)
                    if nl < 0:
                        content = content or _has_content(block, pos, len(block))
                        break
                    if not (content or _has_content(block, pos, nl)):
                        blank += 1
                    content = False
                    lines += 1
                    pos = nl + 1
                    if lines - cut_line >= batch_size or offset + pos - cut_at >= batch_bytes:
                        cut_at, cut_line = offset + pos, lines
                        cuts.append((cut_at, cut_line))
                last_end = offset + pos if pos else last_end
                offset += len(block)
                last_byte = block[-1:]
    except _Damaged as damaged:
        damage = damaged.cause
    except OSError:
        return None
    try:  # hashed only now: a UTF-16 file or a JSON array hashes it in its own scan
        sha = sha256_file(path) if compressed and opener is None else ""
    except OSError:
        return None
    if damage is not None:  # the partial line before the damage goes with it
        offset, last_byte, content = last_end, b"\n", False
    if last_byte != b"\n":
        lines += 1  # a last line without its newline
        blank += not content
    pieces = []
    bounds = [*cuts, (offset, lines)]
    for (start, first), (end, stop) in pairwise(bounds):
        if end > start:
            pieces.append(Piece(path, start, end, first, max(stop - first, 1), encoding=hint))
    if damage is not None:
        reason = damage_reason(path, damage, f"line {lines}" if lines else "", opener is not None)
        pieces.append(Piece(path, offset, offset, lines, 1, error=reason))
        lines += 1
    digest_hex = sha if compressed else digest.hexdigest()
    state = FileState(str(path), stat[0], stat[1], digest_hex, lines - blank)
    return pieces or [Piece(path, 0, 0, 0, 0)], state


def _scan_parquet(
    path: Path, batch_size: int, batch_bytes: int, opener: Opener | None = None
) -> tuple[list[Piece], FileState] | None:
    """Cut a Parquet file into row ranges of at most `batch_size` rows and about
    `batch_bytes`, from its footer alone: each row group's row count and
    uncompressed size give its rows' average size. (A column of repeated texts,
    dictionary-encoded, looks smaller than it is; the document bound still holds.)
    None if it cannot be read: the whole-file reader then quarantines it with the
    reason. A file without a text column is one piece that says so. polars reads a
    row range without decoding the rest of the file, even inside one large row
    group (measured: 2,000 rows from the middle of a single 116 MB row group in
    17 ms, 115 MB peak). `opener`: the Parquet file is an archive's member, read
    through that stream (`_scan_jsonl`). A compressed Parquet file (or member) is
    decompressed once here to measure its stream, whose length its pieces carry;
    a batch then reads its row groups from the stream its thread keeps (until
    session 23 such a file went whole into one batch, however large)."""
    compressed = opener is None and compression_of(path) is not None
    measured: int | None = None
    try:
        file_size, mtime_ns = _stat(path, opener)
        if opener is None and not compressed:
            meta = pq.ParquetFile(path).metadata
        else:
            fresh = opener or (lambda: kept_streams.Rewindable(open_decompressed(path)))
            with fresh() as fh:
                size, measured = _stream_length(fh)
                meta = pq.ParquetFile(kept_streams.StreamView(fh, 0, size, owns=False)).metadata
        names = meta.schema.to_arrow_schema().names
        sha = sha256_file(path) if opener is None else ""
    except (*DAMAGED, pa.ArrowException):
        return None  # damaged or no Parquet: read whole, the reader says why
    if field_name(names, "text") is None:
        reason = f"Parquet has {no_text_field(names, 'column')}"
        return [Piece(path, error=reason)], FileState(str(path), file_size, mtime_ns, sha, 1)
    pieces: list[Piece] = []
    start = row = taken = 0  # the open piece starts at row `start` and holds `taken`
    size = 0.0

    def close() -> None:
        nonlocal start, taken, size
        pieces.append(
            Piece(
                path, start, row, start, taken, rows=True, nbytes=int(size), stream_bytes=measured
            )
        )
        start, taken, size = row, 0, 0.0

    for k in range(meta.num_row_groups):
        group = meta.row_group(k)
        per_row = max(1.0, group.total_byte_size / max(group.num_rows, 1))
        left = group.num_rows
        while left:
            # As for JSONL lines: a piece ends after the row that reaches batch_bytes.
            to_bytes = max(1, math.ceil((batch_bytes - size) / per_row))
            take = min(left, batch_size - taken, to_bytes)
            row, taken, size, left = row + take, taken + take, size + take * per_row, left - take
            if taken >= batch_size or size >= batch_bytes:
                close()
    if taken or not pieces:
        close()
    state = FileState(str(path), file_size, mtime_ns, sha, meta.num_rows)
    return pieces, state


def _scan_json(
    path: Path, batch_size: int, batch_bytes: int, opener: Opener | None = None
) -> tuple[list[Piece], FileState] | None:
    """Cut a JSON document's records between its items, after every `batch_size`
    items or sooner after the item that brings a piece to `batch_bytes`, in one
    pass: an array of records (`json_arrays.ArrayScan`), or the list of records an
    object holds (`ObjectScan`: the first key whose value is a list of objects,
    as the reader takes it); JSON Lines named .json are cut as JSONL (`_scan_jsonl`).
    None when it is none of these (an object that is one record), is in a code page
    of several bytes a character (UTF-16, Shift_JIS …), or cannot be read to its
    end: it is then read whole, and the reader says what it holds. A compressed file
    is hashed as it is and cut in its decompressed stream; `opener` as for
    `_scan_jsonl`."""
    compressed = opener is not None or compression_of(path) is not None
    scan: ArrayScan | ObjectScan | None = None
    cuts = Cuts(batch_size, batch_bytes)
    try:
        stat = _stat(path, opener)
        digest = hashlib.sha256()
        hint: str | None = None
        with open_stream(path, opener) as fh:
            while block := _read_block(fh):
                if not compressed:
                    digest.update(block)
                if scan is None:
                    hint = piece_hint(block[:HINT_SAMPLE])
                    if not _ascii_safe(hint):
                        return None
                    keyed = opens_object(block)
                    scan = ObjectScan(batch_size, batch_bytes, hint) if keyed else ArrayScan()
                if isinstance(scan, ArrayScan):
                    for offset in scan.feed(block):
                        cuts.add(offset)
                else:
                    scan.feed(block)
        if scan is None:  # an empty file: read whole, the reader says so
            return None
        scan.finish()
    except MoreAfter as more:  # JSON Lines named .json, as the reader reads them
        if more.line_break and _valid_json_head(path, more.value_end, opener):
            return _scan_jsonl(path, batch_size, batch_bytes, opener, arrays=False)
        return None
    except (_Damaged, NotAnArray, OSError):
        return None
    try:  # hashed only now: JSON Lines hash it in their own scan
        sha = sha256_file(path) if compressed and opener is None else ""
    except OSError:
        return None
    where = "item"
    if isinstance(scan, ObjectScan):
        if scan.cuts is None or field_name(scan.keys, "text") is not None:
            return None  # one record, or no list of records: read whole
        cuts, where = scan.cuts, f"{scan.chosen!r} record"
    elif scan.has_items:
        cuts.finish()
    else:  # "[ ]": its "[" and "]" make no item
        cuts = Cuts(batch_size, batch_bytes)
    pieces = [
        Piece(path, start, end, first, taken, encoding=hint, items=where)
        for start, end, first, taken in cuts.spans
    ]
    digest_hex = sha if compressed else digest.hexdigest()
    state = FileState(str(path), stat[0], stat[1], digest_hex, cuts.items)
    return pieces or [Piece(path, 0, 0, 0, 0)], state


def _valid_json_head(path: Path, end: int, opener: Opener | None) -> bool:
    """Whether the first `end` bytes of a document are one valid JSON value (as the
    reader decodes the document): the reader reads it as JSON Lines only then, and
    as one invalid document (a raw line break in a string, say) otherwise."""
    if end > MAX_JSON_HEAD:
        return False  # not a line of JSON Lines: read whole, the reader says what it is
    try:
        with open_stream(path, opener) as fh:
            head = fh.read(end)
        text = decode_bytes(head).text
        json_values.loads(text if text is not None else "")
    except (*DAMAGED, ValueError):
        return False
    return True


def _ascii_safe(hint: str | None) -> bool:
    """Whether a file read in `hint` (`piece_hint`; None: UTF-8) has no byte below
    0x80 inside a character: a code page of one byte a character. In Shift_JIS,
    Big5 or GBK a "[" or a backslash can be half of one."""
    if hint is None:
        return True
    return len(bytes(range(256)).decode(hint, errors="replace")) == 256


def _stream_length(fh: IO[bytes]) -> tuple[int, int | None]:
    """The length of a stream, and that length again when it had to be measured by
    reading the stream to its end (a decompressor cannot seek from its end), else
    None."""
    try:
        return fh.seek(0, io.SEEK_END), None
    except (io.UnsupportedOperation, ValueError):  # gzip's GzipFile raises ValueError
        pass
    fh.seek(0)
    size = 0
    while block := read_some(fh, SCAN_BLOCK):
        size += len(block)
    return size, size


def _scan_csv(
    path: Path, batch_size: int, batch_bytes: int, opener: Opener | None = None
) -> tuple[list[Piece], FileState] | None:
    """Cut a CSV file at record boundaries after every `batch_size` records, or
    sooner after the record that brings a piece to `batch_bytes`, in one pass with
    Python's csv module itself (a quoted field may hold line breaks), so each piece
    parses as the whole file would there. The bytes are read as Latin-1 for this:
    one character a byte, and quotes, delimiters and line breaks are the same bytes
    in every encoding but UTF-16 and UTF-32 (Excel's "Unicode text" export), which
    are read in their own codec, each line's bytes counted. A compressed file is
    hashed as it is and cut in its decompressed stream, as JSONL is; damage in that
    stream ends the last piece at the last whole record before it, and a piece that
    says so follows. None if it cannot be read or has no header row (the whole-file
    reader says why). `opener` as for `_scan_jsonl`."""
    compressed = opener is not None or compression_of(path) is not None
    try:
        stat = _stat(path, opener)
        sha = sha256_file(path) if compressed and opener is None else ""
        with open_stream(path, opener) as fh:
            head = fh.read(HINT_SAMPLE)
            wide = _wide_codec(head)
            codec, skip = wide or ("latin-1", 0)
            hint = None if wide else piece_hint(head)
            delimiter = header_delimiter(head[skip:].decode(codec, errors="ignore"))
            fh.seek(skip)
            digest = hashlib.sha256(b"" if compressed else head[:skip])
            pos = skip

            def lines() -> Iterator[str]:
                # Split at \r, \n and \r\n, as the reader's StringIO(newline="") does.
                nonlocal pos
                text = io.TextIOWrapper(fh, encoding=codec, errors="surrogatepass", newline="")
                for line in text:
                    if wide or not compressed:
                        raw = line.encode(codec, errors="surrogatepass")
                        digest.update(raw)
                        pos += len(raw)
                    else:
                        pos += len(line)  # Latin-1: a character a byte
                    yield line

            def piece() -> Piece:  # the open piece: bytes [start, pos), `taken` records
                first = records - taken
                return Piece(path, start, pos, first, taken, header=header_end or 0, encoding=hint)

            reader = csv.reader(lines(), delimiter=delimiter)
            header_end: int | None = None
            pieces: list[Piece] = []
            start = records = taken = 0  # the open piece: first byte, records in it
            done = 0  # the byte after the last whole record
            damage: BaseException | None = None
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error:
                    row = None  # one error record, as the reader makes it
                except DAMAGED as exc:
                    if not compressed or is_io_error(exc):
                        raise
                    damage = exc
                    break
                except UnicodeDecodeError:  # UTF-16 cut short: read whole, it says why
                    return None
                done = pos
                if header_end is None:
                    if row is None:
                        return None
                    if row:  # blank lines before the header are skipped
                        header_end = start = pos
                    continue
                if row == []:  # a blank line is no record
                    continue
                records += 1
                taken += 1
                if taken >= batch_size or pos - start >= batch_bytes:
                    pieces.append(piece())
                    start, taken = pos, 0
    except DAMAGED:  # I/O errors, and damage in the first block: read whole, it says why
        return None
    if header_end is None:
        return None
    pos = done  # after damage, the partial record before it goes with it
    if taken or not (pieces or damage):
        pieces.append(piece())
    if damage is not None:
        reason = damage_reason(
            path, damage, f"row {records}" if records else "", opener is not None
        )
        pieces.append(Piece(path, done, done, records, 1, error=reason))
        records += 1
    digest_hex = sha or digest.hexdigest()
    return pieces, FileState(str(path), stat[0], stat[1], digest_hex, records)


def _scan_wide_jsonl(
    path: Path,
    fh: IO[bytes],
    codec: str,
    skip: int,
    batch_size: int,
    batch_bytes: int,
    opener: Opener | None = None,
) -> tuple[list[Piece], FileState] | None:
    """`_scan_jsonl` for a file in UTF-16 or UTF-32: its lines are read in `codec`
    (after a byte-order mark of `skip` bytes) and each one's bytes counted, so that a
    piece starts and ends on a whole character and names the codec it is read in.
    None when the stream cannot be read or decoded (read whole, the reader says why).
    `opener` as for `_scan_jsonl` (until session 23 such a member was read whole)."""
    compressed = opener is not None or compression_of(path) is not None
    try:
        size, mtime_ns = _stat(path, opener)
        sha = sha256_file(path) if compressed and opener is None else ""
        digest = hashlib.sha256(fh.read(skip))
        pos = cut_at = skip
        lines = cut_line = blank = 0
        cuts = [(skip, 0)]
        text = io.TextIOWrapper(fh, encoding=codec, errors="surrogatepass", newline="\n")
        for line in text:
            raw = line.encode(codec, errors="surrogatepass")
            if not compressed:
                digest.update(raw)
            pos += len(raw)
            lines += 1
            blank += not line.strip()
            if lines - cut_line >= batch_size or pos - cut_at >= batch_bytes:
                cut_at, cut_line = pos, lines
                cuts.append((cut_at, cut_line))
    except (*DAMAGED, UnicodeDecodeError):
        return None
    pieces = [
        Piece(path, start, end, first, stop - first, encoding=codec)
        for (start, first), (end, stop) in pairwise([*cuts, (pos, lines)])
        if end > start
    ]
    digest_hex = sha if compressed else digest.hexdigest()
    state = FileState(str(path), size, mtime_ns, digest_hex, lines - blank)
    return pieces or [Piece(path, 0, 0, 0, 0)], state


_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16's: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _wide_codec(head: bytes) -> tuple[str, int] | None:
    """For a file in UTF-16 or UTF-32 (`wide_encoding`), the codec of its bytes after
    the byte-order mark and the mark's length; None for any other file."""
    name = wide_encoding(head)
    if name is None:
        return None
    for bom, codec in _WIDE_BOMS:
        if head.startswith(bom):
            return codec, len(bom)
    return name, 0  # UTF-16 without a mark: wide_encoding named its byte order


def _scan_warc(
    path: Path, batch_size: int, batch_bytes: int
) -> tuple[list[Piece], FileState] | None:
    """Cut a WARC file at record boundaries (`warc.scan`). The last piece runs to
    the file's end, so that in a damaged file it reads the records before the
    damage and then one error record that says where. None if the file cannot be
    read: the whole-file reader then says why."""
    try:
        stat = path.stat()
        spans, mode, documents, damaged = warc.scan(path, batch_size, batch_bytes)
        sha = sha256_file(path)
    except OSError:
        return None
    pieces = [
        Piece(path, start, end, first, docs, warc=mode, nbytes=(end or stat.st_size) - start)
        for start, end, first, docs in spans
    ] or [Piece(path, 0, None, 0, 1, warc=mode)]
    state = FileState(str(path), stat.st_size, stat.st_mtime_ns, sha, documents + damaged)
    return pieces, state


def _stat(path: Path, opener: Opener | None) -> tuple[int, int]:
    """(size, mtime_ns) of a file; (0, 0) for an archive's member (`opener`)."""
    if opener is not None:
        return 0, 0
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


# The formats whose records are cut into ranges, in a file or in an archive's
# member (`opener`): one table for both, so that they cannot drift apart.
RECORD_SCANS = {
    "jsonl": _scan_jsonl,
    "json": _scan_json,
    "csv": _scan_csv,
    "parquet": _scan_parquet,
}


def _scan_member(
    archive: Path, member: Member, fmt: str, batch_size: int, batch_bytes: int
) -> tuple[list[Piece], int] | None:
    """The pieces of a JSONL, JSON, CSV or Parquet member (`fmt`) of an archive, cut in its
    own stream (a Parquet member into row ranges from its footer), and its record
    count; None when it must be read whole."""
    opener = functools.partial(archives.open_member, archive, member)
    try:
        scanned = RECORD_SCANS[fmt](
            member_path(archive, member.name), batch_size, batch_bytes, opener
        )
    except (*archives.BROKEN, NotImplementedError, RuntimeError):
        scanned = None  # the member cannot be opened: read whole, it says why
    if scanned is None:
        return None
    pieces, state = scanned
    return [replace(p, path=archive, members=(member,)) for p in pieces], state.records


def _scan_archive(
    path: Path, batch_size: int, batch_bytes: int
) -> tuple[list[Piece], FileState] | None:
    """Cut a ZIP or tar archive into pieces: a JSONL, JSON, CSV or Parquet member
    in line, item, record or row ranges of its own stream (`_scan_member`), the
    other members grouped up to `batch_size` members and about `batch_bytes`, in the
    archive's order. The manifest counts any other member read whole as one record
    (a JSON member read whole may hold more). None if the archive cannot be listed:
    read whole, it says why."""
    try:
        stat = path.stat()
        listing = archives.members(path)
        sha = sha256_file(path)
    except archives.BROKEN:
        return None
    if not listing:
        reason = f"{archives.archive_kind(path)} archive without input files"
        return [Piece(path, error=reason)], FileState(
            str(path), stat.st_size, stat.st_mtime_ns, sha, 1
        )
    pieces: list[Piece] = []
    group: list[Member] = []
    size = records = 0

    def close_group() -> None:
        nonlocal group, size
        if group:
            pieces.append(Piece(path, lines=len(group), nbytes=size, members=tuple(group)))
        group, size = [], 0

    for member in listing:
        fmt = None if member.problem else format_of(member_path(path, member.name))
        scanned = None
        if fmt in RECORD_SCANS:
            scanned = _scan_member(path, member, fmt, batch_size, batch_bytes)
        if scanned is None:
            group.append(member)
            size += member.size
            records += 1
            if len(group) >= batch_size or size >= batch_bytes:
                close_group()
            continue
        close_group()
        pieces += scanned[0]
        records += scanned[1]
    close_group()
    return pieces, FileState(str(path), stat.st_size, stat.st_mtime_ns, sha, records)


def _scan(path: Path, batch_size: int, batch_bytes: int) -> tuple[list[Piece], FileState] | None:
    """The pieces of a file that is read in pieces (JSONL, JSON, CSV, Parquet, WARC,
    archives), or None."""
    fmt = format_of(path)
    if fmt == "archive":
        try:
            return _scan_archive(path, batch_size, batch_bytes)
        finally:
            kept_streams.forget_file(path)  # the stream `_scan_member` read a tar in
    if fmt == "warc":
        return _scan_warc(path, batch_size, batch_bytes)
    if fmt in RECORD_SCANS:
        return RECORD_SCANS[fmt](path, batch_size, batch_bytes)
    return None


def _planned(path: Path, batch_size: int, batch_bytes: int) -> tuple[list[Piece], FileState | None]:
    """A file's pieces, and its manifest state when it is read in pieces. A scanner
    that fails in a way no input should make it (a bug, newsclean's or a library's)
    does not stop the run: the file is one error record, kept out of the manifest
    so that the next run tries it again."""
    try:
        scanned = _scan(path, batch_size, batch_bytes)
    except (OSError, MemoryError):
        raise  # the machine's trouble, not the file's
    except (Exception, PanicException) as exc:
        return [Piece(path, error=our_failure("plan how to read", exc))], None
    return ([Piece(path)], None) if scanned is None else scanned


def plan_units(
    files: Iterable[Path], batch_size: int, batch_bytes: int = DEFAULT_BATCH_BYTES
) -> Iterator[Unit]:
    """Group the files into units of at most `batch_size` documents / ~`batch_bytes`."""
    batch_size, batch_bytes = max(1, batch_size), max(1, batch_bytes)
    pending: list[Piece] = []
    completes: list[FileState] = []
    docs = size = 0
    number = 0

    def flush() -> Unit:
        nonlocal pending, completes, docs, size, number
        number += 1
        unit = Unit(number, tuple(pending), tuple(completes))
        pending, completes, docs, size = [], [], 0, 0
        return unit

    for path in files:
        pieces, state = _planned(path, batch_size, batch_bytes)
        for k, piece in enumerate(pieces):
            if piece.nbytes is not None:
                piece_bytes = piece.nbytes
            else:
                piece_bytes = (piece.end or 0) - piece.start if not piece.whole else _size(path)
            if pending and (docs + piece.lines > batch_size or size + piece_bytes > batch_bytes):
                yield flush()
            pending.append(piece)
            docs += piece.lines
            size += piece_bytes
            if state is not None and k == len(pieces) - 1:
                completes.append(state)
    if pending:
        yield flush()


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
