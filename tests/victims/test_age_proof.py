"""The age-proof checklist: JJ Act 2015 s.94(2)'s order, what is missing, and the s.67B outcome."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from suraksha.cases.deadlines import EventKind
from suraksha.cases.workflow import record_event
from suraksha.errors import UserInputError
from suraksha.storage.session import transaction
from suraksha.victims.age_proof import (
    NO_PROOF,
    ProofKind,
    ProofView,
    assess,
    proof_kind,
    record_proof,
)
from suraksha.victims.dossier import read_victim
from suraksha.victims.records import reveal_identity
from tests.victims.conftest import CLI, add_child, at, open_on_phone

ON = date(2026, 1, 5)
K = ProofKind


def proof(
    kind: ProofKind, born: date | None = None, low: int | None = None, high: int | None = None
) -> ProofView:
    return ProofView(0, kind, f"REF-{kind.value}", born, low, high, "", CLI)


def test_no_proof_means_only_it_act_67b() -> None:
    finding = assess([], age_on=ON, age_on_reason="offence date")
    assert finding.holds is None
    assert finding.child is None
    assert finding.only_it_act_67b
    assert finding.outcome == NO_PROOF
    assert finding.outcome.startswith(
        "age not provable: only IT Act s.67B (which needs material depicting children, not "
        "proof of a particular child's age) can stand."
    )
    assert "unverified" in finding.outcome
    assert finding.missing == tuple(ProofKind)
    assert any(not source.verified for source in finding.sources)


def test_school_certificate_holds_over_later_ranks() -> None:
    finding = assess(
        [
            proof(K.MEDICAL_AGE_ESTIMATION, low=18, high=20),
            proof(K.BIRTH_CERTIFICATE, date(2011, 1, 1)),
            proof(K.SCHOOL_CERTIFICATE, date(2010, 6, 15)),
        ],
        age_on=ON,
        age_on_reason="offence date",
    )
    assert finding.holds is not None
    assert (finding.holds.kind, finding.clause) == (K.SCHOOL_CERTIFICATE, "JJ Act 2015 s.94(2)(i)")
    assert (finding.age, finding.child, finding.missing) == (15, True, ())
    assert not finding.only_it_act_67b


def test_municipal_certificate_holds_and_names_what_to_seek() -> None:
    finding = assess([proof(K.BIRTH_CERTIFICATE, date(2007, 1, 5))], age_on=ON, age_on_reason="x")
    assert finding.holds is not None and finding.holds.kind is K.BIRTH_CERTIFICATE
    assert finding.clause == "JJ Act 2015 s.94(2)(ii)"
    assert finding.missing == (K.SCHOOL_CERTIFICATE, K.MATRICULATION_CERTIFICATE)
    assert (finding.age, finding.child) == (19, False)  # 19 on the day: not a child
    assert "Seek first" in finding.outcome


def test_eighteenth_birthday_is_the_line() -> None:
    day_before = assess(
        [proof(K.SCHOOL_CERTIFICATE, date(2008, 1, 6))], age_on=ON, age_on_reason="x"
    )
    on_the_day = assess(
        [proof(K.SCHOOL_CERTIFICATE, date(2008, 1, 5))], age_on=ON, age_on_reason="x"
    )
    assert (day_before.age, day_before.child) == (17, True)
    assert (on_the_day.age, on_the_day.child) == (18, False)


@pytest.mark.parametrize(
    ("low", "high", "child"), [(12, 14, True), (16, 18, None), (17, 19, None), (18, 20, False)]
)
def test_medical_estimate_holds_only_alone(low: int, high: int, child: bool | None) -> None:
    finding = assess(
        [proof(K.MEDICAL_AGE_ESTIMATION, low=low, high=high)], age_on=ON, age_on_reason="x"
    )
    assert finding.clause == "JJ Act 2015 s.94(2)(iii)"
    assert finding.age_range == (low, high)
    assert finding.child is child
    assert finding.missing == (
        K.SCHOOL_CERTIFICATE,
        K.MATRICULATION_CERTIFICATE,
        K.BIRTH_CERTIFICATE,
    )


def test_same_rank_documents_that_disagree_are_reported() -> None:
    finding = assess(
        [
            proof(K.SCHOOL_CERTIFICATE, date(2010, 1, 1)),
            proof(K.MATRICULATION_CERTIFICATE, date(2009, 1, 1)),
        ],
        age_on=ON,
        age_on_reason="x",
    )
    assert len(finding.conflicts) == 1 and "different dates" in finding.conflicts[0]


def test_aliases_and_unknown_kinds() -> None:
    assert proof_kind("ossification") is K.MEDICAL_AGE_ESTIMATION
    assert proof_kind("Matric") is K.MATRICULATION_CERTIFICATE
    assert proof_kind("panchayat-birth-certificate") is K.BIRTH_CERTIFICATE
    with pytest.raises(UserInputError, match="not a proof of age"):
        proof_kind("aadhaar")


def test_stored_proofs_use_the_offence_date_and_set_the_proven_birth_date(db: Engine) -> None:
    case_id = open_on_phone(db)
    label = add_child(db, case_id)
    with transaction(db) as session:
        record_event(session, CLI, case_id, EventKind.OFFENCE, at=at("2025-12-20T21:00"))
        first = record_proof(
            session,
            CLI,
            label,
            K.MEDICAL_AGE_ESTIMATION,
            document_ref="MC/RAD/1",
            age_low=13,
            age_high=15,
        )
        assert first.child is True and first.age_on == date(2025, 12, 20)
        finding = record_proof(
            session,
            CLI,
            label,
            K.SCHOOL_CERTIFICATE,
            document_ref="GHSS/ADM/1",
            date_of_birth=date(2012, 4, 1),
        )
        assert (finding.age, finding.age_on_reason) == (13, "offence date")
        assert reveal_identity(session, CLI, label).proven_dob == date(2012, 4, 1)
        record = read_victim(session, CLI, label)
    assert [p.kind for p in record.proofs] == [K.MEDICAL_AGE_ESTIMATION, K.SCHOOL_CERTIFICATE]
    assert record.finding.holds is not None and record.finding.holds.kind is K.SCHOOL_CERTIFICATE


def test_proof_user_errors(db: Engine) -> None:
    label = add_child(db, open_on_phone(db))
    with transaction(db) as session, pytest.raises(UserInputError, match="--born"):
        record_proof(session, CLI, label, K.SCHOOL_CERTIFICATE, document_ref="X")
    with transaction(db) as session, pytest.raises(UserInputError, match="range"):
        record_proof(session, CLI, label, K.MEDICAL_AGE_ESTIMATION, document_ref="X", age_low=16)
    with transaction(db) as session, pytest.raises(UserInputError, match="reference"):
        record_proof(session, CLI, label, K.BIRTH_CERTIFICATE, document_ref=" ", date_of_birth=ON)
