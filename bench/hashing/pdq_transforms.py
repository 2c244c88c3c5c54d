"""Benchmark: how PDQ (canonical preprocessing) holds up under common edits of generated images.

Writes a synthetic image set (`suraksha.synthetic.images.write_images`: originals plus one copy per
transform), hashes every file with `pdq_of_file`, and prints as Markdown:
- per transform, the share of copies within `MATCH_THRESHOLD` of their original's hash, the median
  and 90th-percentile distance, and the share matched when the copy's 8 dihedral hashes are tried;
- the distances between unrelated originals (every pair): min, 1st percentile, median, and how many
  pairs would falsely match;
- how far the canonical hash of each original lies from a ThreatExchange-style hash of the same file
  (`pdq_hasher.pdq_from_file`: the whole image decoded, no draft, no EXIF orientation, no resize),
  the way a bank shared by another organisation may have been hashed.

Run: `.venv/bin/python bench/hashing/pdq_transforms.py --count 200 --seed 1`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pdqhash  # type: ignore[import-untyped]  # no stubs
from PIL import Image

from suraksha.hashing.pdq import (
    MATCH_THRESHOLD,
    MIN_QUALITY,
    PREPROCESSING_VERSION,
    PdqHash,
    dihedral_hashes,
    hamming,
    load_canonical,
    pdq_of_file,
    pdq_of_image,
)
from suraksha.synthetic.images import TRANSFORMS, write_images


@dataclass(frozen=True, slots=True)
class TransformRow:
    """Distances of one transform's copies from their originals."""

    name: str
    copies: int
    matched: int
    matched_dihedral: int
    median: float
    p90: float
    low_quality: int


@dataclass(frozen=True, slots=True)
class UnrelatedPairs:
    """Distances between the hashes of distinct originals."""

    pairs: int
    minimum: int
    p1: float
    median: float
    false_matches: int


def percentile(values: list[int], share: float) -> float:
    """The `share` quantile (0–1) of `values`, by linear interpolation between ranks."""
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def reference_style(path: Path) -> str:
    """The PDQ hex of `path` hashed as ThreatExchange's `pdq_hasher` does: whole image, RGB."""
    with Image.open(path) as image:
        bits, _quality = pdqhash.compute(np.asarray(image.convert("RGB")))
    return bytes(np.packbits(np.asarray(bits, dtype=np.uint8))).hex()


def hash_copy(path: Path) -> tuple[PdqHash, list[PdqHash]]:
    """The copy's hash and its 8 dihedral hashes, from one decode."""
    image = load_canonical(path)
    if image is None:
        raise SystemExit(f"{path} did not decode as an image")
    return pdq_of_image(image), dihedral_hashes(image)


def measure(out: Path) -> tuple[list[TransformRow], UnrelatedPairs, int, float]:
    """Hash the set under `out`; return per-transform rows, unrelated pairs, low-quality originals
    and the seconds spent hashing."""
    files: dict[str, dict[str, str]] = json.loads((out / "manifest.json").read_text("utf-8"))[
        "files"
    ]
    started = time.perf_counter()
    originals: dict[str, PdqHash] = {}
    for name, entry in files.items():
        if entry["transform"] == "original":
            found = pdq_of_file(out / name)
            if found is None:
                raise SystemExit(f"{name} did not decode as an image")
            originals[name] = found
    distances: dict[str, list[int]] = {transform.name: [] for transform in TRANSFORMS}
    dihedral: dict[str, int] = dict.fromkeys(distances, 0)
    low_quality: dict[str, int] = dict.fromkeys(distances, 0)
    for name, entry in files.items():
        if entry["transform"] == "original":
            continue
        plain, rotations = hash_copy(out / name)
        reference = originals[entry["original"]]
        distances[entry["transform"]].append(hamming(plain, reference))
        if min(hamming(candidate, reference) for candidate in rotations) <= MATCH_THRESHOLD:
            dihedral[entry["transform"]] += 1
        if not plain.usable:
            low_quality[entry["transform"]] += 1
    seconds = time.perf_counter() - started
    rows = [
        TransformRow(
            name=name,
            copies=len(values),
            matched=sum(value <= MATCH_THRESHOLD for value in values),
            matched_dihedral=dihedral[name],
            median=statistics.median(values),
            p90=percentile(values, 0.9),
            low_quality=low_quality[name],
        )
        for name, values in distances.items()
    ]
    unrelated = [hamming(a, b) for a, b in itertools.combinations(originals.values(), 2)]
    pairs = UnrelatedPairs(
        pairs=len(unrelated),
        minimum=min(unrelated),
        p1=percentile(unrelated, 0.01),
        median=statistics.median(unrelated),
        false_matches=sum(value <= MATCH_THRESHOLD for value in unrelated),
    )
    low_originals = sum(not found.usable for found in originals.values())
    return rows, pairs, low_originals, seconds


def reference_distances(out: Path) -> list[int]:
    """Per original: distance between its canonical hash and its ThreatExchange-style hash."""
    found = []
    for path in sorted((out / "originals").iterdir()):
        canonical = pdq_of_file(path)
        if canonical is None:
            raise SystemExit(f"{path} did not decode as an image")
        found.append(hamming(canonical, reference_style(path)))
    return found


def share(part: int, whole: int) -> str:
    """`part` of `whole` as a percentage with one decimal."""
    return f"{100 * part / whole:.1f}%"


def main() -> None:
    """Parse arguments, write the set (to a temporary directory unless --keep), measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="original scenes (default 200)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the image set here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="suraksha-pdq-") as scratch:
        out: Path = args.keep or Path(scratch) / "images"
        started = time.perf_counter()
        write_images(out, count=args.count, seed=args.seed)
        generated = time.perf_counter() - started
        rows, pairs, low_originals, seconds = measure(out)
        reference = reference_distances(out)
    files = args.count * (len(TRANSFORMS) + 1)
    print(
        f"PDQ under {PREPROCESSING_VERSION}, match at distance <= {MATCH_THRESHOLD}; "
        f"{args.count} originals (seed {args.seed}), {len(TRANSFORMS)} transforms; "
        f"generated in {generated:.0f} s, hashed {files} files in {seconds:.0f} s "
        f"({1000 * seconds / files:.1f} ms per file incl. dihedral)."
    )
    print()
    print("| transform | copies | matched | median distance | p90 distance | matched with dihedral "
          f"| quality < {MIN_QUALITY} |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row.name} | {row.copies} | {share(row.matched, row.copies)} | {row.median:g} "
            f"| {row.p90:g} | {share(row.matched_dihedral, row.copies)} | {row.low_quality} |"
        )
    print()
    print("| unrelated original pairs | min | 1st percentile | median | pairs <= threshold |")
    print("|---:|---:|---:|---:|---:|")
    print(
        f"| {pairs.pairs} | {pairs.minimum} | {pairs.p1:g} | {pairs.median:g} "
        f"| {pairs.false_matches} |"
    )
    print()
    print(f"Originals with quality < {MIN_QUALITY}: {low_originals} of {args.count}.")
    print(
        "Canonical vs ThreatExchange-style hash of the same original: "
        f"median {statistics.median(reference):g}, p90 {percentile(reference, 0.9):g}, "
        f"max {max(reference)}; within {MATCH_THRESHOLD}: "
        f"{share(sum(d <= MATCH_THRESHOLD for d in reference), len(reference))}."
    )


if __name__ == "__main__":
    main()
