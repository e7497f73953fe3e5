"""Decompressed streams kept open from one batch to the next, per thread.

A compressed stream cannot be entered in the middle: a seek decompresses up to
there, and a seek backwards starts over from the file's first byte. The batches of
a compressed JSONL shard (its byte ranges) and of a compressed tar (its members)
come in the file's order, so when each batch opened the file afresh, batch k of N
decompressed k/N of it, and a run decompressed it about N/2 times: the cost grew
with the square of the batches (a million documents in one `.jsonl.zst` shard are
500 batches). Here each thread keeps the streams it read last open, and its next
batch of the same file goes on from where the last one stopped: each worker
decompresses a file about once. The same holds for a member of an archive that is
a compressed stream of its own (a ZIP member, `feed.jsonl.gz` in a tar): its
stream is kept under the archive's path and the member's name.

A kept stream also holds the first HEAD_BYTES of the file (a CSV range reads its
header row again) and the last TAIL_BYTES before its place (a buffered reader
reads a little past a range's end, and the next range starts there), so that
neither seeks back to the start. A thread's kept streams are closed when it keeps
KEEP_FILES others since, when the file changes, and when reading one fails.
"""

from __future__ import annotations

import contextlib
import io
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

KEEP_FILES = 2  # streams a thread keeps open (a shard and an archive, say)
HEAD_BYTES = 1 << 16
TAIL_BYTES = 1 << 20


class _Placed(io.RawIOBase):
    """A readable, seekable raw stream that keeps its own place."""

    def __init__(self) -> None:
        super().__init__()
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos


class Rewindable(_Placed):
    """A forward-seekable stream (a decompressor) that also seeks back cheaply into
    its first HEAD_BYTES and its last TAIL_BYTES; further back, it asks the stream
    (which starts over). Reads may be short."""

    def __init__(self, inner: IO[bytes]) -> None:
        super().__init__()
        self._inner = inner
        self._head = bytearray()  # bytes [0, len(head)) of the stream
        self._tail = bytearray()  # the bytes just before the inner stream's place
        self._at = 0  # the inner stream's place

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR:
            offset += self._pos
        elif whence != io.SEEK_SET:
            raise io.UnsupportedOperation("kept streams seek from their start or place")
        self._pos = max(0, offset)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        want, pos = len(buffer), self._pos
        tail_start = self._at - len(self._tail)
        if not want:
            return 0
        if pos < len(self._head):
            data = bytes(self._head[pos : pos + want])
        elif tail_start <= pos < self._at:
            data = bytes(self._tail[pos - tail_start : pos - tail_start + want])
        else:
            if pos < self._at:  # before the tail and past the head: start over
                self._inner.seek(pos)
                self._tail.clear()
                self._at = pos
            while self._at < pos:  # skip ahead, remembering (as the inner seek reads)
                if not self._remember(self._inner.read(min(pos - self._at, 1 << 20))):
                    break
            data = self._inner.read(want) if self._at == pos else b""
            self._remember(data)
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def _remember(self, data: bytes) -> int:
        """Note bytes read from the inner stream at its place; returns how many."""
        if self._at < HEAD_BYTES and self._at == len(self._head):
            self._head += data[: HEAD_BYTES - self._at]
        self._tail += data
        self._at += len(data)
        if len(self._tail) > 2 * TAIL_BYTES:  # trimmed now and then, not every read
            del self._tail[: len(self._tail) - TAIL_BYTES]
        return len(data)

    def close(self) -> None:
        if not self.closed:
            with contextlib.suppress(Exception):
                self._inner.close()
        super().close()


class _Kept(threading.local):
    """This thread's kept streams by (path, size, mtime, member), the latest used last."""

    def __init__(self) -> None:
        self.streams: OrderedDict[tuple[str, int, int, str], Rewindable] = OrderedDict()


_kept = _Kept()


def kept_stream(path: Path, open_fn: Callable[[Path], IO[bytes]], member: str = "") -> Rewindable:
    """This thread's open stream of `path` (`open_fn(path)`, kept: see the module),
    opened anew when it has none, or one of the file before it changed. `member`
    names a stream of one file inside an archive (a ZIP member's), kept apart from
    the archive's own and from its other members'."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, member)
    streams = _kept.streams
    stream = streams.pop(key, None)
    if stream is None or stream.closed:
        for old in [k for k in streams if k[0] == key[0] and k[1:3] != key[1:3]]:
            streams.pop(old).close()  # the file as it was
        stream = Rewindable(open_fn(path))
    streams[key] = stream
    while len(streams) > KEEP_FILES:
        streams.popitem(last=False)[1].close()
    return stream


def forget(stream: IO[bytes] | None = None) -> None:
    """Close this thread's kept `stream` (all of them when None): reading it failed,
    and a decompressor that failed is not asked again."""
    for key, kept in list(_kept.streams.items()):
        if stream is None or kept is stream:
            _kept.streams.pop(key).close()


def forget_file(path: Path) -> None:
    """Close this thread's kept streams of `path`: the thread is done with it (the
    planner, once it has listed an archive)."""
    for key in [k for k in _kept.streams if k[0] == str(path)]:
        _kept.streams.pop(key).close()


def _forget_in_child() -> None:
    """A forked process starts with no kept streams: the parent's share their file
    offsets with it."""
    global _kept
    _kept = _Kept()


os.register_at_fork(after_in_child=_forget_in_child)


class StreamView(_Placed):
    """The bytes of a seekable stream from `base` on: `size` of them (a tar member's;
    a stream that ends before them raises EOFError, the archive was cut short), or
    all to its end (None). Reads are whole, up to the view's end. `owns`: closing
    the view closes the stream (not a kept stream's view, nor where several views
    share a stream: each reads from its own place, so they may be read in turns).
    `exact` False: `size` is only what the stream says it holds, for a seek from
    the end (a ZIP member's, whose own reader checks its length), and the view
    ends where the stream does. Reading a kept stream that fails closes it
    (`forget`)."""

    def __init__(
        self,
        inner: IO[bytes],
        base: int = 0,
        size: int | None = None,
        owns: bool = True,
        exact: bool = True,
    ) -> None:
        super().__init__()
        self._inner, self._base, self._size, self._owns = inner, base, size, owns
        self._exact = exact
        self._guarded(inner.seek, base)

    def _guarded(self, call: Callable[..., Any], *args: Any) -> Any:
        try:
            return call(*args)
        except BaseException:
            forget(self._inner)
            raise

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_END:
            if self._size is None:
                raise io.UnsupportedOperation("a view to its stream's end has no known end")
            start = self._size
        else:
            start = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos}[whence]
        self._pos = max(0, start + offset)
        if self._size is not None:
            self._pos = min(self._size, self._pos)
        self._guarded(self._inner.seek, self._base + self._pos)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        want = len(buffer) if self._size is None else min(len(buffer), self._size - self._pos)
        got = 0
        while got < want:
            if self._inner.tell() != self._base + self._pos:  # another view read meanwhile
                self._guarded(self._inner.seek, self._base + self._pos)
            data = self._guarded(self._inner.read, want - got)
            if not data:
                if self._size is None or got or not self._exact:  # a cut: on the next read
                    break
                left = self._size - self._pos
                raise EOFError(f"the archive ends {left:,} bytes before this file does")
            buffer[got : got + len(data)] = data
            got += len(data)
            self._pos += len(data)
        return got

    def close(self) -> None:
        if not self.closed and self._owns:
            self._inner.close()
        super().close()
