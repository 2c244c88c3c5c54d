"""Case statistics and deadline alerts: the funnel from tips to convictions by district and month,
the statutory and evidence clocks met and missed by clock and district, and the open clocks an
officer must act on — each limited to the actor's jurisdiction in the query and audited.

    step          counted once per                 in the month (IST) of
    tips          tip naming a subject of the      the tip's receipt (`undated` when the
                  district (routed subjects only)  report does not say when it was received)
    subjects      subject routed to the district   its earliest dated tip's receipt
    cases         case the district holds now      the case's opening
    fir           such a case that reached fir     its first forward move into the stage
    chargesheet   … that reached chargesheet       (the date the move happened, not when it
    verdict       … that reached verdict           was recorded)
    conviction    … whose verdict convicted on     the move into verdict
                  at least one charge

A tip that names subjects of two districts counts in each; the totals count it once. A
transferred case counts in the district that holds it now (where `case.read` finds it). A
conviction is a verdict whose recorded outcome is `convicted` or `partly_convicted`
(`workflow.CONVICTIONS`); an acquittal counts as a verdict only, and so does a verdict recorded
before outcomes were (migration 0016), whose outcome is unknown.

Deadlines are read as `cases.casefile.deadlines_of` reads them: an open case's clocks on `now`,
a closed case's (verdict, closure) on the day it closed. A clock is `met` (its meeting event
came on time), `missed` (past due without it, or met late), `running` (an open case's clock not
yet due) or `ended` (the case closed before the clock fell due).

Who sees what: tips and subjects within the actor's `subject.read` scope (`intel.worklist`'s
`account_places`, restricted by `policy.restrict`); cases within `case.read` (`casefile.
visible_cases`). An investigating officer or a prosecutor thus sees their assigned cases and
no tip or subject counts (tips have no case). Every view is audited (`case.statistics`), every
export (`case.export`), every reading of open clocks (`case.deadlines`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from suraksha.cases.casefile import case_events, deadlines_of, visible_cases
from suraksha.cases.deadlines import IST, Deadline, Status
from suraksha.cases.models import Case, CaseTransition
from suraksha.cases.workflow import CLOSED, CONVICTIONS, CaseSummary, Stage, summary_of
from suraksha.errors import UserInputError
from suraksha.intake.tips import tips_of_accounts
from suraksha.intel.worklist import account_places
from suraksha.security.audit import Who, record
from suraksha.security.policy import Actor, Permission, Scope, require, restrict, scope_of
from suraksha.storage.base import utcnow

STEPS: Final = ("tips", "subjects", "cases", "fir", "chargesheet", "verdict", "conviction")
"""The funnel's steps, in order."""
STAGE_STEPS: Final = {Stage.FIR: "fir", Stage.CHARGESHEET: "chargesheet", Stage.VERDICT: "verdict"}
"""Stages whose first forward move counts as reaching a step of the funnel."""
OUTCOMES: Final = ("met", "missed", "running", "ended")
"""How a clock ended up (module docstring)."""
UNDATED: Final = "undated"
"""The month of a tip (or subject) whose receipt date is unknown."""
ALERT_STATUSES: Final = frozenset({Status.MISSED, Status.DUE_SOON})


@dataclass(frozen=True, slots=True, order=True)
class Place:
    """A (state, district); both None for subjects routing has not placed."""

    state: str | None
    district: str | None

    @property
    def label(self) -> str:
        """How a table names the place."""
        if self.district:
            return f"{self.district}, {self.state}"
        return self.state or "not routed"


@dataclass(frozen=True, slots=True)
class StatisticsFilters:
    """What the statistics are narrowed to (None: no condition)."""

    district: str | None = None  # case-insensitive, routing's spelling
    year: int | None = None  # months of this year only (undated tips are left out)


@dataclass(frozen=True, slots=True)
class FunnelRow:
    """Counts of each step for one place and month (`month` None: all months; `place` None:
    every place, each item counted once)."""

    place: Place | None
    month: str | None
    counts: Mapping[str, int]

    def count(self, step: str) -> int:
        """The count of `step` (one of `STEPS`)."""
        return self.counts.get(step, 0)


@dataclass(frozen=True, slots=True)
class DeadlineRow:
    """How the clocks of one name ended up in one place (`place` None: every place)."""

    place: Place | None
    clock: str
    counts: Mapping[str, int]

    def count(self, outcome: str) -> int:
        """The count of `outcome` (one of `OUTCOMES`)."""
        return self.counts.get(outcome, 0)


@dataclass(frozen=True, slots=True)
class CaseStatistics:
    """The funnel and the deadlines within the actor's reach, as of `now`."""

    scope: str
    now: datetime
    filters: StatisticsFilters
    funnel: list[FunnelRow]  # by place and month
    by_place: list[FunnelRow]  # by place, all months
    by_month: list[FunnelRow]  # by month, all places
    total: FunnelRow
    deadlines: list[DeadlineRow]  # by place and clock
    deadlines_by_clock: list[DeadlineRow]  # by clock, all places


@dataclass(frozen=True, slots=True)
class OpenClock:
    """A clock of an open case not met yet: upcoming, due soon, or missed and still unmet."""

    case: CaseSummary
    deadline: Deadline

    @property
    def missed(self) -> bool:
        """True once the clock is past due."""
        return self.deadline.status is Status.MISSED


@dataclass(slots=True)
class _Facts:
    """Item ids per (step, place, month), before counting."""

    seen: dict[tuple[str, Place, str], set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, step: str, item: str, place: Place, month: str) -> None:
        self.seen[(step, place, month)].add(item)


# --- the funnel and the deadlines ----------------------------------------------------------------


def case_statistics(
    session: Session,
    who: Who,
    filters: StatisticsFilters | None = None,
    *,
    now: datetime | None = None,
) -> CaseStatistics:
    """The statistics page: the funnel and the deadlines within `who`'s reach (audited as one
    `case.statistics` event with the totals)."""
    stats = _statistics(session, who, filters or StatisticsFilters(), now or utcnow())
    record(session, who, "case.statistics", "case", "*", _audit_detail(stats))
    return stats


def export_statistics(
    session: Session,
    who: Who,
    name: str,
    filters: StatisticsFilters | None = None,
    *,
    now: datetime | None = None,
) -> CaseStatistics:
    """The same figures as they leave the application as file `name` (audited `case.export`).

    Counts only: no identifier, name, case reference or victim detail is in them.
    """
    stats = _statistics(session, who, filters or StatisticsFilters(), now or utcnow())
    record(session, who, "case.export", "case_statistics", name, _audit_detail(stats))
    return stats


def _audit_detail(stats: CaseStatistics) -> dict[str, object]:
    return {
        "district": stats.filters.district,
        "year": stats.filters.year,
        **{step: stats.total.count(step) for step in STEPS},
    }


def _statistics(
    session: Session, who: Who, filters: StatisticsFilters, now: datetime
) -> CaseStatistics:
    _require_case_reach(who)
    if filters.year is not None and not 1900 <= filters.year <= 9999:
        raise UserInputError(f"Give a year such as 2026, not {filters.year}.")
    facts = _Facts()
    _subject_facts(session, who, facts)
    cases = _case_facts(session, who, facts)
    wanted = {
        key: ids
        for key, ids in facts.seen.items()
        if _place_wanted(key[1], filters) and _month_wanted(key[2], filters)
    }
    funnel = _rows(wanted, lambda place, month: (place, month))
    by_place = _rows(wanted, lambda place, _month: (place, None))
    by_month = _rows(wanted, lambda _place, month: (None, month))
    total = _rows(wanted, lambda _place, _month: (None, None))
    deadlines = _deadline_counts(
        session, [c for c in cases if _place_wanted(_place_of(c), filters)], now
    )
    return CaseStatistics(
        scope=who.describe_scope(Permission.CASE_READ) if isinstance(who, Actor) else "everywhere",
        now=now,
        filters=filters,
        funnel=funnel,
        by_place=by_place,
        by_month=by_month,
        total=total[0] if total else FunnelRow(None, None, {}),
        deadlines=_deadline_rows(deadlines, by_place=True),
        deadlines_by_clock=_deadline_rows(deadlines, by_place=False),
    )


def _require_case_reach(who: Who) -> None:
    """AccessDenied for a role that reads no case anywhere (an auditor, victim support)."""
    if isinstance(who, Actor) and scope_of(who.role, Permission.CASE_READ) is Scope.NONE:
        require(who, Permission.CASE_READ)


def _subject_facts(session: Session, who: Who, facts: _Facts) -> None:
    """Tips and subjects within `who`'s subject.read scope, by place and month."""
    places = account_places()
    query = select(places.c.account_id, places.c.subject_id, places.c.state, places.c.district)
    if isinstance(who, Actor):
        query = restrict(
            query, who, Permission.SUBJECT_READ, state=places.c.state, district=places.c.district
        )
    accounts: dict[str, tuple[str, Place]] = {
        account: (subject, Place(state, district))
        for account, subject, state, district in session.execute(query)
    }
    if not accounts:
        return
    first_seen: dict[str, datetime | None] = {}
    subject_place: dict[str, Place] = {}
    for tip in tips_of_accounts(session, accounts):
        for account in tip.account_ids:
            if account not in accounts:
                continue
            subject, place = accounts[account]
            facts.add("tips", tip.tip_id, place, month_of(tip.received_at))
            subject_place[subject] = place
            earliest = first_seen.get(subject)
            if tip.received_at is not None and (earliest is None or tip.received_at < earliest):
                first_seen[subject] = tip.received_at
            else:
                first_seen.setdefault(subject, None)
    for subject, place in subject_place.items():
        facts.add("subjects", subject, place, month_of(first_seen.get(subject)))


def _case_facts(session: Session, who: Who, facts: _Facts) -> list[Case]:
    """Cases within `who`'s case.read scope: opened, the stages of the funnel they reached, and
    convictions (dated by the move into verdict)."""
    cases = list(session.scalars(visible_cases(who).order_by(Case.id)))
    by_id = {case.id: case for case in cases}
    for case in cases:
        facts.add("cases", case.id, _place_of(case), month_of(case.opened_at))
    visible = visible_cases(who).with_only_columns(Case.id).subquery()
    reached = session.execute(
        select(CaseTransition.case_id, CaseTransition.to_stage, func.min(CaseTransition.at))
        .where(
            CaseTransition.case_id.in_(select(visible.c.id)),
            CaseTransition.backwards.is_(False),
            CaseTransition.to_stage.in_([stage.value for stage in STAGE_STEPS]),
        )
        .group_by(CaseTransition.case_id, CaseTransition.to_stage)
    )
    for case_id, stage, at in reached:
        holder = by_id.get(case_id)
        if holder is not None:
            facts.add(STAGE_STEPS[Stage(stage)], holder.id, _place_of(holder), month_of(at))
    convicted = session.execute(
        select(CaseTransition.case_id, func.min(CaseTransition.at))
        .where(
            CaseTransition.case_id.in_(select(visible.c.id)),
            CaseTransition.to_stage == Stage.VERDICT.value,
            CaseTransition.outcome.in_([outcome.value for outcome in CONVICTIONS]),
        )
        .group_by(CaseTransition.case_id)
    )
    for case_id, at in convicted:
        holder = by_id.get(case_id)
        if holder is not None:
            facts.add("conviction", holder.id, _place_of(holder), month_of(at))
    return cases


def _deadline_counts(
    session: Session, cases: list[Case], now: datetime
) -> dict[tuple[Place, str], dict[str, int]]:
    """(place, clock) → outcome → count, each closed case read on the day it closed."""
    closed_at: dict[str, datetime] = {}
    closed_ids = [case.id for case in cases if Stage(case.stage) in CLOSED]
    for start in range(0, len(closed_ids), 500):
        for case_id, last in session.execute(
            select(CaseTransition.case_id, func.max(CaseTransition.at))
            .where(CaseTransition.case_id.in_(closed_ids[start : start + 500]))
            .group_by(CaseTransition.case_id)
        ):
            closed_at[case_id] = last
    counts: dict[tuple[Place, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for case in cases:
        ended = closed_at.get(case.id)
        _, deadlines = deadlines_of(session, case, min(ended, now) if ended else now)
        for deadline in deadlines:
            if deadline.status is Status.MET:
                outcome = "met"
            elif deadline.status is Status.MISSED:
                outcome = "missed"
            else:
                outcome = "ended" if ended is not None else "running"
            counts[(_place_of(case), deadline.clock.name)][outcome] += 1
    return counts


def _deadline_rows(
    counts: Mapping[tuple[Place, str], Mapping[str, int]], *, by_place: bool
) -> list[DeadlineRow]:
    merged: dict[tuple[Place | None, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (place, clock), outcomes in counts.items():
        for outcome, number in outcomes.items():
            merged[(place if by_place else None, clock)][outcome] += number
    rows = [DeadlineRow(place, clock, dict(values)) for (place, clock), values in merged.items()]
    return sorted(rows, key=lambda r: (_place_key(r.place), r.clock))


def _rows(
    seen: Mapping[tuple[str, Place, str], set[str]],
    key: Callable[[Place, str], tuple[Place | None, str | None]],
) -> list[FunnelRow]:
    """Distinct counts of each step grouped by `key(place, month)`."""
    grouped: dict[tuple[Place | None, str | None], dict[str, set[str]]] = defaultdict(
        lambda: defaultdict(set)
    )
    for (step, place, month), ids in seen.items():
        group = key(place, month)
        grouped[group][step] |= ids
    rows = [
        FunnelRow(place, month, {step: len(ids) for step, ids in steps.items()})
        for (place, month), steps in grouped.items()
    ]
    return sorted(rows, key=lambda r: (_place_key(r.place), _month_key(r.month)))


def _place_key(place: Place | None) -> tuple[str, str]:
    if place is None:
        return ("", "")
    return (place.state or "~", place.district or "~")


def _month_key(month: str | None) -> str:
    return "~" if month == UNDATED else (month or "")


def _place_of(case: Case) -> Place:
    return Place(case.state, case.district)


def _place_wanted(place: Place, filters: StatisticsFilters) -> bool:
    if filters.district is None or not filters.district.strip():
        return True
    return (place.district or "").upper() == filters.district.strip().upper()


def _month_wanted(month: str, filters: StatisticsFilters) -> bool:
    return filters.year is None or month.startswith(f"{filters.year:04d}-")


def month_of(moment: datetime | None) -> str:
    """The IST month of an instant ("2026-11"), or `UNDATED`."""
    if moment is None:
        return UNDATED
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(IST).strftime("%Y-%m")


# --- open clocks and alerts ----------------------------------------------------------------------


def open_clocks(
    session: Session,
    who: Who,
    *,
    district: str | None = None,
    now: datetime | None = None,
) -> list[OpenClock]:
    """Every clock of the open cases `who` may read that is not met yet, soonest first: the
    case list's "next deadline" (audited as one `case.deadlines` event).

    Unlike `casefile.open_deadlines` (the `suraksha deadlines` command), a clock met late is left
    out: it is missed for the statistics, but nothing can be done about it any more.
    """
    found = _open_clocks(session, who, district, now or utcnow())
    record(
        session,
        who,
        "case.deadlines",
        "case",
        "*",
        {"view": "open", "deadlines": len(found), "district": district},
    )
    return found


def deadline_alerts(
    session: Session, who: Who, *, now: datetime | None = None, limit: int = 20
) -> list[OpenClock]:
    """The dashboard's alerts: clocks of open cases that are missed and still unmet, or due
    soon (within each clock's warning period), missed first (audited `case.deadlines`)."""
    _require_case_reach(who)
    alerts = [
        c
        for c in _open_clocks(session, who, None, now or utcnow())
        if c.deadline.status in ALERT_STATUSES
    ]
    alerts.sort(key=lambda c: (not c.missed, c.deadline.due, c.case.case_id))
    record(
        session,
        who,
        "case.deadlines",
        "case",
        "*",
        {"view": "alerts", "deadlines": len(alerts)},
    )
    return alerts[:limit]


def _open_clocks(
    session: Session, who: Who, district: str | None, now: datetime
) -> list[OpenClock]:
    query = visible_cases(who).where(Case.stage.not_in([s.value for s in CLOSED]))
    if district is not None and district.strip():
        query = query.where(func.upper(Case.district) == district.strip().upper())
    found: list[OpenClock] = []
    for case in session.scalars(query.order_by(Case.id)):
        summary = summary_of(session, case)
        events = case_events(session, case.id)
        for deadline in deadlines_of(session, case, now)[1]:
            if deadline.status is Status.MET or _met_late(deadline, events):
                continue
            found.append(OpenClock(summary, deadline))
    return sorted(found, key=lambda c: (c.deadline.due, c.case.case_id, c.deadline.clock.name))


def _met_late(deadline: Deadline, events: Iterable[object]) -> bool:
    """True when the clock is missed but its meeting event was recorded (after the due time)."""
    present = set(events)
    return deadline.status is Status.MISSED and any(k in present for k in deadline.clock.met_by)


def next_deadlines(clocks: Iterable[OpenClock]) -> dict[str, OpenClock]:
    """Case id → its most pressing open clock (missed first, then the soonest due)."""
    best: dict[str, OpenClock] = {}
    for clock in clocks:
        held = best.get(clock.case.case_id)
        if held is None or (not clock.missed, clock.deadline.due) < (
            not held.missed,
            held.deadline.due,
        ):
            best[clock.case.case_id] = clock
    return best


def by_next_deadline(
    cases: Iterable[CaseSummary], nearest: Mapping[str, OpenClock]
) -> list[CaseSummary]:
    """`cases` by their most pressing clock (`next_deadlines`): missed ones first, then the
    soonest due; cases with no open clock last, oldest first."""
    return sorted(
        cases,
        key=lambda c: (
            c.case_id not in nearest,
            not nearest[c.case_id].missed if c.case_id in nearest else True,
            nearest[c.case_id].deadline.due if c.case_id in nearest else c.opened_at,
            c.case_id,
        ),
    )
