"""WARC web archives (`.warc`, `.warc.gz`): one article per archived page, read
with warcio (Webrecorder's WARC library).

A crawl of news sites (Common Crawl's CC-NEWS, a Heritrix or wget crawl, a
browser's archive) keeps each page as the server sent it: HTTP headers, then
the HTML. A `response` (or `resource`, `conversion`) record is a document: its HTML
is read as an HTML file is (`flows/ingest/html.py`: the text a browser shows, the
date, headline and canonical link from the markup), decoded in the charset its
Content-Type header names before the page's own <meta>; plain text is read as
text. `url` is the address the crawler fetched (WARC-Target-URI), `source_id`
the record's WARC-Record-ID, and the crawl time goes to `extra` (`warc_date`: when
the page was fetched, not when it was published). A document that is no page (an
image, a script, an HTTP error or a redirect) is quarantined with what it is.
`request`, `warcinfo`, `metadata` and `revisit` records describe the crawl, not
documents, and are passed over; a record's index is its place among all records
of the file, so ids are the same whether a file is read whole or in pieces.

A WARC file of a crawl is a gigabyte or more, so the planner cuts it into pieces
at record boundaries (`scan`), as a JSONL file is cut at lines. A `.warc.gz`
written as the standard asks (each record its own gzip member) is cut at member
offsets and each piece read from there; one compressed as a single stream is
cut at offsets of its decompressed stream.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from flows.ingest.compressed import (
    DAMAGED,
    compression_of,
    inner_path,
    is_io_error,
    open_decompressed,
)
from flows.ingest.encoding import decode_bytes
from flows.ingest.failures import first_line, what_failed
from flows.ingest.html import charset_codec, declared_charset
from flows.ingest.readers import RawRecord, error_record, file_record, page_record

DOCUMENTS = frozenset({"response", "resource", "conversion"})
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
# How a piece's offsets count: in the file itself (plain WARC, or one gzip member a
# record), or in the decompressed stream of a file gzipped as one stream.
MEMBERS, STREAM = "members", "stream"


class Truncated(ValueError):
    """The archive ends inside a record (a download cut short): warcio takes the end
    of a gzip stream for the end of the archive, and passes over it in silence."""

    def __init__(self) -> None:
        super().__init__(CUT_SHORT)


CUT_SHORT = "the file ends inside a record (a download cut short?)"


class Malformed(ValueError):
    """A record warcio could not parse: damage, said with what warcio's parser raised."""

    def __init__(self, what: str) -> None:
        super().__init__(f"a record warcio cannot parse ({what})")


BROKEN = (ArchiveLoadFailed, ValueError, *DAMAGED)  # what a damaged archive raises

OVERRUN = (
    "the record runs on past its Content-Length, so the page read from it is cut short "
    "(the archive's record lengths are wrong; rewrite or re-fetch it)"
)


class _Archive(ArchiveIterator):
    """warcio's iterator without its warning on stderr when bytes follow a record's
    Content-Length: `err_count` counts those, and the document says so itself."""

    INC_RECORD = ""


def _one_gzip_stream(exc: BaseException) -> bool:
    """Whether warcio refused to read a file member by member because it is gzipped
    as one stream (it reads on through its decompressed stream then)."""
    return isinstance(exc, ArchiveLoadFailed) and "non-chunked gzip" in str(exc)


class _Strict:
    """A decompressed stream whose early end is an error (`Truncated`), not the end of
    the archive that warcio takes an EOFError for."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh

    def read(self, size: int = -1) -> bytes:
        # read1: what is there; read(size) drops the bytes before the cut to raise
        try:
            return self.fh.read1(size)  # type: ignore[attr-defined]
        except EOFError as exc:
            raise Truncated from exc

    def tell(self) -> int:
        return self.fh.tell()

    def seek(self, offset: int) -> int:
        try:
            return self.fh.seek(offset)
        except EOFError as exc:
            raise Truncated from exc

    def close(self) -> None:
        self.fh.close()

    def __enter__(self) -> _Strict:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _open(path: Path, mode: str) -> Any:
    """The file as warcio reads it in `mode` (a binary stream)."""
    if mode == STREAM and compression_of(path) is not None:
        return _Strict(open_decompressed(path))
    return path.open("rb")


def _whole(archive: ArchiveIterator, size: int | None, gz: Path | None = None) -> Iterator[Any]:
    """The records of `archive`, then `Truncated` if the last one is cut short (less
    of it than its Content-Length), if they end before `size` bytes, or if the
    last gzip member of `gz` (the file, read member by member) has no end: a gzip
    member cut short ends warcio's walk without a word."""
    last, last_offset = None, None
    walk = iter(archive)
    while True:
        try:
            record = next(walk)
        except StopIteration:
            break
        except (OSError, *BROKEN):
            raise
        except Exception as exc:  # warcio's parser meets a malformed record with what
            # breaks first (AttributeError for a response without WARC-Target-URI)
            raise Malformed(what_failed(exc)) from exc
        last = record
        yield record
        last_offset = archive.get_record_offset()  # the record is read to its end
    if last is not None and _cut_short(last):
        raise Truncated
    if size is not None and archive.offset < size:
        raise Truncated
    if gz is not None and last_offset is not None and not _member_ends(gz, last_offset):
        raise Truncated


def _member_ends(path: Path, offset: int) -> bool:
    """Whether the gzip member at `offset` of `path` (its last) is whole."""
    with path.open("rb") as fh:
        fh.seek(offset)
        member = zlib.decompressobj(zlib.MAX_WBITS | 16)
        while not member.eof and (block := fh.read(1 << 20)):
            member.decompress(block)
    return member.eof


def _first_mode(path: Path) -> str:
    """How to read a file first: member by member unless it is compressed otherwise
    than with gzip (warcio reads gzip members itself, not bzip2 or xz)."""
    return MEMBERS if compression_of(path) in (None, ".gz") else STREAM


def _gz(path: Path, mode: str) -> Path | None:
    """`path` when it is read gzip member by gzip member (its last member's end is
    then checked), else None."""
    return path if mode == MEMBERS and compression_of(path) == ".gz" else None


def _cut_short(record: Any) -> bool:
    """Whether a record read to its end held less than its Content-Length, or its
    headers ended before that (mandatory) header: warcio then reads it as empty."""
    if not (record.rec_headers.get_header("Content-Length") or "").strip().isdigit():
        return True
    return getattr(record.raw_stream, "limit", 0) > 0


# --- planning -----------------------------------------------------------------------


def _walk(fh: IO[bytes], size: int | None, gz: Path | None) -> Iterator[tuple[int, str]]:
    """(offset, type) of each record, payloads unparsed; raises what a damaged
    archive raises, after the records before the damage."""
    archive = _Archive(fh, no_record_parse=True)
    for record in _whole(archive, size, gz):
        yield archive.get_record_offset(), record.rec_type


Spans = list[tuple[int, int | None, int, int]]


def scan(path: Path, batch_size: int, batch_bytes: int) -> tuple[Spans, str, int, bool]:
    """Cut a WARC file at record boundaries after `batch_size` documents or about
    `batch_bytes` (counted as the file's bytes): (spans of (start, end, first
    record, documents), the mode of their offsets, the number of documents, whether
    damage ends the file: reading the last piece says where). The last span's end
    is None: to the end."""
    if _first_mode(path) == MEMBERS:
        try:
            return _cut(path, MEMBERS, batch_size, batch_bytes)
        except ArchiveLoadFailed as exc:
            if not _one_gzip_stream(exc):
                raise
    return _cut(path, STREAM, batch_size, batch_bytes)


def _cut(path: Path, mode: str, batch_size: int, batch_bytes: int) -> tuple[Spans, str, int, bool]:
    starts: list[tuple[int, int, int]] = []  # (offset, first record, documents)
    count = documents = 0
    damaged = False
    size = path.stat().st_size if mode == MEMBERS else None
    with _open(path, mode) as fh:
        try:
            for offset, kind in _walk(fh, size, _gz(path, mode)):
                if (
                    not starts
                    or starts[-1][2] >= batch_size
                    or offset - starts[-1][0] >= batch_bytes
                ):
                    starts.append((offset, count, 0))
                count += 1
                if kind in DOCUMENTS:
                    documents += 1
                    start, first, docs = starts[-1]
                    starts[-1] = (start, first, docs + 1)
        except BROKEN as exc:
            if is_io_error(exc):
                raise  # the file system's error, not the archive's
            if mode == MEMBERS and _one_gzip_stream(exc):
                raise
            damaged = True
    ends: list[int | None] = [s[0] for s in starts[1:]] + [None] if starts else []
    spans = [(s, e, first, n) for (s, first, n), e in zip(starts, ends, strict=True)]
    return spans, mode, documents, damaged


def _read_exactly(fh: Any, size: int) -> bytes:
    """`size` bytes, or fewer at the end of the stream (a `_Strict` read returns what
    its decompressor has at hand)."""
    parts, left = [], size
    while left > 0 and (part := fh.read(left)):
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


# --- reading ------------------------------------------------------------------------


def read_span(
    path: Path, start: int, end: int | None, first: int, mode: str, max_bytes: int | None
) -> list[RawRecord]:
    """The records of bytes [start, end) of a WARC file (offsets as `mode` counts
    them; None: to its end, damage and all), numbered from record `first`. Raises
    the file system's errors."""
    with _open(path, mode) as fh:
        try:
            fh.seek(start)
            if end is None:  # the last piece: read on until the end or the damage
                size = path.stat().st_size if mode == MEMBERS else None
                return list(records(path, fh, first, max_bytes, size, _gz(path, mode)))
            data = _read_exactly(fh, end - start)
        except BROKEN as exc:
            if is_io_error(exc):
                raise
            reason = f"WARC damaged after record {first}: {first_line(exc)}"
            return [error_record(path, "warc", reason, index=first)]
    return list(records(path, io.BytesIO(data), first, max_bytes, len(data)))


def read_whole(path: Path, max_bytes: int | None) -> list[RawRecord]:
    """Every record of a WARC file, streamed (its size is no limit; a record's is),
    as the planner's pieces read it: in the file's own offsets, or in its
    decompressed stream when it is gzipped as one stream."""
    if _first_mode(path) == MEMBERS:
        try:
            with _open(path, MEMBERS) as fh:
                size = path.stat().st_size
                return list(records(path, fh, 0, max_bytes, size, _gz(path, MEMBERS)))
        except ArchiveLoadFailed:  # "non-chunked gzip": one gzip stream for all records
            pass
    with _open(path, STREAM) as fh:
        return list(records(path, fh, 0, max_bytes))


def records(
    path: Path,
    fh: IO[bytes],
    first: int,
    max_bytes: int | None,
    size: int | None = None,
    gz: Path | None = None,
) -> Iterator[RawRecord]:
    """A record per document of the archive in `fh` (`size` bytes to its end, if
    known; `gz`: the file, when it is read gzip member by member), whose first
    record is record `first` of the file; damage ends it with an error record that
    says where (but for a document cut short, which says so itself). Raises
    ArchiveLoadFailed for a file gzipped as one stream."""
    index = first
    archive = _Archive(fh)
    said = False  # whether the last document said it was cut short
    # A document waits until its record is read to the end: only then does warcio
    # count bytes after its Content-Length (`err_count`), which mean the page is cut.
    pending: RawRecord | None = None
    errors = 0
    damage: BaseException | None = None
    try:
        for record in _whole(archive, size, gz):
            if pending is not None:
                yield _checked(pending, archive.err_count > errors)
                pending = None
            errors = archive.err_count
            if record.rec_type in DOCUMENTS:
                pending = _document(path, index, record, max_bytes)
                said = bool(pending.error and pending.error.endswith(CUT_SHORT))
            index += 1
    except BROKEN as exc:
        if is_io_error(exc) or _one_gzip_stream(exc):
            raise  # the file system's error; or a file the caller reads again as a stream
        damage = exc
    if pending is not None:
        yield _checked(pending, archive.err_count > errors)
    if damage is None or (isinstance(damage, Truncated) and said):
        return
    reason = f"WARC damaged after record {index}: {first_line(damage)}"
    yield error_record(path, "warc", reason, index=index)


def _checked(rec: RawRecord, overran: bool) -> RawRecord:
    """`rec`, quarantined with the reason when its record ran on past its
    Content-Length (warcio reads it cut there and skips the rest with a warning); a
    document that is already an error keeps its own reason."""
    if not overran or rec.error is not None:
        return rec
    return dataclasses.replace(rec, error=f"{rec.url}: {OVERRUN}" if rec.url else OVERRUN)


def _document(path: Path, index: int, record: Any, max_bytes: int | None) -> RawRecord:
    """The record of one archived document: its page or text, or why it is none."""
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI")
    record_id = (headers.get_header("WARC-Record-ID") or "").strip("<>")
    http = record.http_headers if record.rec_type == "response" else None
    content_type = (http or headers).get_header("Content-Type") or ""
    media, _, params = content_type.partition(";")
    media = media.strip().lower()
    charset = _charset(params)
    status = http.get_statuscode() if http is not None else None
    problem = None
    if status and not status.startswith("2"):
        location = http.get_header("Location") if http is not None else None
        problem = f"HTTP {status} response" + (f", a redirect to {location}" if location else "")
    elif media not in PAGE_TYPES | TEXT_TYPES:
        problem = f"{media or 'untyped'} document, not a page"
    try:  # read even when it is no page: a document cut short says so first
        stream = record.content_stream()  # its read(-1) reads nothing
        payload = stream.read() if max_bytes is None else stream.read(max_bytes + 1)
    except Exception as exc:  # chunked or gzip transfer encodings can be broken
        payload, problem = b"", problem or f"payload could not be read ({first_line(exc)})"
    if max_bytes is not None and len(payload) > max_bytes:
        problem = problem or (
            f"record too large (over {max_bytes / 1e6:.1f} MB > max_document_bytes; "
            "raise the setting to load it)"
        )
    elif _cut_short(record):
        problem = CUT_SHORT
    if problem is not None:
        rec = error_record(path, "warc", f"{url}: {problem}" if url else problem, index=index)
    elif media in PAGE_TYPES:
        rec = page_record(
            path, payload, decode_bytes(payload, charset or declared_charset(payload))
        )
    else:
        decoded = decode_bytes(payload, charset)
        rec = file_record(
            path, payload, "text", decoded.encoding, raw_text=decoded.text, error=decoded.error
        )
    rec.record_index, rec.format = index, "warc"
    rec.source_id = record_id or f"{inner_path(path).stem}:{index}"
    rec.url = url or rec.url
    extra: dict[str, Any] = json.loads(rec.extra) if rec.extra else {}
    extra["warc_date"] = headers.get_header("WARC-Date")
    rec.extra = json.dumps(extra, ensure_ascii=False)
    return rec


def _charset(params: str) -> str | None:
    """The charset a Content-Type header's parameters name, if Python knows it."""
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return charset_codec(value)
    return None
