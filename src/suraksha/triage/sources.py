"""What a scan reads: the source (a folder, an archive, a disk image) and the file entries it lists.

A source lists entries; it reads no file's content. Each entry carries a *locator* that a worker
process uses to read the bytes (a path on this machine, or an inode in a disk image's file system),
so that listing, reading and storing stay separate, as in plaso's path specs:

    opening.open_source(path) ──► FolderSource | ArchiveSource | DiskSource
                               │ digest()  the source file's digests, before anything is read
                               └ entries() SourceEntry(path, locator, size, inode, times, deleted)
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol, cast

from suraksha.hashing.digests import CHUNK_SIZE, FileDigests, digest_stream


@dataclass(frozen=True, slots=True)
class LocalFile:
    """A file on this machine: in a scanned folder, or a member extracted from an archive."""

    path: Path


@dataclass(frozen=True, slots=True)
class ImageFile:
    """A file in a disk image, read through The Sleuth Kit by its inode (deleted ones too).

    `image` is the image's file or, for E01, its segment files; `offset` is the byte offset of
    the file system in the image (its partition's start).
    """

    image: tuple[str, ...]
    image_format: str  # "raw" or "ewf"
    offset: int
    inode: int


Locator = LocalFile | ImageFile


@dataclass(frozen=True, slots=True)
class FileTimes:
    """The file system's own timestamps (UTC); None where the source keeps none."""

    modified: datetime | None = None
    accessed: datetime | None = None
    changed: datetime | None = None
    created: datetime | None = None


NO_TIMES = FileTimes()


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """One file a source lists: where it is, how to read it, and what the file system says of it.

    `locator` is None when there is nothing to read (a deleted name whose inode now belongs to
    another file, an archive member refused as unsafe); `error` then says why.
    """

    path: str
    locator: Locator | None
    size: int | None
    inode: int | None = None
    deleted: bool = False
    times: FileTimes = NO_TIMES
    error: str | None = None


class Source(Protocol):
    """A seized device's data as triage reads it."""

    kind: str  # "folder", "archive", "raw" or "ewf"
    path: Path

    def digest(self, on_bytes: Callable[[int], None] | None = None) -> FileDigests | None:
        """The digests of the source file itself (None for a folder), read in full."""
        ...

    def size(self) -> int | None:
        """The size in bytes of the source file (None for a folder)."""
        ...

    def facts(self) -> dict[str, Any]:
        """What the source says of itself (an E01's acquisition hashes), for the scan record."""
        ...

    def entries(self) -> Iterator[SourceEntry]:
        """Every file of the source, in a stable order, without reading their content."""
        ...


def from_timestamp(seconds: float | int | None) -> datetime | None:
    """A file system timestamp (seconds since 1970, UTC) as an instant; 0 and None mean unset."""
    if not seconds:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None  # a corrupt inode's time: not a time at all


def digest_files(paths: list[Path], on_bytes: Callable[[int], None] | None = None) -> FileDigests:
    """Digests of the files read one after another (an E01's segments, in order) in one pass."""
    with _Segments(paths, on_bytes) as stream:
        return digest_stream(cast(BinaryIO, stream))


class _Segments(io.RawIOBase):
    """Image segment files read one after another, reporting each chunk's size."""

    def __init__(self, paths: list[Path], on_bytes: Callable[[int], None] | None) -> None:
        self._paths = list(paths)
        self._on_bytes = on_bytes
        self._current: BinaryIO | None = None

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while True:
            if self._current is None:
                if not self._paths:
                    return b""
                self._current = self._paths.pop(0).open("rb")
            chunk = self._current.read(CHUNK_SIZE if size < 0 else size)
            if chunk:
                if self._on_bytes is not None:
                    self._on_bytes(len(chunk))
                return chunk
            self._current.close()
            self._current = None

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
        super().close()
