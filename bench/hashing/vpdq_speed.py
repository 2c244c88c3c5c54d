"""Benchmark: vPDQ of a video file, Suraksha's `hashing.video` against Meta's `vpdq`, one core.

Generates benign videos (`suraksha.synthetic.videos`: pans across generated scenes, H.264,
12 frames a second) at two sizes, 640 × 360 and 1280 × 720, then hashes each file with
`suraksha.hashing.video.video_hash` and with Meta's `vpdq.computeHash(path, seconds_per_hash=1)`
(the baseline: C++ over FFmpeg, the reference implementation), in alternating rounds, each keeping
its fastest, on one thread each. Prints Markdown: seconds of video hashed per second, the speed
ratio, whether the same frames were chosen, and the distance of each frame's hash to Meta's.

Meta's `vpdq` is built by scripts/install from requirements/reference.txt when FFmpeg's headers
could be installed; without it the baseline rows say so.

Both decode with FFmpeg, which may start decoding threads; run under `taskset -c 0` to compare one
core against one core, as the figures in docs/benchmarks.md do.

Run: `taskset -c 0 .venv/bin/python bench/hashing/vpdq_speed.py --videos 3 --seconds 20 --rounds 3`.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from suraksha.hashing.pdq import hamming
from suraksha.hashing.video import VIDEO_PREPROCESSING_VERSION, video_hash
from suraksha.synthetic.videos import write_video

SIZES = ((640, 360), (1280, 720))


def _time(run: Callable[[list[Path]], object], paths: list[Path], rounds: list[float]) -> None:
    """Time one round of `run(paths)` into `rounds`."""
    started = time.perf_counter()
    run(paths)
    rounds.append(time.perf_counter() - started)


def _ours(paths: list[Path]) -> None:
    for path in paths:
        video_hash(path, "video/mp4")


def _theirs(vpdq: Any, paths: list[Path]) -> None:
    for path in paths:
        vpdq.computeHash(str(path), seconds_per_hash=1, thread_count=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=3, help="videos per size")
    parser.add_argument("--seconds", type=int, default=20, help="length of each video")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    try:
        vpdq: Any = importlib.import_module("vpdq")
    except ImportError:
        vpdq = None
    print(f"vPDQ, {VIDEO_PREPROCESSING_VERSION}; {args.videos} videos of {args.seconds} s per size")
    print()
    print(
        "| size | method | video s hashed / s | × baseline | same frames | distance median | max |"
    )
    print("|---|---|---:|---:|---|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for width, height in SIZES:
            paths = [
                write_video(
                    Path(folder) / f"{width}-{n}.mp4",
                    seed=f"bench:{n}",
                    seconds=args.seconds,
                    size=(width, height),
                ).path
                for n in range(args.videos)
            ]
            ours: list[float] = []
            theirs: list[float] = []
            for _ in range(args.rounds):
                _time(_ours, paths, ours)
                if vpdq is not None:
                    _time(partial(_theirs, vpdq), paths, theirs)
            total = args.seconds * len(paths)
            rate = total / min(ours)
            if vpdq is None:
                print(f"| {width}×{height} | Suraksha | {rate:,.0f} | – | – | – | – |")
                print(f"| {width}×{height} | Meta vpdq | not installed | | | | |")
                continue
            same = True
            gaps: list[int] = []
            for path in paths:
                mine = video_hash(path, "video/mp4")
                reference = vpdq.computeHash(str(path), seconds_per_hash=1, thread_count=1)
                assert mine is not None
                same &= [f.frame for f in mine.frames] == [f.frame_number for f in reference]
                gaps += [
                    hamming(a.pdq.hex, b.hex) for a, b in zip(mine.frames, reference, strict=False)
                ]
            base = total / min(theirs)
            print(
                f"| {width}×{height} | Suraksha `video_hash` | {rate:,.0f} | **{rate / base:.2f}** | "
                f"{'yes' if same else 'no'} | {statistics.median(gaps):.0f} | {max(gaps)} |"
            )
            print(
                f"| {width}×{height} | Meta `vpdq.computeHash` | {base:,.0f} | 1.00 | – | – | – |"
            )


if __name__ == "__main__":
    main()
