"""The evidence register: seizure memo, IMEI checks, custody steps and digest alerts, triage links."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

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
from suraksha.cases.models import CustodyStep, EvidenceAlert
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


def image_of(tmp_path: Path, name: str = "exhibit.zip", text: str = "buy milk\n") -> Path:
    """A small archive standing in for a device image (benign synthetic content)."""
    image = tmp_path / name
    with zipfile.ZipFile(image, "w") as archive:
        archive.writestr("notes/todo.txt", text)
    return image


def scan_of(db: Engine, tmp_path: Path, image: Path, case_ref: str, *device_ids: str) -> int:
    scratch = tmp_path / f"scratch-{image.stem}-{len(device_ids)}"
    scratch.mkdir(exist_ok=True)
    request = ScanRequest(image, case_ref, "MO-1", device_ids=device_ids)
    return scan(db, request, scratch=scratch).scan_id


def stored_steps(db: Engine) -> list[tuple[str, str]]:
    with transaction(db) as session:
        return [(s.kind, s.handler) for s in session.scalars(select(CustodyStep))]


def test_a_scan_given_the_imei_joins_the_exhibit_registered_after_it(
    db: Engine, case_id: str, tmp_path: Path
) -> None:
    image = image_of(tmp_path)
    digest = hashlib.sha256(image.read_bytes()).hexdigest()
    scan_id = scan_of(db, tmp_path, image, case_id, f"IMEI:{IMEI}")
    seize(db, case_id, digest=digest)
    with transaction(db) as session:
        [item] = evidence_of(session, CLI, case_id)
    assert (item.scan_id, item.scan_ids) == (scan_id, (scan_id,))
    assert [(s.kind, s.digest, s.digest_matches, s.scan_id) for s in item.steps] == [
        (CustodyKind.SEIZED, digest, None, None),
        (CustodyKind.EXAMINED, digest, True, scan_id),
    ]
    assert item.steps[1].handler == f"triage scan {scan_id}"
    assert item.steps[1].place == str(image.resolve())
    assert item.alerts == ()
    # One source of truth: the register stored the seizure only; the examination is the scan's.
    assert stored_steps(db) == [("seized", "SI Anil Kumar")]


def test_a_scan_made_later_joins_by_serial_and_a_mismatch_alerts_once(
    db: Engine, case_id: str, tmp_path: Path
) -> None:
    seize(db, case_id, label="MO-2", digest=FIRST, serial="R58M-123abc")
    scan_id = scan_of(db, tmp_path, image_of(tmp_path), case_id, "Serial Number:r58m123ABC")
    reads = []
    for _ in range(2):
        with transaction(db) as session:
            [item] = evidence_of(session, CLI, case_id)
            reads.append(item)
    item = reads[-1]
    examined = item.steps[-1]
    assert (examined.kind, examined.scan_id, examined.digest_matches) == (
        CustodyKind.EXAMINED,
        scan_id,
        False,
    )
    [alert] = item.alerts
    assert alert.startswith("DIGEST MISMATCH at examined") and FIRST in alert
    assert reads[0].alerts == reads[1].alerts
    with transaction(db) as session:
        audited = events(session, action="evidence.alert")
        stored = list(session.scalars(select(EvidenceAlert)))
        assert verify(session).intact
    assert [(e.object_id, e.detail["scan_id"], e.detail["expected"]) for e in audited] == [
        (f"{case_id}/MO-2", scan_id, FIRST)
    ]
    assert [(a.scan_id, a.step_id, a.expected) for a in stored] == [(scan_id, None, FIRST)]


def test_the_scan_digest_of_the_references_algorithm_is_compared(
    db: Engine, case_id: str, tmp_path: Path
) -> None:
    image = image_of(tmp_path)
    md5 = hashlib.md5(image.read_bytes()).hexdigest()  # noqa: S324 (what the examiner recorded)
    seize(db, case_id, digest=md5)
    scan_id = scan_of(db, tmp_path, image, case_id, f"IMEI:{IMEI}")
    with transaction(db) as session:
        [item] = evidence_of(session, CLI, case_id)
    assert [(s.digest, s.digest_matches, s.scan_id) for s in item.steps] == [
        (md5, None, None),
        (md5, True, scan_id),
    ]


def test_a_scan_without_a_reference_is_shown_unverified(
    db: Engine, case_id: str, tmp_path: Path
) -> None:
    image = image_of(tmp_path)
    scan_id = scan_of(db, tmp_path, image, case_id, f"IMEI:{IMEI}")
    seize(db, case_id)
    with transaction(db) as session:
        [item] = evidence_of(session, CLI, case_id)
        _, alert = record_custody(
            session,
            CLI,
            case_id,
            "MO-1",
            CustodyKind.SEALED,
            at=at("2026-01-12T12:00"),
            handler="SI",
            place="PS",
            digest=FIRST,  # the first digest recorded in custody: the reference from now on
        )
        [later] = evidence_of(session, CLI, case_id)
    assert item.steps[-1].digest == hashlib.sha256(image.read_bytes()).hexdigest()
    assert item.steps[-1].digest_matches is None and item.alerts == ()
    assert any(f"scan {scan_id}'s source digest cannot be verified" in w for w in item.warnings)
    assert alert is None  # the sealing step itself matches nothing before it
    assert later.steps[-1].digest_matches is False and len(later.alerts) == 1


def test_scans_of_other_cases_or_devices_do_not_join(
    db: Engine, case_id: str, tmp_path: Path
) -> None:
    seize(db, case_id, digest=FIRST)
    scan_of(db, tmp_path, image_of(tmp_path), "KL-TVM-2026-0007", f"IMEI:{IMEI}")
    scan_of(db, tmp_path, image_of(tmp_path, "other.zip"), case_id, "IMEI:356938035643809")
    with transaction(db) as session:
        [item] = evidence_of(session, CLI, case_id)
    assert (item.scan_id, item.scan_ids, len(item.steps), item.alerts) == (None, (), 1, ())


def test_a_scan_is_named_for_an_exhibit_by_add_or_link(
    db: Engine, case_id: str, tmp_path: Path
) -> None:
    image = image_of(tmp_path)
    digest = hashlib.sha256(image.read_bytes()).hexdigest()
    scan_id = scan_of(db, tmp_path, image, case_id)  # no device id given to the scan
    other = scan_of(db, tmp_path, image_of(tmp_path, "elsewhere.zip"), "KL-TVM-2026-0007")
    seize(db, case_id, digest=digest, scan_id=scan_id)
    seize(db, case_id, label="MO-2", digest=FIRST)
    with transaction(db) as session:
        linked = link_scan(session, CLI, case_id, "MO-2", scan_id)
        [first, _] = evidence_of(session, CLI, case_id)
    assert [(s.kind, s.digest_matches, s.scan_id) for s in first.steps] == [
        (CustodyKind.SEIZED, None, None),
        (CustodyKind.EXAMINED, True, scan_id),
    ]
    assert "named for the exhibit" in first.steps[1].note
    assert linked.scan_id == scan_id and len(linked.alerts) == 1
    with transaction(db) as session, pytest.raises(UserInputError, match="was made for case"):
        link_scan(session, CLI, case_id, "MO-1", other)
    with transaction(db) as session, pytest.raises(UserInputError, match="no scan 999"):
        link_scan(session, CLI, case_id, "MO-1", 999)
    with transaction(db) as session, pytest.raises(UserInputError, match="No case"):
        link_scan(session, CLI, "KL-ERN-2026-0099", "MO-1", scan_id)
    with transaction(db) as session:
        audited = events(session, action="evidence.link_scan")
    assert sorted(e.object_id for e in audited) == [f"{case_id}/MO-1", f"{case_id}/MO-2"]
