"""Zip archives read member by member: the directory bounded, links and encryption refused."""

from __future__ import annotations

import io
import stat
import struct
import zipfile
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
)
from suraksha.intake.archives.magic import READ_ERRORS
from suraksha.intake.archives.names import relative_path, shown, target_path
from suraksha.intake.archives.writing import make_folder, write

_ZIP_METHODS: Final = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
_ZIP_ENCRYPTED: Final = 0x0001 | 0x0040  # traditional PKWARE and strong encryption flag bits
_ZIP_AES: Final = 99  # WinZip AES announces itself as a compression method
# zipfile reads a zip's whole central directory into memory before a member can be looked at, so
# a directory declaring more entries than the limit, or longer than this per entry allowed, is
# refused before it is read. Real entries are 46 bytes plus a name and a few small extra fields.
_DIRECTORY_BYTES_PER_MEMBER: Final = 1024


def extract_zip(
    run: Run, progress: Progress, source: Path, dest: Path, name: str, prefix: str
) -> list[tuple[Path, bytes]]:
    """Extract the zip at `source` into `dest`; returns each file written with its first bytes."""
    written: list[tuple[Path, bytes]] = []
    with source.open("rb") as handle:
        try:
            _check_zip_directory(handle, progress.size, name, run.limits)
            archive = zipfile.ZipFile(handle)
        except READ_ERRORS as err:
            raise FormatError(
                f"{name} is not a readable zip archive ({err}); it may be truncated or corrupt. "
                "Ask the sender for a fresh copy."
            ) from err
        with archive:
            for info in archive.infolist():
                label = prefix + shown(info.orig_filename)
                try:
                    head = _zip_member(run, progress, archive, info, dest)
                except Stopped as stop:
                    run.stop(label, stop.reason)
                    break
                except Refused as refusal:
                    run.refuse(label, refusal.reason)
                    continue
                except Unreadable as err:
                    run.refuse(label, f"its data is corrupt or does not match its header ({err})")
                    continue
                if head is not None:
                    written.append(head)
    return written


def _check_zip_directory(
    handle: io.BufferedReader, size: int, name: str, limits: ArchiveLimits
) -> None:
    """Refuse a zip whose central directory is too big to read, before zipfile reads it."""
    tail_size = min(size, 22 + 0xFFFF)  # the end record, and a comment of at most 64 KiB
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return  # zipfile says what is wrong with it
    entries, directory = struct.unpack_from("<HI", tail, at + 10)
    locator = at - 20  # a zip64 end record's locator sits just before the classic end record
    zip64 = entries == 0xFFFF or directory == 0xFFFFFFFF
    if zip64 and locator >= 0 and tail[locator : locator + 4] == b"PK\x06\x07":
        (offset,) = struct.unpack_from("<Q", tail, locator + 8)
        handle.seek(offset)
        record = handle.read(56)
        if len(record) == 56 and record.startswith(b"PK\x06\x06"):
            entries, directory = struct.unpack_from("<QQ", record, 32)
    if entries > limits.max_members or directory > limits.max_members * _DIRECTORY_BYTES_PER_MEMBER:
        raise HostileInputError(
            f"{name} declares {entries:,} members in a {directory:,}-byte directory; at most "
            f"{limits.max_members:,} members are accepted, so it was not opened."
        )


def _zip_member(
    run: Run, progress: Progress, archive: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path
) -> tuple[Path, bytes] | None:
    run.count_member()
    relative = relative_path(info.orig_filename)
    mode = info.external_attr >> 16 if info.create_system == 3 else 0  # 3: made on Unix
    kind = stat.S_IFMT(mode)
    if info.orig_filename.endswith(("/", "\\")) or kind == stat.S_IFDIR:
        make_folder(dest, relative)
        return None
    if kind not in (0, stat.S_IFREG):
        raise Refused(f"{_file_type(kind)}; links and special files are never created")
    if info.flag_bits & _ZIP_ENCRYPTED or info.compress_type == _ZIP_AES:
        raise Refused(
            "encrypted (password-protected); it cannot be read. Ask the sender for an "
            "unencrypted copy"
        )
    if info.compress_type not in _ZIP_METHODS:
        raise Refused(f"compressed with zip method {info.compress_type}, which cannot be read")
    if not relative.parts:
        raise Refused("has no name")
    run.check_declared(info.file_size, info.compress_size)
    target = target_path(dest, relative)
    try:
        member = archive.open(info)
    except READ_ERRORS as err:
        raise Unreadable(str(err)) from err
    with member:
        head = write(run, progress, target, member, info.file_size, lambda: info.compress_size)
    return target, head


def _file_type(kind: int) -> str:
    names = {
        stat.S_IFLNK: "a symbolic link",
        stat.S_IFCHR: "a character device",
        stat.S_IFBLK: "a block device",
        stat.S_IFIFO: "a named pipe (FIFO)",
        stat.S_IFSOCK: "a socket",
    }
    return names.get(kind, f"a special file (mode {kind:#o})")
