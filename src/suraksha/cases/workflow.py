"""A case's life: opening it from subjects and tips, its stages, dated events, officers and
transfers — each behind `security.policy` and recorded in the audit log. Charges are in
`cases.charges`, reading a case and its deadlines in `cases.casefile`, evidence in
`cases.evidence`, deconfliction in `cases.deconfliction`.

Stages, and the moves allowed between them (anything else is refused):

    from                 forward to                                   back to (reason required)
    lead                 enquiry, fir, closure                        -
    enquiry              fir, closure                                 lead
    fir                  searches, device_examination,                -
                         chargesheet, closure
    searches             device_examination, chargesheet, closure     -
    device_examination   chargesheet, closure                         searches
    chargesheet          trial                                        searches, device_examination
    trial                verdict                                      -
    verdict              -                                            -
    closure              -                                            lead, enquiry, fir

Every move has a date (`at`, stored in UTC, shown in IST), who made it and why; the reason is
required both ways, and a move back is marked as such. Going back covers further investigation
after a charge sheet (BNSS s.193(9) / CrPC s.173(8)), a second search after an examination, and a
closure report the magistrate does not accept (reopening). A verdict is final here: appeals are
outside Suraksha. Nothing after the FIR goes back before it: an FIR once registered stays.

A move to `verdict` carries its outcome (`Outcome`: convicted, acquitted, partly_convicted) and,
for a conviction, the case's charges it convicted on; they are stored with the move and audited
with it, and statistics count a conviction from them (`cases.statistics`).

Some moves are also dated events the statutory clocks run from (`STAGE_EVENTS`): entering
`enquiry` records `enquiry_started`, `fir` records `fir_registered` (and takes the FIR number),
`chargesheet` records `chargesheet_filed`, `trial` records `cognizance` (the Special Court takes
cognizance of the charge sheet), `verdict` records `judgment`. Other events (arrest, remand,
preservation requests, …) are recorded on their own with `record_event`.

Who may do what (`security.policy`): reading needs `case.read`, every change `case.write`, on the
case's (state, district) or — for investigating officers and prosecutors — on the cases assigned
to them (`CaseOfficer` rows; `assigned_case_ids` gives them to sign-in). A string actor
(`cli:<login>`) is the trusted command-line channel (docs/security.md): it is audited under that
name and not limited, because whoever runs the command line already holds the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from suraksha.cases.deadlines import IST, EventKind
from suraksha.cases.deconfliction import Conflict, deconflict, hold
from suraksha.cases.models import (
    Case,
    CaseCharge,
    CaseEvent,
    CaseOfficer,
    CaseTransfer,
    CaseTransition,
)
from suraksha.errors import UserInputError
from suraksha.identity.subjects import subject_exists, subjects_of_accounts
from suraksha.identity.types import clean_identifier
from suraksha.ids import make_id
from suraksha.intake.records import IdentifierKind
from suraksha.intake.tips import tip_facts
from suraksha.intel.briefing import subject_dossier
from suraksha.intel.gazetteer import STATE_CODES, jurisdiction_named
from suraksha.security.audit import Who, record
from suraksha.security.policy import (
    Actor,
    Permission,
    can_read_subject,
    require,
)
from suraksha.storage.base import utcnow


class Outcome(StrEnum):
    """How a verdict ended for the accused. `partly_convicted`: convicted on some of the
    charges, acquitted of the others."""

    CONVICTED = "convicted"
    ACQUITTED = "acquitted"
    PARTLY_CONVICTED = "partly_convicted"


CONVICTIONS: Final = frozenset({Outcome.CONVICTED, Outcome.PARTLY_CONVICTED})
"""Outcomes that convicted on at least one charge (the statistics' `conviction` step)."""


class Stage(StrEnum):
    """Where a case stands, in the order a case normally meets them."""

    LEAD = "lead"
    ENQUIRY = "enquiry"
    FIR = "fir"
    SEARCHES = "searches"  # searches and seizures
    DEVICE_EXAMINATION = "device_examination"
    CHARGESHEET = "chargesheet"
    TRIAL = "trial"
    VERDICT = "verdict"
    CLOSURE = "closure"


_S = Stage
FORWARD: Final[Mapping[Stage, frozenset[Stage]]] = {
    _S.LEAD: frozenset({_S.ENQUIRY, _S.FIR, _S.CLOSURE}),
    _S.ENQUIRY: frozenset({_S.FIR, _S.CLOSURE}),
    _S.FIR: frozenset({_S.SEARCHES, _S.DEVICE_EXAMINATION, _S.CHARGESHEET, _S.CLOSURE}),
    _S.SEARCHES: frozenset({_S.DEVICE_EXAMINATION, _S.CHARGESHEET, _S.CLOSURE}),
    _S.DEVICE_EXAMINATION: frozenset({_S.CHARGESHEET, _S.CLOSURE}),
    _S.CHARGESHEET: frozenset({_S.TRIAL}),
    _S.TRIAL: frozenset({_S.VERDICT}),
    _S.VERDICT: frozenset(),
    _S.CLOSURE: frozenset(),
}
"""Moves forward (the table in the module docstring; a test holds the two together)."""
BACKWARD: Final[Mapping[Stage, frozenset[Stage]]] = {
    _S.LEAD: frozenset(),
    _S.ENQUIRY: frozenset({_S.LEAD}),
    _S.FIR: frozenset(),
    _S.SEARCHES: frozenset(),
    _S.DEVICE_EXAMINATION: frozenset({_S.SEARCHES}),
    _S.CHARGESHEET: frozenset({_S.SEARCHES, _S.DEVICE_EXAMINATION}),
    _S.TRIAL: frozenset(),
    _S.VERDICT: frozenset(),
    _S.CLOSURE: frozenset({_S.LEAD, _S.ENQUIRY, _S.FIR}),
}
"""Moves back: each needs a reason, and is marked `backwards`."""
CLOSED: Final = frozenset({Stage.VERDICT, Stage.CLOSURE})
"""Stages at which a case is no longer open (no deadlines listed, no deconfliction)."""
STAGE_EVENTS: Final[Mapping[Stage, EventKind]] = {
    Stage.ENQUIRY: EventKind.ENQUIRY_STARTED,
    Stage.FIR: EventKind.FIR_REGISTERED,
    Stage.CHARGESHEET: EventKind.CHARGESHEET_FILED,
    Stage.TRIAL: EventKind.COGNIZANCE,
    Stage.VERDICT: EventKind.JUDGMENT,
}
"""The dated event a forward move records (once: an event already recorded is not repeated)."""

IDENTIFIER_KINDS: Final = ("email", "phone", "platform_user_id", "device_id")
"""Identifier kinds a case can be opened on (and deconflicted by)."""
FUTURE_SLACK: Final = timedelta(minutes=5)
"""How far ahead of the clock a dated entry may be (clocks of two machines differ a little)."""
_REFERENCE = re.compile(r"[A-Z]{2}-[A-Z]{3}-\d{4}-\d{4,}")


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """One case as lists show it."""

    case_id: str
    fir_number: str | None
    unit: str
    state: str
    district: str
    stage: Stage
    opened_at: datetime
    officers: tuple[str, ...]

    @property
    def reference(self) -> str:
        """The FIR number once registered (with the case id), else the case id."""
        return f"FIR {self.fir_number} ({self.case_id})" if self.fir_number else self.case_id

    @property
    def open(self) -> bool:
        """True until a verdict or a closure."""
        return self.stage not in CLOSED

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (`case list --format json`)."""
        return {
            "case_id": self.case_id,
            "fir_number": self.fir_number,
            "unit": self.unit,
            "state": self.state,
            "district": self.district,
            "stage": self.stage.value,
            "open": self.open,
            "opened_at": iso(self.opened_at),
            "officers": list(self.officers),
        }


@dataclass(frozen=True, slots=True)
class TransitionView:
    """A stage change as recorded."""

    from_stage: Stage | None
    to_stage: Stage
    at: datetime
    backwards: bool
    reason: str
    by: str
    outcome: Outcome | None = None  # a verdict's
    convicted: tuple[str, ...] = ()  # labels of the charges a verdict convicted on


@dataclass(frozen=True, slots=True)
class EventView:
    """A dated event of the case."""

    kind: EventKind
    at: datetime
    note: str
    by: str
    with_transition: bool


@dataclass(frozen=True, slots=True)
class TransferView:
    """A move of the case between districts or units."""

    from_place: str
    to_place: str
    at: datetime
    by: str
    reason: str


@dataclass(frozen=True, slots=True)
class Opened:
    """A case just opened, and the other units' open cases that hold the same keys."""

    summary: CaseSummary
    conflicts: list[Conflict] = field(default_factory=list)


# --- access --------------------------------------------------------------------------------------


def _allow(who: Who, permission: Permission, case: Case) -> None:
    """Raise AccessDenied unless `who` may do `permission` on `case` (the CLI channel may)."""
    if isinstance(who, Actor):
        require(who, permission, state=case.state, district=case.district, case_ids=(case.id,))


def find_case(session: Session, ref: str) -> Case:
    """The case with this id or FIR number; UserInputError naming `case list` otherwise.

    Not policy-checked: domain functions check access on what it returns before using it.
    """
    text = ref.strip()
    case = session.get(Case, text.upper()) if _REFERENCE.fullmatch(text.upper()) else None
    if case is None:
        case = session.scalar(select(Case).where(Case.fir_number == text))
    if case is None:
        case = session.get(Case, text)
    if case is None:
        raise UserInputError(
            f"No case {ref!r}: give a case reference (KL-ERN-2026-0001) or an FIR number, as "
            "`suraksha case list` shows them."
        )
    return case


def load_case(session: Session, who: Who, ref: str, permission: Permission) -> Case:
    """The case `ref`, after checking `who` may do `permission` on it (for `cases.evidence`)."""
    case = find_case(session, ref)
    _allow(who, permission, case)
    return case


def assigned_case_ids(session: Session, user_name: str) -> frozenset[str]:
    """The ids of the cases assigned to a user: what sign-in puts on the `Actor` (`case_ids`)."""
    return frozenset(
        session.scalars(select(CaseOfficer.case_id).where(CaseOfficer.user_name == user_name))
    )


# --- opening -------------------------------------------------------------------------------------


def open_case(
    session: Session,
    who: Who,
    *,
    district: str,
    reason: str,
    state: str | None = None,
    subjects: Iterable[str] = (),
    tips: Iterable[str] = (),
    identifiers: Iterable[tuple[str, str]] = (),
    unit: str | None = None,
    officers: Iterable[str] = (),
    at: datetime | None = None,
) -> Opened:
    """Open a case at `lead` on subjects and/or tips (and identifiers the officer adds), owned by
    `unit` in (`state`, `district`); deconflict it against other units' open cases.

    `state` defaults to the first subject's routed state. `tips` are report numbers (or tip ids);
    their resolved accounts' subjects join the case. `identifiers` are (kind, raw) pairs of
    `IDENTIFIER_KINDS`, cleaned as identity does. The earliest incident time and the earliest
    receipt of the case's tips are recorded as the `offence` and `report_received` events, which
    start the evidence clocks. The reference is `<state code>-<district code>-<year>-<number>`.
    """
    reason = check_reason(reason)
    given = _clean_identifiers(identifiers)
    subject_ids = sorted(set(subjects))
    for subject_id in subject_ids:
        if not subject_exists(session, subject_id):
            raise UserInputError(
                f"No subject {subject_id!r}: list subjects with `suraksha subjects` and copy an id."
            )
    tip_reports = _tips(session, tips)
    subject_ids = sorted(
        set(subject_ids) | {sid for accounts in tip_reports.values() for sid in accounts.values()}
    )
    if not subject_ids and not tip_reports and not given:
        raise UserInputError(
            "Open a case on a subject (--subject), a tip (--tip) or an identifier (--identifier)."
        )
    dossiers = [subject_dossier(session, sid) for sid in subject_ids]
    for dossier in dossiers:
        brief = dossier.brief
        if isinstance(who, Actor) and not can_read_subject(
            who, state=brief.state, district=brief.district
        ):
            require(who, Permission.SUBJECT_READ, state=brief.state, district=brief.district)
    place_state = state or next((d.brief.state for d in dossiers if d.brief.state), None)
    if place_state is None:
        raise UserInputError(
            "Give --state: the subjects are not routed to a state, and district names recur "
            "across states."
        )
    canonical_state, canonical_district = jurisdiction_named(place_state, district)
    now = utcnow()
    when = past_instant(at, now) if at is not None else now
    case_id = _new_reference(session, canonical_state, canonical_district, when)
    case = Case(
        id=case_id,
        unit=(unit or case_id.rsplit("-", 2)[0]).strip(),
        state=canonical_state,
        district=canonical_district,
        stage=Stage.LEAD.value,
        reason=reason,
        opened_at=when,
        opened_by=name_of(who),
        updated_at=now,
    )
    if isinstance(who, Actor):
        # Opening is a change in the new case's place: a district officer opens in their own
        # district only; a cases-scoped officer cannot open one (it is not assigned yet).
        require(who, Permission.CASE_WRITE, state=case.state, district=case.district)
    session.add(case)
    session.flush()
    session.add(
        CaseTransition(
            case_id=case.id,
            from_stage=None,
            to_stage=Stage.LEAD.value,
            at=when,
            reason=reason,
            by=name_of(who),
        )
    )
    for officer in sorted(set(officers)):
        session.add(CaseOfficer(case_id=case.id, user_name=officer, assigned_by=name_of(who)))
    keys = {("subject", sid) for sid in subject_ids}
    keys |= {("tip", report) for report in tip_reports}
    for dossier in dossiers:
        for kind in IDENTIFIER_KINDS:
            keys |= {(kind, value) for value in dossier.brief.identifiers.get(kind, [])}
    keys |= set(given)
    hold(session, case.id, keys)
    _tip_events(session, who, case, dossiers)
    record(
        session,
        who,
        "case.open",
        "case",
        case.id,
        {
            "subjects": subject_ids[:20],
            "tips": len(tip_reports),
            "state": case.state,
            "district": case.district,
            "unit": case.unit,
            "reason": reason[:500],
        },
    )
    conflicts = deconflict(session, who, case)
    return Opened(summary_of(session, case), conflicts)


def _tips(session: Session, given: Iterable[str]) -> dict[str, dict[str, str]]:
    """Report number → {account id → subject id} for each tip given (report number or tip id)."""
    found: dict[str, dict[str, str]] = {}
    for text in given:
        value = text.strip()
        candidates = [value] if value.startswith("tip-") else [make_id("tip", "ncmec", value)]
        facts = tip_facts(session, candidates)
        if not facts:
            raise UserInputError(
                f"No tip {value!r}: give the report number as the tip shows it, or its tip id."
            )
        for fact in facts:
            found[fact.report_id] = subjects_of_accounts(session, list(fact.account_ids))
    return found


def _tip_events(session: Session, who: Who, case: Case, dossiers: Iterable[Any]) -> None:
    """Record the incident and the receipt of the case's tips as `offence` / `report_received`."""
    incident: datetime | None = None
    received: datetime | None = None
    for dossier in dossiers:
        for tip in dossier.tips:
            if tip.incident_at is not None and (incident is None or tip.incident_at < incident):
                incident = tip.incident_at
            if tip.received_at is not None and (received is None or tip.received_at < received):
                received = tip.received_at
    if incident is not None:
        case.offence_date = incident.astimezone(IST).date()
        _add_event(session, who, case, EventKind.OFFENCE, incident, "earliest incident in the tips")
    if received is not None:
        _add_event(session, who, case, EventKind.REPORT_RECEIVED, received, "earliest tip received")


def _clean_identifiers(given: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    cleaned: list[tuple[str, str]] = []
    for kind, raw in given:
        if kind not in IDENTIFIER_KINDS:
            raise UserInputError(
                f"{kind!r} is not an identifier kind a case holds: use {', '.join(IDENTIFIER_KINDS)}."
            )
        service: str | None = None
        if kind == "platform_user_id":
            service, _, raw = raw.partition(":") if ":" in raw else ("", "", raw)
            if not service:
                raise UserInputError(
                    "A platform user id is scoped by its service: give SERVICE:ID "
                    "(platform_user_id:instagram:123456)."
                )
        value = clean_identifier(IdentifierKind(kind), raw, service=service)
        if value is None:
            raise UserInputError(f"{kind} {raw!r} is not usable as an identifier; check it.")
        cleaned.append((kind, value))
    return cleaned


def state_code(state: str) -> str:
    """The two-letter code of a state in routing's spelling ("KERALA" → "KL")."""
    return next((code for code, name in STATE_CODES.items() if name == state), state[:2].upper())


def district_code(district: str) -> str:
    """Three letters for a district in references ("ERNAKULAM" → "ERN")."""
    letters = re.sub(r"[^A-Z]", "", district.upper())
    return (letters + "XXX")[:3]


def _new_reference(session: Session, state: str, district: str, when: datetime) -> str:
    prefix = f"{state_code(state)}-{district_code(district)}-{when.astimezone(IST).year}-"
    ids = session.scalars(select(Case.id).where(Case.id.like(prefix + "%")))
    numbers = [int(tail) for tail in (i.removeprefix(prefix) for i in ids) if tail.isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


# --- stages and events ---------------------------------------------------------------------------


def advance(
    session: Session,
    who: Who,
    ref: str,
    stage: Stage,
    *,
    reason: str,
    at: datetime | None = None,
    fir_number: str | None = None,
    outcome: Outcome | None = None,
    charges: Iterable[str] = (),
) -> TransitionView:
    """Move the case to `stage` on `at` (default now), if the move is allowed (module docstring).

    Refuses a move the table does not allow, a date before the case's last move or in the
    future, and `fir` without an FIR number. A forward move records its `STAGE_EVENTS` event.
    A move to `verdict` needs its `outcome`, and for a conviction the `charges` convicted on
    (each a charge id or ACT:SECTION of the case's charges; `verdict_charges`).
    """
    case = load_case(session, who, ref, Permission.CASE_WRITE)
    reason = check_reason(reason)
    current = Stage(case.stage)
    if stage in FORWARD[current]:
        backwards = False
    elif stage in BACKWARD[current]:
        backwards = True
    else:
        allowed = sorted(FORWARD[current] | BACKWARD[current])
        raise UserInputError(
            f"A case at {current} cannot move to {stage}: from {current} it may move to "
            + (", ".join(allowed) if allowed else "nothing (it is final)")
            + " (see docs/cases.md)."
        )
    now = utcnow()
    when = past_instant(at, now) if at is not None else now
    last = session.scalar(
        select(func.max(CaseTransition.at)).where(CaseTransition.case_id == case.id)
    )
    if last is not None and when < last:
        raise UserInputError(
            f"The move is dated {ist_text(when)}, before the case's last move ({ist_text(last)}): stages "
            "are recorded in order. Give --at on or after it."
        )
    if stage is Stage.FIR and not backwards:
        if not fir_number and not case.fir_number:
            raise UserInputError("Give the FIR number (--fir-number) to move a case to fir.")
        if fir_number:
            taken = session.scalar(select(Case.id).where(Case.fir_number == fir_number.strip()))
            if taken is not None and taken != case.id:
                raise UserInputError(f"FIR number {fir_number} is already that of case {taken}.")
            case.fir_number = fir_number.strip()
    convicted = verdict_charges(session, case, stage, outcome, charges)
    transition = CaseTransition(
        case_id=case.id,
        from_stage=current.value,
        to_stage=stage.value,
        at=when,
        backwards=backwards,
        reason=reason,
        by=name_of(who),
        outcome=outcome.value if stage is Stage.VERDICT and outcome is not None else None,
        convicted_charges=convicted if stage is Stage.VERDICT else None,
    )
    session.add(transition)
    session.flush()
    event = STAGE_EVENTS.get(stage)
    if event is not None and not backwards and not _has_event(session, case.id, event):
        _add_event(session, who, case, event, when, f"moved to {stage}", transition.id)
    case.stage = stage.value
    case.updated_at = now
    detail: dict[str, Any] = {
        "from": current.value,
        "to": stage.value,
        "backwards": backwards,
        "at": iso(when),
        "reason": reason[:500],
    }
    if transition.outcome is not None:
        detail["outcome"] = transition.outcome
        detail["convicted"] = [c["label"] for c in convicted]
    record(session, who, "case.advance", "case", case.id, detail)
    return transition_view(transition)


def verdict_charges(
    session: Session,
    case: Case,
    stage: Stage,
    outcome: Outcome | None,
    given: Iterable[str],
) -> list[dict[str, Any]]:
    """The charges a verdict convicted on, as stored with the move ({"id", "label", "version"}).

    A move to `verdict` needs an outcome; a conviction (full or partly) names at least one of
    the case's charges, by id or ACT:SECTION, and an acquittal none. A partly conviction leaves
    at least one charge out (otherwise it is a conviction). Any other move takes neither.
    """
    wanted = [text.strip() for text in given if text.strip()]
    if stage is not Stage.VERDICT:
        if outcome is not None or wanted:
            raise UserInputError(
                "An outcome (--outcome, --charge) goes with a move to verdict only."
            )
        return []
    if outcome is None:
        raise UserInputError(
            "Give the verdict's outcome: --outcome convicted, acquitted or partly_convicted, "
            "and for a conviction each charge convicted on (--charge POCSO:15(1), repeated)."
        )
    if outcome is Outcome.ACQUITTED:
        if wanted:
            raise UserInputError("An acquittal convicts on no charge: leave out --charge.")
        return []
    if not wanted:
        raise UserInputError(
            f"Name the charges the verdict convicted on (--charge POCSO:15(1), repeated): "
            f"a {outcome.value.replace('_', ' ')} verdict convicts on at least one."
        )
    stored = list(
        session.scalars(
            select(CaseCharge).where(CaseCharge.case_id == case.id).order_by(CaseCharge.id)
        )
    )
    chosen: dict[int, CaseCharge] = {}
    for text in wanted:
        row = _charge_named(stored, text, case.id)
        chosen[row.id] = row
    if outcome is Outcome.PARTLY_CONVICTED and len(chosen) == len(stored):
        raise UserInputError(
            "Every charge of the case is named: that is --outcome convicted, not partly_convicted."
        )
    return [{"id": c.id, "label": c.label, "version": c.version} for c in chosen.values()]


def _charge_named(stored: list[CaseCharge], text: str, case_id: str) -> CaseCharge:
    """One of the case's charges, by its id or ACT:SECTION (pocso:15(1), "POCSO:s.15(1)")."""
    if text.isdigit():
        found = [c for c in stored if c.id == int(text)]
    else:
        act, _, section = text.partition(":")
        section = section.strip().removeprefix("s.").removeprefix("S.")
        found = [
            c
            for c in stored
            if c.act == act.strip().lower() and c.section.lower() == section.lower()
        ]
    if len(found) == 1:
        return found[0]
    charged = ", ".join(f"{c.act}:{c.section}" for c in stored) or "none yet (`case charge`)"
    if not found:
        raise UserInputError(
            f"{text!r} is not a charge of case {case_id}: its charges are {charged}."
        )
    ids = ", ".join(str(c.id) for c in found)
    raise UserInputError(f"{text!r} is charged under two texts: give the charge id ({ids}).")


def transition_view(row: CaseTransition) -> TransitionView:
    """A stored stage change as shown."""
    return TransitionView(
        Stage(row.from_stage) if row.from_stage else None,
        Stage(row.to_stage),
        row.at,
        row.backwards,
        row.reason,
        row.by,
        Outcome(row.outcome) if row.outcome else None,
        tuple(str(c["label"]) for c in row.convicted_charges or ()),
    )


def record_event(
    session: Session, who: Who, ref: str, kind: EventKind, *, at: datetime, note: str = ""
) -> EventView:
    """Record a dated event of the case (arrest, first remand, preservation requested, …).

    An `offence` event also sets the case's offence date (IST), which decides the law version of
    its charges. Events may repeat (a second arrest); the clocks run from the earliest.
    """
    case = load_case(session, who, ref, Permission.CASE_WRITE)
    when = past_instant(at, utcnow())
    _add_event(session, who, case, kind, when, note.strip())
    if kind is EventKind.OFFENCE:
        day = when.astimezone(IST).date()
        if case.offence_date is None or day < case.offence_date:
            case.offence_date = day
    case.updated_at = utcnow()
    record(session, who, "case.event", "case", case.id, {"kind": kind.value, "at": iso(when)})
    return EventView(kind, when, note.strip(), name_of(who), False)


def _add_event(
    session: Session,
    who: Who,
    case: Case,
    kind: EventKind,
    at: datetime,
    note: str = "",
    transition_id: int | None = None,
) -> None:
    session.add(
        CaseEvent(
            case_id=case.id,
            kind=kind.value,
            at=at,
            note=note,
            transition_id=transition_id,
            by=name_of(who),
        )
    )
    session.flush()


def _has_event(session: Session, case_id: str, kind: EventKind) -> bool:
    found = session.scalar(
        select(CaseEvent.id).where(CaseEvent.case_id == case_id, CaseEvent.kind == kind.value)
    )
    return found is not None


def note_device_seized(session: Session, who: Who, case: Case, at: datetime) -> None:
    """Record `device_seized` for the evidence register (it meets the device-wipe clock)."""
    _add_event(session, who, case, EventKind.DEVICE_SEIZED, at, "evidence register: seized")


# --- officers and transfers ----------------------------------------------------------------------


def assign(session: Session, who: Who, ref: str, user_name: str) -> None:
    """Assign an officer (a user name) to the case: it enters their `cases` scope."""
    case = load_case(session, who, ref, Permission.CASE_WRITE)
    name = user_name.strip().lower()
    if not name:
        raise UserInputError("Give the user name of the officer to assign.")
    if session.get(CaseOfficer, (case.id, name)) is None:
        session.add(CaseOfficer(case_id=case.id, user_name=name, assigned_by=name_of(who)))
        record(session, who, "case.assign", "case", case.id, {"officer": name})
        session.flush()


def transfer(
    session: Session,
    who: Who,
    ref: str,
    *,
    state: str,
    district: str,
    reason: str,
    unit: str | None = None,
    at: datetime | None = None,
) -> TransferView:
    """Move the case to another (state, district) and unit, keeping where it was in its history.

    The actor needs `case.write` where the case is now; after the move it belongs to the new
    place (a district officer of the old district no longer reaches it). Deconfliction runs again.
    """
    case = load_case(session, who, ref, Permission.CASE_WRITE)
    reason = check_reason(reason)
    to_state, to_district = jurisdiction_named(state, district)
    to_unit = (unit or f"{state_code(to_state)}-{district_code(to_district)}").strip()
    if (to_state, to_district, to_unit) == (case.state, case.district, case.unit):
        raise UserInputError(f"Case {case.id} is already with {to_unit} in {to_district}.")
    when = past_instant(at, utcnow()) if at is not None else utcnow()
    row = CaseTransfer(
        case_id=case.id,
        from_unit=case.unit,
        from_state=case.state,
        from_district=case.district,
        to_unit=to_unit,
        to_state=to_state,
        to_district=to_district,
        at=when,
        by=name_of(who),
        reason=reason,
    )
    session.add(row)
    case.unit, case.state, case.district = to_unit, to_state, to_district
    case.updated_at = utcnow()
    session.flush()
    record(
        session,
        who,
        "case.transfer",
        "case",
        case.id,
        {
            "from": f"{row.from_unit} ({row.from_district}, {row.from_state})",
            "to": f"{to_unit} ({to_district}, {to_state})",
            "reason": reason[:500],
        },
    )
    deconflict(session, who, case)
    return transfer_view(row)


# --- helpers -------------------------------------------------------------------------------------


def summary_of(session: Session, case: Case) -> CaseSummary:
    """The case as lists show it, with its officers."""
    officers = tuple(
        session.scalars(
            select(CaseOfficer.user_name)
            .where(CaseOfficer.case_id == case.id)
            .order_by(CaseOfficer.user_name)
        )
    )
    return CaseSummary(
        case.id,
        case.fir_number,
        case.unit,
        case.state,
        case.district,
        Stage(case.stage),
        case.opened_at,
        officers,
    )


def transfer_view(row: CaseTransfer) -> TransferView:
    """A stored transfer as shown."""
    return TransferView(
        f"{row.from_unit} ({row.from_district}, {row.from_state})",
        f"{row.to_unit} ({row.to_district}, {row.to_state})",
        row.at,
        row.by,
        row.reason,
    )


def check_reason(reason: str) -> str:
    """The reason, stripped; UserInputError when there is none."""
    text = reason.strip()
    if not text:
        raise UserInputError("Give a reason (--reason): the case record says why, every time.")
    return text


def name_of(who: Who) -> str:
    """The name an actor is recorded under (a user name, or `cli:<login>`)."""
    return who.name if isinstance(who, Actor) else who


def past_instant(at: datetime, now: datetime) -> datetime:
    """`at` in UTC: timezone-aware and not in the future (UserInputError otherwise)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise UserInputError(
            "Give the time with its zone (2026-11-20T10:30+05:30 for IST): an hour's doubt "
            "matters to a 24-hour clock."
        )
    if at > now + FUTURE_SLACK:
        raise UserInputError(f"{ist_text(at)} is in the future: record what has happened.")
    return at.astimezone(UTC)


def ist_text(moment: datetime) -> str:
    """An instant as an officer reads it: "06 Jul 2024 23:30 IST"."""
    return moment.astimezone(IST).strftime("%d %b %Y %H:%M IST")


def iso(moment: datetime) -> str:
    """An instant in UTC, ISO 8601 with a Z (for JSON)."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_instant(text: str) -> datetime:
    """An ISO 8601 time from the command line; without a zone it is read as IST (India's
    officers write local time), and a date alone as its midnight IST."""
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as err:
        raise UserInputError(
            f"{text!r} is not an ISO time: write 2026-11-20T10:30 (IST) or 2026-11-20T05:00Z."
        ) from err
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=IST)
    return moment


def outcome_named(text: str) -> Outcome:
    """A verdict's outcome from its name (also "partly", "partly convicted", "partly-convicted")."""
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    if key == "partly":
        return Outcome.PARTLY_CONVICTED
    try:
        return Outcome(key)
    except ValueError as err:
        raise UserInputError(
            f"{text!r} is not a verdict's outcome: {', '.join(o.value for o in Outcome)}."
        ) from err


def stage_named(text: str) -> Stage:
    """A stage from its name (also "searches_and_seizures", "examination", "charge_sheet")."""
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    aliases = {
        "searches_and_seizures": Stage.SEARCHES,
        "search": Stage.SEARCHES,
        "examination": Stage.DEVICE_EXAMINATION,
        "charge_sheet": Stage.CHARGESHEET,
        "closed": Stage.CLOSURE,
    }
    if key in aliases:
        return aliases[key]
    try:
        return Stage(key)
    except ValueError as err:
        raise UserInputError(
            f"{text!r} is not a stage: {', '.join(s.value for s in Stage)}."
        ) from err
