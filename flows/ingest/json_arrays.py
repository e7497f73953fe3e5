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
"""

from __future__ import annotations

import codecs
import itertools

import numpy as np

QUOTE, BACKSLASH, COMMA = 0x22, 0x5C, 0x2C
OPENS = (0x5B, 0x7B)  # [ {
CLOSES = (0x5D, 0x7D)  # ] }
WHITESPACE = frozenset(b" \t\r\n")
SPACE = np.zeros(256, dtype=bool)  # JSON's whitespace, by byte
SPACE[list(WHITESPACE)] = True
STRUCTURE = np.zeros(256, dtype=bool)  # the bytes that make an array's structure
STRUCTURE[[*OPENS, *CLOSES, COMMA]] = True
OPEN_STEP = np.zeros(256, dtype=np.int32)  # how each changes the depth
OPEN_STEP[list(OPENS)] = 1
OPEN_STEP[list(CLOSES)] = -1


class NotAnArray(ValueError):
    """The document is not one JSON array: an object, JSON Lines, or damaged."""


class ArrayScan:
    """Feed a JSON document's bytes in order (`feed`); get the offsets of its array's
    own structure: the opening "[", each comma between two items, the closing "]".
    `depth` 1 scans the inside of an array (a piece of one, `split_items`)."""

    def __init__(self, depth: int = 0) -> None:
        self.offset = 0  # of the next block
        self.depth = depth
        self.in_string = False
        self.escape_next = False  # the last block ended with an unescaped backslash
        self.ended = False  # the array's "]" was seen
        self.started = depth > 0  # a non-space byte was seen
        self.items: bool | None = None  # whether the array holds any (None: not known yet)
        self.opened = False  # the array's "[" was seen

    def feed(self, block: bytes) -> list[int]:
        """The structural offsets in `block`; raises NotAnArray as soon as the
        document cannot be one array."""
        if not block:
            return []
        b = np.frombuffer(block, dtype=np.uint8)
        if not self.started:
            start = 3 if self.offset == 0 and block.startswith(codecs.BOM_UTF8) else 0
            first = next((i for i in range(start, len(block)) if block[i] not in WHITESPACE), None)
            if first is not None:
                if block[first] != OPENS[0]:
                    raise NotAnArray("the document does not start with '['")
                self.started = True
        n = len(b)
        quotes = np.flatnonzero(b == QUOTE)
        quotes = quotes[~self._escaped(b)[quotes]]
        # Brackets, braces and commas outside strings: an even number of quotes
        # before them (odd when the last block ended inside a string).
        marks = np.flatnonzero(STRUCTURE[b])
        outside = (np.searchsorted(quotes, marks) & 1).astype(bool) == self.in_string
        self.in_string ^= bool(quotes.size & 1)
        marks = marks[outside]
        kinds = b[marks]
        step = OPEN_STEP[kinds]
        depth = self.depth + np.cumsum(step)
        before = depth - step
        if depth.size and depth.min() < 0:
            raise NotAnArray("a ']' or '}' closes more than was opened")
        top = ((kinds == COMMA) & (depth == 1)) | ((step == 1) & (before == 0))
        top |= (step == -1) & (depth == 0)
        found = marks[top]
        if self.items is None:
            self._look_for_items(b, marks[(step == 1) & (before == 0)], found)
        ends = marks[(step == -1) & (depth == 0)]
        if self.ended or ends.size:
            end = int(ends[0]) if not self.ended else -1
            if ends.size > (0 if self.ended else 1) or (depth[-1] if depth.size else 0) > 0:
                raise NotAnArray("a second value after the array")
            if not self.ended and b[end] != CLOSES[0]:
                raise NotAnArray("the array is closed by '}'")
            if (~SPACE[b[end + 1 :]]).any():
                raise NotAnArray("more after the array's closing ']'")
            self.ended = True
        if depth.size:
            self.depth = int(depth[-1])
        offsets = (found + self.offset).tolist()
        self.offset += n
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

    def finish(self) -> None:
        """Raises NotAnArray when the document ended inside the array (cut short)."""
        if not self.ended:
            raise NotAnArray("the array is not closed (the file is cut short or damaged)")


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
