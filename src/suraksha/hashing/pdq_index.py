"""An exact in-memory PDQ search index on faiss binary indexes: every bank entry within a radius."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any, Literal

import faiss  # ships its own (SWIG-generated) types since 1.13; used only inside this module
import numpy as np

from suraksha.hashing.pdq import MATCH_THRESHOLD

Strategy = Literal["flat", "multihash"]
"""How the index finds candidates; both return exactly the entries within the radius.

- ``flat`` (`faiss.IndexBinaryFlat`): compares the query with every entry (SIMD popcount).
  About 40 bytes an entry, build is a copy; query time grows with the bank.
- ``multihash`` (`faiss.IndexBinaryMultiHash`, multi-index hashing): the hash is cut into
  `MULTIHASH_TABLES` substrings of `MULTIHASH_BITS` bits, each keyed in its own table. If two
  hashes differ in at most r bits, the substrings together differ in at most r bits, so one of
  them differs in at most ⌊r / tables⌋ bits (pigeonhole). Probing every key within that many
  flips of each query substring therefore finds every entry within r; faiss then computes the
  full 256-bit distance of each candidate and keeps those within r. Faster queries on large
  banks, at the cost of about 25× the memory of ``flat`` (see `PdqIndex.memory_bytes`).
"""

BITS = 256
"""Bits in a PDQ hash."""

MULTIHASH_TABLES = 11
"""Hash tables of the ``multihash`` strategy: at radius 31 each is probed within 2 bit flips."""

MULTIHASH_BITS = 23
"""Bits per table key of the ``multihash`` strategy (11 × 23 = 253 of the 256 bits are keyed;
the pigeonhole argument holds on any subset of the bits, and distances use all 256)."""

MULTIHASH_MAX_FLIPS = 3
"""Above this many flips a table (radius ≥ 44), ``multihash`` searches compare every stored hash:
probing every key within f flips costs C(23, ≤f) lookups a table, which soon exceeds a scan."""

_HEX = re.compile(r"[0-9a-fA-F]{64}")
_Codes = np.ndarray[Any, np.dtype[np.uint8]]
_Ids = np.ndarray[Any, np.dtype[np.int64]]


class PdqIndex:
    """An immutable set of (entry id, PDQ hash) pairs searchable by Hamming radius.

    Results are exact: `search` returns every entry within the radius, the same as comparing the
    query with each entry, never an approximation. Entry ids are the caller's (for example
    `BankEntry.id`); several entries may share a hash and each is returned. Build it with
    `PdqIndex.build`; to change the entries, build a new index.
    """

    def __init__(self, index: Any, ids: _Ids, strategy: Strategy) -> None:
        """Wrap a filled faiss binary index; use `PdqIndex.build` rather than this."""
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
        codes = _codes([value for _, value in hashes])
        index: Any
        if strategy == "flat":
            index = faiss.IndexBinaryFlat(BITS)
        elif strategy == "multihash":
            index = faiss.IndexBinaryMultiHash(BITS, MULTIHASH_TABLES, MULTIHASH_BITS)
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
        if not 0 <= radius <= BITS:
            raise ValueError(f"a PDQ search radius is 0–{BITS} bits, not {radius}")
        codes = _codes(queries)
        if not len(codes):
            return []
        if not len(self._ids):
            return [[] for _ in queries]
        index = self._index
        if self.strategy == "multihash":
            flips = radius // MULTIHASH_TABLES
            if flips <= MULTIHASH_MAX_FLIPS:
                index.nflip = flips
            else:  # probes grow as C(23, flips): compare with every stored hash instead
                index = index.storage
        # faiss keeps distances strictly under the radius it is given.
        limits, distances, positions = index.range_search(codes, radius + 1)
        results: list[list[tuple[int, int]]] = []
        for query in range(len(codes)):
            start, end = int(limits[query]), int(limits[query + 1])
            found = distances[start:end].astype(np.int64)
            entries = self._ids[positions[start:end]]
            keep = found <= radius  # re-checked here, independent of faiss's boundary
            order = np.lexsort((entries[keep], found[keep]))
            results.append(
                list(
                    zip(
                        entries[keep][order].tolist(),
                        found[keep][order].tolist(),
                        strict=True,
                    )
                )
            )
        return results

    def memory_bytes(self) -> int:
        """An estimate of the memory the index holds, in bytes (entry ids included).

        ``flat``: 32 bytes of hash and 8 of id an entry. ``multihash`` adds, per table, 12 bytes
        an entry (an id in a bucket vector, with growth slack) and about 80 bytes a non-empty
        bucket (hash node, vector header and allocator overhead with libstdc++); fitted to the
        resident memory measured by `bench/hashing/pdq_search.py`, it is an estimate, not a count.
        """
        count = len(self._ids)
        size = count * (BITS // 8 + 8)
        if self.strategy == "multihash":
            keys = 2.0**MULTIHASH_BITS
            buckets = keys * -math.expm1(-count / keys)
            size += MULTIHASH_TABLES * int(buckets * 80 + count * 12)
        return size


def _codes(values: Sequence[str]) -> _Codes:
    """The hashes as an (n, 32) uint8 array, most significant byte first as PDQ hex writes them."""
    for value in values:
        if not (isinstance(value, str) and _HEX.fullmatch(value)):
            raise ValueError(f"a PDQ hash is 64 hex digits, not {value!r}")
    packed = bytes.fromhex("".join(values))
    return np.frombuffer(packed, dtype=np.uint8).reshape(len(values), BITS // 8)
