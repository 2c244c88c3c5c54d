"""Statutory and evidence deadlines of a case (cases/deadlines.py)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suraksha.cases.deadlines import (
    CLOCKS,
    IST,
    Deadline,
    EventKind,
    Status,
    chargesheet_days,
    deadlines_for,
)
from suraksha.cases.law import ActCode
from suraksha.intel.freshness import Mark, read_clock
from suraksha.intel.weights import default_weights

DOCS = (Path(__file__).parents[2] / "docs" / "law.md").read_text(encoding="utf-8")


def at(day: int, month: int, year: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=IST)


def one(deadlines: list[Deadline], name: str) -> Deadline:
    found = [d for d in deadlines if d.clock.name == name]
    assert len(found) == 1, [d.clock.name for d in deadlines]
    return found[0]


def bnss(events: dict[EventKind, datetime], now: datetime, **kwargs: object) -> list[Deadline]:
    years = kwargs.pop("years", 7.0)
    assert years is None or isinstance(years, float)
    prosecutor = kwargs.pop("prosecutor", None)
    assert prosecutor is None or isinstance(prosecutor, int)
    return deadlines_for(
        events,
        law_version=ActCode.BNSS,
        offence_punishment_years=years,
        prosecutor_set_chargesheet_days=prosecutor,
        now=now,
    )


# The registry ------------------------------------------------------------------------------


def test_clock_names_are_unique_documented_and_sourced() -> None:
    names = [c.name for c in CLOCKS]
    assert len(names) == len(set(names))
    for clock in CLOCKS:
        assert f"`{clock.name}`" in DOCS, clock.name
        assert clock.sources and all(s.url for s in clock.sources)
        assert {version for version, _ in clock.basis} == set(clock.applies)
        assert clock.starts and clock.when_missed
    for name in ("platform_preservation", "operator_ip_logs", "cert_in_logs", "device_wipe"):
        assert f"`{name}`" in DOCS


# Scenarios ---------------------------------------------------------------------------------


def test_arrest_at_2330_ist_is_due_before_a_magistrate_by_2330_next_day() -> None:
    arrest = at(10, 3, 2025, 23, 30)
    early = one(bnss({EventKind.ARREST: arrest}, at(11, 3, 2025, 9)), "production")
    assert early.due_ist == at(11, 3, 2025, 23, 30)
    assert early.due == datetime(2025, 3, 11, 18, 0, tzinfo=UTC)  # stored in UTC
    assert early.status == Status.UPCOMING
    assert "due 11 Mar 2025 23:30 IST" in early.explanation
    assert "BNSS s.58" in early.explanation
    late_evening = one(bnss({EventKind.ARREST: arrest}, at(11, 3, 2025, 20)), "production")
    assert late_evening.status == Status.DUE_SOON
    produced = {EventKind.ARREST: arrest, EventKind.PRODUCED: at(11, 3, 2025, 11)}
    assert one(bnss(produced, at(12, 3, 2025)), "production").status == Status.MET


def test_chargesheet_for_a_67b_offence_is_due_in_60_days_counting_the_remand_day() -> None:
    events = {EventKind.ARREST: at(9, 3, 2025, 18), EventKind.FIRST_REMAND: at(10, 3, 2025, 11)}
    deadline = one(bnss(events, at(12, 3, 2025), years=7.0), "chargesheet_default_bail")
    # Day 1 is 10 Mar; day 60 is 8 May; default bail if no charge sheet before the 61st day.
    assert deadline.due_ist == at(9, 5, 2025, 0, 0)
    assert deadline.settled
    assert deadline.status == Status.UPCOMING
    assert deadline.days_left == 57
    assert "60 days: the offence carries at most 7 years" in deadline.explanation
    custody = one(bnss(events, at(12, 3, 2025), years=7.0), "police_custody_window")
    assert custody.due_ist == at(19, 4, 2025, 0, 0)  # the initial 40 days


def test_a_prosecutor_setting_90_moves_the_charge_sheet_and_the_custody_window() -> None:
    events = {EventKind.FIRST_REMAND: at(10, 3, 2025, 11)}
    deadlines = bnss(events, at(12, 3, 2025), years=None, prosecutor=90)
    chargesheet = one(deadlines, "chargesheet_default_bail")
    assert chargesheet.due_ist == at(8, 6, 2025, 0, 0)
    assert chargesheet.settled
    assert "as set by the prosecutor" in chargesheet.explanation
    assert one(deadlines, "police_custody_window").due_ist == at(9, 5, 2025, 0, 0)


def test_pocso_14_1_alerts_at_60_days_until_a_prosecutor_sets_it() -> None:
    events = {EventKind.FIRST_REMAND: at(10, 3, 2025, 11)}
    deadline = one(bnss(events, at(12, 3, 2025), years=None), "chargesheet_default_bail")
    assert deadline.due_ist == at(9, 5, 2025, 0, 0)
    assert not deadline.settled
    assert "until a prosecutor sets 60 or 90" in deadline.explanation


def test_chargesheet_period_rules() -> None:
    assert chargesheet_days(ActCode.BNSS, math.inf).days == 90
    assert chargesheet_days(ActCode.CRPC, 3.0) == chargesheet_days(ActCode.CRPC, 3.0)
    ten = chargesheet_days(ActCode.CRPC, 10.0)
    assert (ten.days, ten.settled) == (60, False)
    assert "Rakesh Kumar Paul" in ten.reason
    assert "debated" in chargesheet_days(ActCode.BNSS, 10.0).reason
    with pytest.raises(ValueError, match="60 or 90"):
        chargesheet_days(ActCode.BNSS, 7.0, 75)


def test_a_missed_cwc_report_is_missed_with_what_to_do() -> None:
    events = {EventKind.INFORMATION_RECEIVED: at(1, 3, 2025, 10)}
    deadline = one(bnss(events, at(3, 3, 2025)), "cwc_special_court_report")
    assert deadline.status == Status.MISSED
    assert deadline.days_left == -1  # due 2 Mar 10:00 IST, now 3 Mar 10:00 IST
    assert "report now and record why it was late" in deadline.explanation
    late = {**events, EventKind.CWC_COURT_REPORTED: at(2, 3, 2025, 15)}
    deadline = one(bnss(late, at(3, 3, 2025)), "cwc_special_court_report")
    assert deadline.status == Status.MISSED
    assert "met late, 02 Mar 2025 15:00 IST" in deadline.explanation


def test_a_chargesheet_filed_in_time_meets_the_clock() -> None:
    events = {
        EventKind.FIRST_REMAND: at(10, 3, 2025, 11),
        EventKind.CHARGESHEET_FILED: at(8, 5, 2025, 17),
    }
    deadline = one(bnss(events, at(1, 6, 2025)), "chargesheet_default_bail")
    assert deadline.status == Status.MET


def test_bnss_only_clocks_and_crpc_wording() -> None:
    events = {
        EventKind.EFIR_RECEIVED: at(20, 6, 2024),
        EventKind.FIR_REGISTERED: at(21, 6, 2024),
        EventKind.ARREST: at(22, 6, 2024),
        EventKind.FIRST_REMAND: at(23, 6, 2024),
    }
    crpc = deadlines_for(
        events, law_version=ActCode.CRPC, offence_punishment_years=5.0, now=at(24, 6, 2024)
    )
    names = {d.clock.name for d in crpc}
    assert not names & {"efir_signature", "preliminary_enquiry", "progress_update"}
    assert "CrPC s.57" in one(crpc, "production").explanation
    assert one(crpc, "police_custody_window").due_ist == at(8, 7, 2024, 0, 0)  # first 15 days
    bnss_names = {d.clock.name for d in bnss(events, at(24, 6, 2024))}
    assert {"efir_signature", "progress_update"} <= bnss_names


def test_efir_enquiry_progress_and_court_clocks() -> None:
    events = {
        EventKind.EFIR_RECEIVED: at(1, 8, 2024, 9),
        EventKind.ENQUIRY_STARTED: at(1, 8, 2024, 12),
        EventKind.FIR_REGISTERED: at(10, 8, 2024, 12),
        EventKind.COGNIZANCE: at(29, 2, 2028),
    }
    deadlines = bnss(events, at(5, 8, 2024), years=5.0)
    assert one(deadlines, "efir_signature").status == Status.MISSED
    assert one(deadlines, "preliminary_enquiry").due_ist == at(15, 8, 2024, 12)
    assert one(deadlines, "progress_update").due_ist == at(8, 11, 2024, 12)
    assert one(deadlines, "child_evidence").due_ist == at(30, 3, 2028)
    assert one(deadlines, "trial").due_ist == at(28, 2, 2029)  # one year from 29 Feb
    outside = bnss(events, at(5, 8, 2024), years=None)
    assert "only for offences punishable" not in one(outside, "preliminary_enquiry").explanation
    grave = bnss(events, at(5, 8, 2024), years=10.0)
    assert "only for offences punishable" in one(grave, "preliminary_enquiry").explanation


def test_evidence_clocks_come_from_intel_freshness() -> None:
    received = at(20, 6, 2024, 0)
    events = {EventKind.REPORT_RECEIVED: received, EventKind.IP_CAPTURE: at(1, 6, 2024, 20)}
    now = at(6, 7, 2024, 12)
    deadlines = bnss(events, now)
    preservation = one(deadlines, "platform_preservation")
    window = default_weights().clocks["platform_preservation"]
    reading = read_clock(window, [Mark("r", received)], now)
    assert reading is not None
    assert preservation.due_ist.date() == reading.deadline
    assert preservation.due == received + timedelta(days=window.days)
    assert "18 U.S.C. § 2258A(h)" in preservation.explanation
    assert one(deadlines, "device_wipe").status == Status.MISSED
    requested = {**events, EventKind.PRESERVATION_REQUESTED: at(1, 7, 2024)}
    assert one(bnss(requested, now), "platform_preservation").status == Status.MET


def test_naive_times_and_wrong_law_versions_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        bnss({EventKind.ARREST: datetime(2025, 3, 10, 23, 30)}, at(11, 3, 2025))
    with pytest.raises(ValueError, match="CrPC or BNSS"):
        deadlines_for({}, law_version=ActCode.IPC, offence_punishment_years=3.0, now=at(1, 1, 2025))


# Properties --------------------------------------------------------------------------------

INSTANTS = st.datetimes(
    min_value=datetime(2019, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(st.sampled_from(list(EventKind)), INSTANTS),
    INSTANTS,
    st.sampled_from([ActCode.CRPC, ActCode.BNSS]),
    st.one_of(st.none(), st.sampled_from([2.0, 3.0, 5.0, 7.0, 10.0, 14.0, math.inf])),
    st.one_of(st.none(), st.sampled_from([60, 90])),
)
def test_every_deadline_is_due_after_it_starts_and_its_status_fits(
    events: dict[EventKind, datetime],
    now: datetime,
    law_version: ActCode,
    years: float | None,
    prosecutor: int | None,
) -> None:
    deadlines = deadlines_for(
        events,
        law_version=law_version,
        offence_punishment_years=years,
        prosecutor_set_chargesheet_days=prosecutor,
        now=now,
    )
    assert [d.due for d in deadlines] == sorted(d.due for d in deadlines)
    for deadline in deadlines:
        assert deadline.due >= deadline.starts_at
        assert deadline.due.tzinfo is not None
        if deadline.status in (Status.UPCOMING, Status.DUE_SOON):
            assert now <= deadline.due and deadline.days_left >= 0
        if deadline.status == Status.MISSED and not set(deadline.clock.met_by) & set(events):
            assert now > deadline.due and deadline.days_left < 0
        if deadline.status == Status.MET:
            assert set(deadline.clock.met_by) & set(events)
