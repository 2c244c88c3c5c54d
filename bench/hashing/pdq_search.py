"""Benchmark: exact PDQ radius search with `PdqIndex` against brute-force numpy and ThreatExchange.

For two banks of random hashes, (a) uniform and (b) clustered (families of near-duplicates: centres
with variants a few bits away), measures in one run: build time, index memory (estimate and resident
growth), batched queries/s at radius 31 for each `PdqIndex` strategy, and the baselines: brute force
in numpy (XOR + popcount over uint64 arrays, on a sample of the queries) and python-threatexchange's
`PDQIndex` (one query at a time, as its API offers). Recall against brute force on the sample must
be 1.0 and is checked.

Sizes: `mih` answers every query on the full bank with 2 threads; `flat` (a scan) answers the
sample only; `multihash` (~1 GB a million) runs only on banks up to `--multihash-max`.
ThreatExchange's `PDQIndex` is built on the first `--te-bank` hashes of the bank (default: all;
at 10 million it takes ~2 minutes and ~2 GB), and `mih` is measured again on that same subset, so
the ratio compares like with like. Prints Markdown.

Run: `.venv/bin/python bench/hashing/pdq_search.py --bank 10000000 --queries 4000 --te-bank 1000000`.
"""

from __future__ import annotations

import argparse
import gc
import itertools
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
    flips back, so the distance is at most the count). Works on bytes in place of a copy: no
    unpacking, so 10 million rows cost no more than their 320 MB."""
    rng = np.random.default_rng(seed)
    flipped = codes.copy()
    rows = np.arange(len(codes))
    for step in range(int(counts.max(initial=0))):
        chosen = rows[counts > step]
        bits = rng.integers(0, 256, len(chosen))
        flipped[chosen, bits >> 3] ^= (1 << (bits & 7)).astype(np.uint8)
    return flipped


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
    """Each query against every entry: XOR and popcount over (n, 4) uint64 words in numpy, the
    bank taken in slices that stay in cache while every query passes over them."""
    words = np.ascontiguousarray(bank).view(np.uint64)
    probes = np.ascontiguousarray(queries).view(np.uint64)
    found: list[list[tuple[int, int]]] = [[] for _ in probes]
    for start in range(0, len(words), 1 << 16):
        columns = [np.ascontiguousarray(words[start : start + (1 << 16), k]) for k in range(4)]
        for position, probe in enumerate(probes):
            distances = np.bitwise_count(columns[0] ^ probe[0]).astype(np.int64)
            for k in range(1, 4):  # column by column: numpy's sum over a 4-wide axis is slow
                distances += np.bitwise_count(columns[k] ^ probe[k])
            hits = np.flatnonzero(distances <= radius)
            found[position] += zip((hits + start).tolist(), distances[hits].tolist(), strict=True)
    return [sorted(pairs, key=lambda pair: (pair[1], pair[0])) for pairs in found]


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


def measure(
    bank: Codes,
    queries: Codes,
    sample: int,
    radius: int,
    *,
    te_bank: int,
    multihash_max: int,
    mih_only: bool = False,
) -> tuple[list[Row], float]:
    """Every method on one bank; also returns the mean number of results a query."""
    ids = np.arange(len(bank), dtype=np.int64)
    truth, brute_s = timed(lambda: brute_force(bank, queries[:sample], radius))
    rows = [Row("numpy brute force", 0.0, bank.nbytes / 1e6, 0.0, sample / brute_s, 1.0)]
    mean_hits = 0.0
    for strategy in get_args(Strategy):
        if mih_only and strategy != "mih":
            continue
        if strategy == "multihash" and len(bank) > multihash_max:
            continue  # ~1 GB a million entries
        gc.collect()
        before = resident_bytes()
        index, build_s = timed(partial(PdqIndex.from_codes, ids, bank, strategy))
        grown = (resident_bytes() - before) / 1e6
        asked = queries if strategy == "mih" else queries[:sample]
        (query, entry, distance), query_s = timed(
            partial(index.search_codes, asked, radius, threads=2)
        )
        found = split(query, entry, distance, len(asked))
        rows.append(
            Row(
                f"PdqIndex {strategy}" + ("" if strategy == "mih" else f" ({sample} queries)"),
                build_s,
                index.memory_bytes() / 1e6,
                grown,
                len(asked) / query_s,
                recall(found[:sample], truth),
            )
        )
        if strategy == "mih":
            mean_hits = len(query) / len(asked)
        del index, found
    if not mih_only:
        rows += threatexchange_rows(bank[:te_bank], queries, sample, radius)
    return rows, mean_hits


def split(
    query: np.ndarray[Any, np.dtype[np.int64]],
    entry: np.ndarray[Any, np.dtype[np.int64]],
    distance: np.ndarray[Any, np.dtype[np.int64]],
    count: int,
) -> Results:
    """`PdqIndex.search_codes` arrays as one sorted (entry, distance) list per query."""
    bounds = np.searchsorted(query, np.arange(count + 1)).tolist()
    pairs = list(zip(entry.tolist(), distance.tolist(), strict=True))
    return [pairs[start:end] for start, end in itertools.pairwise(bounds)]


def threatexchange_row(
    subset: Codes, queries: Codes, truth: Results, sample: int, label: str
) -> Row:
    """python-threatexchange's `PDQIndex` built on `subset`, queried one hash at a time."""
    from threatexchange.signal_type.pdq.pdq_index import PDQIndex

    hexes = hex_strings(subset)
    probes = hex_strings(queries)
    gc.collect()
    before = resident_bytes()
    index, build_s = timed(lambda: PDQIndex([(value, entry) for entry, value in enumerate(hexes)]))
    grown = (resident_bytes() - before) / 1e6

    def run() -> Results:
        results: Results = []
        for probe in probes:
            pairs = [(m.metadata, m.similarity_info.distance) for m in index.query(probe)]
            results.append(sorted(pairs, key=lambda pair: (pair[1], pair[0])))
        return results

    found, query_s = timed(run)
    return Row(
        f"threatexchange PDQIndex{label}",
        build_s,
        float("nan"),
        grown,
        len(probes) / query_s,
        recall(found[:sample], truth),
    )


def threatexchange_rows(subset: Codes, queries: Codes, sample: int, radius: int) -> list[Row]:
    """python-threatexchange's `PDQIndex` (faiss multi-index hashing, 16 × 16 bits, one query a
    call) and `PdqIndex` mih, both on `subset` and the same queries."""
    label = f" on {len(subset):,}"
    truth = brute_force(subset, queries[:sample], radius)
    rows = [threatexchange_row(subset, queries, truth, sample, label)]
    gc.collect()  # the ThreatExchange index is gone with its function's frame
    ids = np.arange(len(subset), dtype=np.int64)
    mih, build_s = timed(partial(PdqIndex.from_codes, ids, subset, "mih"))
    (query, entry, distance), query_s = timed(partial(mih.search_codes, queries, radius, threads=2))
    found = split(query, entry, distance, len(queries))
    rows.append(
        Row(
            f"PdqIndex mih{label}",
            build_s,
            mih.memory_bytes() / 1e6,
            float("nan"),
            len(queries) / query_s,
            recall(found[:sample], truth),
        )
    )
    return rows


def memory(megabytes: float) -> str:
    """A memory figure, or a dash where there is none."""
    return "–" if megabytes != megabytes else f"{megabytes:,.0f}"


def main() -> None:
    """Parse arguments, run both banks, print Markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=int, default=1_000_000, help="hashes in each bank")
    parser.add_argument("--queries", type=int, default=4_000, help="queries for mih")
    parser.add_argument("--sample", type=int, default=200, help="queries checked by brute force")
    parser.add_argument("--te-bank", type=int, help="hashes for ThreatExchange (default: --bank)")
    parser.add_argument("--multihash-max", type=int, default=2_000_000)
    parser.add_argument("--only", choices=("uniform", "clustered"), help="one bank only")
    parser.add_argument(
        "--mih-only", action="store_true", help="only mih and brute force (a quick re-measure)"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sample = min(args.sample, args.queries)
    te_bank = min(args.te_bank or args.bank, args.bank)
    print(f"faiss {faiss.__version__}, {faiss.omp_get_max_threads()} threads, radius 31\n")
    for name, make in (("uniform", uniform_bank), ("clustered", clustered_bank)):
        if args.only and name != args.only:
            continue
        bank, queries = make(args.bank, args.queries, args.seed)
        rows, hits = measure(
            bank,
            queries,
            sample,
            MATCH_THRESHOLD,
            te_bank=te_bank,
            multihash_max=args.multihash_max,
            mih_only=args.mih_only,
        )
        del bank
        by_method = {row.method: row for row in rows}
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
                f"| {row.method} | {row.build_s:.2f} | {memory(row.memory_mb)} "
                f"| {memory(row.resident_mb)} | {row.queries_per_s:,.0f} "
                f"| {row.queries_per_s / brute:.1f} | {row.recall:.3f} |"
            )
        if args.mih_only:
            continue
        ours = by_method[f"PdqIndex mih on {te_bank:,}"].queries_per_s
        theirs = by_method[f"threatexchange PDQIndex on {te_bank:,}"].queries_per_s
        print(
            f"\nmih / threatexchange PDQIndex on the same {te_bank:,} hashes: "
            f"**{ours / theirs:.1f}×** queries/s\n"
        )


if __name__ == "__main__":
    main()
