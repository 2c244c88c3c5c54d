"""One grouping run: holdings → edges → communities → stable ids → judgements → roles → stored.

    read_holdings ─► build_network ─► find_communities ─► assign_ids ─► judgements ─► roles,
                                                                                    abroad ─► store

Every run recomputes the whole network from the workspace (the network changes shape as subjects
merge and split, and grouping is fast: see docs/benchmarks.md), in the caller's transaction, so
a run either stores everything or nothing. Groups not found again are kept, marked inactive, with
their ids and judgements; all members and edges are replaced.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from suraksha.config import Settings
from suraksha.identity.members import account_subjects
from suraksha.intake.accounts import account_views
from suraksha.intel.geoip import GeoIpDatabase
from suraksha.intel.networks.abroad import AbroadReading, readings_abroad
from suraksha.intel.networks.communities import attach, find_communities
from suraksha.intel.networks.edges import Edge, Method, TooCommon, build_network
from suraksha.intel.networks.holdings import read_holdings
from suraksha.intel.networks.identities import assign_ids
from suraksha.intel.networks.memberships import Membership, current_decisions
from suraksha.intel.networks.models import (
    NetworkEdge,
    NetworkGroup,
    NetworkMember,
    NetworkRun,
)
from suraksha.intel.networks.roles import MemberMeasures, measure_roles
from suraksha.storage.base import utcnow

STEPS = ("Reading holdings", "Scoring edges", "Finding groups", "Measuring roles", "Storing")
_BATCH = 2_000


@dataclass(frozen=True, slots=True)
class GroupingResult:
    """What a run found and stored."""

    run_id: int
    groups: int
    members: int
    edges: int
    kept_ids: int
    new_ids: int
    retired: int
    judged_in: int
    judged_out: int
    too_common: tuple[TooCommon, ...]
    left_out: Mapping[str, int]


def group_network(
    session: Session,
    *,
    method: Method | None = None,
    geoip: GeoIpDatabase | None = None,
    on_step: Callable[[str], None] | None = None,
) -> GroupingResult:
    """Find and store the groups of the whole network (see the module docstring)."""
    used = method or Method()
    step = on_step or (lambda _name: None)
    run = NetworkRun(parameters=used.as_dict())
    session.add(run)
    session.flush()
    holdings = read_holdings(session)
    step(STEPS[0])
    network = build_network(holdings, used)
    step(STEPS[1])
    found = find_communities(network.edges, used)
    attached = attach(found, holdings, used)
    stored = _stored_groups(session)
    ids = assign_ids(found, stored)
    groups: dict[str, list[str]] = {
        gid: list(members) for gid, members in zip(ids, found, strict=True)
    }
    sources = {(gid, s): "found" for gid, members in groups.items() for s in members}
    for attachment in attached:
        sources[(ids[attachment.group], attachment.subject_id)] = "attached"
    judged_in, judged_out = _apply_judgements(session, groups, sources, holdings.subjects)
    step(STEPS[2])
    measures = measure_roles(groups, network.edges, holdings, used)
    for attachment in attached:
        key = (ids[attachment.group], attachment.subject_id)
        if key in measures:
            measures[key].attached_by = list(attachment.artefacts)
    abroad = _abroad(session, {s for members in groups.values() for s in members}, geoip)
    step(STEPS[3])
    kept = sum(1 for gid in groups if gid in stored)
    retired = _store(session, run, groups, sources, measures, abroad, network.edges, stored)
    run.finished_at = utcnow()
    run.counts = {
        "groups": len(groups),
        "members": len(sources),
        "edges": len(network.edges),
        "pairs_considered": network.pairs_considered,
        "pairs_below_threshold": network.pairs_below_threshold,
        "too_common": len(network.too_common),
        "kept_ids": kept,
        "new_ids": len(groups) - kept,
        "retired": retired,
        "attached": len(attached),
        "judged_in": judged_in,
        "judged_out": judged_out,
        "left_out": dict(holdings.left_out),
    }
    step(STEPS[4])
    return GroupingResult(
        run_id=run.id,
        groups=len(groups),
        members=len(sources),
        edges=len(network.edges),
        kept_ids=kept,
        new_ids=len(groups) - kept,
        retired=retired,
        judged_in=judged_in,
        judged_out=judged_out,
        too_common=tuple(network.too_common),
        left_out=dict(holdings.left_out),
    )


def group_configured(
    session: Session,
    settings: Settings,
    *,
    method: Method | None = None,
    on_step: Callable[[str], None] | None = None,
) -> GroupingResult:
    """`group_network` with the workspace's GeoIP databases (SURAKSHA_GEOIP_DB), when set."""
    if not settings.geoip_databases:
        return group_network(session, method=method, on_step=on_step)
    with GeoIpDatabase(settings.geoip_databases) as geoip:
        return group_network(session, method=method, geoip=geoip, on_step=on_step)


def _stored_groups(session: Session) -> dict[str, frozenset[str]]:
    """Every stored group's last members (inactive groups too: a group found again gets its id)."""
    members: dict[str, set[str]] = {gid: set() for gid in session.scalars(select(NetworkGroup.id))}
    for group_id, subject_id in session.execute(
        select(NetworkMember.group_id, NetworkMember.subject_id)
    ):
        members[group_id].add(subject_id)
    for group_id, summary in session.execute(select(NetworkGroup.id, NetworkGroup.summary)):
        if not members[group_id]:  # retired: its members were cleared, its summary keeps them
            members[group_id] = set(summary.get("last_members", ()))
    return {gid: frozenset(found) for gid, found in members.items()}


def _apply_judgements(
    session: Session,
    groups: dict[str, list[str]],
    sources: dict[tuple[str, str], str],
    subjects: set[str],
) -> tuple[int, int]:
    """Analysts' latest decisions outrank the algorithm: add judged members, take out the others."""
    judged_in = judged_out = 0
    for (group_id, subject_id), decision in sorted(current_decisions(session).items()):
        members = groups.get(group_id)
        if members is None:
            continue  # the group was not found this run: judgements wait for it
        if decision is Membership.MEMBER and subject_id not in members and subject_id in subjects:
            members.append(subject_id)
            members.sort()
            sources[(group_id, subject_id)] = "judged"
            judged_in += 1
        elif decision is Membership.NOT_MEMBER and subject_id in members:
            members.remove(subject_id)
            del sources[(group_id, subject_id)]
            judged_out += 1
    return judged_in, judged_out


def _abroad(
    session: Session, subjects: set[str], geoip: GeoIpDatabase | None
) -> dict[str, list[AbroadReading]]:
    wanted = sorted(subjects)
    accounts: dict[str, list[str]] = {}
    query = account_subjects().subquery()
    for start in range(0, len(wanted), _BATCH):
        for account_id, subject_id in session.execute(
            select(query.c.account_id, query.c.subject_id).where(
                query.c.subject_id.in_(wanted[start : start + _BATCH])
            )
        ):
            accounts.setdefault(subject_id, []).append(account_id)
    subject_of = {a: s for s, ids in accounts.items() for a in ids}
    views: dict[str, list[Any]] = {}
    for view in account_views(session, subject_of):
        views.setdefault(subject_of[view.account_id], []).append(view)
    return readings_abroad(views, geoip)


def _store(
    session: Session,
    run: NetworkRun,
    groups: Mapping[str, Sequence[str]],
    sources: Mapping[tuple[str, str], str],
    measures: Mapping[tuple[str, str], MemberMeasures],
    abroad: Mapping[str, list[AbroadReading]],
    edges: Sequence[Edge],
    stored: Mapping[str, frozenset[str]],
) -> int:
    """Replace members and edges; upsert groups; retire the groups not found. Returns retired."""
    now = utcnow()
    session.execute(delete(NetworkMember))
    session.execute(delete(NetworkEdge))
    inside = _inside_edges(groups, edges)
    for group_id, members in groups.items():
        summary = _summary(group_id, members, inside.get(group_id, []), measures, abroad)
        values = {"run_id": run.id, "active": True, "size": len(members), "summary": summary}
        if group_id in stored:
            session.execute(
                update(NetworkGroup)
                .where(NetworkGroup.id == group_id)
                .values(updated_at=now, **values)
            )
        else:
            session.add(NetworkGroup(id=group_id, created_at=now, updated_at=now, **values))
    session.flush()
    retired = sorted(set(stored) - set(groups))
    for group_id in retired:
        group = session.get(NetworkGroup, group_id)
        if group is not None and group.active:
            group.active = False
            group.updated_at = now
            group.summary = {**group.summary, "last_members": sorted(stored[group_id])}
    rows = [
        {
            "group_id": group_id,
            "subject_id": subject_id,
            "source": sources[(group_id, subject_id)],
            "roles": [r.as_dict() for r in measures[(group_id, subject_id)].roles],
            "measures": measures[(group_id, subject_id)].as_dict(),
            "abroad": [r.as_dict() for r in abroad.get(subject_id, ())],
        }
        for group_id, members in groups.items()
        for subject_id in members
    ]
    _insert(session, NetworkMember, rows)
    _insert(
        session,
        NetworkEdge,
        [
            {
                "subject_a": e.a,
                "subject_b": e.b,
                "weight": round(e.score, 6),
                "kinds": e.kinds,
                "evidence": [x.as_dict() for x in e.strongest()],
            }
            for e in edges
        ],
    )
    return len(retired)


def _inside_edges(
    groups: Mapping[str, Sequence[str]], edges: Sequence[Edge]
) -> dict[str, list[Edge]]:
    group_of: dict[str, set[str]] = {}
    for group_id, members in groups.items():
        for subject in members:
            group_of.setdefault(subject, set()).add(group_id)
    inside: dict[str, list[Edge]] = {}
    for edge in edges:
        for group_id in group_of.get(edge.a, set()) & group_of.get(edge.b, set()):
            inside.setdefault(group_id, []).append(edge)
    return inside


def _summary(
    group_id: str,
    members: Sequence[str],
    edges: Sequence[Edge],
    measures: Mapping[tuple[str, str], MemberMeasures],
    abroad: Mapping[str, list[AbroadReading]],
) -> dict[str, Any]:
    """Why the group holds together, in counts an analyst can read at a glance."""
    kinds: Counter[str] = Counter()
    platform_groups: Counter[str] = Counter()
    reports: set[str] = set()
    for edge in edges:
        for kind in edge.kinds:
            kinds[kind] += 1
        for evidence in edge.evidence:
            reports.update(evidence.reports_a)
            reports.update(evidence.reports_b)
            if evidence.kind.value == "platform_group":
                platform_groups[evidence.label] += 1
    roles: Counter[str] = Counter(
        finding.role.value for s in members for finding in measures[(group_id, s)].roles
    )
    reasons = [
        f"{count} edge(s) with {kind.replace('_', ' ')} evidence"
        for kind, count in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return {
        "reasons": reasons,
        "edge_kinds": dict(sorted(kinds.items())),
        "platform_groups": sorted(platform_groups),
        "edges": len(edges),
        "report_ids": sorted(reports),
        "roles": dict(sorted(roles.items())),
        "abroad": sorted(s for s in members if s in abroad),
        "producing": any(
            f.role.value == "possible_producer"
            for s in members
            for f in measures[(group_id, s)].roles
        ),
    }


def _insert(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), _BATCH):
        session.execute(insert(model), rows[start : start + _BATCH])
