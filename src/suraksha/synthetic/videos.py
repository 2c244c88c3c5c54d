"""Benign generated videos: slow pans over generated scenes, cut into shots, and re-encoded copies.

Nothing here depicts a person: every frame is a crop of a `synthetic.images.scene`. A video is a
sequence of shots, each a pan and slow zoom across one scene, so that frames a second apart differ
as a phone recording's do, and a cut changes the picture entirely. Encoding is single-threaded, so
the same seed gives the same bytes with the same PyAV/FFmpeg build.

    write_video(path, seed=3, seconds=8)            the "original"
    reencode(path, copy, width=320, codec="mpeg4")  a copy as a platform or a messenger would make it
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Final

import av
import av.video.stream
import numpy as np
from PIL import Image

from suraksha.synthetic.images import scene

DEFAULT_SIZE: Final = (640, 360)
DEFAULT_FPS: Final = 12
SHOT_SECONDS: Final = (3, 6)
"""Shortest and longest shot, in whole seconds."""


@dataclass(frozen=True, slots=True)
class VideoSummary:
    """What `write_video` wrote: where, how long, and how many frames of what size."""

    path: Path
    seconds: int
    frames: int
    width: int
    height: int


def write_video(
    path: Path,
    *,
    seed: int | str,
    seconds: int,
    size: tuple[int, int] = DEFAULT_SIZE,
    fps: int = DEFAULT_FPS,
    codec: str = "libx264",
) -> VideoSummary:
    """Write a `seconds`-long MP4 of shots over generated scenes (see the module docstring)."""
    rng = random.Random(f"video:{seed}")
    width, height = size
    frames = 0
    with av.open(str(path), "w", format="mp4") as container:
        stream = _video_stream(container, codec, width, height, fps)
        left = seconds
        shot = 0
        while left > 0:
            length = min(left, rng.randint(*SHOT_SECONDS))
            backdrop = scene(f"{seed}:shot:{shot}")
            for picture in _pan(rng, backdrop, width, height, length * fps):
                frame = av.VideoFrame.from_ndarray(np.asarray(picture), format="rgb24")
                frame.pts = frames
                frames += 1
                container.mux(stream.encode(frame))
            left -= length
            shot += 1
        container.mux(stream.encode(None))
    return VideoSummary(path, seconds, frames, width, height)


def reencode(
    source: Path,
    target: Path,
    *,
    width: int | None = None,
    codec: str = "mpeg4",
    fps: int | None = None,
    max_seconds: float | None = None,
) -> VideoSummary:
    """Decode `source` and encode it again to `target` with another codec, width (height kept in
    proportion, even) and frame rate: the copy a platform's transcoder would make. With
    `max_seconds`, only the start is kept: a clip."""
    with av.open(str(source)) as reader:
        original = reader.streams.video[0]
        rate = fps or round(float(original.average_rate or DEFAULT_FPS))
        new_width = width or original.codec_context.width
        new_height = (
            round(original.codec_context.height * new_width / original.codec_context.width / 2) * 2
        )
        frames = 0
        with av.open(str(target), "w", format="mp4") as container:
            stream = _video_stream(container, codec, new_width, new_height, rate)
            step = float(original.average_rate or rate) / rate
            next_source = 0.0
            for index, decoded in enumerate(reader.decode(original)):
                if max_seconds is not None and (decoded.time or 0.0) >= max_seconds:
                    break
                if index + 1e-9 < next_source:
                    continue
                next_source += step
                frame = decoded.reformat(new_width, new_height, format="yuv420p")
                frame.pts = frames
                frame.time_base = Fraction(1, rate)
                frames += 1
                container.mux(stream.encode(frame))
            container.mux(stream.encode(None))
    seconds = frames // rate
    return VideoSummary(target, seconds, frames, new_width, new_height)


def _video_stream(
    container: av.container.OutputContainer, codec: str, width: int, height: int, fps: int
) -> av.video.stream.VideoStream:
    stream = container.add_stream(codec, rate=fps)
    assert isinstance(stream, av.video.stream.VideoStream)  # a video codec gives a video stream
    stream.width, stream.height = width, height
    stream.pix_fmt = "yuv420p"
    stream.time_base = Fraction(1, fps)
    stream.codec_context.thread_count = 1  # one thread: the same bytes every time
    if codec == "libx264":
        stream.options = {"crf": "23", "preset": "veryfast"}
    else:
        stream.bit_rate = 1_200_000
    return stream


def _pan(
    rng: random.Random, backdrop: Image.Image, width: int, height: int, count: int
) -> list[Image.Image]:
    """`count` frames moving a `width` × `height` window across `backdrop`, zooming in slowly."""
    big = backdrop.resize((width * 2, height * 2), Image.Resampling.BICUBIC)
    start = (rng.uniform(0, width * 0.8), rng.uniform(0, height * 0.8))
    end = (rng.uniform(0, width * 0.8), rng.uniform(0, height * 0.8))
    zoom = rng.uniform(1.0, 1.25)
    pictures = []
    for i in range(count):
        t = i / max(1, count - 1)
        scale = 1.0 + (zoom - 1.0) * t
        box_w, box_h = width * 1.2 / scale, height * 1.2 / scale
        x = min(start[0] + (end[0] - start[0]) * t, width * 2 - box_w)
        y = min(start[1] + (end[1] - start[1]) * t, height * 2 - box_h)
        box = (int(x), int(y), int(x + box_w), int(y + box_h))
        pictures.append(big.resize((width, height), Image.Resampling.BILINEAR, box=box))
    return pictures
