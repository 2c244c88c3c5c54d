"""A synthetic seized device for the demo: benign generated pictures, and hash lists that know some.

The device folder holds generated scenes (`suraksha.synthetic.images`) and their transformed copies
(resized, re-encoded, cropped, rotated, flipped…). Two hash lists name some of them the way a unit's
banks would:

- `known-media.md5`: the MD5 of a few originals, left on the device as they are: exact matches;
- `known-media.pdq`: the PDQ hashes of a few other originals that are then removed from the device,
  so that only their transformed copies remain: perceptual (near) matches, found through the
  rotations and flips a scan compares;

and every other scene is never-seen material, the new-media queue. Nothing here is abuse material:
the pictures are gradients, stripes and shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from suraksha.hashing.digests import digest_file
from suraksha.hashing.pdq import pdq_of_file
from suraksha.synthetic.images import write_images


@dataclass(frozen=True, slots=True)
class SeizedDevice:
    """Where the device's files and the two hash lists were written, and what they hold."""

    folder: Path
    md5_list: Path
    pdq_list: Path
    files: int
    exact_known: int  # originals on the device whose MD5 is listed
    perceptual_known: int  # originals listed by PDQ, present only as transformed copies


def write_seized_device(out: Path, *, seed: int, scenes: int = 8) -> SeizedDevice:
    """Write the device under `out/device` and its hash lists under `out/lists` (see module doc).

    `out` must be missing or empty; a quarter of the scenes are listed by MD5 and a quarter by PDQ.
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
    files = sum(1 for path in folder.rglob("*") if path.is_file())
    return SeizedDevice(folder, md5_list, pdq_list, files, len(by_md5), len(pdq_lines))
