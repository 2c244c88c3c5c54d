"""The evidence register: seizure memo, IMEI checks, custody steps and digest alerts, triage links."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from suraksha.cases.casefile import read_case
from suraksha.cases.deadlines import IST, EventKind
from suraksha.cases.evidence import (
    CustodyKind,
    ItemKind,
    add_item,
    evidence_of,
    link_scan,
    record_custody,
)
from suraksha.cases.workflow import open_case
from suraksha.errors import AccessDenied, UserInputError
from suraksha.security.audit import events, verify
from suraksha.security.policy import Actor, Role
from suraksha.storage.session import transaction
from suraksha.triage.scanner import ScanRequest, scan

CLI = "cli:tester"
IMEI = "490154203237518"  # a valid Luhn check digit; synthetic
FIRST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
OTHER = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=IST)


@pytest.fixture
def case_id(db: Engine) -> str:
    with transaction(db) as session:
        opened = open_case(
            session,
            CLI,
            state="Kerala",
            district="Ernakulam",
            reason="synthetic",
            identifiers=[("phone", "+919876543210")],
            at=at("2026-01-05T10:00"),
        )
    return opened.summary.case_id


def seize(db: Engine, case_id: str, label: str = "MO-1", **extra: object) -> None:
    with transaction(db) as session:
        add_item(
            session,
            CLI,
            case_id,
            label=label,
            kind=ItemKind.PHONE,
            seized_at=at("2026-01-12T11:15"),
            seized_place="Residence, Kakkanad",
            seized_by="SI Anil Kumar",
            make="Samsung",
            model="Galaxy M31",
            imeis=[IMEI],
            witnesses=["K. Suresh", "P. Latha"],
            seal_numbers=["KL-ERN-S-101"],
            **extra,  # type: ignore[arg-type]
        )


def test_seizure_is_registered_with_its_memo(db: Engine, case_id: str) -> None:
    seize(db, case_id, digest=FIRST.upper(), videography_ref="VID-2026-01-12-01")
    with transaction(db) as session:
        [item] = evidence_of(session, CLI, case_id)
        case = read_case(session, CLI, case_id)
    assert item.imeis == (f"imei:{IMEI}",)
    assert (item.seized_place, item.witnesses, item.seal_numbers) == (
        "Residence, Kakkanad",
        ("K. Suresh", "P. Latha"),
        ("KL-ERN-S-101",),
    )
    assert [(s.kind, s.handler, s.digest, s.digest_matches) for s in item.steps] == [
        (CustodyKind.SEIZED, "SI Anil Kumar", FIRST, None)
    ]
    assert item.warnings == ()
    assert (EventKind.DEVICE_SEIZED, at("2026-01-12T11:15")) in [
        (e.kind, e.at) for e in case.events
    ]


def test_a_wrong_imei_or_label_is_refused(db: Engine, case_id: str) -> None:
    with transaction(db) as session, pytest.raises(UserInputError, match="not a valid IMEI"):
        add_item(
            session,
            CLI,
            case_id,
            label="MO-2",
            kind=ItemKind.PHONE,
            seized_at=at("2026-01-12T11:15"),
            seized_place="x",
            imeis=["490154203237519"],  # check digit wrong
        )
    seize(db, case_id)
    with pytest.raises(UserInputError, match="already has an exhibit"):
        seize(db, case_id)


def test_a_seizure_without_recording_or_digest_is_warned(db: Engine, case_id: str) -> None:
    seize(db, case_id)
    with transaction(db) as session:
        [item] = evidence_of(session, CLI, case_id)
    assert any("BNSS s.105" in w for w in item.warnings)
    assert any("no digest" in w for w in item.warnings)


def test_a_digest_that_differs_raises_an_alert(db: Engine, case_id: str) -> None:
    seize(db, case_id, digest=FIRST)
    steps = [
        (CustodyKind.SEALED, "2026-01-12T12:00", None),
        (CustodyKind.SENT_TO_LAB, "2026-01-13T09:00", None),
        (CustodyKind.RECEIVED_AT_LAB, "2026-01-14T10:00", FIRST),
        (CustodyKind.EXAMINED, "2026-01-20T10:00", OTHER),
    ]
    alerts = []
    for kind, when, digest in steps:
        with transaction(db) as session:
            _, alert = record_custody(
                session,
                CLI,
                case_id,
                "MO-1",
                kind,
                at=at(when),
                handler="Dr. A. Varghese, FSL",
                place="FSL Thiruvananthapuram",
                digest=digest,
            )
            alerts.append(alert)
    assert alerts[:3] == [None, None, None]
    assert alerts[3] is not None and "DIGEST MISMATCH" in alerts[3] and OTHER in alerts[3]
    with transaction(db) as session:
        [item] = evidence_of(session, CLI, case_id)
        audited = events(session, action="evidence.alert")
        assert verify(session).intact
    assert [s.digest_matches for s in item.steps] == [None, None, None, True, False]
    assert item.alerts == (alerts[3],)
    assert [(e.object_id, e.detail["expected"], e.detail["found"]) for e in audited] == [
        (f"{case_id}/MO-1", FIRST, OTHER)
    ]


def test_custody_is_in_order_and_digests_comparable(db: Engine, case_id: str) -> None:
    seize(db, case_id, digest=FIRST)
    with transaction(db) as session, pytest.raises(UserInputError, match="in order"):
        record_custody(
            session,
            CLI,
            case_id,
            "MO-1",
            CustodyKind.SEALED,
            at=at("2026-01-11T10:00"),
            handler="SI",
            place="PS",
        )
    with transaction(db) as session, pytest.raises(UserInputError, match="SHA-256"):
        record_custody(
            session,
            CLI,
            case_id,
            "MO-1",
            CustodyKind.EXAMINED,
            at=at("2026-01-20T10:00"),
            handler="FSL",
            place="FSL",
            digest="d41d8cd98f00b204e9800998ecf8427e",  # MD5: cannot be compared with SHA-256
        )


def test_evidence_follows_case_access(db: Engine, case_id: str) -> None:
    seize(db, case_id)
    outsider = Actor(
        5, "meera", Role.INVESTIGATING_OFFICER, case_ids=frozenset({"KL-TVM-2026-0001"})
    )
    with transaction(db) as session, pytest.raises(AccessDenied):
        evidence_of(session, outsider, case_id)
    assigned = Actor(6, "ravi", Role.INVESTIGATING_OFFICER, case_ids=frozenset({case_id}))
    with transaction(db) as session:
        assert [i.label for i in evidence_of(session, assigned, case_id)] == ["MO-1"]


def test_a_triage_scan_is_linked_and_its_digest_compared(
    db: Engine, case_id: str, tmp_path: Path
) -> None:
    image = tmp_path / "exhibit.zip"
    with zipfile.ZipFile(image, "w") as archive:
        archive.writestr("notes/todo.txt", "buy milk\n")  # benign synthetic content
    digest = hashlib.sha256(image.read_bytes()).hexdigest()
    (tmp_path / "scratch").mkdir()
    result = scan(db, ScanRequest(image, case_id, "MO-1"), scratch=tmp_path / "scratch")
    seize(db, case_id, digest=digest)
    seize(db, case_id, label="MO-2", digest=FIRST)
    with transaction(db) as session:
        linked = link_scan(session, CLI, case_id, "MO-1", result.scan_id)
        wrong = link_scan(session, CLI, case_id, "MO-2", result.scan_id)
    assert (linked.scan_id, linked.scan_source_digest) == (result.scan_id, digest)
    assert [(s.kind, s.digest_matches) for s in linked.steps] == [
        (CustodyKind.SEIZED, None),
        (CustodyKind.EXAMINED, True),
    ]
    assert linked.alerts == ()
    assert len(wrong.alerts) == 1
    with transaction(db) as session, pytest.raises(UserInputError, match="No case"):
        link_scan(session, CLI, "KL-ERN-2026-0099", "MO-1", result.scan_id)
