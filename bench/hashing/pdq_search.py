"""Benchmark: exact PDQ radius search with `PdqIndex` against brute-force numpy and ThreatExchange.

For two banks of random hashes, (a) uniform and (b) clustered (families of near-duplicates: centres
with variants a few bits away), measures in one run: build time, index memory (estimate and resident
growth), batched queries/s at radius 31 for each `PdqIndex` strategy, and the baselines: brute force
in numpy (XOR + popcount over uint64 arrays, on a sample of the queries) and, if installed,
python-threatexchange's `PDQIndex` (one query at a time, as its API offers). Recall against brute
force on the sample must be 1.0 and is checked. Prints Markdown.

Run: `.venv/bin/python bench/hashing/pdq_search.py --bank 1000000 --queries 2000`.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, get_args

import faiss
import numpy as np

from suraksha.hashing.pdq import MATCH_THRESHOLD
from suraksha.hashing.pdq_index import PdqIndex, Strategy

Codes = np.ndarray[Any, np.dtype[np.uint8]]
Results = list[list[tuple[int, int]]]


@dataclass(frozen=True, slots=True)
class Row:
    """One method's figures on one bank."""

    method: str
    build_s: float
    memory_mb: float
    resident_mb: float
    queries_per_s: float
    recall: float


def resident_bytes() -> int:
    """The resident memory of this process (Linux)."""
    with open("/proc/self/statm") as stream:
        return int(stream.read().split()[1]) * 4096


def flip_bits(codes: Codes, counts: np.ndarray[Any, np.dtype[np.int64]], seed: int) -> Codes:
    """Each row of `codes` with up to `counts[row]` random bits flipped (a bit drawn twice
    flips back, so the distance is at most the count)."""
    rng = np.random.default_rng(seed)
    bits = np.unpackbits(codes, axis=1)
    rows = np.arange(len(codes))
    for step in range(int(counts.max(initial=0))):
        chosen = rows[counts > step]
        bits[chosen, rng.integers(0, 256, len(chosen))] ^= 1
    return np.packbits(bits, axis=1)


def uniform_bank(bank: int, queries: int, seed: int) -> tuple[Codes, Codes]:
    """Uniform random bank; queries are half perturbed bank entries (0–40 bits), half random."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 256, (bank, 32), dtype=np.uint8)
    near = codes[rng.integers(0, bank, queries // 2)]
    near = flip_bits(near, rng.integers(0, 41, len(near)), seed + 1)
    far = rng.integers(0, 256, (queries - len(near), 32), dtype=np.uint8)
    return codes, np.concatenate([near, far])


def clustered_bank(bank: int, queries: int, seed: int, family: int = 100) -> tuple[Codes, Codes]:
    """Families of `family` variants, each 0–20 bits from its random centre; queries are
    perturbed variants (0–20 bits more), half of them, and random hashes."""
    rng = np.random.default_rng(seed)
    centres = rng.integers(0, 256, (max(1, bank // family), 32), dtype=np.uint8)
    members = centres[np.arange(bank) % len(centres)]
    codes = flip_bits(members, rng.integers(0, 21, bank), seed + 2)
    near = codes[rng.integers(0, bank, queries // 2)]
    near = flip_bits(near, rng.integers(0, 21, len(near)), seed + 3)
    far = rng.integers(0, 256, (queries - len(near), 32), dtype=np.uint8)
    return codes, np.concatenate([near, far])


def hex_strings(codes: Codes) -> list[str]:
    """The rows of `codes` as 64-hex strings."""
    text = codes.tobytes().hex()
    return [text[start : start + 64] for start in range(0, len(text), 64)]


def brute_force(bank: Codes, queries: Codes, radius: int) -> Results:
    """Each query against every entry: XOR and popcount over (n, 4) uint64 words in numpy."""
    words = np.ascontiguousarray(bank).view(">u8")
    probes = np.ascontiguousarray(queries).view(">u8")
    results: Results = []
    for probe in probes:
        distances = np.bitwise_count(words ^ probe).sum(axis=1, dtype=np.int64)
        hits = np.flatnonzero(distances <= radius)
        pairs = sorted(zip(hits.tolist(), distances[hits].tolist(), strict=True))
        results.append(sorted(pairs, key=lambda pair: (pair[1], pair[0])))
    return results


def recall(found: Results, truth: Results) -> float:
    """The share of true (query, entry) pairs found, with the right distance."""
    wanted = sum(len(pairs) for pairs in truth)
    hit = sum(len(set(f) & set(t)) for f, t in zip(found, truth, strict=True))
    extra = sum(len(set(f) - set(t)) for f, t in zip(found, truth, strict=True))
    if extra:
        raise AssertionError(f"{extra} results outside the radius or with a wrong distance")
    return hit / wanted if wanted else 1.0


def timed(run: Callable[[], Any]) -> tuple[Any, float]:
    """The result of `run()` and the seconds it took."""
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


def measure(bank: Codes, queries: Codes, sample: int, radius: int) -> tuple[list[Row], float]:
    """Every method on one bank; also returns the mean number of results a query."""
    hexes = hex_strings(bank)
    probes = hex_strings(queries)
    entries = list(enumerate(hexes))
    truth, brute_s = timed(lambda: brute_force(bank, queries[:sample], radius))
    rows = [Row("numpy brute force", 0.0, bank.nbytes / 1e6, 0.0, sample / brute_s, 1.0)]
    for strategy in get_args(Strategy):
        gc.collect()
        before = resident_bytes()
        index, build_s = timed(partial(PdqIndex.build, entries, strategy))
        grown = (resident_bytes() - before) / 1e6
        found, query_s = timed(partial(index.search, probes, radius))
        rows.append(
            Row(
                f"PdqIndex {strategy}",
                build_s,
                index.memory_bytes() / 1e6,
                grown,
                len(probes) / query_s,
                recall(found[:sample], truth),
            )
        )
        mean_hits = sum(map(len, found)) / len(found)
        del index, found
    rows += threatexchange_rows(entries, probes, truth, sample)
    return rows, mean_hits


def threatexchange_rows(
    entries: list[tuple[int, str]], probes: list[str], truth: Results, sample: int
) -> list[Row]:
    """python-threatexchange's `PDQIndex` (faiss multi-index hashing, 16 × 16 bits), if installed."""
    try:
        from threatexchange.signal_type.pdq.pdq_index import (
            PDQIndex,
        )
    except ImportError:
        return []
    gc.collect()
    before = resident_bytes()
    index, build_s = timed(lambda: PDQIndex([(value, entry) for entry, value in entries]))
    grown = (resident_bytes() - before) / 1e6

    def run() -> Results:
        results: Results = []
        for probe in probes:
            pairs = [(m.metadata, m.similarity_info.distance) for m in index.query(probe)]
            results.append(sorted(pairs, key=lambda pair: (pair[1], pair[0])))
        return results

    found, query_s = timed(run)
    return [
        Row(
            "threatexchange PDQIndex",
            build_s,
            float("nan"),
            grown,
            len(probes) / query_s,
            recall(found[:sample], truth),
        )
    ]


def memory(megabytes: float) -> str:
    """A memory figure, or a dash where there is no estimate."""
    return "–" if megabytes != megabytes else f"{megabytes:.0f}"


def main() -> None:
    """Parse arguments, run both banks, print Markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=int, default=1_000_000, help="hashes in each bank")
    parser.add_argument("--queries", type=int, default=2_000, help="queries a method")
    parser.add_argument("--sample", type=int, default=500, help="queries checked by brute force")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sample = min(args.sample, args.queries)
    print(f"faiss {faiss.__version__}, {faiss.omp_get_max_threads()} threads, radius 31\n")
    for name, make in (("uniform", uniform_bank), ("clustered", clustered_bank)):
        bank, queries = make(args.bank, args.queries, args.seed)
        rows, hits = measure(bank, queries, sample, MATCH_THRESHOLD)
        brute = rows[0].queries_per_s
        print(
            f"### {name}: {args.bank:,} hashes, {args.queries:,} queries ({hits:.1f} hits each)\n"
        )
        print(
            "| method | build s | memory MB (est.) | RSS growth MB | queries/s | × brute | recall |"
        )
        print("|---|---|---|---|---|---|---|")
        for row in rows:
            print(
                f"| {row.method} | {row.build_s:.2f} | {memory(row.memory_mb)} | {row.resident_mb:.0f} "
                f"| {row.queries_per_s:,.0f} | {row.queries_per_s / brute:.1f} | {row.recall:.3f} |"
            )
        print()


if __name__ == "__main__":
    main()
