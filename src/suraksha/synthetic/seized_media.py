"""A synthetic seized device for the demo: benign generated pictures, and hash lists that know some.

The device folder holds generated scenes (`suraksha.synthetic.images`) and their transformed copies
(resized, re-encoded, cropped, rotated, flipped…). Two hash lists name some of them the way a unit's
banks would:

- `known-media.md5`: the MD5 of a few originals, left on the device as they are: exact matches;
- `known-media.pdq`: the PDQ hashes of a few other originals that are then removed from the device,
  so that only their transformed copies remain: perceptual (near) matches, found through the
  rotations and flips a scan compares;
- `known-videos.vpdq` (when `videos` > 0): the vPDQ of a generated video that is then removed,
  leaving on the device a smaller re-encoded copy (a near match of nearly all its frames) and a
  clip cut from its start (a near match of part of it); one more video is never seen;

and every other scene is never-seen material, the new-media queue. Nothing here is abuse material:
the pictures are gradients, stripes and shapes, and the videos pans across such scenes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from suraksha.hashing.digests import digest_file
from suraksha.hashing.fingerprints import fingerprint
from suraksha.hashing.formats.vpdq import HEADER as VPDQ_HEADER
from suraksha.hashing.pdq import pdq_of_file
from suraksha.synthetic.images import write_images
from suraksha.synthetic.videos import reencode, write_video


@dataclass(frozen=True, slots=True)
class SeizedDevice:
    """Where the device's files and the hash lists were written, and what they hold."""

    folder: Path
    md5_list: Path
    pdq_list: Path
    files: int
    exact_known: int  # originals on the device whose MD5 is listed
    perceptual_known: int  # originals listed by PDQ, present only as transformed copies
    vpdq_list: Path | None = None
    videos: int = 0  # videos on the device: two copies of the listed one, and one never seen


def write_seized_device(
    out: Path, *, seed: int, scenes: int = 8, video_seconds: int = 0
) -> SeizedDevice:
    """Write the device under `out/device` and its hash lists under `out/lists` (see module doc).

    `out` must be missing or empty; a quarter of the scenes are listed by MD5 and a quarter by PDQ.
    With `video_seconds` > 0, three videos of about that length are added and one is listed by
    vPDQ (see the module docstring).
    """
    folder, lists = out / "device", out / "lists"
    write_images(folder, count=scenes, seed=seed)
    lists.mkdir(parents=True)
    originals = sorted((folder / "originals").glob("*.jpg"))
    listed = max(1, scenes // 4)
    by_md5, by_pdq = originals[:listed], originals[listed : 2 * listed]
    md5_list = lists / "known-media.md5"
    md5_list.write_text("".join(f"{digest_file(path).md5}  {path.name}\n" for path in by_md5))
    pdq_lines = []
    for path in by_pdq:
        pdq = pdq_of_file(path)
        if pdq is not None:
            pdq_lines.append(f"{pdq.hex},{pdq.quality},{path.name}\n")
        path.unlink()  # only the copies stay: the scan must find them by likeness
    pdq_list = lists / "known-media.pdq"
    pdq_list.write_text("hash,quality,filename\n" + "".join(pdq_lines))
    vpdq_list = _write_videos(folder, lists, seed, video_seconds) if video_seconds > 0 else None
    files = sum(1 for path in folder.rglob("*") if path.is_file())
    return SeizedDevice(
        folder,
        md5_list,
        pdq_list,
        files,
        len(by_md5),
        len(pdq_lines),
        vpdq_list,
        3 if vpdq_list else 0,
    )


def _write_videos(folder: Path, lists: Path, seed: int, seconds: int) -> Path:
    """The known video's vPDQ list; on the device its re-encoded copy, a clip, and a new video."""
    movies = folder / "videos"
    movies.mkdir()
    known = lists / "known-video.mp4"
    write_video(known, seed=f"{seed}:known", seconds=seconds)
    vpdq_list = lists / "known-videos.vpdq"
    lines = fingerprint(known, "video/mp4").vpdq_lines()
    vpdq_list.write_text(
        VPDQ_HEADER
        + "\n"
        + "".join(line.replace(str(known), "known-video-1") + "\n" for line in lines)
    )
    reencode(known, movies / "VID_0001.mp4", width=480, codec="mpeg4")
    _clip(known, movies / "VID_0002.mp4", seconds=max(2, seconds // 2))
    known.unlink()  # only the copies stay: the scan must find them by likeness
    write_video(movies / "VID_0003.mp4", seed=f"{seed}:new", seconds=seconds)
    return vpdq_list


def _clip(source: Path, target: Path, *, seconds: int) -> None:
    """The first `seconds` of `source`, re-encoded: a clip cut from a known video."""
    reencode(source, target, codec="libx264", max_seconds=seconds)
