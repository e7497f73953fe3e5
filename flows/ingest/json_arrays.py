"""A JSON document that is one array of records, cut between its items without
parsing it whole.

Scrapers save their items as one JSON array (Scrapy's `-o items.json` writes
`[\\n{…},\\n{…}\\n]`), and a crawl's file runs to gigabytes. Read whole, it had to fit
in memory and under `max_document_bytes` (above it, it was quarantined with a `jq`
command to turn it into JSON Lines), and went into one batch. Its items are
separated by the commas of the array's own level: outside strings, at depth one.
`ArrayScan` finds them a block at a time with numpy: a quote is escaped when a
run of backslashes of odd length precedes it, a bracket, brace or comma is inside
a string when the unescaped quotes before it are odd in number, and the depth is
the running count of brackets and braces outside strings; only the positions of
these few bytes are handled, not every byte (3.8 → 0.9 s for a 241 MB array).
UTF-8 bytes above 0x7F never look like these characters, nor do those of a code
page of one byte a character; a file in UTF-16 or a multi-byte legacy code page
is not cut here (read whole: Shift_JIS, Big5 and GBK use "[", "]" and "\\" as
halves of characters).

An API's answer holds its records in a list inside an object (NewsAPI's
`{"status": "ok", "totalResults": …, "articles": […]}`); `ObjectScan` finds the
list the reader would take (the first key whose value is a non-empty list of
objects) and cuts it between its items the same way.
"""

from __future__ import annotations

import codecs
import itertools
from dataclasses import dataclass, field

import numpy as np

from flows.ingest import json_values

QUOTE, BACKSLASH, COMMA, COLON, NEWLINE = 0x22, 0x5C, 0x2C, 0x3A, 0x0A
OPENS = (0x5B, 0x7B)  # [ {
CLOSES = (0x5D, 0x7D)  # ] }
WHITESPACE = frozenset(b" \t\r\n")
SPACE = np.zeros(256, dtype=bool)  # JSON's whitespace, by byte
SPACE[list(WHITESPACE)] = True
STRUCTURE = np.zeros(256, dtype=bool)  # the bytes that make an array's structure
STRUCTURE[[*OPENS, *CLOSES, COMMA]] = True
KEYED = STRUCTURE.copy()  # … and an object's: the colon after each key
KEYED[COLON] = True
OPEN_STEP = np.zeros(256, dtype=np.int32)  # how each changes the depth
OPEN_STEP[list(OPENS)] = 1
OPEN_STEP[list(CLOSES)] = -1


class NotAnArray(ValueError):
    """The document is not one JSON array: an object, JSON Lines, or damaged."""


class MoreAfter(NotAnArray):
    """More than spaces after the document's first value, which ends at offset
    `value_end`. `line_break`: a line break is the last byte before the more, as in
    JSON Lines (which the reader then reads the document as, when the first value
    is valid JSON: `read_json`)."""

    def __init__(self, message: str, value_end: int, line_break: bool) -> None:
        super().__init__(message)
        self.value_end = value_end
        self.line_break = line_break


class _Structure:
    """What a scan knows between blocks: where the next block starts, the depth,
    and whether it ended inside a string or after an escaping backslash."""

    def __init__(self, depth: int = 0) -> None:
        self.offset = 0  # of the next block
        self.depth = depth
        self.in_string = False
        self.escape_next = False  # the last block ended with an unescaped backslash
        self.last_byte = 0  # of the last block
        self.closed_at = -1  # the offset of the document's closing byte, once seen
        self.started = depth > 0  # a non-space byte was seen

    def _opens_with(self, block: bytes, opening: int) -> None:
        """Raise NotAnArray unless the document's first non-space byte (after a
        UTF-8 byte-order mark) is `opening`; a block of spaces does not tell."""
        if self.started:
            return
        start = 3 if self.offset == 0 and block.startswith(codecs.BOM_UTF8) else 0
        first = next((i for i in range(start, len(block)) if block[i] not in WHITESPACE), None)
        if first is not None and block[first] != opening:
            raise NotAnArray(f"the document does not start with {chr(opening)!r}")
        self.started = first is not None

    def _nothing_after(self, b: np.ndarray, end: int, what: str) -> None:
        """Raise MoreAfter when the block holds more than spaces after offset `end`
        (the document's closing byte; -1 when an earlier block closed it)."""
        if end >= 0:
            self.closed_at = self.offset + end
        rest = np.flatnonzero(~SPACE[b[end + 1 :]])
        if rest.size:
            at = end + 1 + int(rest[0])
            before = int(b[at - 1]) if at else self.last_byte
            raise MoreAfter(f"more after the {what}", self.closed_at + 1, before == NEWLINE)

    def _marks(
        self, b: np.ndarray, table: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The block's structural bytes outside strings (those `table` marks): their
        offsets in the block, the bytes, how each changes the depth, and the depth
        after each. Raises NotAnArray when a close has nothing to close."""
        quotes = np.flatnonzero(b == QUOTE)
        quotes = quotes[~self._escaped(b)[quotes]]
        # Brackets, braces and commas outside strings: an even number of quotes
        # before them (odd when the last block ended inside a string).
        marks = np.flatnonzero(table[b])
        outside = (np.searchsorted(quotes, marks) & 1).astype(bool) == self.in_string
        self.in_string ^= bool(quotes.size & 1)
        marks = marks[outside]
        kinds = b[marks]
        step = OPEN_STEP[kinds]
        depth = self.depth + np.cumsum(step)
        if depth.size and depth.min() < 0:
            raise NotAnArray("a ']' or '}' closes more than was opened")
        if depth.size:
            self.depth = int(depth[-1])
        return marks, kinds, step, depth

    def _escaped(self, b: np.ndarray) -> np.ndarray:
        """Which bytes of the block a backslash escapes: the byte after each run of
        backslashes of odd length (counting the run's part in the last block)."""
        n = len(b)
        escaped = np.zeros(n + 1, dtype=bool)
        marks = np.flatnonzero(b == BACKSLASH)
        if marks.size:
            breaks = np.flatnonzero(np.diff(marks) != 1) + 1
            starts = marks[np.r_[0, breaks]]
            ends = marks[np.r_[breaks - 1, marks.size - 1]] + 1
            lengths = ends - starts
            if self.escape_next and starts[0] == 0:  # the run goes on from the last block
                lengths[0] += 1
            escaped[ends[lengths % 2 == 1]] = True
        if self.escape_next and (not marks.size or marks[0] != 0):
            escaped[0] = True
        self.escape_next = bool(escaped[n])
        return escaped[:n]


class ArrayScan(_Structure):
    """Feed a JSON document's bytes in order (`feed`); get the offsets of its array's
    own structure: the opening "[", each comma between two items, the closing "]".
    `depth` 1 scans the inside of an array (a piece of one, `split_items`)."""

    def __init__(self, depth: int = 0) -> None:
        super().__init__(depth)
        self.ended = False  # the array's "]" was seen
        self.items: bool | None = None  # whether the array holds any (None: not known yet)
        self.opened = False  # the array's "[" was seen

    def feed(self, block: bytes) -> list[int]:
        """The structural offsets in `block`; raises NotAnArray as soon as the
        document cannot be one array."""
        if not block:
            return []
        b = np.frombuffer(block, dtype=np.uint8)
        self._opens_with(block, OPENS[0])
        marks, kinds, step, depth = self._marks(b, STRUCTURE)
        before = depth - step
        top = ((kinds == COMMA) & (depth == 1)) | ((step == 1) & (before == 0))
        top |= (step == -1) & (depth == 0)
        found = marks[top]
        if self.items is None:
            self._look_for_items(b, marks[(step == 1) & (before == 0)], found)
        ends = marks[(step == -1) & (depth == 0)]
        if self.ended or ends.size:
            end = int(ends[0]) if not self.ended else -1
            if not self.ended and b[end] != CLOSES[0]:
                raise NotAnArray("the array is closed by '}'")
            self._nothing_after(b, end, "array")  # a second value, say
            self.ended = True
        offsets = (found + self.offset).tolist()
        self.offset += len(b)
        self.last_byte = int(b[-1])
        return offsets

    @property
    def has_items(self) -> bool:
        return bool(self.items)

    def _look_for_items(self, b: np.ndarray, opening: np.ndarray, found: np.ndarray) -> None:
        """Whether the array is empty ("[ ]"): only spaces between its "[" and the
        next separator, which is its "]"."""
        lo = 0
        if not self.opened:
            if not opening.size:
                return
            self.opened = True
            lo = int(opening[0]) + 1
        after = found[found >= lo]
        hi = int(after[0]) if after.size else len(b)
        if (~SPACE[b[lo:hi]]).any():
            self.items = True
        elif after.size:
            self.items = bool(b[hi] == COMMA)  # "[ ,": no JSON, its reader says so

    def finish(self) -> None:
        """Raises NotAnArray when the document ended inside the array (cut short)."""
        if not self.ended:
            raise NotAnArray("the array is not closed (the file is cut short or damaged)")


@dataclass
class Cuts:
    """Where to cut a list of items into pieces: after every `batch_size` items, or
    sooner after the item that brings a piece to `batch_bytes`. Fed the list's
    separators in order (its "[", the commas between items, its "]"); `spans` are
    the pieces so far, as (start, end, first item, items): bytes [start, end) hold
    the items, without the separators around them."""

    batch_size: int
    batch_bytes: int
    spans: list[tuple[int, int, int, int]] = field(default_factory=list)
    items: int = 0  # before the open piece
    _open: list[int] = field(default_factory=list, init=False)  # the open piece's separators

    def add(self, offset: int) -> None:
        self._open.append(offset)
        taken = len(self._open) - 1
        if taken >= self.batch_size or offset - self._open[0] >= self.batch_bytes:
            self._close()
            self._open = [offset]

    def finish(self) -> None:
        """Close the last piece (after the list's "]")."""
        if len(self._open) > 1:
            self._close()
        self._open = []

    def _close(self) -> None:
        taken = len(self._open) - 1
        self.spans.append((self._open[0] + 1, self._open[-1], self.items, taken))
        self.items += taken


@dataclass
class _List:
    """A list that is the value of one of the object's keys, being read: whether
    each of its items is an object (one "{" a level down per item) and its cuts."""

    key: str
    cuts: Cuts
    commas: int = 0
    objects: int = 0
    other: bool = False  # an item opened by "[": not a list of objects

    @property
    def of_objects(self) -> bool:
        """Non-empty, and every item an object (JSON's own grammar does the rest:
        a "[1, {…}]" has one comma and one object, "[ ]" none)."""
        return not self.other and self.objects >= 1 and self.objects == self.commas + 1


class ObjectScan(_Structure):
    """Feed a JSON document that is one object in order (`feed`); afterwards `keys`
    holds its keys in order, and `chosen`/`cuts` the first whose value is a
    non-empty list of objects (the records the reader takes, `_json_records`) and
    where to cut that list, as `Cuts` cuts an array. Raises NotAnArray when the
    document is not one object, or its keys cannot be read (the file is then read
    whole, and the reader says what it holds). `encoding`: the file's one-byte
    code page (`piece_hint`), for its keys; None: UTF-8."""

    MAX_KEY_BYTES = 1 << 16

    def __init__(self, batch_size: int, batch_bytes: int, encoding: str | None = None) -> None:
        super().__init__()
        self.batch_size, self.batch_bytes = batch_size, batch_bytes
        self.encoding = encoding or "utf-8"
        self.ended = False
        self.keys: list[str] = []
        self._seen: set[str] = set()  # the keys, to find one that is there twice
        self.chosen: str | None = None
        self.cuts: Cuts | None = None
        self._key_start: int | None = None  # in the block: where the open key begins
        self._key_head = bytearray()  # its bytes in earlier blocks
        self._value: _List | None = None  # the list being read, while it is a candidate
        self._after_colon = False  # the next depth-one event starts a key's value

    def feed(self, block: bytes) -> None:
        if not block:
            return
        b = np.frombuffer(block, dtype=np.uint8)
        self._opens_with(block, OPENS[1])
        if self.ended:
            self._nothing_after(b, -1, "object")
            self.offset += len(b)
            self.last_byte = int(b[-1])
            return
        marks, kinds, step, depth = self._marks(b, KEYED)
        level = np.minimum(depth - step, depth)  # an open's level is outside it
        outer = np.flatnonzero(level <= 1)
        done = 0  # the marks handled so far
        for i in outer.tolist():
            if self._value is not None:
                self._list_marks(marks[done:i], kinds[done:i], step[done:i], depth[done:i])
            done = i + 1
            self._event(block, int(marks[i]), int(kinds[i]), int(step[i]), int(depth[i]))
        if self._value is not None:
            self._list_marks(marks[done:], kinds[done:], step[done:], depth[done:])
        if self._key_start is not None:  # the key goes on in the next block
            self._key_head += block[self._key_start :]
            self._key_start = 0
            if len(self._key_head) > self.MAX_KEY_BYTES:
                raise NotAnArray("a key of the object is too long to read")
        self.offset += len(b)
        self.last_byte = int(b[-1])

    def _event(self, block: bytes, at: int, kind: int, step: int, depth: int) -> None:
        """One byte of the object's own level: its "{" and "}", a comma before a
        key, the colon after one, a "[" or "{" that opens a key's value, and the
        byte that closes that value."""
        value_starts, self._after_colon = self._after_colon, False
        if depth == 0:  # the object's own "}"
            if kind != CLOSES[1]:
                raise NotAnArray("the object is closed by ']'")
            self.ended = True
            self._key_start = None
            self._nothing_after(np.frombuffer(block, dtype=np.uint8), at, "object")
        elif (step == 1 and depth == 1) or kind == COMMA:  # a key follows
            self._key_start, self._key_head = at + 1, bytearray()
        elif kind == COLON:
            self._read_key(block, at)
            self._after_colon = True
        elif step == 1:  # a value opens: a list we may take, or an object
            if value_starts and kind == OPENS[0] and self.chosen is None:
                self._value = _List(self.keys[-1], Cuts(self.batch_size, self.batch_bytes))
                self._value.cuts.add(self.offset + at)
        elif self._value is not None:  # the list closes
            if kind != CLOSES[0]:
                raise NotAnArray("a list is closed by '}'")
            value, self._value = self._value, None
            value.cuts.add(self.offset + at)
            value.cuts.finish()
            if value.of_objects:
                self.chosen, self.cuts = value.key, value.cuts

    def _read_key(self, block: bytes, colon: int) -> None:
        if self._key_start is None:
            raise NotAnArray("a colon where no key can be")
        raw = bytes(self._key_head) + block[self._key_start : colon]
        self._key_start, self._key_head = None, bytearray()
        try:
            key = json_values.loads(raw.decode(self.encoding))
        except ValueError as exc:
            raise NotAnArray(f"a key of the object is not a JSON string ({exc})") from None
        if not isinstance(key, str) or key in self._seen:  # json.loads keeps the last
            raise NotAnArray("a key of the object is not a string, or is there twice")
        self.keys.append(key)
        self._seen.add(key)

    def _list_marks(
        self, marks: np.ndarray, kinds: np.ndarray, step: np.ndarray, depth: np.ndarray
    ) -> None:
        """The marks one level inside the list being read (deeper ones are its items'
        insides): its commas, and the "{" (or "[") that opens each item."""
        value = self._value
        assert value is not None
        inside = depth - step == 2  # opens a level down, or a comma at it
        commas = marks[inside & (kinds == COMMA)]
        opens = kinds[inside & (step == 1)]
        value.objects += int((opens == OPENS[1]).sum())
        value.other |= bool((opens == OPENS[0]).any())
        value.commas += commas.size
        for offset in (commas + self.offset).tolist():
            value.cuts.add(offset)

    def finish(self) -> None:
        """Raises NotAnArray when the document ended inside the object."""
        if not self.ended:
            raise NotAnArray("the object is not closed (the file is cut short or damaged)")


def opens_object(head: bytes) -> bool:
    """Whether a document's first bytes (4 KiB are looked at) open a JSON object."""
    return head[:4096].removeprefix(codecs.BOM_UTF8).lstrip()[:1] == b"{"


def opens_array(head: bytes) -> bool:
    """Whether a document's first bytes (4 KiB are looked at) open a JSON array: a
    "[" after spaces and a UTF-8 byte-order mark. A JSON array saved as `.jsonl`
    is read as one."""
    return head[:4096].removeprefix(codecs.BOM_UTF8).lstrip()[:1] == b"["


def split_items(data: bytes) -> list[bytes]:
    """The items of a piece of an array (the bytes between two of its separators),
    each as its bytes; an empty piece (the inside of "[]") has none."""
    scan = ArrayScan(depth=1)
    cuts = [c for c in scan.feed(data) if data[c] == COMMA]
    bounds = [-1, *cuts, len(data)]
    items = [data[a + 1 : b] for a, b in itertools.pairwise(bounds)]
    if len(items) == 1 and not items[0].strip():
        return []
    return items
