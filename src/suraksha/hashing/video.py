"""vPDQ: a video's likeness as the PDQ hashes of one frame a second, and how two videos compare.

Meta's vPDQ (ThreatExchange `vpdq/`) hashes a video as a list of (frame, PDQ, quality, seconds)
features, one frame per second, and compares two videos by the share of each one's frames that
have a match in the other within a PDQ distance. That matches clips cut from a longer video and
compilations that contain a known one, which a single whole-video hash cannot.

    video file ─► PyAV (FFmpeg), allowed containers only ─► one frame a second, by timestamp
        ─► whole frame as RGB ─► pdq_of_image (the pictures' canonical downscale, then PDQ)
        ─► VideoHash(frames)            compare(a, b) ─► shares of a's and b's frames matched

Decoding is FFmpeg's, through PyAV's bundled build, rather than the `vpdq` package DESIGN.md names:
that package is a source distribution that needs FFmpeg's headers and a compiler on every
machine. The algorithm, the frames chosen and the text form (`frame,hash,quality,seconds` lines)
are vPDQ's; frames go through the same canonical downscale as pictures, so a video frame and a
picture of it hash alike (`VIDEO_PREPROCESSING_VERSION` names these steps). Tests compare with
Meta's `vpdq` where scripts/install could build it: the same frames, hashes a few bits apart
(identical for frames no larger than the canonical size).

FFmpeg parses hostile input in C. Three bounds keep it in its lane: the container is opened with
the demuxer its content type names (never a playlist or `concat` demuxer, which would open other
files or the network), with only the `file` protocol allowed; frames larger than
`MAX_FRAME_PIXELS` are refused; and at most `MAX_HASHED_SECONDS` of a video are hashed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
from PIL import Image

from suraksha.errors import FormatError, HostileInputError
from suraksha.hashing.pdq import MATCH_THRESHOLD, MIN_QUALITY, PdqHash, pdq_of_image

VIDEO_PREPROCESSING_VERSION: Final = "vpdq-canon-1"
"""Names the steps above: the first frame at or after each whole second, converted whole to RGB by
FFmpeg, then `pdq_of_image` (whose own steps `pdq.PREPROCESSING_VERSION` names)."""

SECONDS_PER_HASH: Final = 1.0
"""vPDQ's usual interval: one frame hashed per second of video."""

MAX_FRAME_PIXELS: Final = 7680 * 4320
"""Frames larger than 8K UHD are refused as hostile: no phone or camera records more."""

MAX_HASHED_SECONDS: Final = 4 * 3600
"""Only the first four hours are hashed (14,400 frames); the rest of a longer file is noted."""

QUERY_MATCH_PERCENT: Final = 80.0
"""vPDQ's default: two videos are the same material when this share of one's frames match."""

DEMUXERS: Final = {
    "video/mp4": "mov",
    "application/mp4": "mov",
    "video/quicktime": "mov",
    "video/3gpp": "mov",
    "video/3gpp2": "mov",
    "video/x-m4v": "mov",
    "video/x-matroska": "matroska",
    "video/webm": "matroska",
    "video/x-msvideo": "avi",
    "video/avi": "avi",
    "video/x-flv": "flv",
    "video/x-ms-wmv": "asf",
    "video/x-ms-asf": "asf",
    "video/mpeg": "mpeg",
    "video/mp2t": "mpegts",
}
"""The FFmpeg demuxer for each container type a scan recognises by content. A type not listed
is recorded as a video without vPDQ, never guessed at by FFmpeg's own probing."""

_OPTIONS: Final = {"protocol_whitelist": "file"}


@dataclass(frozen=True, slots=True)
class FrameHash:
    """One vPDQ feature: the frame's index among those decoded, its time, and its PDQ."""

    frame: int
    seconds: float
    pdq: PdqHash

    def as_line(self) -> str:
        """vPDQ's text form: `frame,hash,quality,seconds`."""
        return f"{self.frame},{self.pdq.hex},{self.pdq.quality},{self.seconds:.3f}"

    def as_json(self) -> dict[str, Any]:
        """The JSON form stored with a scanned video and written by `scan --json` and
        `hashes compute --format jsonl`: `frame`, `seconds`, `pdq`, `quality`."""
        return {
            "frame": self.frame,
            "seconds": self.seconds,
            "pdq": self.pdq.hex,
            "quality": self.pdq.quality,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FrameHash:
        """The frame hash `as_json` gave."""
        return cls(
            int(data["frame"]), float(data["seconds"]), PdqHash(data["pdq"], int(data["quality"]))
        )


def usable_frames(frames: Iterable[FrameHash]) -> list[FrameHash]:
    """Frames worth matching on: quality at least `MIN_QUALITY`, each distinct hash once (vPDQ's
    dedupe: a still shot of a minute would otherwise count sixty times)."""
    seen: set[str] = set()
    kept = []
    for frame in frames:
        if frame.pdq.quality >= MIN_QUALITY and frame.pdq.hex not in seen:
            seen.add(frame.pdq.hex)
            kept.append(frame)
    return kept


def usable_stored_hashes(video: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The PDQ hex of the usable frames of a video stored in `FrameHash.as_json` form under
    `"frames"` (a scanned file's `video` column); none for anything else."""
    frames = (FrameHash.from_json(frame) for frame in (video or {}).get("frames", []))
    return tuple(frame.pdq.hex for frame in usable_frames(frames))


def same_material(first_percent: float, second_percent: float) -> bool:
    """vPDQ's rule: enough of either video is found in the other (a clip of a known video, or a
    compilation containing one)."""
    return max(first_percent, second_percent) >= QUERY_MATCH_PERCENT


@dataclass(frozen=True, slots=True)
class VideoHash:
    """A video's vPDQ: its frame hashes in time order, and what else decoding learned.

    `truncated` says the video was longer than `MAX_HASHED_SECONDS` and only its start is hashed.
    """

    frames: tuple[FrameHash, ...]
    duration: float | None
    width: int
    height: int
    codec: str
    truncated: bool = False

    def usable(self) -> list[FrameHash]:
        """The frames worth matching on (`usable_frames`)."""
        return usable_frames(self.frames)


@dataclass(frozen=True, slots=True)
class Comparison:
    """How two videos' usable frames match: the share of each one's frames found in the other."""

    query_percent: float
    target_percent: float
    query_frames: int
    target_frames: int

    @property
    def is_match(self) -> bool:
        """vPDQ's rule (`same_material`) on the two shares."""
        return same_material(self.query_percent, self.target_percent)


def video_hash(path: Path, mime: str) -> VideoHash | None:
    """The vPDQ of the video at `path` whose content type is `mime`, or None when that container
    is not one Suraksha lets FFmpeg read (see `DEMUXERS`) or the file holds no video stream.

    Raises HostileInputError for frames over `MAX_FRAME_PIXELS`, FormatError when FFmpeg cannot
    read the file (truncated, corrupt, or not what its signature says).
    """
    import av  # here, not above: FFmpeg's libraries take ~0.1 s to load, and only videos need them

    demuxer = DEMUXERS.get(mime)
    if demuxer is None:
        return None
    try:
        with av.open(str(path), format=demuxer, options=_OPTIONS, metadata_errors="ignore") as box:
            if not box.streams.video:
                return None
            return _hash_stream(box)
    except av.FFmpegError as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise FormatError(
            f"FFmpeg cannot decode this {mime} video ({reason}); it may be truncated or carved "
            "from unallocated space"
        ) from err


def _hash_stream(box: Any) -> VideoHash:
    stream = box.streams.video[0]
    stream.thread_type = "SLICE"  # frame threads would reorder work across a worker's core
    context = stream.codec_context
    if context.width * context.height > MAX_FRAME_PIXELS:
        raise HostileInputError(
            f"the video declares {context.width} × {context.height} frames, more than any "
            "camera records; not decoded (possible decompression bomb)"
        )
    duration = float(stream.duration * stream.time_base) if stream.duration else None
    if duration is None and box.duration:
        duration = box.duration / 1_000_000
    frames: list[FrameHash] = []
    next_at = 0.0
    truncated = False
    for index, frame in enumerate(box.decode(stream)):
        if frame.width * frame.height > MAX_FRAME_PIXELS:
            raise HostileInputError(
                f"the video has a frame of {frame.width} × {frame.height} pixels; not decoded "
                "(possible decompression bomb)"
            )
        seconds = float(frame.time) if frame.time is not None else index / _rate(stream)
        if seconds + 1e-6 < next_at:
            continue
        if seconds >= MAX_HASHED_SECONDS:
            truncated = True
            break
        frames.append(FrameHash(index, round(seconds, 3), _frame_pdq(frame)))
        # The next sample is the next whole interval after this frame: a gap in the stream
        # (variable frame rate, a dropped second) is not filled with repeats.
        next_at = (math.floor(seconds / SECONDS_PER_HASH) + 1) * SECONDS_PER_HASH
    return VideoHash(
        tuple(frames), duration, context.width, context.height, context.name, truncated
    )


def _rate(stream: Any) -> float:
    rate = stream.average_rate or stream.guessed_rate
    return float(rate) if rate else 25.0


def _frame_pdq(frame: Any) -> PdqHash:
    """PDQ of one decoded frame: FFmpeg converts the whole frame to RGB, then the picture path
    (`pdq_of_image`, the canonical downscale) takes over. Letting FFmpeg scale instead is ~2 ms
    cheaper a frame but lands 9 bits (median; up to 18) from Meta's vpdq, against 2 (up to 6)."""
    return pdq_of_image(Image.fromarray(frame.to_ndarray(format="rgb24"), "RGB"))


def compare(
    query: Sequence[FrameHash], target: Sequence[FrameHash], threshold: int = MATCH_THRESHOLD
) -> Comparison:
    """vPDQ comparison of two frame lists (use `VideoHash.usable()`): each side's share of frames
    with a frame of the other within `threshold` bits. Empty sides give 0 %."""
    if not query or not target:
        return Comparison(0.0, 0.0, len(query), len(target))
    near = distances([f.pdq.hex for f in query], [f.pdq.hex for f in target]) <= threshold
    return Comparison(
        100.0 * float(near.any(axis=1).mean()),
        100.0 * float(near.any(axis=0).mean()),
        len(query),
        len(target),
    )


def distances(a: Iterable[str], b: Iterable[str]) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Hamming distances between every hash of `a` (rows) and of `b` (columns), 64-hex each."""
    left, right = _bits(a), _bits(b)
    counts: np.ndarray[Any, np.dtype[np.int64]] = np.count_nonzero(
        left[:, None, :] != right[None, :, :], axis=2
    ).astype(np.int64)
    return counts


def _bits(hexes: Iterable[str]) -> np.ndarray[Any, np.dtype[np.bool_]]:
    packed = np.array([bytes.fromhex(h) for h in hexes], dtype="S32")
    as_bytes = np.frombuffer(packed.tobytes(), dtype=np.uint8).reshape(-1, 32)
    return np.unpackbits(as_bytes, axis=1).astype(bool)


def parse_lines(lines: Iterable[str]) -> list[FrameHash]:
    """Frame hashes from vPDQ's text form (`frame,hash,quality,seconds` a line; blank lines and
    `#` comments skipped). Raises FormatError naming the first bad line."""
    found = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        parts = text.split(",")
        try:
            if len(parts) != 4:
                raise ValueError("expected 4 comma-separated fields")
            frame, hex_, quality, seconds = parts
            found.append(FrameHash(int(frame), float(seconds), PdqHash(hex_.lower(), int(quality))))
        except ValueError as err:
            raise FormatError(
                f"vPDQ line {number} ({text[:80]!r}) is not `frame,hash,quality,seconds`: {err}"
            ) from err
    return found
