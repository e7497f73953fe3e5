"""zstd streams (`shard.jsonl.zst`), read with python-zstandard as gzip files are read.

zstd is how large text corpora are shipped (JSON Lines compressed with zstd), and
Python's standard library has no zstd before 3.14. python-zstandard's own stream
reader ends a stream cut short without a word, and reads only the first frame unless
told otherwise. This reader feeds its decompressor frame by frame, as the gzip
module does: a file of several frames (as `pzstd` and `zstd -T` write) is read
whole, and one that ends inside a frame raises EOFError, with the bytes before the
cut returned first, so the lines before it load and the reason says where. A frame
with a checksum (the `zstd` tool writes one) is checked by the decompressor; damage
it detects raises `zstandard.ZstdError`. Like gzip's, the stream seeks forward by
decompressing, and backward by starting over.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO, Any

import zstandard

ZstdError = zstandard.ZstdError
# Compressed bytes fed at a time: it bounds what one call decompresses, and what
# damage in them loses of the good blocks before it (a call that fails returns none).
IN_CHUNK = 1 << 14
# zstd's own limit for windows (`zstd --long=31`); the default refuses such files.
MAX_WINDOW = 1 << 31


class ZstdReader(io.RawIOBase):
    """The decompressed bytes of a zstd stream (`raw`, from where it stands)."""

    def __init__(self, raw: IO[bytes], owns: bool = True) -> None:
        super().__init__()
        self._raw, self._owns = raw, owns
        self._start = raw.tell() if raw.seekable() else 0
        self._restart()

    def _restart(self) -> None:
        self._dctx = zstandard.ZstdDecompressor(max_window_size=MAX_WINDOW)
        self._frame = self._dctx.decompressobj()
        self._in_frame = False  # bytes of the current frame were fed
        self._out = bytearray()
        self._done = False
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._raw.seekable()

    def tell(self) -> int:
        return self._pos

    def _feed(self, data: bytes) -> None:
        """Decompress `data`, frame after frame."""
        while data:
            self._out += self._frame.decompress(data)
            self._in_frame = True
            if not self._frame.eof:
                return
            data = self._frame.unused_data
            self._frame = self._dctx.decompressobj()
            self._in_frame = False

    def readinto(self, buffer: Any) -> int:
        while not self._out and not self._done:
            data = self._raw.read(IN_CHUNK)
            if data:
                self._feed(data)
            elif self._in_frame:
                self._done = True
                raise EOFError("Compressed file ended before the end-of-stream marker was reached")
            else:
                self._done = True
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        del self._out[:n]
        self._pos += n
        return n

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos}.get(whence)
        if target is None:
            raise io.UnsupportedOperation("zstd streams seek from their start or position")
        target += offset
        if target < self._pos:
            self._raw.seek(self._start)
            self._restart()
        while self._pos < target:
            if not self.read(min(target - self._pos, 1 << 20)):
                break
        return self._pos

    def close(self) -> None:
        if not self.closed and self._owns:
            self._raw.close()
        super().close()


def open_zstd(file: Path | str | IO[bytes], mode: str = "rb") -> IO[bytes]:
    """A zstd file (a path, or a stream of its bytes) opened for reading, as
    `gzip.open` opens one."""
    if mode != "rb":
        raise ValueError(f"zstd files are only read here, not opened with {mode!r}")
    raw = open(file, "rb") if isinstance(file, (str, Path)) else file  # noqa: SIM115
    return io.BufferedReader(ZstdReader(raw), 1 << 16)
