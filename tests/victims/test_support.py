"""Support events and the 30-day compensation payment clocks (POCSO Rules 2020 r.9)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine

from suraksha.cases.deadlines import Status
from suraksha.errors import UserInputError
from suraksha.storage.session import transaction
from suraksha.victims.dossier import read_victim
from suraksha.victims.support import (
    SupportEvent,
    SupportView,
    compensation_deadlines,
    record_support,
    support_event,
)
from tests.victims.conftest import CLI, add_child, at, open_on_phone

E = SupportEvent
ORDER = at("2026-03-02T11:00")


def event(kind: SupportEvent, when: datetime) -> SupportView:
    return SupportView(0, kind, when, "Spl.SC 1/2026", "", 100000, "", CLI)


@pytest.mark.parametrize(
    ("after", "paid_after", "status", "days_left"),
    [
        (timedelta(days=10), None, Status.UPCOMING, 20),
        (timedelta(days=24), None, Status.DUE_SOON, 6),
        (timedelta(days=30, minutes=1), None, Status.MISSED, -1),
        (timedelta(days=40), timedelta(days=29), Status.MET, -10),
        (timedelta(days=40), timedelta(days=30), Status.MET, -10),  # the 30th day itself
        (timedelta(days=40), timedelta(days=31), Status.MISSED, -10),  # paid late
    ],
)
def test_thirty_day_payment_clock(
    after: timedelta, paid_after: timedelta | None, status: Status, days_left: int
) -> None:
    events = [event(E.INTERIM_COMPENSATION_ORDERED, ORDER)]
    if paid_after is not None:
        events.append(event(E.INTERIM_COMPENSATION_PAID, ORDER + paid_after))
    (deadline,) = compensation_deadlines(events, now=ORDER + after)
    assert deadline.clock.name == "interim_compensation_payment"
    assert deadline.due == ORDER + timedelta(days=30)
    assert (deadline.status, deadline.days_left) == (status, days_left)
    assert "POCSO Rules 2020 r.9(4)" in deadline.explanation
    if paid_after == timedelta(days=31):
        assert "paid late" in deadline.explanation


def test_each_order_has_its_own_clock_and_final_is_separate() -> None:
    second = ORDER + timedelta(days=60)
    events = [
        event(E.INTERIM_COMPENSATION_ORDERED, ORDER),
        event(E.INTERIM_COMPENSATION_PAID, ORDER + timedelta(days=5)),
        event(E.INTERIM_COMPENSATION_ORDERED, second),
        event(E.FINAL_COMPENSATION_ORDERED, second + timedelta(days=1)),
    ]
    found = compensation_deadlines(events, now=second + timedelta(days=2))
    assert [(d.clock.name, d.status) for d in found] == [
        ("interim_compensation_payment", Status.MET),
        ("interim_compensation_payment", Status.UPCOMING),
        ("final_compensation_payment", Status.UPCOMING),
    ]


def test_recorded_events_show_on_the_record_with_their_clock(db: Engine) -> None:
    label = add_child(db, open_on_phone(db))
    with transaction(db) as session:
        record_support(session, CLI, label, E.CWC_REFERRAL, at=at("2026-01-05T18:00"))
        record_support(
            session,
            CLI,
            label,
            E.SUPPORT_PERSON_APPOINTED,
            at=at("2026-01-06"),
            person="DCPU worker 7",
        )
        record_support(session, CLI, label, E.STATEMENT_MAGISTRATE, at=at("2026-01-09T11:00"))
        record_support(
            session,
            CLI,
            label,
            E.FINAL_COMPENSATION_ORDERED,
            at=ORDER,
            reference="Spl.SC 9/2026",
            amount=300000,
        )
        record = read_victim(session, CLI, label, now=ORDER + timedelta(days=31))
    assert [e.kind for e in record.support] == [
        E.CWC_REFERRAL,
        E.SUPPORT_PERSON_APPOINTED,
        E.STATEMENT_MAGISTRATE,
        E.FINAL_COMPENSATION_ORDERED,
    ]
    assert record.support[2].basis == "POCSO s.25; BNSS s.183 (CrPC s.164)"
    (deadline,) = record.deadlines
    assert (deadline.clock.name, deadline.status) == ("final_compensation_payment", Status.MISSED)


def test_support_user_errors(db: Engine) -> None:
    label = add_child(db, open_on_phone(db))
    with transaction(db) as session, pytest.raises(UserInputError, match="--ref"):
        record_support(session, CLI, label, E.INTERIM_COMPENSATION_ORDERED, at=ORDER)
    with transaction(db) as session, pytest.raises(UserInputError, match="amount"):
        record_support(session, CLI, label, E.FINAL_COMPENSATION_PAID, at=ORDER)
    with transaction(db) as session, pytest.raises(UserInputError, match="--person"):
        record_support(session, CLI, label, E.SUPPORT_PERSON_APPOINTED, at=ORDER)
    with transaction(db) as session, pytest.raises(UserInputError, match="future"):
        record_support(session, CLI, label, E.COUNSELLING, at=at("2099-01-01"))
    with pytest.raises(UserInputError, match="not a support event"):
        support_event("party")
    assert support_event("medical-examination") is E.MEDICAL_EXAMINATION
