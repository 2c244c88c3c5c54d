"""Benchmark: triage throughput against hashdeep and md5deep, and images per second per core.

1. Builds a benign tree in a temporary folder (default 20,000 files, 1.4 GB): random bytes in
   log-normally distributed sizes across 200 folders, and 2% generated JPEG scenes. Nothing is
   downloaded and nothing is kept.
2. Warms the page cache (every file read once), then, in the same run and on the same tree, times:
   - `suraksha-examine`: triage's worker path (`triage.examination.examine` through
     `parallel.ordered_map`, one worker per core): MD5 + SHA-1 + SHA-256 in one read, the type by
     content, and PDQ + EXIF for the JPEGs;
   - `suraksha-digests`: the same workers computing only the three digests (`hashing.digests`);
   - `hashdeep -c md5,sha1,sha256 -r` and `md5deep -r` (Debian's hashdeep 4.4, one thread a core).
3. With 1,000 benign 1024×768 JPEGs (with camera EXIF): images per second per core of `examine`
   (digests, PDQ of the 8 rotations and flips, EXIF) in this one process, and in the worker pool,
   and of a whole `scan` into SQLite (workers, bank matching, storing). On a shared machine the
   one-process figure is the steadiest per-core measure; pool figures include the pool's start.

Run: `scripts/bench triage` (equivalently `.venv/bin/python bench/triage/run.py`); for a quick
look, `--files 2000 --size 140M --images 200`.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from suraksha.hashing.digests import digest_file
from suraksha.parallel import default_workers, ordered_map
from suraksha.synthetic.images import scene
from suraksha.triage.examination import Job, examine
from suraksha.triage.sources import LocalFile

# Worker processes import this module again (it is `__main__`): the scanner, SQLAlchemy and faiss
# are imported where used, so that a worker's start costs what it costs under `suraksha scan`'s
# own light worker module, not seconds of this benchmark's imports.
WORKER_CHUNK = 16  # triage.scanner.WORKER_CHUNK, checked in main()

JPEG_SHARE = 0.02
IMAGE_SIZE = (1024, 768)


def parse_size(text: str) -> int:
    """ "1.4G", "140M", "900k" or a number of bytes."""
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    text = text.strip().lower().removesuffix("b")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def benign_jpeg(args: tuple[Path, int]) -> int:
    """Write generated scene `seed` as a 1024×768 JPEG with made-up camera EXIF at `path`."""
    path, seed = args
    image = scene(seed)
    if image.size != IMAGE_SIZE:
        image = image.resize(IMAGE_SIZE)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "BenignCam", f"Model {seed % 5}"
    detail = exif.get_ifd(0x8769)
    detail[0x9003] = f"2025:10:{1 + seed % 28:02d} 12:{seed % 60:02d}:00"
    detail[0xA431] = f"SN-{seed % 7:04d}"
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=90, exif=exif)
    return path.stat().st_size


def build_tree(root: Path, files: int, size: int, seed: int, workers: int) -> tuple[int, int]:
    """Random-byte files (log-normal sizes scaled to `size` in all) and 2% JPEGs; (files, bytes)."""
    rng = random.Random(seed)
    jpegs = int(files * JPEG_SHARE)
    jpeg_paths = [(root / f"d{i % 200:03d}" / f"IMG_{i:06d}.jpg", seed * 1_000_003 + i)
                  for i in range(jpegs)]  # fmt: skip
    jpeg_bytes = sum(size for _, size in ordered_map(benign_jpeg, jpeg_paths, workers=workers))
    raw = [rng.lognormvariate(0, 1.5) for _ in range(files - jpegs)]
    scale = max(size - jpeg_bytes, 0) / sum(raw)
    noise = random.Random(seed + 1)
    written = jpeg_bytes
    for index, weight in enumerate(raw):
        path = root / f"d{index % 200:03d}" / f"f{index:06d}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        length = max(1, int(weight * scale))
        path.write_bytes(noise.randbytes(length))
        written += length
    return files, written


def all_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def warm(paths: list[Path]) -> None:
    for path in paths:
        with path.open("rb") as stream:
            while stream.read(1 << 20):
                pass


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def run_tool(command: list[str]) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def examine_all(paths: list[Path], workers: int) -> None:
    """The scanner's worker path: `examine` on each file's `Job`, chunked as `scan` runs it."""
    jobs = (Job(LocalFile(path), path.parent) for path in paths)
    for _ in ordered_map(examine, jobs, workers=workers, chunk=WORKER_CHUNK):
        pass


def digest_all(paths: list[Path], workers: int) -> None:
    """Only the three digests, in the same workers."""
    for _ in ordered_map(digest_file, paths, workers=workers, chunk=WORKER_CHUNK):
        pass


def cpu_seconds() -> float:
    """CPU seconds used by this process and its waited-for children (the tools) so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measured(action: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of `action`; CPU is counted only for this process and the
    tools it runs, so worker-pool steps report wall time only (CPU 0)."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    action()
    return time.perf_counter() - wall, cpu_seconds() - cpu


def digest_benchmark(args: argparse.Namespace, root: Path, workers: int) -> None:
    start = time.perf_counter()
    count, size = build_tree(root, args.files, args.size, args.seed, workers)
    print(
        f"tree: {count:,} files, {size / 1e9:.2f} GB, built in {time.perf_counter() - start:.0f} s"
    )
    paths = all_files(root)
    warm(paths)
    jobs = [Job(LocalFile(path), path.parent) for path in paths]
    runs: dict[str, list[tuple[float, float]]] = {}
    steps: list[tuple[str, Callable[[], object]]] = [
        (f"suraksha examine, {workers} workers", lambda: examine_all(paths, workers)),
        (f"suraksha digests, {workers} workers", lambda: digest_all(paths, workers)),
        ("hashdeep -c md5,sha1,sha256 -r", lambda: run_tool(
            ["hashdeep", "-c", "md5,sha1,sha256", "-r", str(root)])),
        ("md5deep -r", lambda: run_tool(["md5deep", "-r", str(root)])),
        ("suraksha examine, one process", lambda: [examine(job) for job in jobs]),
        ("suraksha digests, one process", lambda: [digest_file(path) for path in paths]),
    ]  # fmt: skip
    for _ in range(args.repeat):  # interleaved, so that noise from other users hits all alike
        for name, action in steps:
            runs.setdefault(name, []).append(measured(action))
    wall = {name: min(w for w, _ in found) for name, found in runs.items()}
    cpu = {name: min(c for _, c in found) for name, found in runs.items()}
    print(f"\nwarm cache, best of {args.repeat}; the tools use their default threads\n")
    print("| step | wall s | MB/s | files/s | CPU s | MB per CPU-s |")
    print("|---|---|---|---|---|---|")
    for name in wall:
        rate = f"{size / cpu[name] / 1e6:,.0f}" if cpu[name] > 0.05 else "-"
        print(
            f"| {name} | {wall[name]:.2f} | {size / wall[name] / 1e6:,.0f} | "
            f"{count / wall[name]:,.0f} | {cpu[name]:.2f} | {rate} |"
        )
    hashdeep, md5deep = "hashdeep -c md5,sha1,sha256 -r", "md5deep -r"
    print("\nwall-time ratios (tool seconds / Suraksha seconds; same tree, same run):")
    for name in (f"suraksha examine, {workers} workers", f"suraksha digests, {workers} workers"):
        print(
            f"- {name}: {wall[hashdeep] / wall[name]:.2f}× hashdeep (target ≥ 3), "
            f"{wall[md5deep] / wall[name]:.2f}× md5deep (aim ≥ 0.9)"
        )
    print("CPU-time ratios (tool CPU seconds / Suraksha CPU seconds in one process):")
    for name in ("suraksha examine, one process", "suraksha digests, one process"):
        print(
            f"- {name}: {cpu[hashdeep] / cpu[name]:.2f}× hashdeep, "
            f"{cpu[md5deep] / cpu[name]:.2f}× md5deep"
        )


def image_benchmark(args: argparse.Namespace, root: Path, workers: int) -> None:
    folder = root / "images"
    jobs = [(folder / f"IMG_{i:05d}.jpg", 900_000 + i) for i in range(args.images)]
    for _ in ordered_map(benign_jpeg, jobs, workers=workers):
        pass
    paths = [path for path, _ in jobs]
    warm(paths)
    single_s = timed(lambda: [examine(Job(LocalFile(path), folder)) for path in paths])
    examine_s = timed(lambda: examine_all(paths, workers))
    from suraksha.config import Settings
    from suraksha.triage.scanner import ScanRequest, scan
    from suraksha.workspace import open_engine

    home = root / "workspace"
    engine = open_engine(
        Settings(home=home, database_url=f"sqlite:///{home / 'bench.sqlite3'}"), migrate=True
    )
    scratch = root / "scratch"
    scratch.mkdir()
    request = ScanRequest(folder, "BENCH-1", "bench images")
    scan_s = timed(lambda: scan(engine, request, scratch=scratch, workers=workers))
    engine.dispose()
    print(f"\n{args.images:,} benign {IMAGE_SIZE[0]}×{IMAGE_SIZE[1]} JPEGs, {workers} workers\n")
    print("| path | seconds | images/s | images/s per core |")
    print("|---|---|---|---|")
    for name, seconds, cores in (
        ("examine in one process (digests, PDQ ×8, EXIF)", single_s, 1),
        (f"examine in {workers} workers", examine_s, workers),
        (f"scan into SQLite, {workers} workers (+ matching, storing)", scan_s, workers),
    ):
        rate = args.images / seconds
        print(f"| {name} | {seconds:.2f} | {rate:,.1f} | {rate / cores:,.1f} |")
    print("\ntarget: ≥ 90 images/s per core end to end")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--size", type=parse_size, default=parse_size("1.4G"))
    parser.add_argument("--images", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()
    missing = [tool for tool in ("hashdeep", "md5deep") if shutil.which(tool) is None]
    if missing:
        sys.exit(
            f"{', '.join(missing)} not found: apt-get install hashdeep (or run scripts/install)"
        )
    workers = max(1, args.workers)
    from suraksha.triage import scanner

    assert scanner.WORKER_CHUNK == WORKER_CHUNK, "keep the benchmark's chunk the scanner's"
    print(f"cores: {os.cpu_count()}, workers: {workers}, hashdeep: {shutil.which('hashdeep')}")
    with tempfile.TemporaryDirectory(prefix="suraksha-bench-triage-") as temp:
        root = Path(temp)
        digest_benchmark(args, root / "tree", workers)
        image_benchmark(args, root, workers)


if __name__ == "__main__":
    main()
