"""Each member's part in a group, with the measure behind it.

    distributor        first in the group to hold files other members held later: the count of
                       (file, later member) pairs it came first in, by the time each report gives
                       (upload, else incident; ties by report number). A member is a distributor
                       when that count is at least 2 and at least half the group's highest.
    bridge             kept edges into another group's members whose scores add up to the edge
                       bar: the member joins two circles. `participation` is 1 − Σ (share of the
                       member's edge weight in each group)², 0 when all of it is inside one group.
    possible_producer  brought never-seen material into the group: two or more files no bank
                       knows, first held by this member and held later by another member.
                       Never-seen material may mean a child being abused now: the
                       victim-identification queue should see these first. `self_produced`
                       counts files a platform annotated as possible self-production (made by
                       the child, as in sextortion): a measure only, since it says who holds a
                       child's own images, not who made them.

`strength` (the sum of the member's edge scores inside the group) and `degree` (members it is
directly joined to) are kept for every member, so the profile and the group view can rank them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from suraksha.intel.networks.edges import Edge, Method
from suraksha.intel.networks.holdings import ArtefactKind, Holding, Holdings

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NEW_MATERIAL_BAR = 2
"""Never-seen files a member must bring into the group to be called a possible producer: one file
no bank knows yet is often just material the banks have not caught up with."""


class Role(StrEnum):
    """A part a member plays in a group."""

    DISTRIBUTOR = "distributor"
    BRIDGE = "bridge"
    POSSIBLE_PRODUCER = "possible_producer"


@dataclass(frozen=True, slots=True)
class RoleFinding:
    """A role, the measure that gave it, and the words for the analyst."""

    role: Role
    measure: str
    value: float
    why: str

    def as_dict(self) -> dict[str, Any]:
        """The finding as stored."""
        return {
            "role": self.role.value,
            "measure": self.measure,
            "value": self.value,
            "why": self.why,
        }


@dataclass(slots=True)
class MemberMeasures:
    """The measures behind a member's roles."""

    strength: float = 0.0
    degree: int = 0
    first_shared: int = 0
    introduced_new: int = 0
    never_seen: int = 0
    self_produced: int = 0
    outside: dict[str, float] = field(default_factory=dict)  # other group id → edge score
    participation: float = 0.0
    roles: list[RoleFinding] = field(default_factory=list)
    attached_by: list[str] = field(default_factory=list)  # artefacts shared with the members

    def as_dict(self) -> dict[str, Any]:
        """The measures as stored (roles apart)."""
        return {
            "strength": round(self.strength, 4),
            "degree": self.degree,
            "first_shared": self.first_shared,
            "introduced_new": self.introduced_new,
            "never_seen": self.never_seen,
            "self_produced": self.self_produced,
            "outside": {k: round(v, 4) for k, v in sorted(self.outside.items())},
            "participation": round(self.participation, 4),
            **({"attached_by": self.attached_by} if self.attached_by else {}),
        }


def measure_roles(
    groups: Mapping[str, Sequence[str]],
    edges: Sequence[Edge],
    holdings: Holdings,
    method: Method,
) -> dict[tuple[str, str], MemberMeasures]:
    """(group id, subject id) → the member's measures and roles, for every member of every group."""
    group_of: dict[str, set[str]] = defaultdict(set)
    for group_id, members in groups.items():
        for subject in members:
            group_of[subject].add(group_id)
    measures = {(g, s): MemberMeasures() for g, members in groups.items() for s in members}
    _edges(measures, group_of, edges)
    _files(measures, groups, holdings)
    for found in measures.values():
        total = found.strength + sum(found.outside.values())
        if total:
            shares = [found.strength, *found.outside.values()]
            found.participation = 1.0 - sum((share / total) ** 2 for share in shares)
    _assign(measures, groups, method)
    return measures


def _edges(
    measures: dict[tuple[str, str], MemberMeasures],
    group_of: Mapping[str, set[str]],
    edges: Sequence[Edge],
) -> None:
    for edge in edges:
        groups_a, groups_b = group_of.get(edge.a), group_of.get(edge.b)
        if not groups_a and not groups_b:
            continue
        for one, mine, theirs in ((edge.a, groups_a, groups_b), (edge.b, groups_b, groups_a)):
            if not mine:
                continue
            for group_id in mine:
                found = measures[(group_id, one)]
                if theirs and group_id in theirs:
                    found.strength += edge.score
                    found.degree += 1
                elif theirs:
                    for elsewhere in theirs:
                        if elsewhere not in mine:
                            found.outside[elsewhere] = (
                                found.outside.get(elsewhere, 0.0) + edge.score
                            )


def _files(
    measures: dict[tuple[str, str], MemberMeasures],
    groups: Mapping[str, Sequence[str]],
    holdings: Holdings,
) -> None:
    """Who held each file first inside each group, and who holds never-seen material."""
    firsts: dict[str, dict[str, tuple[datetime | None, str]]] = defaultdict(dict)
    for holding in holdings.holdings:
        if holding.kind is ArtefactKind.FILE:
            held = firsts[holding.key]
            when = _when(holding)
            if holding.subject_id not in held or _earlier(when, held[holding.subject_id]):
                held[holding.subject_id] = when
    group_of: dict[str, list[str]] = defaultdict(list)
    for group_id, members in groups.items():
        for subject in members:
            group_of[subject].append(group_id)
    for key, held in firsts.items():
        facts = holdings.files.get(key)
        never_seen = facts is not None and not facts.banks
        by_group: dict[str, list[tuple[tuple[datetime | None, str], str]]] = defaultdict(list)
        for subject, when in held.items():
            for group_id in group_of.get(subject, ()):
                by_group[group_id].append((when, subject))
        for group_id, holders in by_group.items():
            holders.sort(key=lambda item: (_order(item[0]), item[1]))
            for _when_held, subject in holders:
                found = measures[(group_id, subject)]
                if never_seen:
                    found.never_seen += 1
                if facts is not None and facts.self_produced:
                    found.self_produced += 1
            if len(holders) < 2:
                continue
            found = measures[(group_id, holders[0][1])]
            found.first_shared += len(holders) - 1
            if never_seen:
                found.introduced_new += 1


def _when(holding: Holding) -> tuple[datetime | None, str]:
    return (holding.at, holding.report_id)


def _earlier(a: tuple[datetime | None, str], b: tuple[datetime | None, str]) -> bool:
    return _order(a) < _order(b)


def _order(when: tuple[datetime | None, str]) -> tuple[bool, datetime, str]:
    """Times first (an unknown time after every known one), then report numbers."""
    at, report = when
    return (at is None, at or _EPOCH, report)


def _assign(
    measures: dict[tuple[str, str], MemberMeasures],
    groups: Mapping[str, Sequence[str]],
    method: Method,
) -> None:
    for group_id, members in groups.items():
        highest = max((measures[(group_id, s)].first_shared for s in members), default=0)
        for subject in members:
            found = measures[(group_id, subject)]
            if found.first_shared >= 2 and 2 * found.first_shared >= highest:
                found.roles.append(
                    RoleFinding(
                        Role.DISTRIBUTOR,
                        "first_shared",
                        found.first_shared,
                        f"first in the group to hold files that other members held later "
                        f"({found.first_shared} file-member pairs; the group's highest is "
                        f"{highest})",
                    )
                )
            bridged = sorted(
                g for g, score in found.outside.items() if score >= method.min_edge_score
            )
            if bridged:
                found.roles.append(
                    RoleFinding(
                        Role.BRIDGE,
                        "participation",
                        round(found.participation, 4),
                        f"joined by kept edges to members of {', '.join(bridged)} "
                        f"(participation {found.participation:.2f})",
                    )
                )
            if found.introduced_new >= NEW_MATERIAL_BAR:
                found.roles.append(
                    RoleFinding(
                        Role.POSSIBLE_PRODUCER,
                        "introduced_new",
                        found.introduced_new,
                        f"first in the group to hold {found.introduced_new} never-seen files "
                        "(no bank knows them) that other members held later",
                    )
                )
