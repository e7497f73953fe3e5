"""Readers per input format: every file becomes raw records, or error records.

A reader never raises on bad content: a file it cannot read (binary, undecodable,
malformed line, missing `text` column, no permission) yields a record whose `error`
says why, so the run can quarantine it and go on. Whole-file formats (.txt/.md and
unknown extensions) give one record; record formats (.jsonl/.ndjson, .csv, .parquet)
give one record per line/row; an archive (.zip, .tar…) gives the records of the
files inside it (`read_archive`).
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import IO, Any

import polars as pl
from polars.exceptions import PanicException

from flows.ingest import json_values
from flows.ingest.archives import (
    BROKEN,
    Member,
    archive_kind,
    member_path,
    members,
    read_members,
)
from flows.ingest.compressed import (
    DAMAGED,
    compression_of,
    damage_reason,
    inner_path,
    is_io_error,
    open_decompressed,
    read_decompressed,
)
from flows.ingest.encoding import Decoded, decode_as, decode_bytes
from flows.ingest.feeds import FEED_SUFFIXES, is_feed, not_a_feed, read_feed_bytes, xml_root
from flows.ingest.front_matter import split_front_matter
from flows.ingest.html import (
    HTML_SUFFIXES,
    declared_charset,
    is_html_fragment,
    is_html_page,
    read_page,
)
from flows.ingest.json_arrays import NotAnArray, opens_array, split_items
from flows.ingest.kept_streams import StreamView, kept_stream
from flows.ingest.parquet_streams import stream_rows

TEXT_SUFFIXES = {".txt", ".md", ".text"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
WARC_SUFFIXES = {".warc"}  # read by flows/ingest/warc.py
CSV_SUFFIXES = {".csv", ".tsv"}
CSV_DELIMITERS = ",;\t|"  # European exports use ";", .tsv files a tab
PARQUET_SUFFIXES = {".parquet"}
# Formats whose size limit (max_document_bytes) holds per record, not per file.
PER_RECORD_LIMIT = ("jsonl", "parquet")
# Opens the bytes of an input that is not a file of its own (an archive's member).
Opener = Callable[[], IO[bytes]]
# Each record field under its names, first present wins: newsclean's own, then those
# of common scrapers and datasets (news-please: maintext, date_publish; schema.org:
# headline, datePublished; RSS: link, pubDate; JSON Feed: content_text, content_html,
# date_published). Anything else in a record is kept as JSON in `extra`.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "text": (
        "text",
        "maintext",
        "body",
        "content",
        "article",
        "full_text",
        "content_text",
        "html",
        "raw_html",
        "content_html",
    ),
    "title": ("title", "headline"),
    "url": ("url", "link", "canonical_url", "source_url"),
    "date": (
        "date",
        "date_publish",
        "published",
        "published_at",
        "publish_date",
        "publication_date",
        "date_published",
        "datePublished",
        "pubDate",
    ),
    "id": ("id", "_id", "uuid", "guid"),
}


@dataclass
class RawRecord:
    """One input record as read, before any cleaning (the bronze layer)."""

    source_uri: str
    record_index: int
    format: str
    encoding: str
    sha256: str
    raw_text: str | None
    source_id: str
    url: str | None = None
    title: str | None = None
    date: str | None = None
    extra: str | None = None
    error: str | None = None
    size_bytes: int = 0
    # Which record of the list its line (or JSON item) holds, for a line that is an
    # API's answer (`{"articles": [...]}`): the list's key and its place, `articles[3]`.
    record_path: str | None = None
    # Where the record sits, for its doc_id, when that is not its index: a feed
    # entry's guid (a re-fetched feed moves its entries down a place). Not stored.
    place: str | None = None

    @property
    def key(self) -> int | str:
        """The record's place in its source: its `place`, else its index (and its
        path within the line or item)."""
        if self.place is not None:
            return self.place
        if self.record_path is not None:
            return f"{self.record_index}:{self.record_path}"
        return self.record_index


def sha256_hex(data: bytes) -> str:
    """Hex sha256 of bytes: the content key behind idempotent loads."""
    return hashlib.sha256(data).hexdigest()


def format_of(path: Path) -> str:
    """The reader name for a path, by suffix (of the file inside a compressed one:
    `feed.jsonl.gz` is JSONL); unknown suffixes are read as text."""
    if archive_kind(path):
        return "archive"
    suffix = inner_path(path).suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in WARC_SUFFIXES:
        return "warc"
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in FEED_SUFFIXES or suffix == ".xml":  # an .xml file that is no feed: text
        return "feed"
    return "text"


def discover(
    paths: Iterable[str | Path], roots: set[Path] | None = None
) -> tuple[list[Path], list[str]]:
    """Expand files and folders (recursively) into a sorted list of input files.

    Returns (files, problems): a path that does not exist is a problem to report,
    not a crash. Hidden files and folders (".git", ".DS_Store") are not inputs.
    Entries that are not regular files (a broken symlink, a FIFO, a socket, a
    folder that cannot be listed) are returned too, so that reading them produces a
    quarantine record with the reason instead of their being skipped in silence.
    Links to folders are followed (`_walk`). `roots`, if given, receives every
    folder the files were found under, resolved: the inputs and the targets of
    folder links, where a file the manifest knows and that is gone was deleted.
    """
    files: set[Path] = set()
    problems: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            files.add(path.resolve())
        elif path.is_dir():
            files.update(_walk(path, roots))
        elif path.exists():  # a pipe, socket or device: quarantined, saying what it is
            files.add(path.absolute())
        else:
            problems.append(f"input path does not exist: {raw}")
    return sorted(files), problems


# What a run writes beside its warehouse: DuckDB's write-ahead log and spill
# folder, and newsclean's writer lock (warehouse/lock.py).
WAREHOUSE_COMPANIONS = (".wal", ".lock", ".tmp")
REPORT_NAME = re.compile(r"run-.+\.(?:html|md)")


def own_outputs(
    files: Iterable[Path], warehouse: str | Path, reports_dir: str | Path
) -> tuple[list[Path], list[Path]]:
    """Split discovered files (resolved, as `discover` gives them) into (inputs, the
    run's own outputs): the warehouse and its companions, and the reports, when
    they live under an input folder (`--input data/ --warehouse data/news.duckdb`).
    Read as inputs, the warehouse was quarantined as binary on every run and each
    report became an article."""
    db = Path(warehouse).resolve()
    companions = {Path(f"{db}{suffix}") for suffix in WAREHOUSE_COMPANIONS}
    reports = Path(reports_dir).resolve()
    spill = f"{db}.tmp{os.sep}"  # DuckDB's spill folder
    inputs: list[Path] = []
    own: list[Path] = []
    for path in files:
        mine = (
            path == db
            or path in companions
            or str(path).startswith(spill)
            or (path.parent == reports and REPORT_NAME.fullmatch(path.name) is not None)
        )
        (own if mine else inputs).append(path)
    return inputs, own


def _walk(root: Path, roots: set[Path] | None = None) -> Iterator[Path]:
    """The entries below `root` that are not folders, hidden ones left out. A link to
    a folder is followed (`inputs/latest -> 2024-11-30/`; its files resolve to the
    same paths, so they are read once), each folder at most once, so a link back up
    cannot loop. A folder that cannot be listed is returned itself, so that reading
    it quarantines it with the reason instead of its files vanishing unnoticed
    (pathlib's rglob skipped it, and did not follow links). The root and each
    folder reached through a link go into `roots`, resolved."""
    seen: set[Path] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        real = folder.resolve()
        if real in seen:
            continue
        seen.add(real)
        if roots is not None and (folder is root or folder.is_symlink()):
            roots.add(real)
        try:
            children = list(folder.iterdir())
        except OSError:
            yield folder.absolute()
            continue
        for child in children:
            if child.name.startswith("."):
                continue
            if child.is_dir():
                stack.append(child)
            else:
                yield child.resolve() if child.is_file() else child.absolute()


def error_record(path: Path, fmt: str, reason: str, data: bytes = b"", index: int = 0) -> RawRecord:
    return RawRecord(
        source_uri=str(path),
        record_index=index,
        format=fmt,
        encoding="unknown",
        sha256=sha256_hex(data),
        raw_text=None,
        source_id=inner_path(path).stem,
        error=reason,
        size_bytes=len(data),
    )


def _str_or_none(value: Any) -> str | None:
    """A record's field as text: a string as it is, a date or time (a Parquet Date or
    Datetime column) in ISO form, anything else as JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, date | time):  # datetime is a date
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=str)


JSON_KINDS = {
    dict: "an object",
    list: "an array",
    bool: "a boolean",
    int: "a number",
    float: "a number",
}


def _text_value(value: Any) -> tuple[str | None, str | None]:
    """A record's text field as text, or why it is not text. Scrapers that keep
    paragraphs store them as an array of strings: that is the text, a paragraph a
    line; bytes (a Parquet Binary column) are decoded as a file's bytes are.
    Anything else that is not a string (an object, numbers) would be loaded as JSON
    syntax, so it is refused."""
    if value is None or isinstance(value, str):
        return value, None
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return "\n\n".join(value), None
    if isinstance(value, bytes | bytearray):  # a Parquet Binary column: the page's bytes
        decoded = decode_bytes(bytes(value))
        return decoded.text, None if decoded.text is not None else f"holds bytes: {decoded.error}"
    kind = next((name for t, name in JSON_KINDS.items() if isinstance(value, t)), None)
    return None, f"holds {kind or 'a ' + type(value).__name__}, not text"


def _folded(name: str) -> str:
    """A key as FIELD_NAMES is matched against it: case, spaces, hyphens and
    underscores aside, so "Text", "Full Text", "full-text", "publishedAt" and
    "Published At" read as "text", "full_text" and "published_at" (Excel and
    database exports capitalise their headers, JavaScript APIs write camelCase)."""
    return re.sub(r"[\s_-]+", "", name).lower()


def _matching(names: tuple[str, ...], field: str) -> tuple[str, ...]:
    """The keys among `names` that may hold `field`, in FIELD_NAMES order; for
    each name there, the key spelt exactly so first, then any spelt otherwise."""
    found: list[str] = []
    for alias in FIELD_NAMES[field]:
        if alias in names and alias not in found:
            found.append(alias)
        folded = _folded(alias)
        found += [n for n in names if n not in found and _folded(n) == folded]
    return tuple(found)


def field_name(names: Iterable[str], field: str) -> str | None:
    """Which of `names` (a record's keys, a file's columns) holds `field`, if any.
    Cached by key set: every line of a JSON Lines file asks it."""
    return _fields_of(tuple(names))[field]


def no_text_field(names: Iterable[str], what: str = "field") -> str:
    """The error for a record or file without a text field, naming what it has."""
    others = ", ".join(FIELD_NAMES["text"][1:])
    return f"no 'text' {what} (nor {others}; {what}s: {sorted(names)})"


@lru_cache(maxsize=256)
def _candidates_of(names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Per field, the keys among `names` that may hold it, in FIELD_NAMES order: the
    records of a file share their keys, so this is worked out once, not per record."""
    return {field: _matching(names, field) for field in FIELD_NAMES}


@lru_cache(maxsize=256)
def _fields_of(names: tuple[str, ...]) -> dict[str, str | None]:
    """Which key holds each field, for records with these keys: the first candidate."""
    return {field: keys[0] if keys else None for field, keys in _candidates_of(names).items()}


def _keys_with_values(row: dict[str, Any]) -> dict[str, str | None]:
    """Which key holds each field of this row: the first name present that has a
    value (not null, not empty), else the first name present. A table with both
    `date` and `published_at` columns gives each row the one it filled."""
    names = tuple(row)
    keys = _fields_of(names)
    for field, key in keys.items():
        if key is not None and row[key] in (None, ""):  # rare: look further
            filled = (n for n in _candidates_of(names)[field] if row[n] not in (None, ""))
            keys = {**keys, field: next(filled, key)}
    return keys


def _record_from_mapping(
    path: Path, fmt: str, encoding: str, index: int, row: dict[str, Any], data: bytes
) -> RawRecord:
    """Build a record from a dict row of a record format (jsonl/csv/parquet)."""
    keys = _keys_with_values(row)

    def value(field: str) -> str | None:
        key = keys[field]
        return None if key is None else _str_or_none(row[key])

    text_key = keys["text"]
    text, not_text = _text_value(row[text_key]) if text_key is not None else (None, None)
    extra = {k: v for k, v in row.items() if k not in keys.values()}
    rec = RawRecord(
        source_uri=str(path),
        record_index=index,
        format=fmt,
        encoding=encoding,
        sha256=sha256_hex(data),
        raw_text=text,
        source_id=value("id") or f"{inner_path(path).stem}:{index}",
        url=value("url"),
        title=value("title"),
        date=value("date"),
        extra=json.dumps(extra, ensure_ascii=False, default=str) if extra else None,
        size_bytes=len(data),
    )
    if text_key is None:
        rec.error = f"record has {no_text_field(row)}"
    elif not_text is not None:
        rec.error = f"record's {text_key!r} field {not_text}"
    elif rec.raw_text is None:
        rec.error = f"record's {text_key!r} field is null"
    elif is_html_page(rec.raw_text) or is_html_fragment(rec.raw_text):
        _from_page(rec, text_key)
    return rec


def _from_page(rec: RawRecord, key: str) -> None:
    """A record whose text is a whole HTML page (a crawl's `html` field) or a piece
    of one (a CMS export's body): its text is the rendering, and the markup fills
    the fields the record lacks."""
    page = read_page(rec.raw_text or "")
    rec.raw_text = page.text
    rec.title = rec.title or page.title
    rec.url = rec.url or page.url
    rec.date = rec.date or page.date
    if page.error:
        rec.error = f"record's {key!r} field: {page.error}"


def file_record(path: Path, data: bytes, fmt: str, encoding: str, **fields: Any) -> RawRecord:
    """The one record of a file that is one article (a text file, a page)."""
    return RawRecord(
        source_uri=str(path),
        record_index=0,
        format=fmt,
        encoding=encoding,
        sha256=sha256_hex(data),
        source_id=inner_path(path).stem,
        size_bytes=len(data),
        **fields,
    )


def read_text(path: Path, data: bytes) -> Iterator[RawRecord]:
    """One article per file, like the seeds; a page saved under another name
    (`page.txt` holding `<!DOCTYPE html>…`) is read as the page it is, and a post
    that opens with front matter (`---` YAML, `+++` TOML) gives its fields."""
    decoded = decode_bytes(data)
    if decoded.text is not None and is_html_page(decoded.text):
        # Decoded again only when the encoding was guessed: the page's declared
        # charset then stands in for the guess.
        yield page_record(path, data, None if decoded.guessed else decoded)
        return
    front, body = split_front_matter(decoded.text or "")
    if front is not None:  # a static site's post: its fields, as a record's
        row = {"id": inner_path(path).stem, **front, "text": body}
        yield _record_from_mapping(path, "text", decoded.encoding, 0, row, data)
        return
    yield file_record(
        path, data, "text", decoded.encoding, raw_text=decoded.text, error=decoded.error
    )


def read_html(path: Path, data: bytes) -> Iterator[RawRecord]:
    """One article per page: its rendered text, with the date, headline and URL its
    markup gives (`flows/ingest/html.py`). The page's declared charset stands in
    for the guess, the last step of decoding."""
    yield page_record(path, data)


def page_record(path: Path, data: bytes, decoded: Decoded | None = None) -> RawRecord:
    """The record of an HTML page, from its bytes decoded (`decoded`, else here)."""
    if decoded is None:
        decoded = decode_bytes(data, declared_charset(data))
    if decoded.text is None:
        return file_record(path, data, "html", decoded.encoding, raw_text=None, error=decoded.error)
    page = read_page(decoded.text)
    return file_record(
        path,
        data,
        "html",
        decoded.encoding,
        raw_text=page.text,
        url=page.url,
        title=page.title,
        date=page.date,
        extra=page.extra(),
        error=decoded.error or page.error,
    )


def read_feed(path: Path, data: bytes) -> Iterator[RawRecord]:
    """One article per entry of an RSS or Atom feed (`flows/ingest/feeds.py`). An
    .xml file that holds no feed is read as text when it is a page (XHTML) or no
    XML at all; another XML document (a sitemap, an export) is one error record
    that names its root element: loaded as text, its tags were an article."""
    if inner_path(path).suffix.lower() == ".xml" and not is_feed(data):
        root = xml_root(data)
        if root is None or root.lower() == "html":
            yield from read_text(path, data)
        else:
            yield error_record(path, "feed", not_a_feed(root), data)
        return
    feed = read_feed_bytes(data)
    if feed.error:
        yield error_record(path, "feed", feed.error, data)
        return
    seen: set[str] = set()
    for index, entry in enumerate(feed.entries):
        payload = entry.payload()
        # An entry is placed by its guid (else its link), so that a re-fetch that
        # moves it down a place finds it unchanged; a guid the feed repeats places
        # the later entries by their index, as other records are.
        guid = entry.id or entry.url
        place = f"entry {guid}" if guid and guid not in seen else None
        if guid:
            seen.add(guid)
        yield RawRecord(
            source_uri=str(path),
            record_index=index,
            format="feed",
            encoding=feed.encoding,
            sha256=sha256_hex(payload),
            raw_text=entry.text,
            source_id=guid or f"{inner_path(path).stem}:{index}",
            url=entry.url,
            title=entry.title,
            date=entry.date,
            extra=json.dumps(entry.extra, ensure_ascii=False) if entry.extra else None,
            error=entry.error,
            size_bytes=len(payload),
            place=place,
        )


def _too_large(where: str, size: int, max_bytes: int) -> str:
    return (
        f"{where}: record too large ({size / 1e6:.1f} MB > max_document_bytes "
        f"{max_bytes / 1e6:.1f} MB; raise the setting to load it)"
    )


def _jsonl_records(
    path: Path, text: str, encoding: str, first_line: int, max_bytes: int | None
) -> Iterator[RawRecord]:
    """Records of JSONL text (as decoded: a final line break, CRLF line ends) whose
    first line is line `first_line` of the file.

    A record's index is its line number (0-based, blank lines counted), so a file
    read whole or in pieces gives the same ids, and error messages name real lines.
    """
    text = (text[:-1] if text.endswith("\n") else text).replace("\r\n", "\n")
    for number, line in enumerate(text.split("\n"), start=first_line):
        if not line.strip():
            continue
        line_bytes = line.encode("utf-8", errors="surrogatepass")
        problem = None
        row: Any = None
        if max_bytes is not None and len(line_bytes) > max_bytes:
            problem = _too_large(f"line {number + 1}", len(line_bytes), max_bytes)
        else:
            try:
                row = json_values.loads(line)
            except json.JSONDecodeError as exc:
                problem = f"line {number + 1}: invalid JSON ({exc.msg})"
            else:
                if not isinstance(row, dict):
                    kind = type(row).__name__
                    problem = f"line {number + 1}: expected a JSON object, got {kind}"
        if problem is not None:
            rec = error_record(path, "jsonl", problem, line_bytes, number)
            rec.raw_text, rec.encoding = line if len(line_bytes) < (1 << 20) else None, encoding
            yield rec
        else:
            yield from _records_of_mapping(
                path, "jsonl", encoding, number, row, line_bytes, f"line {number + 1}"
            )


def read_jsonl(
    path: Path,
    data: bytes,
    first_line: int = 0,
    max_bytes: int | None = None,
    encoding: str | None = None,
) -> Iterator[RawRecord]:
    """One article per line; a malformed line becomes an error record, not a crash.
    `encoding`: the file's legacy code page, for a piece of it (`piece_hint`)."""
    decoded = decode_bytes(data, encoding)
    if decoded.text is None:
        yield error_record(path, "jsonl", decoded.error or "undecodable", data, first_line)
        return
    yield from _jsonl_records(path, decoded.text, decoded.encoding, first_line, max_bytes)


def read_json(path: Path, data: bytes) -> Iterator[RawRecord]:
    """A JSON document: an array of records (one article each, numbered by their
    place in it), an object that is one record, or an object holding its records in
    a list (`{"articles": [...]}`: the first of its keys whose value is a list of
    objects). JSON Lines saved as `.json` is read as JSON Lines. Anything else is
    one error record that says what the document holds."""
    decoded = decode_bytes(data)
    if decoded.text is None:
        yield error_record(path, "json", decoded.error or "undecodable", data)
        return
    text = decoded.text
    try:
        document = json_values.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text[exc.pos - 1 : exc.pos] == "\n":
            # A whole value, then more after a line break: JSON Lines.
            yield from _jsonl_records(path, text, decoded.encoding, 0, None)
            return
        reason = f"invalid JSON ({exc.msg}, line {exc.lineno} column {exc.colno})"
        yield error_record(path, "json", reason, data)
        return
    items, where = _json_records(document)
    if items is None:
        yield error_record(path, "json", where, data)
        return
    for index, item in enumerate(items):
        yield from _json_item(path, index, item, decoded.encoding, where)


def _one_json_array(data: bytes) -> bool:
    """Whether `data` is one JSON array (not JSON Lines whose first line is one)."""
    try:
        return isinstance(json_values.loads(data), list)
    except ValueError:
        return False


def read_json_items(
    path: Path,
    start: int,
    end: int,
    first_item: int,
    max_bytes: int | None = None,
    raise_transient: bool = False,
    opener: Opener | None = None,
    encoding: str | None = None,
    where: str = "item",
) -> list[RawRecord]:
    """The records of items [first_item, …) of a JSON array (or of the list of
    records an object holds), at bytes [start, end) of the file (cut by the planner
    between them, `json_arrays`), numbered by their place in the list, as when the
    file is read whole; the size limit holds per item, and an item that is not a
    JSON object is an error record of its own. `encoding`: the file's legacy code
    page (`piece_hint`); None: UTF-8. `where`: what an error calls an item ("item",
    "'articles' record")."""
    try:
        (data,) = _read_spans(path, [(start, end)], opener)
    except DAMAGED as exc:
        return [_span_error(path, "json", exc, raise_transient, first_item, where, opener)]
    codec = encoding or "utf-8"
    try:  # valid JSON in its encoding, as almost every piece is: one parse for all
        parsed = json_values.loads("[" + data.decode(codec) + "]")
    except ValueError:  # the items one by one, so that only a bad one is an error
        pass
    else:
        limit = max_bytes is not None and len(data) > max_bytes  # then sized one by one
        if not limit:
            return [
                rec
                for index, item in enumerate(parsed, start=first_item)
                for rec in _json_item(path, index, item, codec, where)
            ]
    try:
        items = split_items(data)
    except NotAnArray as exc:  # the file changed since it was planned
        reason = f"{where}s {first_item + 1}-: not the JSON list planned ({exc}); run again"
        return [error_record(path, "json", reason, index=first_item)]
    # How the piece reads as a whole (UTF-8 with a stray cp1252 byte, say): an item
    # alone is too short to tell, and a guess on it read a good "é" as "Ă©".
    read_as = decode_bytes(data, encoding).encoding
    records = []
    for index, raw in enumerate(items, start=first_item):
        if max_bytes is not None and len(raw) > max_bytes:
            reason = _too_large(f"{where} {index + 1}", len(raw), max_bytes)
            records.append(error_record(path, "json", reason, raw, index))
            continue
        try:
            text, used = decode_as(raw, read_as), read_as
        except (UnicodeDecodeError, LookupError):  # read as a file is
            decoded = decode_bytes(raw, encoding)
            text, used = decoded.text or "", decoded.encoding
        try:
            item = json_values.loads(text)
        except json.JSONDecodeError as exc:
            reason = f"{where} {index + 1}: invalid JSON ({exc.msg})"
            records.append(error_record(path, "json", reason, raw, index))
            continue
        records.extend(_json_item(path, index, item, used, where))
    return records


def _json_item(
    path: Path, index: int, item: Any, encoding: str, where: str = "item"
) -> list[RawRecord]:
    """The record(s) of a JSON document's record `index`; `where` names one in an
    error ("item" of an array, "'articles' record" of an object's list)."""
    payload = _json_bytes(item)
    if not isinstance(item, dict):
        problem = f"{where} {index + 1}: expected a JSON object, got {type(item).__name__}"
        return [error_record(path, "json", problem, payload, index)]
    return list(
        _records_of_mapping(path, "json", encoding, index, item, payload, f"{where} {index + 1}")
    )


def _json_bytes(value: Any) -> bytes:
    """A parsed JSON value as bytes again: what a record that was part of a larger
    document is hashed and sized by."""
    return json.dumps(value, ensure_ascii=False).encode("utf-8", errors="surrogatepass")


def _records_of_mapping(
    path: Path, fmt: str, encoding: str, index: int, row: dict[str, Any], data: bytes, at: str
) -> Iterator[RawRecord]:
    """The record a JSON object (a line, an item) is, or, when it has no text of its
    own and holds a list of records (an API's answer saved whole, `{"status": "ok",
    "articles": [...]}`), one record per object of that list, taken as `_json_records`
    takes a document's: numbered `index` like the object, told apart by their
    `record_path` (`articles[0]`, …). `at` names the object in errors ("line 5")."""
    found = _record_list(row) if field_name(row, "text") is None else None
    if found is None:
        yield _record_from_mapping(path, fmt, encoding, index, row, data)
        return
    key, listed = found
    unnamed = f"{inner_path(path).stem}:{index}"  # the source_id of a record without one
    for number, item in enumerate(listed):
        rec = _record_from_mapping(path, fmt, encoding, index, item, _json_bytes(item))
        rec.record_path = f"{key}[{number}]"
        if rec.source_id == unnamed:
            rec.source_id = f"{unnamed}:{number}"
        if rec.error is not None:
            rec.error = f"{at}, {key!r} record {number + 1}: {rec.error}"
        yield rec


def _json_records(document: Any) -> tuple[list[Any] | None, str]:
    """The records of a JSON document and what to call one in an error ("item",
    or the key that holds them), or None and the reason the document holds none."""
    if isinstance(document, list):
        return document, "item"
    if not isinstance(document, dict):
        kind = type(document).__name__
        return None, f"expected a JSON array or object of records, got {kind}"
    if field_name(document, "text") is not None:
        return [document], "record"
    found = _record_list(document)
    if found is not None:
        return found[1], f"{found[0]!r} record"
    return None, f"JSON object with {no_text_field(document)} and no list of records"


def _record_list(document: dict[str, Any]) -> tuple[str, list[Any]] | None:
    """The first of an object's keys whose value is a non-empty list of objects
    (`articles`, `results`, `hits`), and that list."""
    for key, value in document.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            return key, value
    return None


def header_delimiter(text: str) -> str:
    """The delimiter of CSV text, judged on its first line (`csv_delimiter`)."""
    end = text.find("\n")  # not split(): that would copy the whole text
    return csv_delimiter(text if end < 0 else text[:end])


def csv_delimiter(header: str) -> str:
    """The delimiter a header row uses: the one of CSV_DELIMITERS it holds most of
    (a comma when it holds none, as a one-column file does)."""
    counts = {d: header.count(d) for d in CSV_DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


# Python's csv module refuses a field above 128 KB, and a long article is more:
# the size limit that counts is max_document_bytes, checked per row. The setting is
# the process's; every CSV reader and scanner (units.py) imports this module.
CSV_FIELD_LIMIT = (1 << 31) - 1
csv.field_size_limit(CSV_FIELD_LIMIT)


def _csv_records(
    path: Path,
    text: str,
    encoding: str,
    first_row: int = 0,
    max_bytes: int | None = None,
) -> Iterator[RawRecord]:
    """Records of CSV text whose first row names the fields and shows the delimiter;
    the first record after it is data row `first_row` of the file. A row the csv
    module cannot parse, or larger than `max_bytes`, is an error record of its own,
    and the rows after it are read on."""
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=header_delimiter(text))
    index = first_row
    while True:
        line = reader.line_num
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield error_record(path, "csv", f"row {index + 1}: broken CSV ({exc})", index=index)
            index += 1
            if reader.line_num == line:  # nothing consumed: it would fail again
                return
            continue
        clean = {k: v for k, v in row.items() if k is not None}
        if None in row:  # more cells than header names: keep them, flag it
            clean["_extra_cells"] = row[None]
        payload = json.dumps(row, ensure_ascii=False, default=str).encode()
        if max_bytes is not None and len(payload) > max_bytes:
            reason = _too_large(f"row {index + 1}", len(payload), max_bytes)
            rec = error_record(path, "csv", reason, payload, index)
        else:
            rec = _record_from_mapping(path, "csv", encoding, index, clean, payload)
            if reader.fieldnames and _fields_of(tuple(reader.fieldnames))["text"] is None:
                rec.error = f"CSV has {no_text_field(reader.fieldnames, 'column')}"
        yield rec
        index += 1


def read_csv(path: Path, data: bytes) -> Iterator[RawRecord]:
    """One article per row; a header row names the fields and shows the delimiter."""
    decoded = decode_bytes(data)
    if decoded.text is None:
        yield error_record(path, "csv", decoded.error or "undecodable", data)
        return
    yield from _csv_records(path, decoded.text, decoded.encoding)


def _csv_rows_before(path: Path, data: bytes) -> list[RawRecord]:
    """The records of CSV bytes that end where damage cut the file, after a line
    break: the csv module returns a row whose quoted field that break falls inside
    as if whole, so such a row is left out."""
    decoded = decode_bytes(data)
    if decoded.text is None or decoded.text.count("\n") < 2:  # no row after the header
        return []
    records = list(_csv_records(path, decoded.text, decoded.encoding))
    if records and _ends_inside_a_field(decoded.text):
        records.pop()
    return records


def _ends_inside_a_field(text: str) -> bool:
    """Whether CSV text ends inside a quoted field: a line added after it is then
    read into that field rather than as a row of its own (the csv module's own
    reading, stray quotes and all)."""
    mark = "\x1fnewsclean: end of the text\x1f"
    marked = io.StringIO(f"{text}\n{mark}\n", newline="")
    rows = csv.reader(marked, delimiter=header_delimiter(text))
    try:
        last = deque(rows, maxlen=1)  # the last row, read through the whole text
    except csv.Error:
        return True
    return list(last) != [[mark]]


def read_csv_range(
    path: Path,
    start: int,
    end: int,
    first_row: int,
    header_end: int,
    max_bytes: int | None = None,
    raise_transient: bool = False,
    encoding: str | None = None,
    opener: Opener | None = None,
) -> list[RawRecord]:
    """The CSV records in bytes [start, end) of `path` (cut at record boundaries by
    the unit planner), numbered from data row `first_row`; the header row, bytes
    [0, header_end), is read again and decoded with them (its byte-order mark, if
    any, and one detection of the encoding for both); `encoding`: the file's legacy
    code page (`piece_hint`). A compressed file is read in its decompressed stream;
    `opener` as for `read_range`.
    """
    try:
        head, data = _read_spans(path, [(0, header_end), (start, end)], opener)
    except DAMAGED as exc:
        return [_span_error(path, "csv", exc, raise_transient, first_row, "row", opener)]
    decoded = decode_bytes(head + data, encoding)
    if decoded.text is None:
        reason = decoded.error or "undecodable"
        return [error_record(path, "csv", reason, data, first_row)]
    return list(_csv_records(path, decoded.text, decoded.encoding, first_row, max_bytes))


def _parquet_records(
    path: Path, frame: pl.DataFrame, first_row: int, max_bytes: int | None = None
) -> Iterator[RawRecord]:
    """Records of Parquet rows whose first is row `first_row` of the file; a row
    larger than `max_bytes` (as JSON) is an error record of its own."""
    for index, row in enumerate(frame.iter_rows(named=True), start=first_row):
        payload = json.dumps(row, ensure_ascii=False, default=str).encode()
        if max_bytes is not None and len(payload) > max_bytes:
            reason = _too_large(f"row {index + 1}", len(payload), max_bytes)
            yield error_record(path, "parquet", reason, payload, index)
        else:
            yield _record_from_mapping(path, "parquet", "parquet", index, row, payload)


def read_parquet(path: Path, data: bytes, max_bytes: int | None = None) -> Iterator[RawRecord]:
    """One article per row; a file without a `text` column is one error record; a
    row above `max_bytes` is an error record of its own."""
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except (Exception, PanicException) as exc:  # polars raises several error types for
        # bad files, and panics on some damaged metadata ("Thrift out of range")
        yield error_record(path, "parquet", f"unreadable Parquet: {exc}", data)
        return
    if field_name(frame.columns, "text") is None:
        yield error_record(
            path, "parquet", f"Parquet has {no_text_field(frame.columns, 'column')}", data
        )
        return
    yield from _parquet_records(path, frame, 0, max_bytes)


def read_rows(
    path: Path,
    first_row: int,
    count: int,
    max_bytes: int | None = None,
    raise_transient: bool = False,
    opener: Opener | None = None,
    where: tuple[Path, str] | None = None,
) -> list[RawRecord]:
    """The records of rows [first_row, first_row + count) of a Parquet file (cut by
    the unit planner from its footer), numbered as in the whole file; the size
    limit holds per row, as for a JSONL line. `opener`: the file is a stream (an
    archive's member, or compressed: `open_kept`), named by `where` for the
    footers kept (`parquet_streams`)."""
    try:
        if opener is None:
            frame = pl.scan_parquet(path).slice(first_row, count).collect()
        else:
            frame = stream_rows(opener, first_row, count, where)
    except (Exception, PanicException) as exc:  # polars and pyarrow raise several error
        # types for bad files, and polars panics on some damaged metadata
        if isinstance(exc, OSError) and (opener is None or is_io_error(exc)):
            return [unreadable(path, "parquet", exc, raise_transient, first_row)]
        # Damage in the archive's stream; pyarrow's own errors (bad pages) are plain
        # OSErrors or ArrowExceptions, about the Parquet file.
        if opener is not None and isinstance(exc, DAMAGED) and type(exc) is not OSError:
            where = f"row {first_row}" if first_row else ""
            reason = damage_reason(path, exc, where, member=True)
        else:
            reason = f"unreadable Parquet (rows {first_row + 1}-{first_row + count}): {exc}"
        return [error_record(path, "parquet", reason, index=first_row)]
    return list(_parquet_records(path, frame, first_row, max_bytes))


READERS = {
    "text": read_text,
    "html": read_html,
    "feed": read_feed,
    "jsonl": read_jsonl,
    "json": read_json,
    "csv": read_csv,
    "parquet": read_parquet,
}


@dataclass(frozen=True)
class FileState:
    """What the manifest remembers of an input file (stat taken before reading)."""

    path: str
    size_bytes: int
    mtime_ns: int
    sha256: str
    records: int


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


# Errors that a second attempt may not meet (a flaky network mount, a busy file).
TRANSIENT_ERRNOS = frozenset(
    {errno.EIO, errno.EAGAIN, errno.EBUSY, errno.ETIMEDOUT, errno.ESTALE, errno.EINTR}
)


def unreadable(
    path: Path, fmt: str, exc: OSError, raise_transient: bool, index: int = 0
) -> RawRecord:
    """The error record of input the file system would not read; with
    `raise_transient`, a transient error (TRANSIENT_ERRNOS) is raised instead, so
    that the ingest task is retried with backoff."""
    if raise_transient and exc.errno in TRANSIENT_ERRNOS:
        raise exc
    return error_record(path, fmt, f"cannot read file: {exc.strerror or exc}", index=index)


def read_input(
    path: Path, max_bytes: int | None = None, raise_transient: bool = False
) -> tuple[list[RawRecord], FileState | None]:
    """Read one input file into records, plus its manifest state.

    I/O problems and content problems become error records (quarantined, never a
    crash); with `raise_transient`, a transient I/O error is raised instead, so the
    caller can retry. The state is None after an I/O error, so the file is tried again next
    run (fixing a permission does not change its mtime). A file above `max_bytes`
    is not loaded into memory: it becomes one error record saying how to raise the
    limit.
    """
    fmt = format_of(path)
    try:
        stat = path.stat()
        if S_ISDIR(stat.st_mode):  # a folder discover could not list
            try:
                os.listdir(path)
            except OSError as exc:
                reason = f"cannot list folder: {exc.strerror or exc}"
            else:  # listed now (no state: the next run reads its files)
                reason = "folder could not be listed when the run started"
            return [error_record(path, fmt, reason)], None
        if not S_ISREG(stat.st_mode):  # reading a FIFO would block the run forever
            return [error_record(path, fmt, "not a regular file (a pipe, socket or device)")], None
        if fmt == "archive":  # ZIP or tar: each file inside read as a file
            records = read_archive(path, None, max_bytes, raise_transient)
            state = FileState(
                str(path), stat.st_size, stat.st_mtime_ns, sha256_file(path), len(records)
            )
            return records, state
        if fmt == "warc":  # streamed record by record, compressed or not
            from flows.ingest import warc  # it builds its records with this module's

            records = warc.read_whole(path, max_bytes)
            state = FileState(
                str(path), stat.st_size, stat.st_mtime_ns, sha256_file(path), len(records)
            )
            return records, state
        if compression_of(path):
            return _read_compressed(path, fmt, stat.st_size, stat.st_mtime_ns, max_bytes)
        if max_bytes is not None and stat.st_size > max_bytes and fmt != "jsonl":
            sha = sha256_file(path)
            records_hint = (
                ", or save its records as JSON Lines, which are read one by one: "
                "jq -c '.[]' FILE.json > FILE.jsonl, or '.KEY[]' for an object holding "
                "them under KEY; a run reads a JSON array, or an object's list of "
                "records, item by item, unless the file is damaged or cut short, or in "
                "a code page of several bytes a character"
                if fmt == "json"
                else ""
            )
            reason = (
                f"document too large: {stat.st_size / 1e6:.1f} MB > max_document_bytes "
                f"{max_bytes / 1e6:.1f} MB (raise the setting to load it{records_hint})"
            )
            record = error_record(path, fmt, reason)
            record.sha256, record.size_bytes = sha, stat.st_size
            return [record], FileState(str(path), stat.st_size, stat.st_mtime_ns, sha, 1)
        data = path.read_bytes()
    except OSError as exc:
        return [unreadable(path, fmt, exc, raise_transient)], None
    records = records_of(path, fmt, data, max_bytes)
    state = FileState(str(path), stat.st_size, stat.st_mtime_ns, sha256_hex(data), len(records))
    return records, state


def records_of(path: Path, fmt: str, data: bytes, max_bytes: int | None) -> list[RawRecord]:
    """The records of a file's bytes (decompressed), by the reader of its format."""
    if fmt == "jsonl" and opens_array(data) and _one_json_array(data):
        return list(read_json(path, data))  # a JSON array saved as .jsonl
    if fmt == "jsonl":  # many records: the size limit holds per record
        return list(read_jsonl(path, data, max_bytes=max_bytes))
    if fmt == "parquet":  # whole: read without the planner, or one it could not cut
        return list(read_parquet(path, data, max_bytes))
    return list(READERS[fmt](path, data))


def read_archive(
    archive: Path,
    wanted: tuple[Member, ...] | None = None,
    max_bytes: int | None = None,
    raise_transient: bool = False,
) -> list[RawRecord]:
    """The records of the members of a ZIP or tar archive (all of them when `wanted`
    is None), each read as the same file on disk would be (`flows/ingest/archives.py`),
    its records' path the archive's joined with its name. A member that cannot be
    read, or is above `max_bytes` (except PER_RECORD_LIMIT formats), is one
    error record; an archive that cannot be opened or listed is one too."""
    fmt = format_of(archive)

    def limit(member: Member) -> int | None:
        per_record = format_of(member_path(archive, member.name)) in PER_RECORD_LIMIT
        return None if per_record or max_bytes is None else max_bytes + 1

    records: list[RawRecord] = []
    try:
        if wanted is None:
            wanted = tuple(members(archive))
        for member, data, damage in read_members(archive, wanted, limit):
            records += _member_records(archive, member, data, damage, max_bytes, raise_transient)
    except BROKEN as exc:
        if isinstance(exc, OSError) and is_io_error(exc):
            return [*records, unreadable(archive, fmt, exc, raise_transient)]
        kind = archive_kind(archive) or "an"
        reason = f"not a readable {kind} archive (damaged, cut short, or not one): {exc}"
        records.append(error_record(archive, fmt, reason))
    return records


def _member_records(
    archive: Path,
    member: Member,
    data: bytes,
    damage: BaseException | None,
    max_bytes: int | None,
    raise_transient: bool,
) -> list[RawRecord]:
    """The records of one member from its bytes and the damage that stopped their
    reading, if any (as for a compressed file: `records_before_damage`)."""
    path = member_path(archive, member.name)
    fmt = format_of(path)
    if member.problem is not None:
        return [error_record(path, fmt, member.problem)]
    if isinstance(damage, OSError) and is_io_error(damage):
        return [unreadable(path, fmt, damage, raise_transient)]
    if damage is not None:
        return records_before_damage(path, fmt, data, damage, max_bytes, member=True)
    if max_bytes is not None and len(data) > max_bytes and fmt not in PER_RECORD_LIMIT:
        reason = (
            f"document too large: more than max_document_bytes ({max_bytes:,} bytes); "
            "raise the setting to load it"
        )
        return [error_record(path, fmt, reason)]
    return records_of(path, fmt, data, max_bytes)


def records_before_damage(
    path: Path,
    fmt: str,
    data: bytes,
    damage: BaseException,
    max_bytes: int | None,
    member: bool = False,
) -> list[RawRecord]:
    """What a damaged stream (a compressed file, an archive's `member`) holds before
    the damage: the whole lines of JSON Lines and the whole rows of a CSV file
    (cut after their last line break: a row the break falls inside goes with the
    damage), then one error record that says where the damage is. Any other format
    is one document: the error record alone."""
    records: list[RawRecord] = []
    at, where = 0, ""
    good = data[: data.rfind(b"\n") + 1]
    if fmt == "jsonl" and good:
        records = list(read_jsonl(path, good, max_bytes=max_bytes))
        at = good.count(b"\n")
        where = f"line {at}"
    elif fmt == "csv":
        records = _csv_rows_before(path, good)
        at = len(records)
        where = f"row {at}" if at else ""
    reason = damage_reason(path, damage, where, member)
    return [*records, error_record(path, fmt, reason, index=at)]


def _read_compressed(
    path: Path, fmt: str, size: int, mtime_ns: int, max_bytes: int | None
) -> tuple[list[RawRecord], FileState | None]:
    """A compressed file read whole (`read_input`): its decompressed bytes go to the
    reader of the file inside. A JSONL shard normally comes in byte ranges instead
    (`read_range`); read whole, a damaged stream loads the lines before the damage
    and quarantines the rest, and so does a CSV file's (damage within the first MiB,
    which the planner reads before it cuts the file). Other formats are one document
    or one table: more than `max_bytes` once decompressed, or damage, is one error
    record."""
    sha = sha256_file(path)  # of the file as it is on disk: the manifest's key
    limit = None if fmt == "jsonl" or max_bytes is None else max_bytes + 1
    data, damage = read_decompressed(path, limit)
    state = FileState(str(path), size, mtime_ns, sha, 1)
    too_large = bool(limit and len(data) >= limit)
    if fmt in ("csv", "jsonl") and damage is not None and not too_large:
        records = records_before_damage(path, fmt, data, damage, max_bytes)
        return records, FileState(str(path), size, mtime_ns, sha, len(records))
    if fmt != "jsonl" and (damage is not None or too_large):
        reason = (
            damage_reason(path, damage)
            if damage is not None
            else f"document too large once decompressed: more than {(limit or 1) - 1:,} "
            "bytes (max_document_bytes; raise the setting to load it)"
        )
        record = error_record(path, fmt, reason)
        record.sha256, record.size_bytes = sha, size
        return [record], state
    records = records_of(path, fmt, data, max_bytes)
    return records, FileState(str(path), size, mtime_ns, sha, len(records))


def read_file(path: Path, max_bytes: int | None = None) -> list[RawRecord]:
    """Read one input file into records (see read_input)."""
    return read_input(path, max_bytes)[0]


def read_range(
    path: Path,
    start: int,
    end: int,
    first_line: int,
    max_bytes: int | None = None,
    raise_transient: bool = False,
    encoding: str | None = None,
    opener: Opener | None = None,
) -> list[RawRecord]:
    """The JSONL records in bytes [start, end) of `path` (cut at line boundaries by
    the unit planner), numbered from line `first_line`; `encoding` as in read_jsonl;
    `opener`: where the bytes are (an archive's member), when not in `path`."""
    try:
        (data,) = _read_spans(path, [(start, end)], opener)
    except DAMAGED as exc:
        return [_span_error(path, "jsonl", exc, raise_transient, first_line, "line", opener)]
    return list(read_jsonl(path, data, first_line, max_bytes, encoding))


def open_stream(path: Path, opener: Opener | None = None) -> IO[bytes]:
    """The bytes of an input: `opener()` when given (an archive's member), else the
    file's, decompressed when it is compressed."""
    if opener is not None:
        return opener()
    return open_decompressed(path) if compression_of(path) else path.open("rb")


def open_kept(path: Path, size: int | None = None) -> IO[bytes]:
    """A compressed file's decompressed stream, from the thread's kept stream
    (`kept_streams`); `size`: the stream's length, when the planner measured it."""
    return StreamView(kept_stream(path, open_decompressed), 0, size, owns=False)


def _read_spans(
    path: Path, spans: list[tuple[int, int]], opener: Opener | None = None
) -> list[bytes]:
    """Bytes [start, end) of `path` (`open_stream`) for each span, in order; of its
    decompressed stream when it is compressed (which cannot be entered in the
    middle: a seek decompresses up to there, so the thread keeps the stream for its
    next range, `flows/ingest/kept_streams.py`). Raises what reading raises."""
    if opener is None and compression_of(path):  # kept for this thread's next range
        stream: IO[bytes] = open_kept(path)
    else:
        stream = open_stream(path, opener)
    with stream as fh:
        parts = []
        for start, end in spans:
            fh.seek(start)
            parts.append(fh.read(end - start))
    return parts


def _span_error(
    path: Path,
    fmt: str,
    exc: BaseException,
    raise_transient: bool,
    index: int,
    unit: str,
    opener: Opener | None = None,
) -> RawRecord:
    """The error record of a span that could not be read: damage in a compressed
    stream (a compressed file's or an archive member's), said to come after the
    `index` records (`unit`: "line", "row", "item") before the span, or the file
    system's error (`unreadable`)."""
    compressed = opener is not None or compression_of(path) is not None
    if compressed and not is_io_error(exc):
        where = f"{unit} {index}" if index else ""
        reason = damage_reason(path, exc, where, opener is not None)
        return error_record(path, fmt, reason, index=index)
    if not isinstance(exc, OSError):
        raise exc
    return unreadable(path, fmt, exc, raise_transient, index)
