"""Reading cases: one case in full (`case show`), lists behind policy, and the deadlines of every
open case (`suraksha deadlines`); each read is audited.

A case's deadlines come from `cases.deadlines` fed with its dated events (the earliest of each
kind; the latest IP capture), the procedure `law.procedure_for` gives from its offence date, FIR
and enquiry dates, and the gravest charge (`charges.gravest_years`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from suraksha.cases.charges import ChargeView, charge_view, charges_of, gravest_years, offence_of
from suraksha.cases.deadlines import IST, Deadline, EventKind, Status, deadlines_for
from suraksha.cases.deconfliction import KEYS, Conflict, notes_of
from suraksha.cases.law import penal_code_for, procedure_for
from suraksha.cases.models import Case, CaseEvent, CaseHolding, CaseTransfer, CaseTransition
from suraksha.cases.workflow import (
    CLOSED,
    CaseSummary,
    EventView,
    Stage,
    TransferView,
    TransitionView,
    iso,
    load_case,
    summary_of,
    transfer_view,
    transition_view,
)
from suraksha.security.audit import Who, record
from suraksha.security.policy import Actor, Permission, Scope, require, restrict, scope_of
from suraksha.storage.base import utcnow


@dataclass(frozen=True, slots=True)
class CaseFile:
    """Everything `case show` shows, except the evidence register (`cases.evidence`)."""

    summary: CaseSummary
    reason: str
    opened_by: str
    offence_date: date | None
    law: str
    transitions: list[TransitionView]
    events: list[EventView]
    charges: list[ChargeView]
    transfers: list[TransferView]
    holdings: dict[str, list[str]]
    conflicts: list[Conflict]
    deadlines: list[Deadline]


def read_case(session: Session, who: Who, ref: str, *, now: datetime | None = None) -> CaseFile:
    """The whole case for `case show`; the read is audited (`case.read`)."""
    case = load_case(session, who, ref, Permission.CASE_READ)
    now = now or utcnow()
    transitions = session.scalars(
        select(CaseTransition)
        .where(CaseTransition.case_id == case.id)
        .order_by(CaseTransition.at, CaseTransition.id)
    )
    events = session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.at, CaseEvent.id)
    )
    charges = sorted(charges_of(session, case.id), key=lambda c: c.id)
    transfers = session.scalars(
        select(CaseTransfer).where(CaseTransfer.case_id == case.id).order_by(CaseTransfer.id)
    )
    holdings: dict[str, list[str]] = {}
    for kind, value in session.execute(
        select(CaseHolding.kind, CaseHolding.value)
        .where(CaseHolding.case_id == case.id)
        .order_by(CaseHolding.kind, CaseHolding.value)
    ):
        holdings.setdefault(kind, []).append(value)
    law, deadlines = deadlines_of(session, case, now)
    record(session, who, "case.read", "case", case.id)
    return CaseFile(
        summary=summary_of(session, case),
        reason=case.reason,
        opened_by=case.opened_by,
        offence_date=case.offence_date,
        law=law,
        transitions=[transition_view(t) for t in transitions],
        events=[
            EventView(EventKind(e.kind), e.at, e.note, e.by, e.transition_id is not None)
            for e in events
        ],
        charges=[charge_view(c) for c in charges],
        transfers=[transfer_view(t) for t in transfers],
        holdings={k: v for k, v in holdings.items() if k in KEYS},
        conflicts=notes_of(session, case.id),
        deadlines=deadlines,
    )


def visible_cases(who: Who, permission: Permission = Permission.CASE_READ) -> Select[Case]:
    """A query of the cases `who` may reach for `permission` (the filter lists and exports use)."""
    query = select(Case)
    if isinstance(who, Actor):
        query = restrict(
            query,
            who,
            permission,
            state=Case.state.expression,
            district=Case.district.expression,
            case=Case.id.expression,
        )
    return query


def require_case_reach(who: Who) -> None:
    """AccessDenied for a role that reads no case anywhere (an auditor, victim support): a
    refusal that says nothing about any case, unlike the 404 of one case out of reach."""
    if isinstance(who, Actor) and scope_of(who.role, Permission.CASE_READ) is Scope.NONE:
        require(who, Permission.CASE_READ)


def list_cases(
    session: Session,
    who: Who,
    *,
    district: str | None = None,
    stage: Stage | None = None,
    include_closed: bool = True,
) -> list[CaseSummary]:
    """The cases `who` may read, newest first, optionally of one district or stage (audited as
    one `case.list` event with the count)."""
    require_case_reach(who)
    query = visible_cases(who).order_by(Case.opened_at.desc(), Case.id)
    if district is not None:
        query = query.where(func.upper(Case.district) == district.strip().upper())
    if stage is not None:
        query = query.where(Case.stage == stage.value)
    elif not include_closed:
        query = query.where(Case.stage.not_in([s.value for s in CLOSED]))
    cases = list(session.scalars(query))
    record(
        session,
        who,
        "case.list",
        "case",
        "*",
        {"count": len(cases), "district": district, "stage": stage.value if stage else None},
    )
    return [summary_of(session, case) for case in cases]


@dataclass(frozen=True, slots=True)
class CaseDeadline:
    """A deadline of an open case, for `suraksha deadlines`."""

    case: CaseSummary
    deadline: Deadline

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        d = self.deadline
        return {
            "case_id": self.case.case_id,
            "reference": self.case.reference,
            "district": self.case.district,
            "stage": self.case.stage.value,
            "clock": d.clock.name,
            "title": d.clock.title,
            "due": iso(d.due),
            "due_ist": d.due_ist.strftime("%d %b %Y %H:%M IST"),
            "status": d.status.value,
            "missed": d.status is Status.MISSED,
            "days_left": d.days_left,
            "settled": d.settled,
            "explanation": d.explanation,
        }


def open_deadlines(
    session: Session,
    who: Who,
    *,
    district: str | None = None,
    within_days: int | None = None,
    include_met: bool = False,
    now: datetime | None = None,
) -> list[CaseDeadline]:
    """Every deadline of the open cases `who` may read, soonest first (missed ones included and
    flagged; met ones only with `include_met`), within `within_days` of `now` when given."""
    require_case_reach(who)
    now = now or utcnow()
    query = visible_cases(who).where(Case.stage.not_in([s.value for s in CLOSED]))
    if district is not None:
        query = query.where(func.upper(Case.district) == district.strip().upper())
    found: list[CaseDeadline] = []
    cases = list(session.scalars(query.order_by(Case.id)))
    for case in cases:
        summary = summary_of(session, case)
        for deadline in deadlines_of(session, case, now)[1]:
            if deadline.status is Status.MET and not include_met:
                continue
            if within_days is not None and deadline.due > now + timedelta(days=within_days):
                continue
            found.append(CaseDeadline(summary, deadline))
    record(
        session,
        who,
        "case.deadlines",
        "case",
        "*",
        {"cases": len(cases), "deadlines": len(found), "district": district},
    )
    return sorted(found, key=lambda item: (item.deadline.due, item.case.case_id))


def case_events(session: Session, case_id: str) -> dict[EventKind, datetime]:
    """The case's events as the clocks read them: the earliest of each kind (the latest IP
    capture, which is the one that starts the log clocks)."""
    events: dict[EventKind, datetime] = {}
    for kind, at in session.execute(
        select(CaseEvent.kind, CaseEvent.at).where(CaseEvent.case_id == case_id)
    ):
        event = EventKind(kind)
        if event not in events:
            events[event] = at
        elif event is EventKind.IP_CAPTURE:
            events[event] = max(events[event], at)
        else:
            events[event] = min(events[event], at)
    return events


def deadlines_of(session: Session, case: Case, now: datetime) -> tuple[str, list[Deadline]]:
    """The procedure the case runs under (in words) and its deadlines on `now` (not
    policy-checked: callers have checked `case.read`)."""
    events = case_events(session, case.id)
    offence_day = case.offence_date or case.opened_at.astimezone(IST).date()
    fir = events.get(EventKind.FIR_REGISTERED)
    enquiry = events.get(EventKind.ENQUIRY_STARTED)
    procedure = procedure_for(
        offence_day,
        fir.astimezone(IST).date() if fir else None,
        enquiry.astimezone(IST).date() if enquiry else None,
    )
    offences = [offence_of(c) for c in charges_of(session, case.id)]
    years = gravest_years(o for o in offences if o is not None)
    deadlines = deadlines_for(
        events,
        law_version=procedure.procedure,
        offence_punishment_years=years,
        prosecutor_set_chargesheet_days=case.chargesheet_days,
        now=now,
    )
    penal = penal_code_for(offence_day).value.upper()
    law = f"{procedure.procedure.value.upper()} / {penal}: {procedure.reason}"
    if case.offence_date is None:
        law += " (no offence date recorded: the opening date stands in for it)"
    return law, deadlines
