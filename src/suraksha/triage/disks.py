"""Disk images as a source: raw (dd) and E01 images, read through The Sleuth Kit (pytsk3).

Every partition with a file system TSK knows (FAT, exFAT, NTFS, ext2/3/4, HFS+, ISO 9660…) is
walked, and so are deleted entries: a deleted name whose inode still holds its content is listed
with `deleted=True` and read like any other file, because a wiped device is the usual case, not
the exception. A deleted name whose inode was reused by a newer file is listed with no locator:
reading it would attribute the newer file's content to the deleted name.

    image.E01 ─ pyewf ─┐
    image.dd  ─────────┴► pytsk3.Img_Info ─► partitions (Volume_Info) ─► FS_Info ─► entries

Paths carry the partition ("p2/DCIM/…") when the image has a partition table; TSK's virtual
orphan folder (`$OrphanFiles`, deleted files whose names are gone) is walked too.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

import pyewf
import pytsk3

from suraksha.errors import UserInputError
from suraksha.hashing.digests import FileDigests
from suraksha.triage.sources import (
    FileTimes,
    ImageFile,
    SourceEntry,
    digest_files,
    from_timestamp,
)

_EWF_MAGIC: Final = (b"EVF\x09\x0d\x0a\xff\x00", b"EVF2\x0d\x0a\x81\x00")
_SKIPPED_NAMES: Final = {b".", b".."}
_MAX_DEPTH: Final = 256  # deeper folder chains are corrupt or built to exhaust the walk
_TSK_ERRORS: Final = (OSError, RuntimeError, ValueError)


def disk_format(path: Path) -> str | None:
    """ "ewf" for an E01 image, "raw" for an image in which TSK finds a file system, else None."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(_EWF_MAGIC):
        return "ewf"
    try:
        image = _open_image((str(path),), "raw")
    except _TSK_ERRORS:
        return None
    return "raw" if any(True for _ in _file_systems(image)) else None


class DiskSource:
    """A raw or E01 disk image; see the module docstring."""

    def __init__(self, path: Path, image_format: str) -> None:
        self.path = path
        self.kind = image_format
        self.segments = _segments(path, image_format)

    def size(self) -> int | None:
        """Bytes in the image file(s) (all segments of an E01)."""
        return sum(Path(segment).stat().st_size for segment in self.segments)

    def digest(self, on_bytes: Callable[[int], None] | None = None) -> FileDigests:
        """Digests of the image file, or of an E01's segments read one after another in order."""
        return digest_files([Path(segment) for segment in self.segments], on_bytes)

    def facts(self) -> dict[str, Any]:
        """What the image says of itself: its media size and, for E01, the acquisition hashes."""
        image = _open_image(self.segments, self.kind)
        facts: dict[str, Any] = {
            "media_size": int(image.get_size()),
            "segments": len(self.segments),
        }
        if self.kind == "ewf":
            handle = image.handle
            for algorithm in ("MD5", "SHA1"):
                value = handle.get_hash_value(algorithm)
                if value:
                    facts[f"acquisition_{algorithm.lower()}"] = str(value).lower()
        return facts

    def entries(self) -> Iterator[SourceEntry]:
        """Every file, allocated or deleted, of every file system in the image."""
        try:
            image = _open_image(self.segments, self.kind)
        except _TSK_ERRORS as err:
            raise UserInputError(f"{self.path} cannot be opened as a disk image: {err}.") from err
        for prefix, offset, fs in _file_systems(image):
            locate = _Locate(self.segments, self.kind, offset)
            root = fs.open_dir(path="/")
            yield from _walk(fs, root, prefix, locate, {root.info.addr}, 0)


def _segments(path: Path, image_format: str) -> tuple[str, ...]:
    if image_format != "ewf":
        return (str(path),)
    try:
        return tuple(pyewf.glob(str(path)))
    except _TSK_ERRORS as err:
        raise UserInputError(f"{path} looks like an E01 image but its segments: {err}.") from err


class _Locate:
    def __init__(self, image: tuple[str, ...], image_format: str, offset: int) -> None:
        self.image, self.image_format, self.offset = image, image_format, offset

    def __call__(self, inode: int) -> ImageFile:
        return ImageFile(self.image, self.image_format, self.offset, inode)


def _walk(
    fs: Any, directory: Any, prefix: str, locate: _Locate, seen: set[int], depth: int
) -> Iterator[SourceEntry]:
    if depth > _MAX_DEPTH:
        return
    children = []
    for child in directory:
        name = child.info.name
        if name is None or name.name in _SKIPPED_NAMES:
            continue
        children.append(child)
    children.sort(key=lambda child: child.info.name.name)
    for child in children:
        name, meta = child.info.name, child.info.meta
        path = prefix + name.name.decode("utf-8", errors="replace")
        name_deleted = bool(int(name.flags) & int(pytsk3.TSK_FS_NAME_FLAG_UNALLOC))
        if meta is None:
            if name_deleted:
                yield SourceEntry(path, None, None, deleted=True, error=_NO_INODE)
            continue
        kind = int(meta.type)
        if kind in (int(pytsk3.TSK_FS_META_TYPE_DIR), int(pytsk3.TSK_FS_META_TYPE_VIRT_DIR)):
            if meta.addr in seen or name_deleted:
                continue  # a loop, or a deleted folder's stale entry (its files show as orphans)
            seen.add(meta.addr)
            try:
                inner = child.as_directory()
            except _TSK_ERRORS:
                continue
            yield from _walk(fs, inner, f"{path}/", locate, seen, depth + 1)
            continue
        if kind != int(pytsk3.TSK_FS_META_TYPE_REG):
            continue  # links, devices, and TSK's virtual files ($MBR, $FAT1)
        meta_deleted = bool(int(meta.flags) & int(pytsk3.TSK_FS_META_FLAG_UNALLOC))
        times = FileTimes(
            modified=from_timestamp(meta.mtime),
            accessed=from_timestamp(meta.atime),
            changed=from_timestamp(meta.ctime),
            created=from_timestamp(meta.crtime),
        )
        if name_deleted and not meta_deleted:
            yield SourceEntry(path, None, None, meta.addr, True, times, _REALLOCATED)
            continue
        yield SourceEntry(
            path=path,
            locator=locate(int(meta.addr)),
            size=int(meta.size),
            inode=int(meta.addr),
            deleted=name_deleted or meta_deleted,
            times=times,
        )


_NO_INODE: Final = "a deleted name with no inode left; nothing of its content can be read"
_REALLOCATED: Final = (
    "a deleted name whose inode now belongs to another file; its own content is gone"
)


def _file_systems(image: Any) -> Iterator[tuple[str, int, Any]]:
    """(path prefix, byte offset, FS_Info) for each file system in the image."""
    try:
        volume = pytsk3.Volume_Info(image)
    except _TSK_ERRORS:
        volume = None
    if volume is None:
        try:
            yield "", 0, pytsk3.FS_Info(image, offset=0)
        except _TSK_ERRORS:
            return
        return
    block = int(volume.info.block_size)
    for part in volume:
        if not int(part.flags) & int(pytsk3.TSK_VS_PART_FLAG_ALLOC) or part.len <= 0:
            continue
        offset = int(part.start) * block
        try:
            fs = pytsk3.FS_Info(image, offset=offset)
        except _TSK_ERRORS:
            continue  # swap, an encrypted volume, or free space marked as a partition
        yield f"p{int(part.addr)}/", offset, fs


class _EwfImage(pytsk3.Img_Info):  # type: ignore[misc]  # pytsk3 is untyped
    """An E01 image's media, as TSK reads it (the pattern libewf documents for pytsk3)."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        super().__init__(url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

    def close(self) -> None:
        self.handle.close()

    def read(self, offset: int, size: int) -> bytes:
        self.handle.seek(offset)
        return bytes(self.handle.read(size))

    def get_size(self) -> int:
        return int(self.handle.get_media_size())


def _open_image(segments: tuple[str, ...], image_format: str) -> Any:
    if image_format == "ewf":
        handle = pyewf.handle()
        handle.open(list(segments))
        return _EwfImage(handle)
    return pytsk3.Img_Info(segments[0])


# One open file system per (image, offset) per process: each worker opens an image once, not
# once per file. Worker processes never share these objects (TSK handles are not picklable).
_OPEN: dict[tuple[tuple[str, ...], int], Any] = {}


def open_image_file(locator: ImageFile) -> io.RawIOBase:
    """A reader of the file at `locator` (deleted files too); TSK errors become OSError."""
    key = (locator.image, locator.offset)
    fs = _OPEN.get(key)
    try:
        if fs is None:
            fs = _OPEN[key] = pytsk3.FS_Info(
                _open_image(locator.image, locator.image_format), offset=locator.offset
            )
        return _TskReader(fs.open_meta(inode=locator.inode))
    except _TSK_ERRORS as err:
        raise OSError(f"The Sleuth Kit cannot open inode {locator.inode}: {err}") from err


class _TskReader(io.RawIOBase):
    """A TSK file's default data stream as a sequential reader."""

    def __init__(self, tsk_file: Any) -> None:
        self._file = tsk_file
        self._size = int(tsk_file.info.meta.size)
        self._at = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        wanted = self._size - self._at if size < 0 else min(size, self._size - self._at)
        if wanted <= 0:
            return b""
        try:
            data = bytes(self._file.read_random(self._at, wanted))
        except _TSK_ERRORS as err:
            raise OSError(f"The Sleuth Kit cannot read at byte {self._at:,}: {err}") from err
        if not data:
            raise OSError(f"The Sleuth Kit returned no data at byte {self._at:,}")
        self._at += len(data)
        return data
