"""The officer's first page: what needs action now, within the actor's jurisdiction.

    subjects needing action   priority first, then the nearest freshness deadline open at
                              assessment (`SubjectPriority.next_deadline`)
    nearest deadlines         open freshness clocks (preservation, IP logs, device) by date
    new tips                  the newest tips of the subjects the actor may see
    subjects by district      how many subjects each (state, district) holds, and how many urgent

Only what is shown is read: the subjects from the score index, the deadlines in the order of the
deadline stored with each priority (`_nearest_deadlines`), the counts by grouping; a state's
dashboard costs what an officer's does, not one factor list per subject in reach.

Restricted here, in the domain, with `security.policy.restrict` on the routing table: a district
officer's query returns only their district's rows, whatever page or API asks. An unrouted subject
is reached only by an `all` scope (policy.py). One `subject.list` audit event records that the
actor saw the list and how many subjects it held.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from suraksha.identity.subjects import members_of
from suraksha.intake.tips import tips_of_accounts
from suraksha.intel.models import SubjectJurisdiction, SubjectPriority
from suraksha.security import audit
from suraksha.security.policy import Actor, Permission, Scope, require, restrict, scope_of
from suraksha.storage.base import utcnow

_BATCH: Final = 500  # rows read at a time while looking for the nearest deadlines
URGENT: Final = 100.0
"""Priority from which a subject counts as urgent in the district counts."""
LIST_ACTION: Final = "subject.list"


@dataclass(frozen=True, slots=True)
class SubjectLine:
    """A subject needing action: its priority, place, and nearest open deadline."""

    subject_id: str
    priority: float
    state: str | None
    district: str | None
    police_station: str | None
    deadline: date | None
    deadline_factor: str | None
    top_factors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Deadline:
    """One open freshness clock of a subject."""

    subject_id: str
    factor: str
    deadline: date
    days_left: int
    note: str
    district: str | None


@dataclass(frozen=True, slots=True)
class NewTip:
    """A recently received tip of a subject the actor may see."""

    report_id: str
    received_at: datetime | None
    incident_type: str | None
    platform: str | None
    subject_id: str


@dataclass(frozen=True, slots=True)
class DistrictCount:
    """Subjects routed to one place (None, None: not yet routed)."""

    state: str | None
    district: str | None
    subjects: int
    urgent: int


@dataclass(slots=True)
class Dashboard:
    """Everything the dashboard shows, already limited to the actor's jurisdiction."""

    scope: str
    total_subjects: int
    subjects: list[SubjectLine] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    new_tips: list[NewTip] = field(default_factory=list)
    districts: list[DistrictCount] = field(default_factory=list)


def dashboard(
    session: Session,
    actor: Actor,
    *,
    today: date | None = None,
    limit: int = 15,
    tip_subjects: int = 50,
) -> Dashboard:
    """The dashboard for `actor` (AccessDenied when the role reads no subjects at all).

    `tip_subjects` bounds how many of the highest-priority subjects' tips are read for "new tips",
    so the page stays quick on a large workspace.
    """
    _require_some_reach(actor)
    day = today or utcnow().date()
    columns = (
        SubjectPriority.subject_id,
        SubjectPriority.score,
        SubjectPriority.factors,
        SubjectJurisdiction.state,
        SubjectJurisdiction.district,
        SubjectJurisdiction.police_station,
    )
    total = session.scalar(select(func.count()).select_from(_in_reach(actor, columns).subquery()))
    # The subjects needing action (and those whose tips are read), from the score index.
    top = session.execute(
        _in_reach(actor, columns)
        .order_by(
            SubjectPriority.score.desc(),
            SubjectPriority.next_deadline.asc().nulls_last(),
            SubjectPriority.subject_id,
        )
        .limit(max(limit, tip_subjects))
    )
    lines: list[SubjectLine] = []
    for row in top:
        nearest = min(
            _open_deadlines(row.subject_id, row.factors, row.district, day),
            key=lambda clock: clock.deadline,
            default=None,
        )
        lines.append(
            SubjectLine(
                subject_id=row.subject_id,
                priority=float(row.score),
                state=row.state,
                district=row.district,
                police_station=row.police_station,
                deadline=nearest.deadline if nearest else None,
                deadline_factor=nearest.factor if nearest else None,
                top_factors=_top_factors(row.factors),
            )
        )
    board = Dashboard(
        scope=actor.describe_scope(Permission.SUBJECT_READ),
        total_subjects=total or 0,
        subjects=lines[:limit],
        deadlines=_nearest_deadlines(session, actor, columns, day, limit),
        new_tips=_new_tips(session, lines[:tip_subjects], limit),
        districts=_district_counts(session, actor),
    )
    audit.record(
        session,
        actor,
        LIST_ACTION,
        "subject",
        "dashboard",
        {"view": "dashboard", "subjects": board.total_subjects, "shown": len(board.subjects)},
    )
    return board


def _require_some_reach(actor: Actor) -> None:
    """AccessDenied for a role that reads no subject anywhere (an auditor, victim support)."""
    if scope_of(actor.role, Permission.SUBJECT_READ) is Scope.NONE:
        require(actor, Permission.SUBJECT_READ)


def _in_reach(actor: Actor, columns: tuple[Any, ...]) -> Select[Any]:
    """The priorities (with their routing) of the subjects `actor` may read."""
    query = select(*columns).outerjoin(
        SubjectJurisdiction, SubjectJurisdiction.subject_id == SubjectPriority.subject_id
    )
    return restrict(
        query,
        actor,
        Permission.SUBJECT_READ,
        state=SubjectJurisdiction.state.expression,
        district=SubjectJurisdiction.district.expression,
    )


def _nearest_deadlines(
    session: Session, actor: Actor, columns: tuple[Any, ...], day: date, limit: int
) -> list[Deadline]:
    """The `limit` nearest clocks still open on `day`, of every subject in reach.

    Read in the order of the stored deadline (`SubjectPriority.next_deadline`: the nearest clock
    open when the subject was assessed), which no open clock of the subject precedes; so once
    `limit` clocks are found, a subject whose stored deadline is later than the last of them
    cannot add one. Subjects whose stored deadline has passed since (assessed days ago) come
    first and are all read: their later clocks may still be open.
    """
    if limit <= 0:
        return []
    stored = SubjectPriority.next_deadline
    rows = session.execute(
        _in_reach(actor, columns)
        .add_columns(stored)
        .where(stored.is_not(None))
        .order_by(stored, SubjectPriority.subject_id)
        .execution_options(yield_per=_BATCH)
    )
    found: list[Deadline] = []
    try:
        for row in rows:
            if len(found) >= limit and row.next_deadline > found[limit - 1].deadline:
                break
            found.extend(_open_deadlines(row.subject_id, row.factors, row.district, day))
            found.sort(key=lambda clock: (clock.deadline, clock.subject_id, clock.factor))
            del found[limit:]  # only the nearest are shown: the list stays short to sort
    finally:
        rows.close()  # the rest is never read
    return found


def _open_deadlines(
    subject_id: str, factors: list[Any], district: str | None, day: date
) -> list[Deadline]:
    """The subject's clocks still open on `day` (a clock with no points had expired when the
    subject was assessed: `freshness.next_deadline` reads them alike)."""
    found: list[Deadline] = []
    for factor in factors or []:
        if not isinstance(factor, dict) or not factor.get("deadline"):
            continue
        if float(factor.get("weight", 0)) <= 0:
            continue
        try:
            when = date.fromisoformat(str(factor["deadline"]))
        except ValueError:
            continue
        if when < day:
            continue
        found.append(
            Deadline(
                subject_id=subject_id,
                factor=str(factor.get("factor", "")),
                deadline=when,
                days_left=(when - day).days,
                note=str(factor.get("note", "")),
                district=district,
            )
        )
    return found


def _top_factors(factors: list[Any], count: int = 3) -> tuple[str, ...]:
    named = [f for f in factors or [] if isinstance(f, dict) and f.get("weight", 0)]
    named.sort(key=lambda f: -float(f.get("weight", 0)))
    return tuple(str(f.get("factor", "")) for f in named[:count])


def _new_tips(session: Session, lines: list[SubjectLine], limit: int) -> list[NewTip]:
    found: dict[str, NewTip] = {}
    for line in lines:
        for tip in tips_of_accounts(session, members_of(session, line.subject_id)):
            found.setdefault(
                tip.report_id,
                NewTip(
                    report_id=tip.report_id,
                    received_at=tip.received_at,
                    incident_type=tip.incident_type,
                    platform=tip.reporting_platform,
                    subject_id=line.subject_id,
                ),
            )
    oldest = datetime.min.replace(tzinfo=utcnow().tzinfo)
    ordered = sorted(
        found.values(), key=lambda tip: (tip.received_at or oldest, tip.report_id), reverse=True
    )
    return ordered[:limit]


def _district_counts(session: Session, actor: Actor) -> list[DistrictCount]:
    urgent = func.sum(case((SubjectPriority.score >= URGENT, 1), else_=0))
    query = (
        select(
            SubjectJurisdiction.state,
            SubjectJurisdiction.district,
            func.count(SubjectPriority.subject_id),
            urgent,
        )
        .select_from(SubjectPriority)
        .outerjoin(
            SubjectJurisdiction, SubjectJurisdiction.subject_id == SubjectPriority.subject_id
        )
        .group_by(SubjectJurisdiction.state, SubjectJurisdiction.district)
    )
    query = restrict(
        query,
        actor,
        Permission.SUBJECT_READ,
        state=SubjectJurisdiction.state.expression,
        district=SubjectJurisdiction.district.expression,
    )
    counts = [
        DistrictCount(state, district, int(total), int(hot or 0))
        for state, district, total, hot in session.execute(query)
    ]
    counts.sort(key=lambda c: (-c.subjects, c.state or "~", c.district or "~"))
    return counts
