"""Tests of the PDQ search index: results equal a brute-force scan exactly, at the radius edges."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import get_args

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suraksha.hashing.pdq import MATCH_THRESHOLD
from suraksha.hashing.pdq_index import PdqIndex, Strategy, codes_of

STRATEGIES: tuple[Strategy, ...] = get_args(Strategy)
PLANTED = (0, 10, 31, 32, 64)


def random_hash(rng: random.Random) -> str:
    """A uniformly random 256-bit hash as 64 hex digits."""
    return f"{rng.getrandbits(256):064x}"


def flip(value: str, bits: int, rng: random.Random) -> str:
    """`value` with exactly `bits` distinct bits flipped."""
    mask = sum(1 << bit for bit in rng.sample(range(256), bits))
    return f"{int(value, 16) ^ mask:064x}"


def brute_force(
    entries: Sequence[tuple[int, str]], queries: Sequence[str], radius: int
) -> list[list[tuple[int, int]]]:
    """The reference: each query against every entry, sorted by distance then entry id."""
    results = []
    for query in queries:
        probe = int(query, 16)
        found = [(entry, (int(value, 16) ^ probe).bit_count()) for entry, value in entries]
        results.append(
            sorted(((e, d) for e, d in found if d <= radius), key=lambda p: (p[1], p[0]))
        )
    return results


@pytest.fixture(scope="module")
def planted() -> tuple[list[tuple[int, str]], list[str]]:
    """5,000 random entries, and queries with entries planted at each distance of `PLANTED`."""
    rng = random.Random(4)
    entries = [(entry, random_hash(rng)) for entry in range(5_000)]
    queries = []
    for _ in range(40):
        query = random_hash(rng)
        queries.append(query)
        for distance in PLANTED:
            entries.append((len(entries) + 1_000_000, flip(query, distance, rng)))
    queries += [value for _, value in rng.sample(entries, 20)]  # entries themselves
    queries += [random_hash(rng) for _ in range(20)]  # almost surely nothing near
    return entries, queries


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_equals_brute_force_with_planted_neighbours(
    strategy: Strategy, planted: tuple[list[tuple[int, str]], list[str]]
) -> None:
    entries, queries = planted
    index = PdqIndex.build(entries, strategy)
    assert len(index) == len(entries)
    for radius in (0, 10, MATCH_THRESHOLD, 32, 40, 64):
        assert index.search(queries, radius) == brute_force(entries, queries, radius)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_radius_edges_are_inclusive(
    strategy: Strategy, planted: tuple[list[tuple[int, str]], list[str]]
) -> None:
    entries, queries = planted
    result = PdqIndex.build(entries, strategy).search(queries[:1])[0]
    distances = [distance for _, distance in result]
    assert distances == [0, 10, 31]  # 32 and 64 lie outside the default radius of 31


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_duplicate_hashes_return_every_entry(strategy: Strategy) -> None:
    value = random_hash(random.Random(1))
    index = PdqIndex.build([(7, value), (3, value.upper()), (5, value)], strategy)
    assert index.search([value]) == [[(3, 0), (5, 0), (7, 0)]]


@settings(max_examples=60, deadline=None)
@given(
    seeds=st.lists(st.integers(0, 2**32), min_size=0, max_size=40),
    query_seeds=st.lists(st.integers(0, 2**32), min_size=0, max_size=8),
    flips=st.lists(st.integers(0, 48), min_size=0, max_size=40),
    radius=st.integers(0, 48) | st.integers(0, 256),
    strategy=st.sampled_from(STRATEGIES),
)
def test_small_sets_equal_brute_force(
    seeds: list[int], query_seeds: list[int], flips: list[int], radius: int, strategy: Strategy
) -> None:
    queries = [random_hash(random.Random(seed)) for seed in query_seeds]
    rng = random.Random(len(seeds))
    entries = []
    for number, seed in enumerate(seeds):
        if queries and number < len(flips):  # near a query, at a chosen distance
            value = flip(queries[number % len(queries)], flips[number], rng)
        else:
            value = random_hash(random.Random(seed))
        entries.append((seed - 2**31, value))
    index = PdqIndex.build(entries, strategy)
    assert index.search(queries, radius) == brute_force(entries, queries, radius)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_empty_index_and_empty_queries(strategy: Strategy) -> None:
    index = PdqIndex.build([], strategy)
    assert len(index) == 0
    assert index.memory_bytes() == 0
    assert index.search(["0" * 64, "f" * 64]) == [[], []]
    assert PdqIndex.build([(1, "0" * 64)], strategy).search([]) == []


@pytest.mark.parametrize(
    "bad",
    ["", "0" * 63, "0" * 65, "g" + "0" * 63, " " + "0" * 63, "0" * 62 + " 0", "0x" + "0" * 62],
)
def test_bad_hex_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="64 hex digits"):
        PdqIndex.build([(1, "0" * 64), (2, bad)])
    with pytest.raises(ValueError, match="64 hex digits"):
        PdqIndex.build([(1, "0" * 64)]).search(["f" * 64, bad])


def test_bad_radius_strategy_and_id_are_refused() -> None:
    index = PdqIndex.build([(1, "0" * 64)])
    for radius in (-1, 257):
        with pytest.raises(ValueError, match="radius"):
            index.search(["0" * 64], radius)
    with pytest.raises(ValueError, match="strategy"):
        PdqIndex.build([], "lsh")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="64-bit"):
        PdqIndex.build([(2**63, "0" * 64)])


def test_memory_estimate_grows_with_entries() -> None:
    rng = random.Random(2)
    small = [(entry, random_hash(rng)) for entry in range(100)]
    large = small + [(entry, random_hash(rng)) for entry in range(100, 1_000)]
    assert PdqIndex.build(small).memory_bytes() == 100 * 40
    assert PdqIndex.build(large).memory_bytes() == 1_000 * 40
    multihash = PdqIndex.build(large, "multihash").memory_bytes()
    assert multihash > PdqIndex.build(large).memory_bytes()


def test_codes_and_hex_build_the_same_index(
    planted: tuple[list[tuple[int, str]], list[str]],
) -> None:
    entries, queries = planted
    ids = np.array([entry for entry, _ in entries], dtype=np.int64)
    codes = codes_of([value for _, value in entries])
    from_hex = PdqIndex.build(entries, "mih")
    from_codes = PdqIndex.from_codes(ids, codes, "mih")
    assert from_codes.search(queries) == from_hex.search(queries)
    query, entry, distance = from_codes.search_codes(codes_of(queries), 31, threads=2)
    assert list(query) == sorted(query)  # grouped by query, as `search` splits them
    expected = brute_force(entries, queries, 31)
    assert sorted(zip(query.tolist(), entry.tolist(), distance.tolist(), strict=True)) == sorted(
        (q, e, d) for q, found in enumerate(expected) for e, d in found
    )
    with pytest.raises(ValueError, match="one id a row"):
        PdqIndex.from_codes(ids[:-1], codes, "mih")


def test_mih_memory_is_counted_and_far_below_multihash() -> None:
    rng = random.Random(3)
    entries = [(entry, random_hash(rng)) for entry in range(4_000)]
    mih = PdqIndex.build(entries, "mih")
    # 12-bit keys for 4,000 entries: 11 tables × (4 bytes an entry + 4 a key + 4)
    assert mih.memory_bytes() == 4_000 * 40 + 11 * (4_000 * 4 + ((1 << 12) + 1) * 4)
    assert mih.memory_bytes() < PdqIndex.build(entries, "multihash").memory_bytes()
