"""ZIP and tar archives: each file inside is read as the same file on disk would be.

News corpora are shipped as archives (a dataset's `.zip`, a crawl's `pages.tar.gz`),
and unpacking one by hand doubles its disk use. Each file inside (a *member*) is an
input of its own:

- its records' `source_uri` is the archive's path joined with the member's name
  (`/data/news.zip/2024/a.txt`, as `zipfile.Path` names it), and its reader is
  chosen by the member's own suffix (a `.jsonl.gz` member is decompressed too);
- a JSONL or CSV member is cut into batches in its own stream, as a compressed file
  is (`flows/ingest/units.py`); other members are grouped several to a batch;
- the archive is the manifest's unit: unchanged, it is skipped as a whole.

A ZIP member is opened from the archive's directory, so a batch reads only its own
members. A tar archive has no directory: listing it reads it once, and a batch
seeks to its members' offsets. In a compressed tar (`.tar.gz`, `.tgz`) a seek
decompresses the stream up to there, so each thread keeps the stream open for its
next batch of the archive (`flows/ingest/kept_streams.py`): each worker
decompresses the archive about once. A ZIP member is a compressed stream of its
own, and so is a tar member compressed on its own (`feed.jsonl.gz` in a `.tar`):
the thread keeps the stream of such a member for its next batch of it.

Folders, hidden files (as on disk) and macOS's `__MACOSX/` copies are not inputs.
Members that cannot be read here are quarantined with the reason and, where one
helps, the command that unpacks them: links and devices in a tar, encrypted ZIP
members, archives and WARC files inside an archive.
"""

from __future__ import annotations

import contextlib
import io
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from flows.ingest.compressed import (
    DAMAGED,
    OPENERS,
    compression_of,
    inner_path,
    is_io_error,
    open_decompressed,
    read_upto,
)
from flows.ingest.kept_streams import StreamView, forget, kept_stream

ZIP_SUFFIXES = {".zip"}
# A tar archive by its name: `.tar`, or `.tar.gz` and the like (the compression
# suffix is looked through, see `inner_path`), or one of the short forms.
TAR_SUFFIXES = {".tar"}
SHORT_TAR = {".tgz": ".gz", ".tbz": ".bz2", ".tbz2": ".bz2", ".txz": ".xz"}
# The compression methods Python's zipfile reads: stored, deflate, bzip2, lzma.
ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
# What a damaged or mislabelled archive raises while it is listed or read: what a
# damaged compressed stream raises (an OSError among them is the file system's when
# it has an errno: `is_io_error`), and tarfile's own errors.
BROKEN = (*DAMAGED, tarfile.TarError)


@dataclass(frozen=True)
class Member:
    """A file inside an archive: its name there, its size, and for a tar member where
    its bytes start in the (decompressed) tar stream; `problem` says why it is not
    read, when it cannot be."""

    name: str
    size: int
    offset: int | None = None  # None: a ZIP member, opened by its name
    problem: str | None = None

    @property
    def key(self) -> str:
        """What tells the member from the archive's others: its name, and a tar
        member's offset too (a tar appended to holds a name twice)."""
        return self.name if self.offset is None else f"{self.name}@{self.offset}"


def archive_kind(path: Path) -> str | None:
    """Which archive `path` is named as ("zip", "tar"), or None."""
    suffix = path.suffix.lower()
    if suffix in ZIP_SUFFIXES:
        return "zip"
    if suffix in SHORT_TAR or inner_path(path).suffix.lower() in TAR_SUFFIXES:
        return "tar"
    return None


def member_path(archive: Path, name: str) -> Path:
    """The path that names a member in records and reasons: `news.zip/2024/a.txt`
    (a member named from the root, `/2024/a.txt`, is named the same)."""
    return archive.joinpath(*(part for part in PurePosixPath(name).parts if part != "/"))


def unpack_command(archive: Path) -> str:
    """The shell command that unpacks `archive` into a folder."""
    return "unzip FILE -d DIR" if archive_kind(archive) == "zip" else "tar xf FILE -C DIR"


def _skipped(name: str) -> bool:
    """Whether a member is no input: hidden (a part starting with ".", as `discover`
    leaves hidden files on disk alone) or macOS's resource-fork copies."""
    parts = PurePosixPath(name).parts
    return any(part.startswith(".") for part in parts) or (bool(parts) and parts[0] == "__MACOSX")


def _nested(archive: Path, name: str) -> str | None:
    """Why a member is not read from inside the archive, by its name, or None."""
    as_path = Path(PurePosixPath(name).name)
    unpack = f"unpack the archive ({unpack_command(archive)}) and read its folder"
    if archive_kind(as_path):
        return f"an archive inside an archive; {unpack}"
    if inner_path(as_path).suffix.lower() == ".warc":
        return f"a WARC file inside an archive; {unpack}"
    return None


def members(archive: Path) -> list[Member]:
    """The input files inside `archive`, in the archive's order. Raises OSError when
    it cannot be read, and one of BROKEN when it is no such archive or is damaged."""
    if archive_kind(archive) == "zip":
        try:
            return _zip_members(archive)
        except NotImplementedError as exc:  # a directory entry of a version it cannot read
            raise zipfile.BadZipFile(f"zipfile cannot read its directory: {exc}") from exc
    return _tar_members(archive)


def _zip_members(archive: Path) -> list[Member]:
    found = []
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            if info.is_dir() or _skipped(info.filename):
                continue
            problem = _nested(archive, info.filename)
            if info.flag_bits & 0x1:
                problem = f"encrypted; unzip it with its password ({unpack_command(archive)})"
            elif info.compress_type not in ZIP_METHODS:
                method = zipfile.compressor_names.get(info.compress_type, info.compress_type)
                problem = (
                    f"compressed with {method}, which Python's zipfile cannot read; "
                    f"unpack it with a tool that can ({unpack_command(archive)})"
                )
            found.append(Member(info.filename, info.file_size, None, problem))
    return found


def _tar_stream(archive: Path) -> IO[bytes]:
    """The tar stream of `archive`, decompressed when its name says it is compressed."""
    short = SHORT_TAR.get(archive.suffix.lower())
    if short is not None:
        return OPENERS[short](archive, "rb")
    return open_decompressed(archive) if compression_of(archive) else archive.open("rb")


def _is_compressed_tar(archive: Path) -> bool:
    return archive.suffix.lower() in SHORT_TAR or compression_of(archive) is not None


def _tar_members(archive: Path) -> list[Member]:
    """The members of a tar archive. Damage after its first header (a download cut
    short) ends the listing with a member named "" (the archive itself) whose
    problem says where: the members before it are read."""
    found = []
    with _tar_stream(archive) as stream, tarfile.open(fileobj=stream, mode="r:") as tar:
        try:
            for info in tar:
                if info.isdir() or _skipped(info.name):
                    continue
                problem = _nested(archive, info.name)
                if info.issym() or info.islnk():
                    problem = (
                        f"a link to {info.linkname!r}; links inside an archive are not followed"
                    )
                elif not info.isreg():
                    problem = "not a regular file (a device or pipe entry of the archive)"
                found.append(Member(info.name, info.size, info.offset_data, problem))
        except BROKEN as exc:
            if is_io_error(exc):
                raise
            after = f" after {found[-1].name}" if found else ""
            found.append(Member("", 0, None, f"tar archive damaged or cut short{after}: {exc}"))
    return found


def _tar_member(stream: IO[bytes], member: Member, owns: bool) -> IO[bytes]:
    """A tar member's bytes, decompressed when its own name says it is compressed."""
    view = io.BufferedReader(StreamView(stream, member.offset or 0, member.size, owns))
    return _inner_stream(member, view)


def _inner_stream(member: Member, stream: IO[bytes]) -> IO[bytes]:
    suffix = compression_of(Path(member.name))
    return OPENERS[suffix](stream, "rb") if suffix else stream


def open_member(archive: Path, member: Member, size: int | None = None) -> IO[bytes]:
    """The bytes of a member as a seekable stream, decompressed when the member's own
    name says it is compressed (`a.jsonl.gz`). The stream of a ZIP member, and of a
    tar member compressed on its own, is the thread's kept stream of that member
    (`kept_streams`): a seek in it decompresses up to there, so a stream per batch
    made the batches of a large member cost the square of their number. `size`: the
    length of the member's decompressed stream when the planner measured it (the
    stream itself cannot tell; a Parquet reader needs it)."""
    own = compression_of(Path(member.name)) is not None
    if member.offset is not None and not own:
        if _is_compressed_tar(archive):
            return _tar_member(kept_stream(archive, _tar_stream), member, owns=False)
        return _tar_member(_tar_stream(archive), member, owns=True)
    kept = kept_stream(archive, lambda _: _fresh_member(archive, member), member.key)
    # A ZIP member's own reader checks its length and checksum; a tar member
    # compressed on its own ends where its decompressor does.
    return StreamView(kept, 0, size if own else member.size, owns=False, exact=False)


def _fresh_member(archive: Path, member: Member) -> IO[bytes]:
    """A member's bytes, in a stream of its own (the tar's own stream too)."""
    if member.offset is not None:
        return _tar_member(_tar_stream(archive), member, owns=True)
    with zipfile.ZipFile(archive) as zf:  # the open member keeps the file open
        return _inner_stream(member, zf.open(member.name))


def read_members(
    archive: Path,
    wanted: tuple[Member, ...],
    limit: Callable[[Member], int | None] = lambda member: None,
) -> Iterator[tuple[Member, bytes, BaseException | None]]:
    """Each wanted member's bytes (up to `limit(member)` bytes: all when None) and
    the exception that stopped its reading, if any (with the bytes before it), in
    order, with the archive opened once (a tar archive is read front to back: the
    members should come in its order). An I/O error opening the archive is raised."""
    with contextlib.ExitStack() as stack:
        zf = (
            stack.enter_context(zipfile.ZipFile(archive))
            if archive_kind(archive) == "zip"
            else None
        )
        kept = zf is None and _is_compressed_tar(archive)  # the thread's, left open
        stream: IO[bytes] | None = None  # a tar's, shared by its members until damage
        for member in wanted:
            got: tuple[bytes, BaseException | None]
            try:
                if zf is not None:
                    fh = _inner_stream(member, zf.open(member.name))
                else:
                    if stream is None and kept:
                        stream = kept_stream(archive, _tar_stream)
                    elif stream is None:
                        stream = stack.enter_context(_tar_stream(archive))
                    fh = _tar_member(stream, member, owns=False)
                with fh:
                    got = read_upto(fh, limit(member))
            except (*BROKEN, NotImplementedError, RuntimeError) as exc:
                got = b"", exc
            if got[1] is not None:  # a decompressor that failed is not asked again
                if kept:
                    forget(stream)
                stream = None
            yield member, *got
