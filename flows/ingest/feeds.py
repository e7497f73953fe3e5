"""RSS and Atom feeds (`.rss`, `.atom`, and `.xml` files that hold a feed): one
article per entry, read with feedparser.

A feed is how many outlets publish, and a full-text feed's entries carry the whole
article as HTML (`content:encoded`, Atom `content`), beside its headline, link,
guid and publication time. feedparser reads every RSS and Atom dialect, recovers
from malformed XML and strips scripts from the entries' HTML; the HTML is then
rendered to text as a page's is (`flows/ingest/html.py`). An entry's text is its
fullest content, else its summary (a feed of teasers yields teasers, which the
validation's minimum length may quarantine with that reason).

The publication time is passed on as the feed wrote it, with its UTC offset, so
that the dates step reads the publisher's own day ("Tue, 05 Mar 2024 23:30:00
-0500" is 5 March, not the 6th in UTC); Atom's `updated` stands in when an entry
has no `published`, and `extra` says so.
"""

from __future__ import annotations

import email.utils
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import feedparser

from flows.ingest.failures import what_failed
from flows.ingest.html import read_page

FEED_SUFFIXES = {".rss", ".atom"}
# An .xml file is read as a feed when its root element is one.
FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]")
SNIFF_BYTES = 4096
TAG = re.compile(r"<[A-Za-z/!]")
# The first element of an XML document, after its declaration, comments,
# processing instructions and doctype (ASCII-compatible encodings; UTF-16 XML is
# read as text).
XML_ROOT = re.compile(
    rb"\A(?:\xef\xbb\xbf)?(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<([A-Za-z_][\w:.-]*)",
    re.S,
)
# Numeric character references, and two in a row that may be a UTF-16 surrogate
# pair (high D800-DBFF, then low DC00-DFFF; loosely in decimal: `_pair` checks).
CHAR_REF = re.compile(rb"&#(?:[xX][0-9a-fA-F]+|[0-9]+);")
_HIGH = rb"&#(?:[xX]0*[dD][89abAB][0-9a-fA-F]{2}|0*5[56][0-9]{3});"
_LOW = rb"&#(?:[xX]0*[dD][c-fC-F][0-9a-fA-F]{2}|0*5[67][0-9]{3});"
SURROGATE_PAIR = re.compile(b"(" + _HIGH + b")(" + _LOW + b")")
# Roots of XML that people keep beside news and that hold no article text.
KNOWN_XML = {
    "urlset": "a sitemap: it lists pages, it holds none of their text",
    "sitemapindex": "a sitemap index: it lists sitemaps",
    "opml": "an OPML list of feeds: read the feeds themselves",
}


@dataclass(frozen=True)
class Entry:
    """One feed entry as a record's fields; `error` when it has no text."""

    text: str | None
    title: str | None
    url: str | None
    date: str | None
    id: str | None
    extra: dict[str, Any]
    error: str | None = None

    def payload(self) -> bytes:
        """The entry's own bytes for its content hash: a feed re-fetched with the
        same entry gives it the same hash wherever it sits in the file."""
        fields = [self.id, self.url, self.title, self.date, self.text]
        return json.dumps(fields, ensure_ascii=False).encode()


def is_feed(data: bytes) -> bool:
    """Whether an .xml file's root element is an RSS or Atom feed."""
    return FEED_ROOT.search(data[:SNIFF_BYTES]) is not None


def xml_root(data: bytes) -> str | None:
    """The root element's name when `data` starts as an XML document, else None."""
    found = XML_ROOT.match(data[:SNIFF_BYTES])
    return found.group(1).decode("ascii") if found else None


def not_a_feed(root: str) -> str:
    """Why an XML document with this root element is no input newsclean reads."""
    what = KNOWN_XML.get(root.rpartition(":")[2].lower())
    return (
        f"XML document with root <{root}>"
        + (f", {what}" if what else "")
        + "; not an RSS or Atom feed, which is the XML newsclean reads"
    )


@dataclass(frozen=True)
class Feed:
    """A feed's entries and the encoding feedparser read it in; `error` says why
    there are none when the bytes are no feed."""

    entries: list[Entry]
    encoding: str
    error: str | None = None


def _code(ref: bytes) -> int:
    """The code point a numeric character reference (`&#8217;`, `&#x2019;`) names."""
    number = ref[2:-1]
    hexadecimal = number[:1] in (b"x", b"X")
    digits = number[1:] if hexadecimal else number
    if len(digits.lstrip(b"0")) > 8:  # beyond any code point (and int()'s digit limit)
        return 0x110000
    return int(digits, 16) if hexadecimal else int(digits)


def _pair(refs: re.Match[bytes]) -> bytes:
    """Two references that are a UTF-16 surrogate pair → the one they encode."""
    high, low = _code(refs[1]), _code(refs[2])
    if 0xD800 <= high <= 0xDBFF and 0xDC00 <= low <= 0xDFFF:
        return b"&#x%X;" % (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    return refs[0]


def _valid_ref(ref: re.Match[bytes]) -> bytes:
    code = _code(ref[0])
    return ref[0] if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else b"&#xFFFD;"


def valid_char_refs(data: bytes) -> bytes:
    """The feed with every numeric character reference naming a character.

    feedparser raises on a reference to no character: a surrogate (encoders that
    write an emoji as UTF-16 give "&#55357;&#56832;") or a number beyond U+10FFFF.
    A surrogate pair becomes the character it encodes, anything else U+FFFD, as
    HTML5 reads them."""
    if b"&#" not in data:
        return data
    return CHAR_REF.sub(_valid_ref, SURROGATE_PAIR.sub(_pair, data))


def read_feed_bytes(data: bytes) -> Feed:
    """Parse a feed; never raises."""
    try:
        parsed = feedparser.parse(
            valid_char_refs(data), sanitize_html=True, resolve_relative_uris=False
        )
    except Exception as exc:  # feedparser meets some malformed bytes with what breaks first
        reason = f"not a readable RSS/Atom feed (feedparser failed: {what_failed(exc, 200)})"
        return Feed([], "unknown", reason)
    encoding = parsed.get("encoding") or "unknown"
    if not parsed.entries:
        if parsed.get("bozo"):
            reason = f"not a readable RSS/Atom feed ({parsed.get('bozo_exception')})"
            return Feed([], encoding, reason)
        if not parsed.get("version"):
            return Feed([], encoding, "not an RSS/Atom feed")
    feed_title = parsed.feed.get("title")
    return Feed([_entry(e, feed_title) for e in parsed.entries], encoding)


def _entry(entry: Any, feed_title: str | None) -> Entry:
    extra: dict[str, Any] = {"feed": feed_title} if feed_title else {}
    if entry.get("author"):
        extra["author"] = entry["author"]
    date = _local_time(entry, "published")
    if date is None:
        date = _local_time(entry, "updated")
        if date is not None:
            extra["date_from"] = "updated"
    bodies = [c.get("value") or "" for c in entry.get("content") or []]
    body = max(bodies, key=len, default="") or entry.get("summary") or ""
    text = _as_text(body)
    return Entry(
        text=text or None,
        title=_as_text(entry.get("title") or "") or None,  # Atom's type="html" titles
        url=entry.get("link") or None,
        date=date,
        id=entry.get("id") or None,
        extra=extra,
        error=None if text else "feed entry without text (no content, no summary)",
    )


def _as_text(body: str) -> str:
    """An entry's HTML rendered as a page's is; plain text as it is."""
    if not TAG.search(body):
        return body.strip()
    return read_page(body).text.strip()


def _local_time(entry: Any, key: str) -> str | None:
    """The entry's time in ISO form with the feed's own UTC offset (the day the
    publisher saw); feedparser's UTC reading when the raw string is neither RFC 822
    nor ISO 8601; None when there is none."""
    raw = (entry.get(key) or "").strip()
    if not raw:
        return None
    try:
        return email.utils.parsedate_to_datetime(raw).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    parsed = entry.get(f"{key}_parsed")
    if parsed:
        return datetime(*parsed[:6]).isoformat() + "+00:00"
    return raw
