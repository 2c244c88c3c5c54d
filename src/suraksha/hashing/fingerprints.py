"""What Suraksha computes for one file: its exact digests and its PDQ hash (images) or vPDQ (videos).

Used by `suraksha hashes compute` and (later) seized-media triage, so that a file is hashed the same
way wherever it comes from. No pixel ever leaves this module: only hashes and sizes do.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from suraksha.errors import FormatError
from suraksha.hashing.digests import FileDigests, digest_file
from suraksha.hashing.pdq import PREPROCESSING_VERSION, PdqHash, pdq_of_file
from suraksha.hashing.video import VIDEO_PREPROCESSING_VERSION, VideoHash, video_hash


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The hashes of one file; `pdq` is None for files that are not images (or refused ones),
    `video` None for files that are not videos (or refused ones)."""

    path: Path
    digests: FileDigests
    pdq: PdqHash | None
    refused: str | None = None  # why a picture or video was not hashed (a bomb, a damaged file)
    video: VideoHash | None = None

    def vpdq_lines(self) -> list[str]:
        """The video's frames as `hashes compute --format vpdq` prints them (formats/vpdq.py):
        `video,frame,hash,quality,seconds`, the video named by its path (commas made `_`)."""
        if self.video is None:
            return []
        name = str(self.path).replace(",", "_")
        return [f"{name},{frame.as_line()}" for frame in self.video.frames]

    def as_dict(self) -> dict[str, Any]:
        """The `hashes compute --format jsonl` object."""
        data: dict[str, Any] = {
            "path": str(self.path),
            "size": self.digests.size,
            "md5": self.digests.md5,
            "sha1": self.digests.sha1,
            "sha256": self.digests.sha256,
        }
        if self.pdq is not None:
            data |= {
                "pdq": self.pdq.hex,
                "quality": self.pdq.quality,
                "pdq_preprocessing": PREPROCESSING_VERSION,
            }
        if self.video is not None:
            data["vpdq"] = {
                "preprocessing": VIDEO_PREPROCESSING_VERSION,
                "duration": self.video.duration,
                "frames": [frame.as_json() for frame in self.video.frames],
            }
        if self.refused:
            data["refused"] = self.refused
        return data


def fingerprint(path: Path, video_type: str | None = None) -> Fingerprint:
    """Digests of any file, plus PDQ when it decodes as an image, or vPDQ when the caller found
    by its content that it is a video of MIME type `video_type`.

    A picture or video that cannot be hashed (a decompression bomb, a truncated or carved file)
    still gets its digests, with the reason recorded: exact matching works on any bytes.
    """
    digests = digest_file(path)
    if video_type is not None:
        try:
            return Fingerprint(path, digests, None, video=video_hash(path, video_type))
        except FormatError as err:
            return Fingerprint(path, digests, None, refused=str(err))
    try:
        return Fingerprint(path, digests, pdq_of_file(path))
    except FormatError as err:  # HostileInputError included
        return Fingerprint(path, digests, None, refused=str(err))


def files_under(paths: Iterable[Path]) -> Iterator[Path]:
    """Every regular file under the paths, in sorted order; symbolic links are not followed."""
    for path in paths:
        if path.is_symlink():
            continue
        if path.is_dir():
            yield from files_under(sorted(path.iterdir()))
        elif path.is_file():
            yield path
