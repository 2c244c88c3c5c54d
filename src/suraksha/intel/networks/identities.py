"""Stable group ids: a group keeps its id across runs while most of it stays together.

Each group found now is matched with the stored group it shares the most members with, greedily
from the largest overlap down (ties broken by ids, so the matching is deterministic); a stored group
gives its id to at most one new group, and only when the two share at least half of the smaller
one. A group with no match gets a new id derived from its members (`NG-` + 10 hex digits of the
SHA-256 of its sorted subject ids), so two fresh workspaces holding the same network name its
groups alike.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence

GROUP_ID_PREFIX = "NG-"


def assign_ids(found: Sequence[Sequence[str]], stored: Mapping[str, frozenset[str]]) -> list[str]:
    """An id for each found group, in order: a stored group's when it matches, else a new one."""
    holder: dict[str, list[str]] = defaultdict(list)
    for group_id, held in stored.items():
        for subject in held:
            holder[subject].append(group_id)
    candidates: list[tuple[int, int, str]] = []
    for index, group in enumerate(found):
        overlaps: dict[str, int] = defaultdict(int)
        for subject in group:
            for group_id in holder.get(subject, ()):
                overlaps[group_id] += 1
        for group_id, shared in overlaps.items():
            if 2 * shared >= min(len(group), len(stored[group_id])):
                candidates.append((-shared, index, group_id))
    ids: list[str | None] = [None] * len(found)
    taken: set[str] = set()
    for _, index, group_id in sorted(candidates):
        if ids[index] is None and group_id not in taken:
            ids[index] = group_id
            taken.add(group_id)
    result: list[str] = []
    used = set(stored) | taken
    for index, group in enumerate(found):
        given = ids[index]
        if given is None:
            given = new_id(group, used)
            used.add(given)
        result.append(given)
    return result


def new_id(members: Sequence[str], used: set[str]) -> str:
    """An id derived from the members, lengthened in the unlikely case it is taken."""
    digest = hashlib.sha256("\n".join(sorted(members)).encode("utf-8")).hexdigest()
    for length in range(10, len(digest) + 1):
        candidate = GROUP_ID_PREFIX + digest[:length].upper()
        if candidate not in used:
            return candidate
    raise AssertionError("a SHA-256 digest is taken at every length")  # pragma: no cover
