"""Safe, bounded extraction of zip and tar deliveries into a scratch folder.

Tip deliveries arrive as archives, and an archive is hostile input until proven otherwise: it can
name paths outside the folder it is unpacked into, carry links and device files, or expand a few
kilobytes into terabytes. `extract` unpacks one with the stdlib readers only (`zipfile`, `tarfile`)
and never their `extract*` methods: every member is checked, created and streamed here, under these
limits (`ArchiveLimits`, defaults in parentheses):

    scratch/
     └── delivery.zip/                     depth 1 ─┐  max_members entries in all (200,000)
          ├── 2026-11/123456789/report.xml           │  max_total_bytes written in all (8 GiB)
          ├── batch.tar.gz/                depth 2   │
          │    └── old.zip/                depth 3   │  max_depth archives deep (3)
          │         └── older.zip          depth 4: kept as a file, unopened, and refused
          └── ...

    each member     ≤ max_member_bytes, declared and streamed (MAX_PART_BYTES, 64 MiB)
    each member  ┐  ≤ max_ratio × its compressed size while streaming (100×), once its
    each archive ┘    output passes ratio_floor_bytes (1 MiB): small text compresses well

A member that breaks a limit of its own is refused and the rest go on; passing a limit of the whole
(members, total bytes, the archive's ratio) refuses that member and stops, with "the rest" refused.
Links, hard links, devices and FIFOs are never created; names that are absolute, carry a drive
letter or `..`, or resolve outside the folder are refused; encrypted zip members are refused. An
archive whose structure cannot be read (truncated, corrupt) raises `FormatError`, and what had been
unpacked is removed: the caller quarantines the archive whole.

A nested archive (found by its magic bytes, whatever its name) is opened after its parent, into a
folder that takes its place and name, so `provenance` can say where a file came from:
"delivery.zip!/batch.tar.gz!/2026-11/123456789/report.xml".
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import re
import shutil
import stat
import struct
import tarfile
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Final, Literal, Protocol

from suraksha.errors import FormatError, HostileInputError, UserInputError
from suraksha.intake.formats.interface import MAX_PART_BYTES

_Kind = Literal["zip", "tar", "gz", "bz2", "xz"]

_HEAD: Final = 512  # a tar header block: enough to see every magic number below
_CHUNK: Final = 64 * 1024
_ZIP_MAGIC: Final = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or an empty zip
_USTAR: Final = slice(257, 262)  # b"ustar" in POSIX and GNU tar headers (not in pre-1988 v7 tar)
_XZ_MAGIC: Final = b"\xfd7zXZ\x00"
_ZIP_METHODS: Final = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
_ZIP_ENCRYPTED: Final = 0x0001 | 0x0040  # traditional PKWARE and strong encryption flag bits
_ZIP_AES: Final = 99  # WinZip AES announces itself as a compression method
# zipfile reads a zip's whole central directory into memory before a member can be looked at, so
# a directory declaring more entries than the limit, or longer than this per entry allowed, is
# refused before it is read. Real entries are 46 bytes plus a name and a few small extra fields.
_DIRECTORY_BYTES_PER_MEMBER: Final = 1024
# tarfile reads a pax or GNU long-name header in one `read` of its declared size; real ones are
# a few hundred bytes, and a hostile one could ask for gigabytes of memory.
_MAX_TAR_READ: Final = 1024 * 1024
_DRIVE = re.compile(r"[A-Za-z]:")
# Right-to-left overrides and friends turn "report\u202egpj.exe" into "reportexe.jpg" on screen.
_BIDI_CONTROLS: Final = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_REST: Final = "(rest of archive)"
_NOFOLLOW: Final[int] = getattr(os, "O_NOFOLLOW", 0)
# What a damaged archive raises from the stdlib readers and decompressors (gzip.BadGzipFile and
# bz2's "Invalid data stream" are OSErrors).
_READ_ERRORS: Final = (
    OSError,
    EOFError,
    zlib.error,
    lzma.LZMAError,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    tarfile.TarError,
    NotImplementedError,
    struct.error,
    UnicodeDecodeError,
)


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """How far `extract` goes into one delivery; see the module docstring for the picture.

    The defaults let a real delivery (thousands of tip folders, a few GiB) through whole and stop
    an archive built to exhaust the disk, memory or time of the unit's one workstation.
    """

    max_depth: int = 3  # archives opened one inside another, counting the delivery itself
    max_members: int = 200_000  # entries (files, folders, refused ones) over all the archives
    max_total_bytes: int = 8 << 30  # bytes written to scratch over all the archives
    max_member_bytes: int = MAX_PART_BYTES  # a bigger member could not be read as a part anyway
    max_ratio: float = 100  # uncompressed / compressed, per member and per archive
    ratio_floor_bytes: int = 1 << 20  # output below this never counts as a bomb


DEFAULT_LIMITS: Final = ArchiveLimits()


@dataclass(slots=True)
class Extraction:
    """What `extract` unpacked and what it refused, with where each came from.

    `root` holds the tree under the members' own names; a nested archive that was opened became
    a folder of its name, listed (relative to `root`, "/"-separated) in `nested`. `files` are the
    regular files written, in archive order. `refused` pairs a member's path in the provenance
    form (without the delivery's name; control characters escaped) with why it was not extracted.
    A nested archive refused for depth or damage stays in `files` as a file, unopened.
    """

    root: Path
    archive: Path
    refused: list[tuple[str, str]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    nested: set[str] = field(default_factory=set)


def is_archive(path: Path) -> bool:
    """True when `path` is a zip or tar archive (plain, gzip, bzip2 or xz), judged by its bytes.

    Extensions are not trusted because renamed archives are common ("export.dat"). A compressed
    file counts when a tar header is inside it, so a lone `report.json.gz` is not taken for an
    archive, or when its start cannot be decompressed, so that `extract` reports a damaged
    archive instead of it passing for some other file. Reads at most a few KiB (about 1 MiB for
    bzip2, whose first block must be whole) and never raises.
    """
    try:
        kind = _magic(path)
        return kind is not None and (kind in ("zip", "tar") or _tar_inside(path, kind) is not False)
    except OSError:
        return False


def extract(path: Path, scratch: Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> Extraction:
    """Unpack the archive at `path` into a new folder `scratch/<its name>`, safely and bounded.

    Returns what was written and what was refused (see the module docstring for the rules).
    Raises `FormatError` when `path` is not an archive or its structure cannot be read, and
    `HostileInputError` when a zip declares more members than `limits` allow; in both cases
    nothing is left in `scratch`. Raises `UserInputError` when the target folder exists already.
    An `OSError` from scratch itself (a full disk) propagates: it is not the archive's fault.
    """
    try:
        kind = _magic(path) if path.is_file() else None
    except OSError as err:
        raise FormatError(f"Cannot read {path}: {err.strerror or err}.") from err
    if kind is None:
        raise FormatError(f"{path} is not a zip or tar archive (judged by its first bytes).")
    if kind not in ("zip", "tar") and _tar_inside(path, kind) is False:
        raise FormatError(
            f"{path} is {kind}-compressed but holds no tar archive; only compressed tar "
            "archives are unpacked."
        )
    scratch.mkdir(parents=True, exist_ok=True)
    root = scratch / path.name
    try:
        root.mkdir(mode=0o700)
    except FileExistsError:
        raise UserInputError(
            f"{root} exists already; give an empty scratch folder to unpack {path.name} into."
        ) from None
    extraction = Extraction(root=root, archive=path)
    run = _Run(limits=limits, extraction=extraction)
    try:
        _open(run, path, kind, root, name=path.name, prefix="", depth=1)
    except FormatError:
        shutil.rmtree(root)  # only folders and regular files are ever created: no link to follow
        raise
    return extraction


def provenance(extraction: Extraction, extracted_path: Path) -> str:
    """Where `extracted_path` (under `extraction.root`) came from, in archive-path form.

    "delivery.zip!/2026-11/123456789/report.xml"; each "!" closes an archive, so a file from a
    nested one reads "delivery.zip!/batch.tar!/123456789/report.xml". Raises `ValueError` for a
    path outside the extraction.
    """
    inside = _inside(extraction, extracted_path)
    return f"{extraction.archive.name}!/{inside}" if inside else f"{extraction.archive.name}!"


# -- the run ----------------------------------------------------------------------------------


class _Refused(Exception):
    """This member is refused; the rest of the archive goes on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Stopped(_Refused):
    """This member is refused and nothing after it is read: a limit of the whole was reached."""


class _Unreadable(Exception):
    """A member's bytes could not be read: corrupt, truncated, or not what its header says."""


@dataclass(slots=True)
class _Run:
    limits: ArchiveLimits
    extraction: Extraction
    members: int = 0
    written: int = 0
    stopped: bool = False

    def refuse(self, label: str, reason: str) -> None:
        self.extraction.refused.append((label, reason))

    def stop(self, label: str, reason: str) -> None:
        self.stopped = True
        self.refuse(label, reason)

    def count_member(self) -> None:
        if self.members >= self.limits.max_members:
            raise _Stopped(
                f"the archives hold more than {self.limits.max_members:,} members in all; "
                "this one and everything after it were not extracted"
            )
        self.members += 1

    def check_declared(self, declared: int, compressed: int | None = None) -> None:
        """Refuse by the header's sizes: the member's own limit, its ratio, then the total."""
        limits = self.limits
        if declared > limits.max_member_bytes:
            raise _Refused(
                f"declares {declared:,} bytes; a member may be at most "
                f"{limits.max_member_bytes:,} bytes"
            )
        if compressed is not None and _expands(declared, compressed, limits):
            raise _Refused(
                f"declares {declared:,} bytes from {compressed:,} compressed, more than "
                f"{limits.max_ratio:g}×: a decompression bomb"
            )
        if self.written + declared > limits.max_total_bytes:
            raise _Stopped(_total_reason(limits))


@dataclass(slots=True)
class _Progress:
    """One archive's size on disk and the bytes extracted from it so far (its overall ratio)."""

    size: int
    written: int = 0


def _total_reason(limits: ArchiveLimits) -> str:
    return (
        f"extracting it would pass {limits.max_total_bytes:,} bytes in all; it and everything "
        "after it were not extracted"
    )


def _expands(output: int, compressed: int, limits: ArchiveLimits) -> bool:
    return output > limits.ratio_floor_bytes and output > limits.max_ratio * max(compressed, 1)


def _open(
    run: _Run, source: Path, kind: _Kind, dest: Path, name: str, prefix: str, depth: int
) -> None:
    """Extract one archive into `dest`, then open the archives found among its files."""
    progress = _Progress(size=source.stat().st_size)
    if kind == "zip":
        written = _extract_zip(run, progress, source, dest, name, prefix)
    else:
        written = _extract_tar(run, progress, source, kind, dest, name, prefix)
    # Nested archives are opened only once their parent is done, so no later member of the parent
    # can add a file to the folder that a nested archive's contents are attributed to.
    for path, head in written:
        nested = _magic_of(head)
        if nested is not None and (
            nested in ("zip", "tar") or _tar_inside(path, nested) is not False
        ):
            _enter(run, path, nested, depth)


def _enter(run: _Run, path: Path, kind: _Kind, depth: int) -> None:
    """Replace the extracted archive file `path` by a folder holding its contents."""
    extraction, limits = run.extraction, run.limits
    label = _inside(extraction, path)
    if run.stopped:
        run.refuse(label, "an archive, kept unopened as a file: extraction had stopped")
        return
    if depth >= limits.max_depth:
        run.refuse(
            label,
            f"an archive nested {depth + 1} deep; at most {limits.max_depth} are opened, so it "
            "was kept unopened as a file",
        )
        return
    handle, held_name = tempfile.mkstemp(prefix=".nested-", dir=extraction.root.parent)
    os.close(handle)
    held = Path(held_name)
    os.replace(path, held)
    path.mkdir(mode=0o700)
    mark = (len(extraction.refused), len(extraction.files), run.members, run.written)
    relative = path.relative_to(extraction.root).as_posix()
    extraction.nested.add(relative)  # before opening, so deeper labels show its "!"
    try:
        _open(run, held, kind, path, name=label, prefix=f"{label}!/", depth=depth + 1)
    except FormatError as err:
        shutil.rmtree(path)
        os.replace(held, path)
        del extraction.refused[mark[0] :]
        del extraction.files[mark[1] :]
        run.members, run.written = mark[2], mark[3]
        extraction.nested = {
            folder
            for folder in extraction.nested
            if folder != relative and not folder.startswith(f"{relative}/")
        }
        run.refuse(label, f"an archive that could not be opened, kept as a file: {err}")
        return
    held.unlink()
    extraction.files.remove(path)


def _inside(extraction: Extraction, path: Path) -> str:
    try:
        relative = path.absolute().relative_to(extraction.root.absolute())
    except ValueError:
        raise ValueError(f"{path} is not under the extraction folder {extraction.root}.") from None
    walked: list[str] = []
    shown: list[str] = []
    for part in relative.parts:
        walked.append(part)
        shown.append(f"{part}!" if "/".join(walked) in extraction.nested else part)
    return "/".join(shown)


# -- names and files ---------------------------------------------------------------------------


def _unsafe(char: str) -> bool:
    """Control characters, line breaks, and the bidi controls that disguise a name.

    Zero-width joiners and non-breaking spaces are kept: Malayalam and Devanagari names use them.
    """
    return unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in _BIDI_CONTROLS


def _shown(name: str) -> str:
    """A member name safe to print: unsafe characters escaped ("\\u202e"), the rest kept."""
    return "".join(ascii(char)[1:-1] if _unsafe(char) else char for char in name)


def _relative(name: str) -> PurePosixPath:
    """The member's path relative to the folder it is extracted into; `_Refused` if unsafe."""
    if any(_unsafe(char) for char in name):
        raise _Refused("its name holds control or text-direction characters; refused as unsafe")
    unified = name.replace("\\", "/")  # zips made on Windows may use backslashes
    if unified.startswith("/"):
        raise _Refused("an absolute path; members must stay inside the extraction folder")
    if _DRIVE.match(unified):
        raise _Refused("a Windows drive path; members must stay inside the extraction folder")
    parts = [part for part in unified.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise _Refused("climbs out of the extraction folder with '..' (path traversal)")
    return PurePosixPath(*parts)


def _target(dest: Path, relative: PurePosixPath) -> Path:
    target = dest.joinpath(*relative.parts)
    # Names were checked and no link is ever created, so this holds; it is checked anyway because
    # a write outside scratch is the one mistake this module must never make.
    if not target.resolve().is_relative_to(dest.resolve()):
        raise _Refused("resolves outside the extraction folder")
    return target


def _make_folder(dest: Path, relative: PurePosixPath) -> None:
    if not relative.parts:
        return
    try:
        _target(dest, relative).mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise _Refused("a folder where another member is a file; the file was kept") from err


def _create(target: Path) -> int:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise _Refused(
            "part of its path is a file from another member; that file was kept"
        ) from err
    try:
        return os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
    except FileExistsError as err:
        raise _Refused("another member already holds this path; the first one was kept") from err
    except OSError as err:
        raise _Refused(f"cannot be created here: {err.strerror or err}") from err


class _Source(Protocol):
    def read(self, size: int, /) -> bytes: ...


def _write(
    run: _Run,
    progress: _Progress,
    target: Path,
    source: _Source,
    declared: int,
    compressed: Callable[[], int],
) -> bytes:
    """Stream one member to a new file, counting every byte; returns its first bytes.

    The header's size was checked before, but the bytes are counted again here: a zip bomb's
    header lies. On any refusal the partial file is removed and its bytes are given back.
    """
    limits = run.limits
    handle = _create(target)
    count = kept = 0
    head = b""
    try:
        with os.fdopen(handle, "wb") as out:
            while True:
                try:
                    chunk = source.read(_CHUNK)
                except _READ_ERRORS as err:
                    raise _Unreadable(str(err) or type(err).__name__) from err
                if not chunk:
                    break
                count += len(chunk)
                if count > limits.max_member_bytes:
                    raise _Refused(
                        f"grew past {limits.max_member_bytes:,} bytes while being read although "
                        f"its header declares {declared:,}: the header lies"
                    )
                if _expands(count, compressed(), limits):
                    raise _Refused(
                        f"expands more than {limits.max_ratio:g}× its compressed size while "
                        "being read: a decompression bomb"
                    )
                if run.written + len(chunk) > limits.max_total_bytes:
                    raise _Stopped(_total_reason(limits))
                if _expands(progress.written + len(chunk), progress.size, limits):
                    raise _Stopped(
                        f"the archive expands more than {limits.max_ratio:g}× its size on disk "
                        "(a decompression bomb); it and everything after it were not extracted"
                    )
                out.write(chunk)
                kept += len(chunk)
                run.written += len(chunk)
                progress.written += len(chunk)
                if len(head) < _HEAD:
                    head += chunk[: _HEAD - len(head)]
    except BaseException:
        target.unlink(missing_ok=True)
        run.written -= kept
        progress.written -= kept
        raise
    run.extraction.files.append(target)
    return head


# -- zip -------------------------------------------------------------------------------------


def _extract_zip(
    run: _Run, progress: _Progress, source: Path, dest: Path, name: str, prefix: str
) -> list[tuple[Path, bytes]]:
    written: list[tuple[Path, bytes]] = []
    with source.open("rb") as handle:
        try:
            _check_zip_directory(handle, progress.size, name, run.limits)
            archive = zipfile.ZipFile(handle)
        except _READ_ERRORS as err:
            raise FormatError(
                f"{name} is not a readable zip archive ({err}); it may be truncated or corrupt. "
                "Ask the sender for a fresh copy."
            ) from err
        with archive:
            for info in archive.infolist():
                label = prefix + _shown(info.orig_filename)
                try:
                    head = _zip_member(run, progress, archive, info, dest)
                except _Stopped as stop:
                    run.stop(label, stop.reason)
                    break
                except _Refused as refusal:
                    run.refuse(label, refusal.reason)
                    continue
                except _Unreadable as err:
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
    run: _Run, progress: _Progress, archive: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path
) -> tuple[Path, bytes] | None:
    run.count_member()
    relative = _relative(info.orig_filename)
    mode = info.external_attr >> 16 if info.create_system == 3 else 0  # 3: made on Unix
    kind = stat.S_IFMT(mode)
    if info.orig_filename.endswith(("/", "\\")) or kind == stat.S_IFDIR:
        _make_folder(dest, relative)
        return None
    if kind not in (0, stat.S_IFREG):
        raise _Refused(f"{_file_type(kind)}; links and special files are never created")
    if info.flag_bits & _ZIP_ENCRYPTED or info.compress_type == _ZIP_AES:
        raise _Refused(
            "encrypted (password-protected); it cannot be read. Ask the sender for an "
            "unencrypted copy"
        )
    if info.compress_type not in _ZIP_METHODS:
        raise _Refused(f"compressed with zip method {info.compress_type}, which cannot be read")
    if not relative.parts:
        raise _Refused("has no name")
    run.check_declared(info.file_size, info.compress_size)
    target = _target(dest, relative)
    try:
        member = archive.open(info)
    except _READ_ERRORS as err:
        raise _Unreadable(str(err)) from err
    with member:
        head = _write(run, progress, target, member, info.file_size, lambda: info.compress_size)
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


# -- tar -------------------------------------------------------------------------------------


class _TarStream:
    """The tar bytes of an archive, decompressed as tarfile reads them, for tarfile to read.

    tarfile skips a member by seeking past it; in a compressed archive that means decompressing
    it, so the skip is read through here, where the archive's ratio is watched too.
    """

    def __init__(self, raw: io.BufferedReader, kind: _Kind, limits: ArchiveLimits) -> None:
        self._raw = raw
        self._compressed = kind != "tar"
        self._data: io.BufferedIOBase = _decompressor(kind, raw) if self._compressed else raw
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
        if self._compressed and _expands(self._position, self.consumed(), limits):
            raise _Stopped(
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
        while self._position < position and self.read(min(_CHUNK, position - self._position)):
            pass
        return self._position

    def tell(self) -> int:
        return self._position

    def write(self, data: bytes, /) -> int:
        raise io.UnsupportedOperation("the archive is read only")

    def close(self) -> None:
        if self._compressed:
            self._data.close()


def _extract_tar(
    run: _Run,
    progress: _Progress,
    source: Path,
    kind: _Kind,
    dest: Path,
    name: str,
    prefix: str,
) -> list[tuple[Path, bytes]]:
    written: list[tuple[Path, bytes]] = []
    problem = f"{name} is not a readable tar archive"
    with source.open("rb") as raw:
        stream = _TarStream(raw, kind, run.limits)
        try:
            # Not a `with`: its errors must become FormatError; the `with` below closes it.
            archive = tarfile.open(fileobj=stream, mode="r:")  # noqa: SIM115
        except _Stopped as stop:
            stream.close()
            run.stop(prefix + _REST, stop.reason)
            return written
        except _READ_ERRORS as err:
            stream.close()
            raise FormatError(f"{problem} ({err}); it may be truncated or corrupt.") from err
        with archive, closing(stream):
            while True:
                try:
                    info = archive.next()
                except _Stopped as stop:
                    run.stop(prefix + _REST, stop.reason)
                    break
                except _READ_ERRORS as err:
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
                label = prefix + _shown(info.name)
                try:
                    head = _tar_member(run, progress, archive, stream, info, dest)
                except _Stopped as stop:
                    run.stop(label, stop.reason)
                    break
                except _Refused as refusal:
                    run.refuse(label, refusal.reason)
                    continue
                except _Unreadable as err:
                    raise FormatError(
                        f"{problem}: member {label} cannot be read ({err}); it may be truncated "
                        "or corrupt. Ask the sender for a fresh copy."
                    ) from err
                if head is not None:
                    written.append(head)
    return written


def _tar_member(
    run: _Run,
    progress: _Progress,
    archive: tarfile.TarFile,
    stream: _TarStream,
    info: tarfile.TarInfo,
    dest: Path,
) -> tuple[Path, bytes] | None:
    run.count_member()
    relative = _relative(info.name)
    if info.isdir():
        _make_folder(dest, relative)
        return None
    if info.issym():
        raise _Refused(f"a symbolic link to {_shown(info.linkname)!r}; links are never created")
    if info.islnk():
        raise _Refused(f"a hard link to {_shown(info.linkname)!r}; links are never created")
    if info.ischr() or info.isblk() or info.isfifo():
        what = "a character device" if info.ischr() else "a block device"
        what = "a named pipe (FIFO)" if info.isfifo() else what
        raise _Refused(f"{what}; devices and pipes are never created")
    if not info.isreg():
        raise _Refused(f"a tar entry of type {info.type!r}, not a regular file")
    if not relative.parts:
        raise _Refused("has no name")
    run.check_declared(info.size)
    target = _target(dest, relative)
    member = archive.extractfile(info)
    if member is None:  # only for non-regular entries, refused above
        raise _Refused("has no data to extract")
    start = stream.consumed()
    with member:
        head = _write(run, progress, target, member, info.size, lambda: stream.consumed() - start)
    return target, head


# -- magic numbers -----------------------------------------------------------------------------


def _magic(path: Path) -> _Kind | None:
    with path.open("rb") as handle:
        return _magic_of(handle.read(_HEAD))


def _magic_of(head: bytes) -> _Kind | None:
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head[_USTAR] == b"ustar":
        return "tar"
    if head.startswith(b"\x1f\x8b"):
        return "gz"
    if head.startswith(b"BZh") and head[3:4].isdigit():
        return "bz2"
    if head.startswith(_XZ_MAGIC):
        return "xz"
    return None


def _decompressor(kind: _Kind, raw: io.BufferedReader) -> io.BufferedIOBase:
    if kind == "gz":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if kind == "bz2":
        return bz2.BZ2File(raw, mode="rb")
    return lzma.LZMAFile(raw, mode="rb")


def _tar_inside(path: Path, kind: _Kind) -> bool | None:
    """Whether the compressed file at `path` starts with a tar header; reads only that far.

    None when it cannot be decompressed that far: a damaged archive, left for `extract` to report
    rather than passed over as some other file.
    """
    try:
        with path.open("rb") as raw, _decompressor(kind, raw) as data:
            return data.read(_HEAD)[_USTAR] == b"ustar"
    except _READ_ERRORS:
        return None
