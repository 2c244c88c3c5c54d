"""Benchmark: a 10-million-line MD5 list in memory, `DigestSet` against a Python set of hex strings.

Writes a list of random MD5s (bare hex, one a line, as big lists come; `--names` writes md5sum
lines `<hex>  <name>` instead), then in one run, each in a fresh child process so that peak
memory (VmHWM) is its own: loads it into `suraksha.hashing.digest_set.DigestSet` and into the
baseline, a Python `set` of the lines' hex strings, and times a batch of lookups (half present,
half absent) in each. Prints Markdown: load seconds, peak memory after loading (VmHWM, the
interpreter and numpy included: "before load") and the set's own arrays, lookups/s, ratios.

Run: `.venv/bin/python bench/hashing/exact_lookup.py --lines 10000000 --lookups 1000000`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from suraksha.hashing.digest_set import DigestSet


def write_list(path: Path, lines: int, seed: int, names: bool) -> None:
    """`lines` random MD5s, a million at a time."""
    rng = np.random.default_rng(seed)
    with path.open("wb") as out:
        for start in range(0, lines, 1_000_000):
            text = rng.integers(0, 256, (min(1_000_000, lines - start), 16), np.uint8)
            hexes = text.tobytes().hex()
            rows = (hexes[at : at + 32] for at in range(0, len(hexes), 32))
            if names:
                rows = (f"{row}  IMG_{start + n:08d}.jpg" for n, row in enumerate(rows))
            out.write(("\n".join(rows) + "\n").encode())


def queries(path: Path, count: int, seed: int) -> list[str]:
    """Half the first lines' digests (present), half random digests (almost surely absent)."""
    present = []
    with path.open() as stream:
        for line in stream:
            present.append(line[:32])
            if len(present) >= count // 2:
                break
    absent = np.random.default_rng(seed + 1).integers(0, 256, (count - len(present), 16), np.uint8)
    text = absent.tobytes().hex()
    return present + [text[at : at + 32] for at in range(0, len(text), 32)]


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def child(method: str, path: Path, count: int, seed: int) -> dict[str, float]:
    """Load and look up with one method; runs in its own process. Peak memory is read right
    after loading, before the queries (a million Python strings, ~90 MB) are made."""
    started_mb = peak_mb()
    started = time.perf_counter()
    if method == "digest_set":
        digests, _ = DigestSet.load(path)
        load_s = time.perf_counter() - started
        loaded_mb = peak_mb()
        asked = queries(path, count, seed)
        started = time.perf_counter()
        found = int(digests.contains(asked).sum())
        set_mb = digests.memory_bytes() / 1e6
    else:
        with path.open() as stream:
            strings = {line.split(maxsplit=1)[0].lower() for line in stream if line.strip()}
        load_s = time.perf_counter() - started
        loaded_mb = peak_mb()
        asked = queries(path, count, seed)
        started = time.perf_counter()
        found = sum(value in strings for value in asked)
        set_mb = float("nan")
    lookup_s = time.perf_counter() - started
    return {
        "load_s": load_s,
        "lookups_per_s": len(asked) / lookup_s,
        "found": found,
        "peak_mb": loaded_mb,
        "before_mb": started_mb,
        "set_mb": set_mb,
    }


def main() -> None:
    """Parse arguments; write the list; run each method in a child process; print Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--lookups", type=int, default=1_000_000)
    parser.add_argument("--names", action="store_true", help="md5sum lines with file names")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", nargs=2, metavar=("METHOD", "LIST"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        method, listing = args.child
        print(json.dumps(child(method, Path(listing), args.lookups, args.seed)))
        return
    with tempfile.TemporaryDirectory(prefix="suraksha-md5-") as scratch:
        path = Path(scratch) / "list.md5"
        write_list(path, args.lines, args.seed, args.names)
        size_mb = path.stat().st_size / 1e6
        results = {}
        for method in ("digest_set", "python_set"):
            command = [sys.executable, __file__, "--lookups", str(args.lookups)]
            command += ["--seed", str(args.seed), "--child", method, str(path)]
            done = subprocess.run(
                command, capture_output=True, text=True, check=True, env=dict(os.environ)
            )
            results[method] = json.loads(done.stdout)
    ours, baseline = results["digest_set"], results["python_set"]
    if ours["found"] != baseline["found"]:
        raise SystemExit(f"lookups disagree: {ours['found']} vs {baseline['found']}")
    print(
        f"{args.lines:,}-line MD5 list ({size_mb:,.0f} MB, "
        f"{'md5sum lines with names' if args.names else 'bare hex'}); {args.lookups:,} lookups, "
        f"{ours['found']:,} found; each method in its own process\n"
    )
    print(
        "| method | load s | peak RSS MB after load | of which before load | set MB | lookups/s |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name, row in (("DigestSet", ours), ("Python set of hex strings", baseline)):
        set_mb = "–" if row["set_mb"] != row["set_mb"] else f"{row['set_mb']:,.0f}"
        print(
            f"| {name} | {row['load_s']:.2f} | {row['peak_mb']:,.0f} | {row['before_mb']:,.0f} "
            f"| {set_mb} "
            f"| {row['lookups_per_s']:,.0f} |"
        )
    print(
        f"\nDigestSet vs Python set: load **{baseline['load_s'] / ours['load_s']:.1f}×** faster, "
        f"peak memory **{baseline['peak_mb'] / ours['peak_mb']:.1f}×** smaller, lookups "
        f"**{ours['lookups_per_s'] / baseline['lookups_per_s']:.1f}×** faster."
    )


if __name__ == "__main__":
    main()
