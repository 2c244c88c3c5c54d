"""Groups as the command line, the web pages and the exports read them, under the subject policy.

A group is made of subjects, so it is read with `subject.read` (the command line, the trusted
channel, reads everything): an actor sees the members whose
subject it may read (routing's state and district, exactly as the subject list), the edges whose
two ends it sees, and the reports of those members. A group with no member in reach does not exist
for the actor (NotFound, as for a subject). Members out of reach are counted, never named: a
district officer learns that the group reaches other districts (so that units can coordinate)
but not who or where. Reading a group is audited (`group.read`, with the members shown).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from suraksha.errors import UserInputError
from suraksha.identity.members import account_subjects
from suraksha.intake.network_reads import report_numbers
from suraksha.intel.models import SubjectJurisdiction, SubjectPriority
from suraksha.intel.networks.memberships import MembershipView, judgements_of
from suraksha.intel.networks.models import NetworkEdge, NetworkGroup, NetworkMember
from suraksha.security import audit
from suraksha.security.audit import Who
from suraksha.security.policy import Actor, Permission, Scope, require, restrict, scope_of

_BATCH = 2_000


class GroupNotFound(UserInputError):
    """No such group, or none of its members is within the actor's reach (alike)."""


@dataclass(frozen=True, slots=True)
class MemberView:
    """A member the actor may see."""

    subject_id: str
    source: str  # found | judged
    roles: list[dict[str, Any]]
    measures: dict[str, Any]
    abroad: list[dict[str, Any]]
    state: str | None
    district: str | None
    priority: float | None
    report_ids: list[str]

    @property
    def role_names(self) -> list[str]:
        """The member's roles, by name."""
        return [str(r["role"]) for r in self.roles]


@dataclass(frozen=True, slots=True)
class EdgeView:
    """An edge both of whose ends the actor may see."""

    subject_a: str
    subject_b: str
    weight: float
    kinds: list[str]
    evidence: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class GroupView:
    """A group as one actor may see it."""

    group_id: str
    active: bool
    size: int
    created_at: datetime
    updated_at: datetime
    summary: dict[str, Any]
    members: list[MemberView]
    hidden_members: int
    edges: list[EdgeView] = field(default_factory=list)
    judgements: list[MembershipView] = field(default_factory=list)

    @property
    def subject_ids(self) -> list[str]:
        """The visible members' subject ids."""
        return [m.subject_id for m in self.members]

    @property
    def report_ids(self) -> list[str]:
        """The visible members' reports, sorted."""
        return sorted({r for m in self.members for r in m.report_ids})

    @property
    def roles(self) -> dict[str, list[str]]:
        """Role → the visible members holding it."""
        found: dict[str, list[str]] = defaultdict(list)
        for member in self.members:
            for role in member.role_names:
                found[role].append(member.subject_id)
        return dict(sorted(found.items()))

    @property
    def reasons(self) -> list[str]:
        """Why the group holds together (the run's words)."""
        return list(self.summary.get("reasons", []))

    def as_record(self) -> dict[str, Any]:
        """One JSON object per group (`suraksha groups --format jsonl`)."""
        return {
            "group_id": self.group_id,
            "active": self.active,
            "size": self.size,
            "subject_ids": self.subject_ids,
            "hidden_members": self.hidden_members,
            "report_ids": self.report_ids,
            "reasons": self.reasons,
            "roles": self.roles,
            "edge_kinds": self.summary.get("edge_kinds", {}),
            "platform_groups": self.summary.get("platform_groups", []),
            "abroad": [m.subject_id for m in self.members if m.abroad],
        }


@dataclass(frozen=True, slots=True)
class GroupFilters:
    """What the group list can be narrowed to; None means any."""

    district: str | None = None  # a member routed to this district
    role: str | None = None  # a member holding this role
    kind: str | None = None  # edges inside the group with this evidence kind
    include_inactive: bool = False


def list_groups(
    session: Session, actor: Who, filters: GroupFilters | None = None
) -> list[GroupView]:
    """Every group with a member in the actor's reach, largest first (without edges)."""
    wanted = filters or GroupFilters()
    _require(actor)
    query = select(NetworkGroup).order_by(NetworkGroup.size.desc(), NetworkGroup.id)
    if not wanted.include_inactive:
        query = query.where(NetworkGroup.active.is_(True))
    groups = list(session.scalars(query))
    members = _visible_members(session, actor, [g.id for g in groups])
    totals = _member_counts(session, [g.id for g in groups])
    views: list[GroupView] = []
    for group in groups:
        seen = members.get(group.id, [])
        if not seen:
            continue
        view = _group_view(group, seen, totals.get(group.id, 0))
        if _matches(view, wanted):
            views.append(view)
    return views


def read_group(session: Session, actor: Who, group_id: str, *, channel: str = "cli") -> GroupView:
    """One group with its visible members, edges and judgements; the read is audited."""
    _require(actor)
    group = session.get(NetworkGroup, group_id)
    if group is None:
        raise GroupNotFound(f"no group {group_id} in your reach: `suraksha groups` lists them")
    seen = _visible_members(session, actor, [group_id]).get(group_id, [])
    if not seen:
        raise GroupNotFound(f"no group {group_id} in your reach: `suraksha groups` lists them")
    total = _member_counts(session, [group_id]).get(group_id, 0)
    view = _group_view(group, seen, total)
    visible = set(view.subject_ids)
    edges = [
        EdgeView(e.subject_a, e.subject_b, e.weight, list(e.kinds), list(e.evidence))
        for e in session.scalars(
            select(NetworkEdge)
            .where(
                NetworkEdge.subject_a.in_(sorted(visible)),
                NetworkEdge.subject_b.in_(sorted(visible)),
            )
            .order_by(NetworkEdge.subject_a, NetworkEdge.subject_b)
        )
    ]
    judgements = judgements_of(session, group_id)
    reach = _in_reach(session, actor, {j.subject_id for j in judgements})
    judged = [j for j in judgements if j.subject_id in reach]
    audit.record(
        session,
        actor,
        "group.read",
        "group",
        group_id,
        {"channel": channel, "subjects": sorted(visible), "hidden": view.hidden_members},
    )
    return GroupView(
        group_id=view.group_id,
        active=view.active,
        size=view.size,
        created_at=view.created_at,
        updated_at=view.updated_at,
        summary=view.summary,
        members=view.members,
        hidden_members=view.hidden_members,
        edges=edges,
        judgements=judged,
    )


def groups_of_subject(
    session: Session, subject_id: str
) -> list[tuple[str, list[dict[str, Any]], bool]]:
    """The active groups a subject belongs to: (group id, its roles there, the group produces new
    material). For the profile and priority; the caller has already checked the subject."""
    rows = session.execute(
        select(NetworkMember.group_id, NetworkMember.roles, NetworkGroup.summary)
        .join(NetworkGroup, NetworkGroup.id == NetworkMember.group_id)
        .where(NetworkMember.subject_id == subject_id, NetworkGroup.active.is_(True))
        .order_by(NetworkMember.group_id)
    )
    return [(gid, list(roles), bool(summary.get("producing"))) for gid, roles, summary in rows]


def _require(actor: Who) -> None:
    if isinstance(actor, str):
        return  # the command line: the trusted channel (docs/security.md)
    if scope_of(actor.role, Permission.SUBJECT_READ) is Scope.NONE:
        require(actor, Permission.SUBJECT_READ)


def _visible_members(
    session: Session, actor: Who, group_ids: Sequence[str]
) -> dict[str, list[MemberView]]:
    found: dict[str, list[Any]] = defaultdict(list)
    for start in range(0, len(group_ids), _BATCH):
        query = (
            select(NetworkMember, SubjectJurisdiction.state, SubjectJurisdiction.district)
            .outerjoin(
                SubjectJurisdiction, SubjectJurisdiction.subject_id == NetworkMember.subject_id
            )
            .where(NetworkMember.group_id.in_(list(group_ids[start : start + _BATCH])))
            .order_by(NetworkMember.group_id, NetworkMember.subject_id)
        )
        if isinstance(actor, Actor):
            query = restrict(
                query,
                actor,
                Permission.SUBJECT_READ,
                state=SubjectJurisdiction.state.expression,
                district=SubjectJurisdiction.district.expression,
            )
        for member, state, district in session.execute(query):
            found[member.group_id].append((member, state, district))
    subjects = sorted({m.subject_id for rows in found.values() for m, _s, _d in rows})
    reports = _reports_of(session, subjects)
    scores = _scores(session, subjects)
    return {
        group_id: [
            MemberView(
                subject_id=m.subject_id,
                source=m.source,
                roles=list(m.roles),
                measures=dict(m.measures),
                abroad=list(m.abroad),
                state=state,
                district=district,
                priority=scores.get(m.subject_id),
                report_ids=reports.get(m.subject_id, []),
            )
            for m, state, district in rows
        ]
        for group_id, rows in found.items()
    }


def _in_reach(session: Session, actor: Who, subject_ids: set[str]) -> set[str]:
    """Which of the subjects the actor may read (a judged subject may have left the group)."""
    if not isinstance(actor, Actor) or scope_of(actor.role, Permission.SUBJECT_READ) is Scope.ALL:
        return set(subject_ids)
    query = restrict(
        select(SubjectJurisdiction.subject_id).where(
            SubjectJurisdiction.subject_id.in_(sorted(subject_ids))
        ),
        actor,
        Permission.SUBJECT_READ,
        state=SubjectJurisdiction.state.expression,
        district=SubjectJurisdiction.district.expression,
    )
    return set(session.scalars(query))


def _member_counts(session: Session, group_ids: Sequence[str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for start in range(0, len(group_ids), _BATCH):
        for group_id, _subject in session.execute(
            select(NetworkMember.group_id, NetworkMember.subject_id).where(
                NetworkMember.group_id.in_(list(group_ids[start : start + _BATCH]))
            )
        ):
            counts[group_id] += 1
    return counts


def _reports_of(session: Session, subjects: Sequence[str]) -> dict[str, list[str]]:
    members = account_subjects().subquery()
    accounts: dict[str, str] = {}
    for start in range(0, len(subjects), _BATCH):
        for account_id, subject_id in session.execute(
            select(members.c.account_id, members.c.subject_id).where(
                members.c.subject_id.in_(list(subjects[start : start + _BATCH]))
            )
        ):
            accounts[account_id] = subject_id
    found: dict[str, set[str]] = defaultdict(set)
    for account_id, report_id in report_numbers(session, accounts).items():
        found[accounts[account_id]].add(report_id)
    return {s: sorted(r) for s, r in found.items()}


def _scores(session: Session, subjects: Sequence[str]) -> dict[str, float]:
    found: dict[str, float] = {}
    for start in range(0, len(subjects), _BATCH):
        for subject_id, score in session.execute(
            select(SubjectPriority.subject_id, SubjectPriority.score).where(
                SubjectPriority.subject_id.in_(list(subjects[start : start + _BATCH]))
            )
        ):
            found[subject_id] = float(score)
    return found


_SUMMARY_OF_THE_WHOLE = ("report_ids", "abroad", "platform_groups", "last_members")
"""Summary keys that name reports, subjects or platform groups of every member: shown only to an
actor who sees every member (counts and reasons name no one)."""


def _group_view(group: NetworkGroup, members: list[MemberView], total: int) -> GroupView:
    hidden = max(total - len(members), 0)
    summary = dict(group.summary)
    if hidden:
        for key in _SUMMARY_OF_THE_WHOLE:
            summary.pop(key, None)
    return GroupView(
        group_id=group.id,
        active=group.active,
        size=group.size,
        created_at=group.created_at,
        updated_at=group.updated_at,
        summary=summary,
        members=members,
        hidden_members=hidden,
    )


def _matches(view: GroupView, wanted: GroupFilters) -> bool:
    if wanted.district is not None and not any(
        (m.district or "").casefold() == wanted.district.casefold() for m in view.members
    ):
        return False
    if wanted.role is not None and wanted.role not in view.roles:
        return False
    return wanted.kind is None or wanted.kind in view.summary.get("edge_kinds", {})
