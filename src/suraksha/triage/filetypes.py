"""A file's type told by its bytes, never by its name: renamed files are common on seized devices.

puremagic (pure Python, no libmagic to parse hostile input in C) matches signatures at the start
of a file and at its end. The scanner gives it both from the one streamed read that digests the
file (`HEAD_BYTES` from the start, `TAIL_BYTES` from the end), so the type costs no extra read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import puremagic

from suraksha.triage.signatures import magic_string

HEAD_BYTES: Final = 36_870
"""puremagic's longest header reach (an ISO 9660 volume descriptor sits at 32,769)."""

TAIL_BYTES: Final = 516
"""puremagic's longest footer."""

UNKNOWN: Final = "application/octet-stream"
EMPTY: Final = "application/x-empty"
TEXT: Final = "text/plain"
NOT_READ: Final = "unknown"  # the file's bytes could not be read at all

# Signatures that puremagic knows but whose MIME type it leaves empty; named here so that a
# scanned file's type is always a MIME type.
_EXTENSION_TYPES: Final = {
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".mov": "video/quicktime",
    ".3gp": "video/3gpp",
    ".mkv": "video/x-matroska",
}
_CONTAINERS: Final = {b"PK\x03\x04": "application/zip"}
# Formats under other top-level types that are video or images all the same.
_MEDIA_TYPES: Final = {
    "application/mp4": "video",
    "application/x-shockwave-flash": None,
    "application/vnd.rn-realmedia": "video",
}


@dataclass(frozen=True, slots=True)
class FileType:
    """A MIME type and, for pictures and videos, which of the two (`image`, `video`)."""

    mime: str
    media: str | None

    @property
    def is_image(self) -> bool:
        """An image: PDQ and EXIF are computed, and unmatched ones are new media."""
        return self.media == "image"


def file_type(head: bytes, tail: bytes, size: int) -> FileType:
    """The type of a file from its first `HEAD_BYTES` and last `TAIL_BYTES` (`size` in all).

    For a file shorter than both together, `head` is the whole file and `tail` is ignored.
    Unrecognised binary data is `application/octet-stream`; unrecognised UTF-8 without NUL bytes
    is `text/plain`.
    """
    if size == 0:
        return FileType(EMPTY, None)
    # Offsets from the start stay true in `head`; puremagic reads footers off the end of the string.
    sample = head if size <= len(head) + len(tail) else head + tail
    try:
        found = magic_string(sample)  # puremagic's answer, through an index (signatures.py)
    except (puremagic.PureError, ValueError):
        found = []
    best = [c for c in found if c.confidence == found[0].confidence] if found else []
    mimes = {mime for c in best if (mime := _mime(c))}
    if len(mimes) > 1:
        # Equally good guesses that disagree (a zip is also a .docx, .xlsx, .apk…): name only the
        # container, which is all the bytes prove.
        container = _CONTAINERS.get(bytes(best[0].byte_match))
        if container:
            return FileType(container, None)
    for candidate in found:
        mime = _mime(candidate)
        if mime:
            return FileType(mime, _media(mime))
    return FileType(TEXT if _looks_like_text(head) else UNKNOWN, None)


def file_type_of(path: Path) -> FileType:
    """The type of the file at `path`, reading only its first and last bytes."""
    with path.open("rb") as stream:
        head = stream.read(HEAD_BYTES)
        size = stream.seek(0, 2)
        tail = b""
        if size > len(head):
            stream.seek(max(len(head), size - TAIL_BYTES))
            tail = stream.read(TAIL_BYTES)
    return file_type(head, tail, size)


def _mime(candidate: puremagic.PureMagicWithConfidence) -> str:
    return str(candidate.mime_type or _EXTENSION_TYPES.get(candidate.extension, ""))


def _media(mime: str) -> str | None:
    if mime in _MEDIA_TYPES:
        return _MEDIA_TYPES[mime]
    major = mime.partition("/")[0]
    return major if major in ("image", "video") else None


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as err:
        # A multi-byte character cut at the end of the sample is still text.
        return err.start >= len(head) - 3
    return True
