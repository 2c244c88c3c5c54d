"""An exact in-memory PDQ search index: every bank entry within a Hamming radius of a query.

Three strategies share one contract (`PdqIndex.search` returns exactly what comparing the query with
every entry would):

    flat       faiss IndexBinaryFlat: every entry compared (SIMD popcount)      small banks
    multihash  faiss IndexBinaryMultiHash, 11 tables × 23 bits                 ~1 GB a million
    mih        multi-index hashing on numpy arrays (substring tables in CSR)    large banks
"""

from __future__ import annotations

import itertools
import math
import os
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any, Literal

import faiss  # ships its own (SWIG-generated) types since 1.13; used only inside this module
import numpy as np

from suraksha.hashing.pdq import MATCH_THRESHOLD

Strategy = Literal["flat", "multihash", "mih"]
"""How the index finds candidates; all return exactly the entries within the radius.

- ``flat`` (`faiss.IndexBinaryFlat`): compares the query with every entry (SIMD popcount).
  About 40 bytes an entry, build is a copy; query time grows with the bank.
- ``multihash`` (`faiss.IndexBinaryMultiHash`, multi-index hashing): the hash is cut into
  `MULTIHASH_TABLES` substrings of `MULTIHASH_BITS` bits, each keyed in its own table. If two
  hashes differ in at most r bits, the substrings together differ in at most r bits, so one of
  them differs in at most ⌊r / tables⌋ bits (pigeonhole). Probing every key within that many
  flips of each query substring therefore finds every entry within r; faiss then computes the
  full 256-bit distance of each candidate and keeps those within r. Faster queries on large
  banks, at the cost of about 25× the memory of ``flat`` (see `PdqIndex.memory_bytes`).
- ``mih``: the same pigeonhole search, on flat numpy arrays instead of faiss's hash maps. Each of
  `MIH_TABLES` tables holds the entries' positions sorted by their substring key (4 bytes an
  entry) and a bucket-offset array over every possible key (compressed sparse rows), so a probe
  is two array reads and the candidates of a bucket are contiguous. Probing, gathering and
  verifying (XOR and popcount over four 64-bit words) are vectorised over a batch of queries,
  and batches run on several threads (numpy releases the GIL). About 120 bytes an entry at
  10 million, hashes and ids included, ~8× less than ``multihash``; see docs/benchmarks.md.
"""

BITS = 256
"""Bits in a PDQ hash."""

MULTIHASH_TABLES = 11
"""Hash tables of the ``multihash`` strategy: at radius 31 each is probed within 2 bit flips."""

MULTIHASH_BITS = 23
"""Bits per table key of the ``multihash`` strategy (11 × 23 = 253 of the 256 bits are keyed;
the pigeonhole argument holds on any subset of the bits, and distances use all 256)."""

MULTIHASH_MAX_FLIPS = 3
"""Above this many flips a table (radius ≥ 44), the ``multihash`` and ``mih`` searches compare
every stored hash: probing every key within f flips costs C(23, ≤f) lookups a table, which soon
exceeds a scan."""

MIH_TABLES = 11
"""Substring tables of the ``mih`` strategy. With 11 tables a radius of 31 needs 2 flips a
table: 277 probes a table at 23 bits. 10 tables would need 3 flips (2,626 probes a table), 12
tables leave only 21 bits a key, and so about 5 times more candidates in a 10-million bank."""

MIH_MAX_BITS = 23
"""Most bits in an ``mih`` key (11 × 23 = 253 of the 256 bits). Smaller banks use fewer, about
log2(entries), so that buckets hold about one entry and the offset arrays stay proportional."""

MIH_MIN_BITS = 8

_MIH_BATCH = 256  # queries probed together: bounds the temporary arrays to a few tens of MB
_HEX = re.compile(r"[0-9a-fA-F]{64}")
_Codes = np.ndarray[Any, np.dtype[np.uint8]]
_Ids = np.ndarray[Any, np.dtype[np.int64]]
_Words = np.ndarray[Any, np.dtype[np.uint64]]
_U32 = np.ndarray[Any, np.dtype[np.uint32]]
_Hits = tuple[_Ids, _Ids, _Ids]  # (query position, entry position, distance)


class PdqIndex:
    """An immutable set of (entry id, PDQ hash) pairs searchable by Hamming radius.

    Results are exact: `search` returns every entry within the radius, the same as comparing the
    query with each entry, never an approximation. Entry ids are the caller's (for example
    `BankEntry.id`); several entries may share a hash and each is returned. Build it with
    `PdqIndex.build` (hex) or `PdqIndex.from_codes` (packed bytes); to change the entries, build
    a new index. Searching is thread-safe.
    """

    def __init__(self, index: Any, ids: _Ids, strategy: Strategy) -> None:
        """Wrap a filled index (faiss, or `_SubstringTables`); use `build` rather than this."""
        self._index = index
        self._ids = ids
        self.strategy: Strategy = strategy
        """The candidate strategy this index was built with."""

    @classmethod
    def build(cls, hashes: Sequence[tuple[int, str]], strategy: Strategy = "flat") -> PdqIndex:
        """Index `(entry id, 64-hex PDQ hash)` pairs (hex in either case).

        Raises ValueError naming the first value that is not 64 hex digits, or an entry id that
        does not fit in a signed 64-bit integer.
        """
        try:
            ids = np.fromiter((entry for entry, _ in hashes), dtype=np.int64, count=len(hashes))
        except OverflowError as err:
            raise ValueError(f"PDQ index entry ids are signed 64-bit integers: {err}") from err
        return cls.from_codes(ids, codes_of([value for _, value in hashes]), strategy)

    @classmethod
    def from_codes(cls, ids: _Ids, codes: _Codes, strategy: Strategy = "flat") -> PdqIndex:
        """Index entries given as an int64 id array and an (n, 32) uint8 array of hashes (most
        significant byte first, as `codes_of` gives them); neither array is copied if it need
        not be. For banks of millions, where 64-hex strings cost more than the index."""
        codes = np.ascontiguousarray(codes, dtype=np.uint8)
        if codes.ndim != 2 or codes.shape[1] != BITS // 8 or len(ids) != len(codes):
            raise ValueError(f"PDQ codes are an (n, {BITS // 8}) array with one id a row")
        ids = np.asarray(ids, dtype=np.int64)
        index: Any
        if strategy == "flat":
            index = faiss.IndexBinaryFlat(BITS)
        elif strategy == "multihash":
            index = faiss.IndexBinaryMultiHash(BITS, MULTIHASH_TABLES, MULTIHASH_BITS)
        elif strategy == "mih":
            return cls(_SubstringTables(codes), ids, strategy)
        else:
            raise ValueError(f"unknown PDQ index strategy {strategy!r}")
        if len(codes):
            index.add(codes)
        return cls(index, ids, strategy)

    def __len__(self) -> int:
        """The number of entries indexed."""
        return len(self._ids)

    def search(
        self, queries: Sequence[str], radius: int = MATCH_THRESHOLD
    ) -> list[list[tuple[int, int]]]:
        """For each query hash, every `(entry id, distance)` with distance ≤ `radius`.

        One list per query, in query order, each sorted by distance then entry id. Raises
        ValueError for a query that is not 64 hex digits or a radius outside 0–256.
        """
        codes = codes_of(queries)
        query, entry, distance = self.search_codes(codes, radius)
        bounds = np.searchsorted(query, np.arange(len(codes) + 1))
        entries, distances = entry.tolist(), distance.tolist()
        return [
            list(zip(entries[start:end], distances[start:end], strict=True))
            for start, end in itertools.pairwise(bounds.tolist())
        ]

    def search_codes(
        self, codes: _Codes, radius: int = MATCH_THRESHOLD, *, threads: int | None = None
    ) -> tuple[_Ids, _Ids, _Ids]:
        """Every (query position, entry id, distance) within `radius`, as three int64 arrays
        sorted by query, distance and entry id: the batch form of `search`, for queries given as
        an (n, 32) uint8 array. ``mih`` uses up to `threads` threads (default: every core)."""
        if not 0 <= radius <= BITS:
            raise ValueError(f"a PDQ search radius is 0–{BITS} bits, not {radius}")
        codes = np.ascontiguousarray(codes, dtype=np.uint8).reshape(-1, BITS // 8)
        if not len(codes) or not len(self._ids):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        if self.strategy == "mih":
            query, position, distance = self._index.search(codes, radius, threads)
        else:
            query, position, distance = self._faiss_search(codes, radius)
        entry = self._ids[position]
        order = np.lexsort((entry, distance, query))
        return query[order], entry[order], distance[order]

    def _faiss_search(self, codes: _Codes, radius: int) -> _Hits:
        index = self._index
        if self.strategy == "multihash":
            flips = radius // MULTIHASH_TABLES
            if flips <= MULTIHASH_MAX_FLIPS:
                index.nflip = flips
            else:  # probes grow as C(23, flips): compare with every stored hash instead
                index = index.storage
        # faiss keeps distances strictly under the radius it is given.
        limits, distances, positions = index.range_search(codes, radius + 1)
        query = np.repeat(np.arange(len(codes), dtype=np.int64), np.diff(limits.astype(np.int64)))
        distance = distances.astype(np.int64)
        keep = distance <= radius  # re-checked here, independent of faiss's boundary
        return query[keep], positions.astype(np.int64)[keep], distance[keep]

    def memory_bytes(self) -> int:
        """An estimate of the memory the index holds, in bytes (entry ids included).

        ``flat``: 32 bytes of hash and 8 of id an entry. ``multihash`` adds, per table, 12 bytes
        an entry (an id in a bucket vector, with growth slack) and about 80 bytes a non-empty
        bucket (hash node, vector header and allocator overhead with libstdc++); fitted to the
        resident memory measured by `bench/hashing/pdq_search.py`, it is an estimate, not a count.
        ``mih`` counts its arrays exactly: hashes, ids, and per table 4 bytes an entry and 4 a key.
        """
        count = len(self._ids)
        size = count * (BITS // 8 + 8)
        if self.strategy == "multihash":
            keys = 2.0**MULTIHASH_BITS
            buckets = keys * -math.expm1(-count / keys)
            size += MULTIHASH_TABLES * int(buckets * 80 + count * 12)
        elif self.strategy == "mih" and count:
            size += int(self._index.table_bytes())
        return size


class _SubstringTables:
    """The ``mih`` strategy's arrays: for each table, entry positions sorted by substring key and
    the offset of each key's bucket (`order[t][offsets[t][k]:offsets[t][k + 1]]` are the entries
    whose substring t is k)."""

    def __init__(self, codes: _Codes) -> None:
        count = len(codes)
        self.bits = min(MIH_MAX_BITS, max(MIH_MIN_BITS, math.ceil(math.log2(max(count, 2)))))
        self.words: _Words = codes.view(np.uint64).reshape(count, BITS // 64)
        width = (1 << self.bits) + 1
        self.order: _U32 = np.empty((MIH_TABLES, count), dtype=np.uint32)
        self.offsets: _U32 = np.empty(MIH_TABLES * width, dtype=np.uint32)
        for table in range(MIH_TABLES):
            keys = _substring_keys(codes, table, self.bits)
            self.order[table] = np.argsort(keys)  # order within a bucket does not matter
            counts = np.bincount(keys, minlength=width - 1)
            bucket = self.offsets[table * width : (table + 1) * width]
            bucket[0] = 0
            np.cumsum(counts, out=bucket[1:])
            del keys, counts

    def table_bytes(self) -> int:
        return int(self.order.nbytes + self.offsets.nbytes)

    def search(self, codes: _Codes, radius: int, threads: int | None) -> _Hits:
        flips = radius // MIH_TABLES
        if flips > MULTIHASH_MAX_FLIPS:
            return self._scan(codes, radius)
        batches = range(0, len(codes), _MIH_BATCH)
        workers = min(len(batches), threads or os.cpu_count() or 1)

        def run(start: int) -> _Hits:
            return self._probe(codes[start : start + _MIH_BATCH], radius, flips, start)

        if workers <= 1:
            parts = [run(start) for start in batches]
        else:
            with ThreadPoolExecutor(workers) as pool:
                parts = list(pool.map(run, batches))
        return (
            np.concatenate([part[0] for part in parts]),
            np.concatenate([part[1] for part in parts]),
            np.concatenate([part[2] for part in parts]),
        )

    def _probe(self, codes: _Codes, radius: int, flips: int, first: int) -> _Hits:
        """One batch: probe every key within `flips` of each query substring, then verify."""
        count = len(self.words)
        width = (1 << self.bits) + 1
        masks = _flip_masks(self.bits, flips)
        # probes[t, q, m]: table t's key of query q with mask m flipped, as an offsets index.
        keys = np.stack([_substring_keys(codes, t, self.bits) for t in range(MIH_TABLES)])
        probes = (keys[:, :, None] ^ masks[None, None, :]).astype(np.int64)
        probes += (np.arange(MIH_TABLES, dtype=np.int64) * width)[:, None, None]
        probes = probes.ravel()
        starts = np.take(self.offsets, probes).astype(np.int64)
        lengths = np.take(self.offsets, probes + 1).astype(np.int64) - starts
        nonempty = np.flatnonzero(lengths)
        lengths = lengths[nonempty]
        # where each bucket starts in the flattened `order` (table × count + start)
        starts = starts[nonempty] + (nonempty // (len(codes) * len(masks))) * count
        query = (nonempty // len(masks)) % len(codes)
        ends = np.cumsum(lengths)
        total = int(ends[-1]) if len(ends) else 0
        slots = np.repeat(starts - (ends - lengths), lengths) + np.arange(total, dtype=np.int64)
        candidates = np.take(self.order.ravel(), slots).astype(np.int64)
        asked = np.repeat(query, lengths)
        probe_words = codes.view(np.uint64).reshape(len(codes), BITS // 64)
        # np.take, not fancy indexing: on rows of a 2-D array it is ~8× faster (numpy 2.4)
        distance = _distances(
            np.take(self.words, candidates, axis=0), np.take(probe_words, asked, axis=0)
        )
        keep = distance <= radius
        # an entry near a query is usually found in several tables: keep one of each pair
        pairs = np.unique(asked[keep] * count + candidates[keep], return_index=True)[1]
        kept = np.flatnonzero(keep)[pairs]
        return asked[kept] + first, candidates[kept], distance[kept]

    def _scan(self, codes: _Codes, radius: int) -> _Hits:
        """Every query against every hash: for radii where probing would cost more."""
        probe_words = codes.view(np.uint64).reshape(len(codes), BITS // 64)
        parts: list[_Hits] = []
        for position, probe in enumerate(probe_words):
            distance = _distances(self.words, probe[None, :])
            hits = np.flatnonzero(distance <= radius)
            parts.append((np.full(len(hits), position, dtype=np.int64), hits, distance[hits]))
        return (
            np.concatenate([part[0] for part in parts]),
            np.concatenate([part[1] for part in parts]),
            np.concatenate([part[2] for part in parts]),
        )


def _substring_keys(codes: _Codes, table: int, bits: int) -> _U32:
    """Bits `table × bits` to `(table + 1) × bits` (most significant first) of each hash."""
    offset = table * bits
    first = min(offset // 8, BITS // 8 - 4)  # four bytes that hold the substring
    shift = 32 - bits - (offset - first * 8)
    window = np.ascontiguousarray(codes[:, first : first + 4]).view(">u4").ravel()
    keys: _U32 = (window >> np.uint32(shift)).astype(np.uint32) & np.uint32((1 << bits) - 1)
    return keys


@cache
def _flip_masks(bits: int, flips: int) -> _U32:
    """Every `bits`-bit mask with at most `flips` bits set (0 first)."""
    masks = [
        sum(1 << bit for bit in chosen)
        for count in range(flips + 1)
        for chosen in itertools.combinations(range(bits), count)
    ]
    return np.array(masks, dtype=np.uint32)


def _distances(words: _Words, probes: _Words) -> _Ids:
    """Hamming distances of matching rows of two (n, 4) uint64 arrays (probes may broadcast)."""
    # Adding the four columns is ~3× faster than numpy's sum over a 4-wide axis.
    counts = np.bitwise_count(words ^ probes)
    total: _Ids = counts[:, 0].astype(np.int64)
    for column in range(1, BITS // 64):
        total += counts[:, column]
    return total


def codes_of(values: Sequence[str]) -> _Codes:
    """The hashes as an (n, 32) uint8 array, most significant byte first as PDQ hex writes them.

    Raises ValueError naming the first value that is not 64 hex digits (either case).
    """
    for value in values:
        if not (isinstance(value, str) and _HEX.fullmatch(value)):
            raise ValueError(f"a PDQ hash is 64 hex digits, not {value!r}")
    packed = bytes.fromhex("".join(values))
    return np.frombuffer(packed, dtype=np.uint8).reshape(len(values), BITS // 8)
