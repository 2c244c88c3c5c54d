"""Tar archives, plain or compressed, read member by member through a bounded stream."""

from __future__ import annotations

import io
import tarfile
from contextlib import closing
from pathlib import Path
from typing import Final

from suraksha.errors import FormatError, HostileInputError
from suraksha.intake.archives.limits import (
    ArchiveLimits,
    Progress,
    Refused,
    Run,
    Stopped,
    Unreadable,
    expands,
)
from suraksha.intake.archives.magic import READ_ERRORS, Kind, decompressor
from suraksha.intake.archives.names import relative_path, shown, target_path
from suraksha.intake.archives.writing import CHUNK, make_folder, write

# tarfile reads a pax or GNU long-name header in one `read` of its declared size; real ones are
# a few hundred bytes, and a hostile one could ask for gigabytes of memory.
_MAX_TAR_READ: Final = 1024 * 1024
_REST: Final = "(rest of archive)"


class _TarStream:
    """The tar bytes of an archive, decompressed as tarfile reads them, for tarfile to read.

    tarfile skips a member by seeking past it; in a compressed archive that means decompressing
    it, so the skip is read through here, where the archive's ratio is watched too.
    """

    def __init__(self, raw: io.BufferedReader, kind: Kind, limits: ArchiveLimits) -> None:
        self._raw = raw
        self._compressed = kind != "tar"
        self._data: io.BufferedIOBase = decompressor(kind, raw) if self._compressed else raw
        self._limits = limits
        self._position = 0
        self.last = b""  # the last block read: at the end, tar's all-zero end-of-archive block

    def consumed(self) -> int:
        """Bytes of the archive file read so far (compressed bytes, for a compressed tar)."""
        return self._raw.tell()

    def read(self, size: int = -1, /) -> bytes:
        if not 0 <= size <= _MAX_TAR_READ:
            raise HostileInputError(
                f"a tar header asks for {size:,} bytes at once; headers over {_MAX_TAR_READ:,} "
                "bytes are refused."
            )
        data = self._data.read(size)
        self._position += len(data)
        self.last = data
        limits = self._limits
        if self._compressed and expands(self._position, self.consumed(), limits):
            raise Stopped(
                f"the archive expands more than {limits.max_ratio:g}× its compressed size (a "
                "decompression bomb); nothing more was read from it"
            )
        return data

    def seek(self, position: int, /) -> int:
        if not self._compressed:
            self._position = self._raw.seek(position)
            return self._position
        if position < self._position:
            raise io.UnsupportedOperation("a compressed tar is read forward only")
        while self._position < position and self.read(min(CHUNK, position - self._position)):
            pass
        return self._position

    def tell(self) -> int:
        return self._position

    def write(self, data: bytes, /) -> int:
        raise io.UnsupportedOperation("the archive is read only")

    def close(self) -> None:
        if self._compressed:
            self._data.close()


def extract_tar(
    run: Run,
    progress: Progress,
    source: Path,
    kind: Kind,
    dest: Path,
    name: str,
    prefix: str,
) -> list[tuple[Path, bytes]]:
    """Extract the tar at `source` into `dest`; returns each file written with its first bytes."""
    written: list[tuple[Path, bytes]] = []
    problem = f"{name} is not a readable tar archive"
    with source.open("rb") as raw:
        stream = _TarStream(raw, kind, run.limits)
        try:
            # Not a `with`: its errors must become FormatError; the `with` below closes it.
            archive = tarfile.open(fileobj=stream, mode="r:")  # noqa: SIM115
        except Stopped as stop:
            stream.close()
            run.stop(prefix + _REST, stop.reason)
            return written
        except READ_ERRORS as err:
            stream.close()
            raise FormatError(f"{problem} ({err}); it may be truncated or corrupt.") from err
        with archive, closing(stream):
            while True:
                try:
                    info = archive.next()
                except Stopped as stop:
                    run.stop(prefix + _REST, stop.reason)
                    break
                except READ_ERRORS as err:
                    raise FormatError(
                        f"{problem} past member {len(written)} ({err}); it may be truncated or "
                        "corrupt. Ask the sender for a fresh copy."
                    ) from err
                if info is None:
                    # tarfile takes a cut-off or garbled header for the end of the archive; a
                    # real end is an all-zero block.
                    if stream.last != bytes(tarfile.BLOCKSIZE):
                        raise FormatError(
                            f"{name} ends without tar's end-of-archive marker; it is truncated "
                            "or corrupt. Ask the sender for a fresh copy."
                        )
                    break
                label = prefix + shown(info.name)
                try:
                    head = _tar_member(run, progress, archive, stream, info, dest)
                except Stopped as stop:
                    run.stop(label, stop.reason)
                    break
                except Refused as refusal:
                    run.refuse(label, refusal.reason)
                    continue
                except Unreadable as err:
                    raise FormatError(
                        f"{problem}: member {label} cannot be read ({err}); it may be truncated "
                        "or corrupt. Ask the sender for a fresh copy."
                    ) from err
                if head is not None:
                    written.append(head)
    return written


def _tar_member(
    run: Run,
    progress: Progress,
    archive: tarfile.TarFile,
    stream: _TarStream,
    info: tarfile.TarInfo,
    dest: Path,
) -> tuple[Path, bytes] | None:
    run.count_member()
    relative = relative_path(info.name)
    if info.isdir():
        make_folder(dest, relative)
        return None
    if info.issym():
        raise Refused(f"a symbolic link to {shown(info.linkname)!r}; links are never created")
    if info.islnk():
        raise Refused(f"a hard link to {shown(info.linkname)!r}; links are never created")
    if info.ischr() or info.isblk() or info.isfifo():
        what = "a character device" if info.ischr() else "a block device"
        what = "a named pipe (FIFO)" if info.isfifo() else what
        raise Refused(f"{what}; devices and pipes are never created")
    if not info.isreg():
        raise Refused(f"a tar entry of type {info.type!r}, not a regular file")
    if not relative.parts:
        raise Refused("has no name")
    run.check_declared(info.size)
    target = target_path(dest, relative)
    member = archive.extractfile(info)
    if member is None:  # only for non-regular entries, refused above
        raise Refused("has no data to extract")
    start = stream.consumed()
    with member:
        head = write(run, progress, target, member, info.size, lambda: stream.consumed() - start)
    return target, head
