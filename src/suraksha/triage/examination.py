"""What triage computes from one file's bytes, in a worker process: digests, type, PDQ, EXIF, vPDQ.

    locator ─► one streamed read ─┬─► MD5, SHA-1, SHA-256 (hashing.digests)
                                  ├─► first and last bytes ─► type by content (filetypes)
                                  └─► (picture or video in a disk image) a scratch copy to decode
    image ─► hashing.pdq.load_canonical (bomb guard) ─► dihedral_hashes ─► PDQ + 7 variants
          └► exif.exif_of
    video ─► hashing.video.video_hash (allowed containers, frame-size guard) ─► vPDQ, 1 frame/s

Nothing here touches the database, and no pixel leaves it: only hashes and metadata do. A file
that cannot be read, or an image refused as a decompression bomb, gives an `Examination` whose
`error` says why; the scan records it and goes on.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, Final, cast

from suraksha.errors import FormatError
from suraksha.hashing.digests import FileDigests, digest_stream
from suraksha.hashing.pdq import dihedral_hashes, load_canonical
from suraksha.hashing.video import VideoHash, video_hash
from suraksha.triage.disks import open_image_file
from suraksha.triage.exif import exif_of
from suraksha.triage.filetypes import HEAD_BYTES, NOT_READ, TAIL_BYTES, FileType, file_type
from suraksha.triage.sources import ImageFile, LocalFile, Locator

MAX_IMAGE_BYTES: Final = 256 << 20
"""Image files larger than this are digested but not decoded (no camera picture is that big)."""

MAX_VIDEO_COPY_BYTES: Final = 4 << 30
"""Videos inside a disk image larger than this are digested but not hashed by frames: decoding
needs a copy on the workstation's disk (a folder's videos are decoded in place, at any size)."""


@dataclass(frozen=True, slots=True)
class Job:
    """One file for a worker: how to read it, and where it may put a temporary copy."""

    locator: Locator | None
    scratch: Path


@dataclass(frozen=True, slots=True)
class Examination:
    """What was computed from one file; `error` says what could not be, and why."""

    digests: FileDigests | None
    file_type: FileType
    pdq: str | None = None
    quality: int | None = None
    variants: tuple[str, ...] = ()  # PDQ of the 7 rotations and flips (hashing.pdq order)
    exif: dict[str, Any] = field(default_factory=dict)
    video: VideoHash | None = None
    error: str | None = None

    @property
    def bytes_read(self) -> int:
        """Bytes read from the evidence for this file."""
        return self.digests.size if self.digests else 0


def examine(job: Job) -> Examination:
    """Digest, type and (for images) hash and read the EXIF of the file at `job.locator`."""
    if job.locator is None:
        return Examination(None, FileType(NOT_READ, None))
    copy: Path | None = None
    try:
        with _open(job.locator) as stream:
            tap = _Tap(stream, job.scratch if isinstance(job.locator, ImageFile) else None)
            try:
                digests = digest_stream(cast(BinaryIO, tap))
            finally:
                copy = tap.finish()
    except OSError as err:
        if copy is not None:
            copy.unlink(missing_ok=True)
        return Examination(None, FileType(NOT_READ, None), error=f"could not be read: {err}")
    kind = file_type(tap.head, tap.tail, digests.size)
    try:
        if kind.media == "video":
            if copy is None and not isinstance(job.locator, LocalFile):
                return Examination(
                    digests,
                    kind,
                    error=f"a video of {digests.size:,} bytes in a disk image, too large to copy "
                    "out for frame hashing; digests only",
                )
            return _video(digests, kind, copy or cast(LocalFile, job.locator).path)
        if not kind.is_image:
            return Examination(digests, kind)
        if digests.size > MAX_IMAGE_BYTES:
            return Examination(
                digests, kind, error=f"an image of {digests.size:,} bytes, too large to decode"
            )
        path = copy if copy is not None else cast(LocalFile, job.locator).path
        return _image(digests, kind, path)
    finally:
        if copy is not None:
            copy.unlink(missing_ok=True)


def _image(digests: FileDigests, kind: FileType, path: Path) -> Examination:
    try:
        image = load_canonical(path)
    except FormatError as err:  # HostileInputError (a bomb) included
        return Examination(digests, kind, error=str(err).replace(path.name, "the image"))
    except OSError as err:
        return Examination(digests, kind, error=f"could not be read again to decode: {err}")
    if image is None:  # a format Pillow does not decode here (HEIC, RAW, SVG…)
        return Examination(digests, kind)
    hashes = dihedral_hashes(image)
    return Examination(
        digests,
        kind,
        pdq=hashes[0].hex,
        quality=hashes[0].quality,
        variants=tuple(h.hex for h in hashes[1:]),
        exif=exif_of(path),
    )


def _video(digests: FileDigests, kind: FileType, path: Path) -> Examination:
    try:
        hashed = video_hash(path, kind.mime)
    except FormatError as err:  # HostileInputError (oversized frames) included
        return Examination(digests, kind, error=str(err))
    except OSError as err:
        return Examination(digests, kind, error=f"could not be read again to decode: {err}")
    if hashed is None:
        return Examination(digests, kind)
    error = (
        "only the first hours of this video were hashed (see hashing.video.MAX_HASHED_SECONDS)"
        if hashed.truncated
        else None
    )
    return Examination(digests, kind, video=hashed, error=error)


def _open(locator: Locator) -> IO[bytes]:
    if isinstance(locator, LocalFile):
        return locator.path.open("rb")
    return cast(IO[bytes], open_image_file(locator))


class _Tap(io.RawIOBase):
    """Passes a stream's chunks through, keeping its first and last bytes.

    Given a scratch folder, it also copies a picture- or video-looking file there (up to
    `MAX_IMAGE_BYTES` or `MAX_VIDEO_COPY_BYTES`), so that a file in a disk image is read from the
    evidence once, not once more for decoding.
    """

    def __init__(self, stream: IO[bytes], scratch: Path | None) -> None:
        self._stream = stream
        self._scratch = scratch
        self.head = b""
        self.tail = b""
        self._copy: IO[bytes] | None = None
        self._copy_path: Path | None = None
        self._copied = 0
        self._limit = MAX_IMAGE_BYTES

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        if not chunk:
            return chunk
        first = not self.head
        if len(self.head) < HEAD_BYTES:
            self.head += chunk[: HEAD_BYTES - len(self.head)]
        # Keep the tail without copying a whole chunk (1 MiB) just to slice 516 bytes off it.
        if len(chunk) >= TAIL_BYTES:
            self.tail = chunk[-TAIL_BYTES:]
        else:
            self.tail = (self.tail + chunk)[-TAIL_BYTES:]
        if first and self._scratch is not None:
            self._start_copy()
        if self._copy is not None:
            self._copied += len(chunk)
            if self._copied > self._limit:
                self._drop_copy()
            else:
                self._copy.write(chunk)
        return chunk

    def _start_copy(self) -> None:
        media = file_type(self.head, b"", len(self.head) + 1).media
        if media is None:
            return
        self._limit = MAX_VIDEO_COPY_BYTES if media == "video" else MAX_IMAGE_BYTES
        handle, name = tempfile.mkstemp(prefix=f"{media}-", dir=self._scratch)
        self._copy = os.fdopen(handle, "wb")
        self._copy_path = Path(name)

    def _drop_copy(self) -> None:
        if self._copy is not None:
            self._copy.close()
            self._copy = None
        if self._copy_path is not None:
            self._copy_path.unlink(missing_ok=True)
            self._copy_path = None

    def finish(self) -> Path | None:
        """Close the copy, if one was made, and return where it is."""
        if self._copy is not None:
            self._copy.close()
            self._copy = None
        return self._copy_path
