"""Support tracking for a child victim: dated events, and the 30-day compensation payment clocks.

    event                          what it records                                  source
    cwc_referral                   the child reported / produced to the CWC          POCSO s.19(6)
    cwc_order                      the CWC's order on care and protection (--ref)    POCSO Rules 2020 r.4
    support_person_appointed       support person assigned by the CWC (--person)     POCSO s.39; Rules r.4(7)
    support_person_ended           the assignment ended (child's or family's wish)   Rules r.4(8)
    statement_police               statement recorded by police (child's home, …)    POCSO s.24
    statement_magistrate           statement before a magistrate                     POCSO s.25; BNSS s.183
                                                                                     (CrPC s.164)
    medical_examination            medical examination                               POCSO s.27
    interim_compensation_ordered   Special Court's interim compensation order        Rules r.9(1)
    interim_compensation_paid      paid (--amount)                                   Rules r.9(4)
    final_compensation_ordered     Special Court's compensation order                Rules r.9(2)
    final_compensation_paid        paid (--amount)                                   Rules r.9(4)
    counselling                    a counselling session (--person)                  Rules r.4

Clocks (shown like a case's deadlines, `cases.deadlines.Deadline`):

    interim_compensation_payment   30 days from interim_compensation_ordered, met by _paid
    final_compensation_payment     30 days from final_compensation_ordered, met by _paid

POCSO Rules 2020 r.9(4): the State Government pays the compensation the Special Court orders
within 30 days of *receipt* of the order. Suraksha counts from the order's date, which is never
later than its receipt: an alert that comes early costs a reminder. Each order starts its own
clock (several interim orders may be made); the earliest unpaid one is shown first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from suraksha.cases.deadlines import (
    DAY,
    Clock,
    ClockKind,
    Deadline,
    Status,
    ist,
)
from suraksha.cases.law import ActCode, Source
from suraksha.cases.workflow import past_instant
from suraksha.errors import UserInputError
from suraksha.security.audit import Who
from suraksha.security.policy import Permission
from suraksha.storage.base import utcnow
from suraksha.victims.models import Victim, VictimSupport
from suraksha.victims.records import audit, load_victim, name_of


class SupportEvent(StrEnum):
    """A dated step of a child victim's support (module docstring)."""

    CWC_REFERRAL = "cwc_referral"
    CWC_ORDER = "cwc_order"
    SUPPORT_PERSON_APPOINTED = "support_person_appointed"
    SUPPORT_PERSON_ENDED = "support_person_ended"
    STATEMENT_POLICE = "statement_police"
    STATEMENT_MAGISTRATE = "statement_magistrate"
    MEDICAL_EXAMINATION = "medical_examination"
    INTERIM_COMPENSATION_ORDERED = "interim_compensation_ordered"
    INTERIM_COMPENSATION_PAID = "interim_compensation_paid"
    FINAL_COMPENSATION_ORDERED = "final_compensation_ordered"
    FINAL_COMPENSATION_PAID = "final_compensation_paid"
    COUNSELLING = "counselling"


_E = SupportEvent
BASIS: Final[dict[SupportEvent, str]] = {
    _E.CWC_REFERRAL: "POCSO s.19(6)",
    _E.CWC_ORDER: "POCSO Rules 2020 r.4",
    _E.SUPPORT_PERSON_APPOINTED: "POCSO s.39; POCSO Rules 2020 r.4(7)",
    _E.SUPPORT_PERSON_ENDED: "POCSO Rules 2020 r.4(8)",
    _E.STATEMENT_POLICE: "POCSO s.24",
    _E.STATEMENT_MAGISTRATE: "POCSO s.25; BNSS s.183 (CrPC s.164)",
    _E.MEDICAL_EXAMINATION: "POCSO s.27",
    _E.INTERIM_COMPENSATION_ORDERED: "POCSO Rules 2020 r.9(1)",
    _E.INTERIM_COMPENSATION_PAID: "POCSO Rules 2020 r.9(4)",
    _E.FINAL_COMPENSATION_ORDERED: "POCSO Rules 2020 r.9(2)",
    _E.FINAL_COMPENSATION_PAID: "POCSO Rules 2020 r.9(4)",
    _E.COUNSELLING: "POCSO Rules 2020 r.4",
}
"""The rule each event records, as shown beside it (sources in docs/victims.md)."""
PAYMENT_PERIOD: Final = 30 * DAY
FUTURE_SLACK: Final = timedelta(minutes=5)

SRC_RULE_9 = Source(
    "POCSO Rules 2020, r.9(1) (interim compensation by the Special Court at any stage after the "
    "FIR) and r.9(4) (the State Government pays within 30 days of receipt of the order)",
    "https://www.vakilno1.com/legal-news/compensation-to-be-paid-within-30-days-as-per-new-pocso-rules.html",
    note="r.9(1) wording as quoted by the Delhi High Court (lawbeat.in, devdiscourse.com); the "
    "30 days from news reports and vidhayakbharti.org, not the Gazette text; the sub-rule number "
    "(4) is not confirmed",
)
SRC_RULE_4 = Source(
    "POCSO Rules 2020, r.4(7) (the CWC may provide a support person) and r.4(8) (the child or "
    "family may ask for the support person to be ended)",
    "https://theleaflet.in/explained-role-of-support-persons-for-child-sexual-abuse-victims-under-pocso-rules-and-beyond/",
    verified=False,
    note="sub-rule numbers from secondary sources (fighttrafficking.org cites r.4(8)); the text "
    "of r.4(7) and (8) was not read",
)


def _payment_clock(name: str, title: str, what: str) -> Clock:
    basis = (
        f"POCSO Rules 2020 r.9(4): the State Government pays the {what} ordered by the Special "
        "Court within 30 days of receipt of the order (counted here from the order's date)"
    )
    return Clock(
        name,
        title,
        "30 days",
        (),
        (),
        ((ActCode.CRPC, basis), (ActCode.BNSS, basis)),
        (SRC_RULE_9,),
        ClockKind.STATUTORY,
        "payment is overdue: ask the DLSA / State to pay and record the delay; the Special Court "
        "that ordered it can be moved",
        7 * DAY,
    )


INTERIM_CLOCK: Final = _payment_clock(
    "interim_compensation_payment", "interim compensation to be paid", "interim compensation"
)
FINAL_CLOCK: Final = _payment_clock(
    "final_compensation_payment", "compensation to be paid", "compensation"
)
CLOCK_OF: Final = {
    _E.INTERIM_COMPENSATION_ORDERED: (INTERIM_CLOCK, _E.INTERIM_COMPENSATION_PAID),
    _E.FINAL_COMPENSATION_ORDERED: (FINAL_CLOCK, _E.FINAL_COMPENSATION_PAID),
}


@dataclass(frozen=True, slots=True)
class SupportView:
    """A support event as recorded."""

    id: int
    kind: SupportEvent
    at: datetime
    reference: str
    person: str
    amount: int | None
    note: str
    recorded_by: str

    @property
    def basis(self) -> str:
        """The rule the event records."""
        return BASIS[self.kind]


def support_event(text: str) -> SupportEvent:
    """A support event from its name (hyphens and spaces allowed)."""
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return SupportEvent(key)
    except ValueError as err:
        raise UserInputError(
            f"{text!r} is not a support event: {', '.join(e.value for e in SupportEvent)}."
        ) from err


def record_support(
    session: Session,
    who: Who,
    label: str,
    kind: SupportEvent,
    *,
    at: datetime,
    reference: str = "",
    person: str = "",
    amount: int | None = None,
    note: str = "",
) -> SupportView:
    """Record a support event of the victim `label` on `at` (timezone-aware, not in the future).

    An order (CWC or compensation) needs its reference; a payment its amount (whole rupees);
    a support person's appointment the person's name (an adult professional's, never the
    child's). Audited as `victim.support` with the event's kind and date only.
    """
    victim = load_victim(session, who, label, Permission.VICTIM_WRITE)
    when = past_instant(at, utcnow())
    if (kind in CLOCK_OF or kind is SupportEvent.CWC_ORDER) and not reference.strip():
        raise UserInputError(f"Give the order's number or date reference (--ref) for {kind}.")
    if kind in (SupportEvent.INTERIM_COMPENSATION_PAID, SupportEvent.FINAL_COMPENSATION_PAID):
        if amount is None or amount <= 0:
            raise UserInputError("Give the amount paid in rupees (--amount 50000).")
    elif amount is not None and kind not in CLOCK_OF:
        raise UserInputError(f"An amount belongs to compensation orders and payments, not {kind}.")
    if kind is SupportEvent.SUPPORT_PERSON_APPOINTED and not person.strip():
        raise UserInputError("Give the support person's name (--person).")
    row = VictimSupport(
        victim_id=victim.id,
        kind=kind.value,
        at=when,
        reference=reference.strip(),
        person=person.strip(),
        amount=amount,
        note=note.strip(),
        recorded_by=name_of(who),
    )
    session.add(row)
    victim.updated_at = utcnow()
    session.flush()
    audit(session, who, "victim.support", victim, {"kind": kind.value, "at": when.isoformat()})
    return _view(row)


def support_of(session: Session, victim: Victim) -> list[SupportView]:
    """The victim's support events, oldest first."""
    return [
        _view(row)
        for row in session.scalars(
            select(VictimSupport)
            .where(VictimSupport.victim_id == victim.id)
            .order_by(VictimSupport.at, VictimSupport.id)
        )
    ]


def compensation_deadlines(events: Sequence[SupportView], *, now: datetime) -> list[Deadline]:
    """The payment clock of each compensation order, nearest due first.

    Payments meet orders in date order: the first payment on or after an order meets it (an
    order and its payment are usually one each; a payment before any order meets nothing).
    """
    if now.tzinfo is None:
        raise ValueError("now: give a timezone-aware time")
    found: list[Deadline] = []
    for ordered_kind, (clock, paid_kind) in CLOCK_OF.items():
        orders = sorted((e for e in events if e.kind is ordered_kind), key=lambda e: e.at)
        payments = sorted((e for e in events if e.kind is paid_kind), key=lambda e: e.at)
        for order in orders:
            payment = next((p for p in payments if p.at >= order.at), None)
            if payment is not None:
                payments.remove(payment)
            found.append(_judge(clock, order, payment, now))
    return sorted(found, key=lambda d: (d.due, d.clock.name))


def _judge(
    clock: Clock, order: SupportView, payment: SupportView | None, now: datetime
) -> Deadline:
    due = order.at + PAYMENT_PERIOD
    head = (
        f"{clock.title}: due {ist(due)} (30 days from the order {order.reference}, {ist(order.at)})"
    )
    if payment is not None and payment.at <= due:
        status, tail = Status.MET, f"paid {ist(payment.at)}"
    elif payment is not None:
        status, tail = Status.MISSED, f"paid late, {ist(payment.at)}: {clock.when_missed}"
    elif now > due:
        status, tail = Status.MISSED, f"not paid: {clock.when_missed}"
    elif due - now <= clock.warn_before:
        status, tail = Status.DUE_SOON, "due soon"
    else:
        status, tail = Status.UPCOMING, "upcoming"
    days_left = (due - now) // DAY
    explanation = f"{head}; {tail}. {clock.basis_for(ActCode.BNSS)}."
    return Deadline(clock, order.at, due, status, days_left, explanation)


def _view(row: VictimSupport) -> SupportView:
    return SupportView(
        row.id,
        SupportEvent(row.kind),
        row.at,
        row.reference,
        row.person,
        row.amount,
        row.note,
        row.recorded_by,
    )
