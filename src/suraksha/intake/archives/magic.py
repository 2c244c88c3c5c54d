"""Archive formats told by their first bytes, their decompressors, and what damaged input raises."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import struct
import tarfile
import zipfile
import zlib
from pathlib import Path
from typing import Final, Literal

Kind = Literal["zip", "tar", "gz", "bz2", "xz"]

HEAD: Final = 512  # a tar header block: enough to see every magic number below
_ZIP_MAGIC: Final = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or an empty zip
_USTAR: Final = slice(257, 262)  # b"ustar" in POSIX and GNU tar headers (not in pre-1988 v7 tar)
_XZ_MAGIC: Final = b"\xfd7zXZ\x00"
# What a damaged archive raises from the stdlib readers and decompressors (gzip.BadGzipFile and
# bz2's "Invalid data stream" are OSErrors).
READ_ERRORS: Final = (
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


def magic(path: Path) -> Kind | None:
    """The archive format of the file at `path`, judged by its first bytes; None if none."""
    with path.open("rb") as handle:
        return magic_of(handle.read(HEAD))


def magic_of(head: bytes) -> Kind | None:
    """The archive format that a file's first `HEAD` bytes announce; None if none."""
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


def decompressor(kind: Kind, raw: io.BufferedReader) -> io.BufferedIOBase:
    """A reader of `raw` decompressed, for a gz, bz2 or xz `kind`."""
    if kind == "gz":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if kind == "bz2":
        return bz2.BZ2File(raw, mode="rb")
    return lzma.LZMAFile(raw, mode="rb")


def tar_inside(path: Path, kind: Kind) -> bool | None:
    """Whether the compressed file at `path` starts with a tar header; reads only that far.

    None when it cannot be decompressed that far: a damaged archive, left for `extract` to report
    rather than passed over as some other file.
    """
    try:
        with path.open("rb") as raw, decompressor(kind, raw) as data:
            return data.read(HEAD)[_USTAR] == b"ustar"
    except READ_ERRORS:
        return None
