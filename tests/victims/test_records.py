"""Victim records: who may read and change them, what the audit log says, labels and
pseudonymisation — on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine

from suraksha.errors import AccessDenied, UserInputError
from suraksha.security.audit import events, verify
from suraksha.security.policy import Actor
from suraksha.storage.session import transaction
from suraksha.victims.age_proof import ProofKind, record_proof
from suraksha.victims.dossier import read_victim
from suraksha.victims.records import (
    VictimNotFound,
    add_victim,
    list_victims,
    pseudonymise,
    reveal_identity,
    update_victim,
    victim_labels,
)
from suraksha.victims.support import SupportEvent, record_support
from tests.victims.conftest import (
    CHILD_NAME,
    CLI,
    IDENTITY,
    SECRETS,
    actors,
    add_child,
    at,
    open_on_phone,
)

READ = {
    "vs_home": True,
    "vs_other": False,
    "vs_other_state": False,
    "io_case": True,
    "io_other": False,
    "prosecutor": True,
    "admin": False,
    "district_officer": False,
    "state_analyst": False,
    "auditor": False,
}
WRITE = {**READ, "prosecutor": False}
NO_VICTIM_ROLE = {"admin", "district_officer", "state_analyst", "auditor"}


def _read(db: Engine, who: Actor, label: str) -> bool:
    try:
        with transaction(db) as session:
            read_victim(session, who, label)
    except VictimNotFound:
        return False
    return True


def _write(db: Engine, who: Actor, label: str) -> bool:
    try:
        with transaction(db) as session:
            record_support(session, who, label, SupportEvent.COUNSELLING, at=at("2026-02-01T10:00"))
    except VictimNotFound:
        return False
    except AccessDenied:
        return False
    return True


def test_labels_are_per_case_and_identity_stays_in_the_record(db: Engine) -> None:
    case_id = open_on_phone(db)
    first = add_child(db, case_id)
    second = add_child(db, case_id, name="Second Synthchild")
    assert (first, second) == (f"V-{case_id}-1", f"V-{case_id}-2")
    with transaction(db) as session:
        assert victim_labels(session, case_id) == [first, second]
        identity = reveal_identity(session, CLI, first)
    assert identity.name == CHILD_NAME
    assert identity.school == IDENTITY["school"]
    assert CHILD_NAME not in repr(identity)


@pytest.mark.parametrize("role", sorted(READ))
def test_access_matrix(db: Engine, role: str) -> None:
    case_id = open_on_phone(db)
    label = add_child(db, case_id)
    who = actors(case_id)[role]
    if role in NO_VICTIM_ROLE:
        with transaction(db) as session, pytest.raises(AccessDenied, match="does not allow"):
            read_victim(session, who, label)
        with transaction(db) as session, pytest.raises(AccessDenied):
            list_victims(session, who)
        with transaction(db) as session, pytest.raises(AccessDenied):
            reveal_identity(session, who, label)
        with transaction(db) as session, pytest.raises(AccessDenied):
            add_victim(session, who, case_id, name="Third Synthchild")
        return
    assert _read(db, who, label) is READ[role]
    assert _write(db, who, label) is WRITE[role]
    with transaction(db) as session:
        listed = [v.label for v in list_victims(session, who)]
    assert listed == ([label] if READ[role] else [])
    if not READ[role]:
        with transaction(db) as session, pytest.raises(VictimNotFound):
            reveal_identity(session, who, label)


def test_support_person_adds_in_own_district_only(db: Engine) -> None:
    case_id = open_on_phone(db)
    people = actors(case_id)
    with transaction(db) as session:
        added = add_victim(session, people["vs_home"], case_id, name="Homedistrict Synthchild")
    assert added.district == "ERNAKULAM"
    with transaction(db) as session, pytest.raises(AccessDenied, match="outside your jurisdiction"):
        add_victim(session, people["vs_other"], case_id, name="Away Synthchild")
    # The child lives in Thrissur: Thrissur's support person reaches the record, Ernakulam's not.
    with transaction(db) as session:
        moved = add_victim(
            session, people["vs_other"], case_id, name="Thrissur Synthchild", district="Thrissur"
        )
    assert _read(db, people["vs_other"], moved.label)
    assert not _read(db, people["vs_home"], moved.label)
    assert _read(db, people["io_case"], moved.label)  # the case's officer still does


def test_audit_events_carry_labels_and_ids_never_identity(db: Engine) -> None:
    case_id = open_on_phone(db)
    label = add_child(db, case_id)
    people = actors(case_id)
    with transaction(db) as session:
        read_victim(session, people["vs_home"], label)
        reveal_identity(session, people["io_case"], label)
        update_victim(session, people["vs_home"], label, {"address": "House 1, Synthetic Lane"})
        record_proof(
            session,
            people["vs_home"],
            label,
            ProofKind.BIRTH_CERTIFICATE,
            document_ref="MUN/TEST/0001",
            date_of_birth=IDENTITY["claimed_dob"],
        )
        record_support(
            session, people["io_case"], label, SupportEvent.MEDICAL_EXAMINATION, at=at("2026-01-06")
        )
        list_victims(session, people["prosecutor"])
    with transaction(db) as session:
        found = events(session, kind="victim", limit=100)
        assert verify(session).intact
    actions = {e.action for e in found}
    assert {
        "victim.add",
        "victim.read",
        "victim.reveal",
        "victim.update",
        "victim.proof",
        "victim.support",
        "victim.list",
    } <= actions
    for event in found:
        text = json.dumps(event.detail) + event.object_id
        assert not any(secret.lower() in text.lower() for secret in SECRETS), event
        assert "2012-04-01" not in text  # nor the date of birth
    reveal = next(e for e in found if e.action == "victim.reveal")
    assert (reveal.actor, reveal.object_id) == ("io.case", label)
    update = next(e for e in found if e.action == "victim.update")
    assert update.detail["fields"] == ["address"]


def test_refused_reads_leave_no_read_event(db: Engine) -> None:
    case_id = open_on_phone(db)
    label = add_child(db, case_id)
    people = actors(case_id)
    assert not _read(db, people["vs_other"], label)
    with transaction(db) as session:
        reads = events(session, action="victim.read", limit=10)
    assert reads == []


def test_pseudonymise_replaces_names_in_text(db: Engine) -> None:
    case_id = open_on_phone(db)
    label = add_child(db, case_id)
    with transaction(db) as session:
        text = pseudonymise(
            session, case_id, f"Statement of {CHILD_NAME.upper()} recorded; zyxwtest was calm."
        )
    assert text == f"Statement of {label} recorded; {label} was calm."


def test_user_errors(db: Engine) -> None:
    case_id = open_on_phone(db)
    with transaction(db) as session, pytest.raises(UserInputError, match="name"):
        add_victim(session, CLI, case_id, name="  ")
    with transaction(db) as session, pytest.raises(UserInputError, match="No case"):
        add_victim(session, CLI, "KL-ERN-2026-0042", name="Nocase Synthchild")
    with transaction(db) as session, pytest.raises(UserInputError, match="No tip"):
        add_victim(session, CLI, case_id, name="Notip Synthchild", tips=["123"])
    label = add_child(db, case_id)
    with transaction(db) as session, pytest.raises(UserInputError, match="Cannot change"):
        update_victim(session, CLI, label, {"case_id": "X"})
    with transaction(db) as session, pytest.raises(VictimNotFound):
        read_victim(session, CLI, "V-KL-ERN-2026-0001-9")
