"""The case lifecycle, deconfliction, charges, deadlines and access, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from suraksha.cases import workflow
from suraksha.cases.casefile import CaseDeadline, list_cases, open_deadlines, read_case
from suraksha.cases.charges import add_charge, gravest_years, set_chargesheet_days, suggest
from suraksha.cases.deadlines import IST, EventKind, Status
from suraksha.cases.law import ActCode, EvidenceKind, Offence, offence_on
from suraksha.cases.workflow import (
    BACKWARD,
    FORWARD,
    Outcome,
    Stage,
    advance,
    assign,
    assigned_case_ids,
    open_case,
    record_event,
    transfer,
)
from suraksha.config import Settings
from suraksha.errors import AccessDenied, UserInputError
from suraksha.identity.linker import resolve
from suraksha.intake.pipeline import ingest, plan
from suraksha.intel.assessment import assess_configured
from suraksha.intel.briefing import SubjectBrief, subject_briefs
from suraksha.security.audit import events, verify
from suraksha.security.policy import Actor, Role
from suraksha.storage.session import transaction
from suraksha.synthetic.tips import write_corpus

CLI = "cli:tester"
PHONE = "+919876543210"


def at(text: str) -> datetime:
    """An IST wall-clock time as an aware instant."""
    return datetime.fromisoformat(text).replace(tzinfo=IST)


def open_on_phone(db: Engine, district: str = "Ernakulam", **kwargs: object) -> str:
    with transaction(db) as session:
        opened = open_case(
            session,
            CLI,
            state="Kerala",
            district=district,
            reason="synthetic lead",
            identifiers=[("phone", PHONE)],
            at=at("2026-01-05T10:00"),
            **kwargs,  # type: ignore[arg-type]
        )
    return opened.summary.case_id


@pytest.fixture
def corpus(db: Engine, settings: Settings, tmp_path: Path) -> list[SubjectBrief]:
    """Subjects resolved and routed from a small synthetic corpus."""
    write_corpus(tmp_path / "corpus", persons=6, seed=3)
    ingest(db, plan([tmp_path / "corpus"]))
    with transaction(db) as session:
        resolve(session)
        assess_configured(session, settings)
        return subject_briefs(session)


def test_transition_tables_are_the_docstring_table() -> None:
    doc = workflow.__doc__ or ""
    table = doc.split("back to (reason required)", 1)[1].split("\n\n", 1)[0]
    rows: dict[str, tuple[set[str], set[str]]] = {}
    current = ""
    for line in table.splitlines():
        if not line.strip():
            continue
        cells = re.split(r"\s{2,}", line.strip())
        if line[4] != " ":  # a stage's row; deeper indents continue the forward column
            current = cells[0]
            forward, back = ([*cells[1:], "-", "-"])[:2]
            rows[current] = (set(), set())
        else:
            forward, back = cells[0], "-"
        rows[current][0].update(s.strip() for s in forward.split(",") if s.strip() not in ("-", ""))
        rows[current][1].update(s.strip() for s in back.split(",") if s.strip() not in ("-", ""))
    assert rows == {
        stage.value: ({s.value for s in FORWARD[stage]}, {s.value for s in BACKWARD[stage]})
        for stage in Stage
    }


def test_lifecycle_is_dated_and_illegal_moves_are_refused(db: Engine) -> None:
    case_id = open_on_phone(db)
    assert re.fullmatch(r"KL-ERN-2026-0001", case_id)
    with transaction(db) as session, pytest.raises(UserInputError, match="cannot move to trial"):
        advance(session, CLI, case_id, Stage.TRIAL, reason="skip ahead")
    with transaction(db) as session, pytest.raises(UserInputError, match="FIR number"):
        advance(session, CLI, case_id, Stage.FIR, reason="no number", at=at("2026-01-09T10:00"))
    steps = [
        (Stage.ENQUIRY, "2026-01-06T11:00", "DSP permitted a preliminary enquiry"),
        (Stage.FIR, "2026-01-10T10:30", "prima facie case"),
        (Stage.SEARCHES, "2026-01-12T07:00", "search of the residence"),
        (Stage.DEVICE_EXAMINATION, "2026-01-15T09:00", "phone sent for imaging"),
        (Stage.CHARGESHEET, "2026-02-20T12:00", "charge sheet filed"),
        (Stage.DEVICE_EXAMINATION, "2026-02-25T12:00", "further investigation: second device"),
        (Stage.CHARGESHEET, "2026-03-05T12:00", "supplementary charge sheet"),
        (Stage.TRIAL, "2026-03-20T11:00", "Special Court took cognizance"),
        (Stage.VERDICT, "2026-10-01T15:00", "judgment pronounced"),
    ]
    for stage, when, reason in steps:
        with transaction(db) as session:
            advance(
                session,
                CLI,
                case_id,
                stage,
                reason=reason,
                at=at(when),
                fir_number="7/2026" if stage is Stage.FIR else None,
                outcome=Outcome.ACQUITTED if stage is Stage.VERDICT else None,
            )
    with transaction(db) as session, pytest.raises(UserInputError, match="it is final"):
        advance(session, CLI, case_id, Stage.CLOSURE, reason="after the verdict")
    with transaction(db) as session:
        case = read_case(session, CLI, "7/2026")  # found by its FIR number too
    assert case.summary.reference == f"FIR 7/2026 ({case_id})"
    assert [(t.from_stage, t.to_stage, t.at, t.backwards) for t in case.transitions] == [
        (None, Stage.LEAD, at("2026-01-05T10:00"), False),
        *[
            (
                before,
                stage,
                at(when),
                stage is Stage.DEVICE_EXAMINATION and before is Stage.CHARGESHEET,
            )
            for before, (stage, when, _) in zip(
                [Stage.LEAD, *[s for s, _, _ in steps[:-1]]], steps, strict=True
            )
        ],
    ]
    assert case.transitions[6].reason == "further investigation: second device"
    assert [(e.kind, e.at) for e in case.events] == [
        (EventKind.ENQUIRY_STARTED, at("2026-01-06T11:00")),
        (EventKind.FIR_REGISTERED, at("2026-01-10T10:30")),
        (EventKind.CHARGESHEET_FILED, at("2026-02-20T12:00")),  # once: the first filing
        (EventKind.COGNIZANCE, at("2026-03-20T11:00")),
        (EventKind.JUDGMENT, at("2026-10-01T15:00")),
    ]
    with transaction(db) as session:
        actions = [e.action for e in events(session, limit=100)]
        assert verify(session).intact
    assert actions.count("case.advance") == len(steps)
    assert {"case.open", "case.read"} <= set(actions)


def _at_trial(db: Engine) -> str:
    """A case at trial, charged under POCSO s.15(1) and IT Act s.67B(b) (offence in 2025)."""
    case_id = open_on_phone(db)
    with transaction(db) as session:
        record_event(session, CLI, case_id, EventKind.OFFENCE, at=at("2025-12-20T22:00"))
        suggest(session, CLI, case_id, [EvidenceKind.POSSESSION])
        for stage, when in (
            (Stage.FIR, "2026-01-10T10:00"),
            (Stage.CHARGESHEET, "2026-02-10T10:00"),
            (Stage.TRIAL, "2026-02-20T10:00"),
        ):
            advance(
                session,
                CLI,
                case_id,
                stage,
                reason=f"to {stage}",
                at=at(when),
                fir_number="9/2026" if stage is Stage.FIR else None,
            )
    return case_id


def test_a_verdict_needs_its_outcome_and_the_charges_convicted_on(db: Engine) -> None:
    case_id = _at_trial(db)
    when = at("2026-09-01T15:00")
    refusals: list[tuple[str, Outcome | None, list[str]]] = [
        ("Give the verdict's outcome: --outcome", None, []),
        ("Name the charges the verdict convicted on", Outcome.CONVICTED, []),
        ("An acquittal convicts on no charge", Outcome.ACQUITTED, ["pocso:15(1)"]),
        ("not a charge of case", Outcome.CONVICTED, ["bns:294"]),
        (
            "that is --outcome convicted",
            Outcome.PARTLY_CONVICTED,
            ["pocso:15(1)", "IT_ACT:s.67B(b)"],
        ),
    ]
    for message, outcome, charges in refusals:
        with transaction(db) as session, pytest.raises(UserInputError, match=re.escape(message)):
            advance(
                session,
                CLI,
                case_id,
                Stage.VERDICT,
                reason="judgment",
                at=when,
                outcome=outcome,
                charges=charges,
            )
    with transaction(db) as session, pytest.raises(UserInputError, match="move to verdict only"):
        advance(session, CLI, open_on_phone(db), Stage.ENQUIRY, reason="r", charges=["1"])
    with transaction(db) as session:
        done = advance(
            session,
            CLI,
            case_id,
            Stage.VERDICT,
            reason="Special Court judgment",
            at=when,
            outcome=Outcome.PARTLY_CONVICTED,
            charges=["POCSO:15(1)"],
        )
        case = read_case(session, CLI, case_id)
        advanced = events(session, action="case.advance")
    assert (done.outcome, done.convicted) == (Outcome.PARTLY_CONVICTED, ("POCSO s.15(1)",))
    last = case.transitions[-1]
    assert (last.to_stage, last.outcome, last.convicted) == (
        Stage.VERDICT,
        Outcome.PARTLY_CONVICTED,
        ("POCSO s.15(1)",),
    )
    assert [t.outcome for t in case.transitions[:-1]] == [None] * 4
    verdicts = [e.detail for e in advanced if e.detail["to"] == "verdict"]
    assert [(d["outcome"], d["convicted"]) for d in verdicts] == [
        ("partly_convicted", ["POCSO s.15(1)"])
    ]


def test_a_prosecutor_settles_the_charge_sheet_period(db: Engine) -> None:
    case_id = open_on_phone(db)
    with transaction(db) as session:
        record_event(session, CLI, case_id, EventKind.FIRST_REMAND, at=at("2026-03-01T16:00"))
        before = open_deadlines(session, CLI, now=at("2026-03-02T12:00"))
    with transaction(db) as session, pytest.raises(UserInputError, match="60 or 90"):
        set_chargesheet_days(session, CLI, case_id, 75, reason="r")
    with transaction(db) as session:
        set_chargesheet_days(session, CLI, case_id, 90, reason="APP: punishable up to life")
        after = open_deadlines(session, CLI, now=at("2026-03-02T12:00"))
        audited = events(session, action="case.chargesheet_period")

    def due(found: list[CaseDeadline]) -> datetime:
        return next(d.deadline.due for d in found if d.deadline.clock.name == CLOCK)

    # No charge: 60 days, unsettled; set to 90 by the prosecutor: day 1 is the day of remand.
    assert due(before) == at("2026-04-30T00:00")
    assert due(after) == at("2026-05-30T00:00")
    assert [(e.object_id, e.detail["days"]) for e in audited] == [(case_id, 90)]


CLOCK = "chargesheet_default_bail"


def test_a_move_cannot_be_dated_before_the_last_one_or_in_the_future(db: Engine) -> None:
    case_id = open_on_phone(db)
    late = "before the case's last move"
    with transaction(db) as session, pytest.raises(UserInputError, match=late):
        advance(session, CLI, case_id, Stage.ENQUIRY, reason="r", at=at("2026-01-01T10:00"))
    with transaction(db) as session, pytest.raises(UserInputError, match="future"):
        advance(
            session,
            CLI,
            case_id,
            Stage.ENQUIRY,
            reason="r",
            at=datetime.now(IST) + timedelta(days=2),
        )
    with transaction(db) as session, pytest.raises(UserInputError, match="reason"):
        advance(session, CLI, case_id, Stage.ENQUIRY, reason="  ")


def test_deconfliction_names_only_the_holders_unit_and_reference(
    db: Engine, corpus: list[SubjectBrief]
) -> None:
    subject = next(b for b in corpus if b.identifiers.get("phone"))
    phone = subject.identifiers["phone"][0]
    with transaction(db) as session:
        first = open_case(
            session,
            CLI,
            state="Kerala",
            district="Ernakulam",
            reason="tips of one subject",
            subjects=[subject.subject_id],
        )
        assert first.conflicts == []
        same_unit = open_case(
            session,
            CLI,
            state="Kerala",
            district="Ernakulam",
            reason="second case of the same unit",
            identifiers=[("phone", phone)],
        )
        assert same_unit.conflicts == []
        second = open_case(
            session,
            CLI,
            state="Kerala",
            district="Thrissur",
            reason="the same subject reported again",
            subjects=[subject.subject_id],
        )
        third = open_case(
            session,
            CLI,
            state="Kerala",
            district="Kozhikode",
            reason="a phone from a seized diary",
            identifiers=[("phone", phone)],
        )
    holder = first.summary.case_id
    assert {(c.holder_case, c.holder_unit, c.kind) for c in second.conflicts} >= {
        (holder, "KL-ERN", "subject"),
        (holder, "KL-ERN", "phone"),
    }
    assert {(c.holder_case, c.kind, c.value) for c in third.conflicts} == {
        (holder, "phone", phone),
        (same_unit.summary.case_id, "phone", phone),
        (second.summary.case_id, "phone", phone),
    }
    assert "contact that unit" in third.conflicts[0].describe()
    with transaction(db) as session:
        shown = read_case(session, CLI, third.summary.case_id)
        audited = [(e.action, e.object_id) for e in events(session, limit=200)]
    assert shown.conflicts == third.conflicts
    assert ("case.deconfliction", third.summary.case_id) in audited
    assert ("case.deconflicted", holder) in audited
    # A closed case holds nothing any more.
    with transaction(db) as session:
        for case in (first, same_unit, second):
            advance(session, CLI, case.summary.case_id, Stage.CLOSURE, reason="no offence")
        later = open_case(
            session,
            CLI,
            state="Kerala",
            district="Kannur",
            reason="again",
            subjects=[subject.subject_id],
        )
    assert {c.holder_case for c in later.conflicts} == {third.summary.case_id}


def test_opening_from_a_tip_takes_its_subjects_and_dates(
    db: Engine, corpus: list[SubjectBrief]
) -> None:
    subject = next(b for b in corpus if b.state)
    with transaction(db) as session:
        opened = open_case(
            session, CLI, district=_district_of(subject), reason="tip", tips=[subject.report_ids[0]]
        )
        case = read_case(session, CLI, opened.summary.case_id)
    assert opened.summary.state == subject.state
    assert subject.subject_id in case.holdings["subject"]
    assert case.holdings["tip"] == [subject.report_ids[0]]
    kinds = {e.kind for e in case.events}
    assert EventKind.OFFENCE in kinds and case.offence_date is not None
    with transaction(db) as session, pytest.raises(UserInputError, match="No tip"):
        open_case(session, CLI, district="Ernakulam", state="Kerala", reason="x", tips=["999"])


def _district_of(brief: SubjectBrief) -> str:
    assert brief.district is not None
    return brief.district


def test_investigating_officer_sees_only_assigned_cases(db: Engine) -> None:
    mine = open_on_phone(db, officers=["ravi.menon"])
    other = open_on_phone(db)
    with transaction(db) as session:
        officer = Actor(
            7,
            "ravi.menon",
            Role.INVESTIGATING_OFFICER,
            case_ids=assigned_case_ids(session, "ravi.menon"),
        )
        assert officer.case_ids == {mine}
        assert read_case(session, officer, mine).summary.case_id == mine
        assert [c.case_id for c in list_cases(session, officer)] == [mine]
    with transaction(db) as session, pytest.raises(AccessDenied, match="assigned to you"):
        read_case(session, officer, other)
    with transaction(db) as session, pytest.raises(AccessDenied):
        record_event(session, officer, other, EventKind.ARREST, at=at("2026-01-06T10:00"))
    with transaction(db) as session:
        assign(session, CLI, other, "ravi.menon")
        assert assigned_case_ids(session, "ravi.menon") == {mine, other}


def test_district_officer_reaches_own_district_only(db: Engine) -> None:
    ernakulam = open_on_phone(db)
    thrissur = open_on_phone(db, district="Thrissur")
    asha = Actor(3, "asha.nair", Role.DISTRICT_OFFICER, state="KERALA", district="ERNAKULAM")
    with transaction(db) as session:
        assert read_case(session, asha, ernakulam).summary.district == "ERNAKULAM"
        assert [c.case_id for c in list_cases(session, asha)] == [ernakulam]
    with transaction(db) as session, pytest.raises(AccessDenied, match="district ERNAKULAM"):
        read_case(session, asha, thrissur)
    with transaction(db) as session, pytest.raises(AccessDenied):
        open_case(
            session,
            asha,
            state="Kerala",
            district="Thrissur",
            reason="not mine",
            identifiers=[("phone", PHONE)],
        )
    # A transfer moves the case out of the old district's reach, and keeps the history.
    with transaction(db) as session:
        moved = transfer(
            session, asha, ernakulam, state="Kerala", district="Thrissur", reason="subject moved"
        )
    assert moved.from_place == "KL-ERN (ERNAKULAM, KERALA)"
    with transaction(db) as session, pytest.raises(AccessDenied):
        read_case(session, asha, ernakulam)
    with transaction(db) as session:
        case = read_case(session, CLI, ernakulam)
    assert case.summary.unit == "KL-THR"
    assert [t.to_place for t in case.transfers] == ["KL-THR (THRISSUR, KERALA)"]


def test_charges_follow_the_offence_date(db: Engine) -> None:
    old = open_on_phone(db)
    new = open_on_phone(db)
    with transaction(db) as session:
        record_event(session, CLI, old, EventKind.OFFENCE, at=at("2018-05-01T21:00"))
        record_event(session, CLI, new, EventKind.OFFENCE, at=at("2025-02-01T21:00"))
        before = suggest(session, CLI, old, [EvidenceKind.POSSESSION])
        after = suggest(session, CLI, new, [EvidenceKind.POSSESSION])
    assert [c.label for c in before] == ["IT Act s.67B(b)"]
    assert {w["code"] for w in before[0].warnings} == {
        "pocso_15_before_2019",
        "no_general_obscenity_charge",
    }
    assert [(c.label, c.version) for c in after] == [
        ("POCSO s.15(1)", "2019"),
        ("IT Act s.67B(b)", "2008 amendment"),
    ]
    with (
        transaction(db) as session,
        pytest.raises(UserInputError, match=r"IPC counterpart is s\.292"),
    ):
        add_charge(session, CLI, old, ActCode.BNS, "294")
    with transaction(db) as session:
        manual = add_charge(session, CLI, old, ActCode.IPC, "292", reason="printed material")
        case = read_case(session, CLI, old)
    assert [w["code"] for w in manual.warnings] == ["no_general_obscenity_charge"]
    assert [c.label for c in case.charges] == ["IT Act s.67B(b)", "IPC s.292"]
    assert case.offence_date == date(2018, 5, 1)
    with transaction(db) as session, pytest.raises(UserInputError, match="already charged"):
        add_charge(session, CLI, old, ActCode.IPC, "292")


def test_chargesheet_deadline_is_60_days_after_remand(db: Engine) -> None:
    case_id = open_on_phone(db)
    with transaction(db) as session:
        record_event(session, CLI, case_id, EventKind.OFFENCE, at=at("2025-12-20T22:00"))
        advance(
            session,
            CLI,
            case_id,
            Stage.FIR,
            reason="FIR",
            at=at("2026-01-10T10:00"),
            fir_number="11/2026",
        )
        record_event(session, CLI, case_id, EventKind.ARREST, at=at("2026-03-01T09:00"))
        record_event(session, CLI, case_id, EventKind.FIRST_REMAND, at=at("2026-03-01T16:00"))
        suggest(session, CLI, case_id, [EvidenceKind.DISTRIBUTION])
        found = open_deadlines(session, CLI, now=at("2026-04-01T12:00"))
    by_clock = {d.deadline.clock.name: d.deadline for d in found if d.case.case_id == case_id}
    charge_sheet = by_clock["chargesheet_default_bail"]
    # Day 1 is the day of remand (Kapil Wadhawan): the 60th day ends at midnight IST on 30 Apr.
    assert charge_sheet.due == at("2026-04-30T00:00")
    assert charge_sheet.settled  # POCSO s.15(2) and IT Act s.67B(a): at most 5 years
    assert charge_sheet.status is Status.UPCOMING
    assert "production" not in by_clock  # met by the remand: not listed unless asked
    with transaction(db) as session:
        later = open_deadlines(session, CLI, now=at("2026-05-02T12:00"), within_days=0)
    missed = [d for d in later if d.deadline.clock.name == "chargesheet_default_bail"]
    assert [d.as_dict()["missed"] for d in missed] == [True]
    assert [d.deadline.due for d in later] == sorted(d.deadline.due for d in later)


def test_the_gravest_charge_sets_the_charge_sheet_period() -> None:
    on = date(2025, 2, 1)

    def text(act_code: ActCode, section: str) -> Offence:
        found = offence_on(act_code, section, on)
        assert found is not None
        return found

    distribution = [text(ActCode.POCSO, "15(2)"), text(ActCode.IT_ACT, "67B(a)")]
    assert gravest_years(distribution) == 5.0
    # A fine-only text counts for nothing; a minimum term with no maximum leaves it unsettled.
    assert gravest_years([text(ActCode.POCSO, "15(1)"), text(ActCode.IT_ACT, "67B(b)")]) == 5.0
    assert gravest_years([*distribution, text(ActCode.POCSO, "14(1)")]) is None
    assert gravest_years([text(ActCode.POCSO, "13")]) is None  # a definition alone: no term
    assert gravest_years([]) is None
