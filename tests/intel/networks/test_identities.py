"""Stable group ids: kept while most of a group stays together, derived from members otherwise."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from suraksha.intel.networks.identities import GROUP_ID_PREFIX, assign_ids


def test_a_group_that_gains_and_loses_a_member_keeps_its_id() -> None:
    stored = {"NG-OLD": frozenset({"a", "b", "c", "d"})}
    assert assign_ids([["a", "b", "c", "e"]], stored) == ["NG-OLD"]


def test_a_group_that_is_mostly_new_gets_a_new_id() -> None:
    stored = {"NG-OLD": frozenset({"a", "b", "c", "d", "e", "f"})}
    [given_id] = assign_ids([["a", "x", "y", "z"]], stored)
    assert given_id != "NG-OLD" and given_id.startswith(GROUP_ID_PREFIX)


def test_a_split_group_gives_its_id_to_the_larger_part_only() -> None:
    stored = {"NG-OLD": frozenset("abcdefg")}
    ids = assign_ids([list("abcd"), list("efg")], stored)
    assert ids[0] == "NG-OLD" and ids[1] != "NG-OLD"


def test_new_ids_depend_on_members_only() -> None:
    first = assign_ids([["a", "b", "c"], ["d", "e", "f"]], {})
    second = assign_ids([["d", "e", "f"], ["a", "b", "c"]], {})
    assert first == list(reversed(second))


@given(st.lists(st.integers(min_value=3, max_value=8), min_size=1, max_size=8), st.randoms())
def test_a_rerun_on_the_same_network_keeps_every_id(sizes: list[int], rng: random.Random) -> None:
    subjects = [f"subject-{n:03d}" for n in range(sum(sizes))]
    rng.shuffle(subjects)
    found, start = [], 0
    for size in sizes:
        found.append(sorted(subjects[start : start + size]))
        start += size
    ids = assign_ids(found, {})
    assert len(set(ids)) == len(ids)
    stored = {gid: frozenset(members) for gid, members in zip(ids, found, strict=True)}
    shuffled = list(zip(ids, found, strict=True))
    rng.shuffle(shuffled)
    again = assign_ids([members for _, members in shuffled], stored)
    assert again == [gid for gid, _ in shuffled]
