"""Case statistics and deadline alerts on a small synthetic scenario, on SQLite and PostgreSQL.

The expected counts are worked out here from the scenario itself: tips and subjects with plain
queries on the stored rows, cases and clocks by hand from the dates the scenario uses.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from suraksha.cases.charges import add_charge
from suraksha.cases.deadlines import IST, EventKind, Status
from suraksha.cases.law import ActCode
from suraksha.cases.statistics import (
    STEPS,
    UNDATED,
    CaseStatistics,
    StatisticsFilters,
    case_statistics,
    deadline_alerts,
    export_statistics,
    next_deadlines,
    open_clocks,
)
from suraksha.cases.workflow import Outcome, Stage, advance, assign, open_case, record_event
from suraksha.config import Settings
from suraksha.errors import AccessDenied
from suraksha.identity.linker import resolve
from suraksha.identity.models import SubjectMember
from suraksha.intake.models import Account, Tip
from suraksha.intake.pipeline import ingest, plan
from suraksha.intel.assessment import assess_configured
from suraksha.intel.models import SubjectJurisdiction
from suraksha.security.audit import events
from suraksha.security.policy import Actor, Role
from suraksha.storage.session import transaction
from suraksha.synthetic.tips import write_corpus

CLI = "cli:tester"
KERALA, ERNAKULAM, THRISSUR = "KERALA", "ERNAKULAM", "THRISSUR"
NOW = datetime(2026, 10, 20, 15, 0, tzinfo=IST)
Key = tuple[str | None, str | None, str, str]  # state, district, month, step


def at(text: str) -> datetime:
    """An IST wall-clock time as an aware instant."""
    return datetime.fromisoformat(text).replace(tzinfo=IST)


@dataclass(frozen=True)
class Scenario:
    """The cases opened (by letter) and the counts expected of the corpus's tips and subjects."""

    cases: dict[str, str]
    subject_counts: dict[Key, int]  # tips and subjects, per place and month
    tip_total: int
    subject_total: int


def _open(db: Engine, district: str, phone: str, when: str) -> str:
    with transaction(db) as session:
        opened = open_case(
            session,
            CLI,
            state="Kerala",
            district=district,
            reason="synthetic lead",
            identifiers=[("phone", phone)],
            at=at(when),
        )
    return opened.summary.case_id


def _moves(
    db: Engine,
    case_id: str,
    *steps: tuple[Stage, str],
    outcome: Outcome = Outcome.ACQUITTED,
    convicted: tuple[str, ...] = (),
) -> None:
    with transaction(db) as session:
        for stage, when in steps:
            verdict = stage is Stage.VERDICT
            advance(
                session,
                CLI,
                case_id,
                stage,
                reason=f"synthetic move to {stage}",
                at=at(when),
                fir_number=f"{case_id[3:6]}-{case_id[-4:]}/2026" if stage is Stage.FIR else None,
                outcome=outcome if verdict else None,
                charges=convicted if verdict else (),
            )


def _month(moment: datetime | None) -> str:
    if moment is None:
        return UNDATED
    return moment.astimezone(IST).strftime("%Y-%m")


@pytest.fixture
def scenario(db: Engine, settings: Settings, tmp_path: Path) -> Scenario:
    """Routed subjects from a synthetic corpus, and five cases of Ernakulam and Thrissur."""
    write_corpus(tmp_path / "corpus", persons=6, seed=3)
    ingest(db, plan([tmp_path / "corpus"]))
    with transaction(db) as session:
        resolve(session)
        assess_configured(session, settings)
    # Expected tips and subjects, straight from the stored rows.
    counts: dict[Key, set[str]] = defaultdict(set)
    tips: set[str] = set()
    first: dict[str, datetime | None] = {}
    place_of: dict[str, tuple[str | None, str | None]] = {}
    with transaction(db) as session:
        rows = session.execute(
            select(
                Tip.id,
                Tip.received_at,
                SubjectMember.subject_id,
                SubjectJurisdiction.state,
                SubjectJurisdiction.district,
            )
            .join(Account, Account.tip_id == Tip.id)
            .join(SubjectMember, SubjectMember.account_id == Account.id)
            .outerjoin(
                SubjectJurisdiction, SubjectJurisdiction.subject_id == SubjectMember.subject_id
            )
            .where(Account.role == "reported")
        ).all()
    for tip_id, received, subject, state, district in rows:
        counts[(state, district, _month(received), "tips")].add(tip_id)
        tips.add(tip_id)
        place_of[subject] = (state, district)
        earliest = first.get(subject)
        if subject not in first or (
            received is not None and (earliest is None or received < earliest)
        ):
            first[subject] = received
    for subject, (state, district) in place_of.items():
        counts[(state, district, _month(first[subject]), "subjects")].add(subject)
    assert rows, "the corpus gave no routed subject"

    cases = {
        "A": _open(db, "Ernakulam", "+919876500001", "2026-01-05T10:00"),
        "B": _open(db, "Ernakulam", "+919876500002", "2026-02-03T10:00"),
        "C": _open(db, "Thrissur", "+919876500003", "2026-01-20T10:00"),
        "D": _open(db, "Ernakulam", "+919876500004", "2026-10-01T10:00"),
    }
    _moves(
        db,
        cases["A"],
        (Stage.FIR, "2026-01-10T10:00"),
        (Stage.CHARGESHEET, "2026-03-01T10:00"),
        (Stage.TRIAL, "2026-03-10T10:00"),
        (Stage.VERDICT, "2026-06-01T10:00"),  # acquitted: a verdict, not a conviction
    )
    _moves(db, cases["B"], (Stage.FIR, "2026-02-04T10:00"), (Stage.CLOSURE, "2026-02-20T10:00"))
    _moves(
        db,
        cases["D"],
        (Stage.FIR, "2026-10-02T10:00"),
        (Stage.CHARGESHEET, "2026-10-05T10:00"),
        (Stage.SEARCHES, "2026-10-06T10:00"),  # back: further investigation
        (Stage.CHARGESHEET, "2026-10-08T10:00"),  # a supplementary charge sheet
    )
    with transaction(db) as session:
        record_event(session, CLI, cases["C"], EventKind.ARREST, at=at("2026-01-21T10:00"))
        record_event(
            session, CLI, cases["D"], EventKind.CWC_COURT_REPORTED, at=at("2026-10-02T20:00")
        )
        record_event(session, CLI, cases["D"], EventKind.ARREST, at=at("2026-10-19T20:00"))
        assign(session, CLI, cases["C"], "io.thrissur")
    return Scenario(
        cases=cases,
        subject_counts={key: len(ids) for key, ids in counts.items()},
        tip_total=len(tips),
        subject_total=len(place_of),
    )


CASE_COUNTS: dict[Key, int] = {
    (KERALA, ERNAKULAM, "2026-01", "cases"): 1,  # A
    (KERALA, ERNAKULAM, "2026-01", "fir"): 1,
    (KERALA, ERNAKULAM, "2026-02", "cases"): 1,  # B
    (KERALA, ERNAKULAM, "2026-02", "fir"): 1,
    (KERALA, ERNAKULAM, "2026-03", "chargesheet"): 1,  # A
    (KERALA, ERNAKULAM, "2026-06", "verdict"): 1,  # A
    (KERALA, ERNAKULAM, "2026-10", "cases"): 1,  # D: its second charge sheet is not counted
    (KERALA, ERNAKULAM, "2026-10", "fir"): 1,
    (KERALA, ERNAKULAM, "2026-10", "chargesheet"): 1,
    (KERALA, THRISSUR, "2026-01", "cases"): 1,  # C
}
DEADLINES_ERNAKULAM = {
    # A (verdict, read on 1 Jun): the CWC report and the child's evidence were never recorded.
    # B (closed 20 Feb): its CWC report missed; the 90-day progress clock ended with the case.
    # D: CWC report on time; progress and default bail met by the charge sheet; production
    # due 20 Oct 20:00, five hours after NOW.
    "cwc_special_court_report": {"met": 1, "missed": 2},
    "progress_update": {"met": 2, "ended": 1},
    "child_evidence": {"missed": 1},
    "trial": {"met": 1},
    "production": {"running": 1},
    "chargesheet_default_bail": {"met": 1},
}
DEADLINES_THRISSUR = {
    # C: arrested 21 Jan, never produced, no charge sheet in 60 days.
    "production": {"missed": 1},
    "chargesheet_default_bail": {"missed": 1},
}


def _funnel(stats: CaseStatistics) -> dict[Key, int]:
    found: dict[Key, int] = {}
    for row in stats.funnel:
        assert row.place is not None and row.month is not None
        for step in STEPS:
            if row.count(step):
                found[(row.place.state, row.place.district, row.month, step)] = row.count(step)
    return found


def _deadlines(stats: CaseStatistics, district: str) -> dict[str, dict[str, int]]:
    return {
        row.clock: {k: v for k, v in row.counts.items() if v}
        for row in stats.deadlines
        if row.place is not None and row.place.district == district
    }


def test_the_funnel_and_deadlines_are_counted_exactly(db: Engine, scenario: Scenario) -> None:
    with transaction(db) as session:
        stats = case_statistics(session, CLI, now=NOW)
    assert _funnel(stats) == {**scenario.subject_counts, **CASE_COUNTS}
    assert stats.total.count("tips") == scenario.tip_total
    assert stats.total.count("subjects") == scenario.subject_total
    assert [
        stats.total.count(s) for s in ("cases", "fir", "chargesheet", "verdict", "conviction")
    ] == [4, 3, 2, 1, 0]
    assert _deadlines(stats, ERNAKULAM) == DEADLINES_ERNAKULAM
    assert _deadlines(stats, THRISSUR) == DEADLINES_THRISSUR


def _to_verdict(db: Engine, district: str, phone: str, month: str, outcome: Outcome) -> str:
    """A case charged under POCSO s.15(1) and BNS s.294, tried, and judged in `month` (IST)."""
    case_id = _open(db, district, phone, "2026-01-05T10:00")
    with transaction(db) as session:
        record_event(session, CLI, case_id, EventKind.OFFENCE, at=at("2025-12-20T22:00"))
        add_charge(session, CLI, case_id, ActCode.POCSO, "15(1)")
        add_charge(session, CLI, case_id, ActCode.BNS, "294")
    _moves(
        db,
        case_id,
        (Stage.FIR, "2026-01-10T10:00"),
        (Stage.CHARGESHEET, "2026-02-10T10:00"),
        (Stage.TRIAL, "2026-02-20T10:00"),
        (Stage.VERDICT, f"{month}-15T15:00"),
        outcome=outcome,
        convicted=() if outcome is Outcome.ACQUITTED else ("pocso:15(1)",),
    )
    return case_id


def test_convictions_are_counted_by_district_and_month(db: Engine) -> None:
    _to_verdict(db, "Ernakulam", "+919876500011", "2026-06", Outcome.CONVICTED)
    _to_verdict(db, "Ernakulam", "+919876500012", "2026-06", Outcome.ACQUITTED)
    _to_verdict(db, "Ernakulam", "+919876500013", "2026-07", Outcome.PARTLY_CONVICTED)
    _to_verdict(db, "Thrissur", "+919876500014", "2026-07", Outcome.CONVICTED)
    with transaction(db) as session:
        stats = case_statistics(session, CLI, now=NOW)
    judged = {
        key: value for key, value in _funnel(stats).items() if key[3] in ("verdict", "conviction")
    }
    assert judged == {
        (KERALA, ERNAKULAM, "2026-06", "verdict"): 2,
        (KERALA, ERNAKULAM, "2026-06", "conviction"): 1,  # the acquittal is a verdict only
        (KERALA, ERNAKULAM, "2026-07", "verdict"): 1,
        (KERALA, ERNAKULAM, "2026-07", "conviction"): 1,  # partly convicted counts
        (KERALA, THRISSUR, "2026-07", "verdict"): 1,
        (KERALA, THRISSUR, "2026-07", "conviction"): 1,
    }
    assert (stats.total.count("verdict"), stats.total.count("conviction")) == (4, 3)
    assert STEPS[-2:] == ("verdict", "conviction")
    with transaction(db) as session:
        audited = events(session, action="case.statistics")
    assert audited[-1].detail["conviction"] == 3


def test_a_district_officer_counts_their_district_only(db: Engine, scenario: Scenario) -> None:
    officer = Actor(7, "do.ernakulam", Role.DISTRICT_OFFICER, KERALA, ERNAKULAM)
    with transaction(db) as session:
        stats = case_statistics(session, officer, now=NOW)
    expected = {
        key: value
        for key, value in {**scenario.subject_counts, **CASE_COUNTS}.items()
        if key[:2] == (KERALA, ERNAKULAM)
    }
    assert _funnel(stats) == expected
    assert stats.total.count("cases") == 3
    assert _deadlines(stats, THRISSUR) == {}
    assert _deadlines(stats, ERNAKULAM) == DEADLINES_ERNAKULAM
    with transaction(db) as session:
        seen = events(session, action="case.statistics")
    assert seen[-1].actor == "do.ernakulam"
    assert seen[-1].detail["cases"] == 3


def test_an_investigating_officer_counts_assigned_cases_only(
    db: Engine, scenario: Scenario
) -> None:
    officer = Actor(
        8,
        "io.thrissur",
        Role.INVESTIGATING_OFFICER,
        case_ids=frozenset({scenario.cases["C"]}),
    )
    with transaction(db) as session:
        stats = case_statistics(session, officer, now=NOW)
    assert _funnel(stats) == {(KERALA, THRISSUR, "2026-01", "cases"): 1}
    assert stats.total.count("tips") == 0
    assert _deadlines(stats, THRISSUR) == DEADLINES_THRISSUR


def test_filters_narrow_the_funnel(db: Engine, scenario: Scenario) -> None:
    with transaction(db) as session:
        stats = case_statistics(
            session, CLI, StatisticsFilters(district="ernakulam", year=2026), now=NOW
        )
    assert all(row.place is not None and row.place.district == ERNAKULAM for row in stats.funnel)
    assert all(row.month is not None and row.month.startswith("2026-") for row in stats.funnel)
    assert stats.total.count("cases") == 3


def test_an_auditor_reads_no_statistics(db: Engine, scenario: Scenario) -> None:
    auditor = Actor(9, "audit.only", Role.AUDITOR)
    with transaction(db) as session, pytest.raises(AccessDenied):
        case_statistics(session, auditor, now=NOW)


def test_an_export_is_audited_as_one(db: Engine, scenario: Scenario) -> None:
    with transaction(db) as session:
        export_statistics(session, CLI, "funnel.csv", now=NOW)
    with transaction(db) as session:
        exported = events(session, action="case.export")
    assert [(e.object_kind, e.object_id, e.detail["cases"]) for e in exported] == [
        ("case_statistics", "funnel.csv", 4)
    ]


def test_alerts_are_missed_then_due_soon(db: Engine, scenario: Scenario) -> None:
    with transaction(db) as session:
        alerts = deadline_alerts(session, CLI, now=NOW)
    assert [(a.case.case_id, a.deadline.clock.name, a.deadline.status) for a in alerts] == [
        (scenario.cases["C"], "production", Status.MISSED),
        (scenario.cases["C"], "chargesheet_default_bail", Status.MISSED),
        (scenario.cases["D"], "production", Status.DUE_SOON),
    ]
    officer = Actor(7, "do.ernakulam", Role.DISTRICT_OFFICER, KERALA, ERNAKULAM)
    with transaction(db) as session:
        mine = deadline_alerts(session, officer, now=NOW)
        clocks = open_clocks(session, officer, now=NOW)
    assert [a.case.case_id for a in mine] == [scenario.cases["D"]]
    nearest = next_deadlines(clocks)
    assert set(nearest) == {scenario.cases["D"]}  # A and B are closed
    assert nearest[scenario.cases["D"]].deadline.due == datetime(2026, 10, 20, 14, 30, tzinfo=UTC)
