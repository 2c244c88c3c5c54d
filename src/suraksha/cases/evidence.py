"""The evidence register of a case: seized devices, the seizure memo's facts, and each exhibit's
chain of custody with the digest taken at every step.

    item (label, kind, make/model, IMEIs, serial, seizure memo, videography, triage scan)
      └─ custody steps, in time order: seized → sealed → sent_to_lab → received_at_lab →
         examined → returned → produced_in_court   (any order the exhibit really took)
            each: when (UTC, shown IST), who handled it, where, the image/device digest, a note

The first digest recorded for an exhibit is its reference. A later digest of the same algorithm
that differs raises an `EvidenceAlert`: stored, shown with the exhibit, and audited
(`evidence.alert`), because a changed digest means the exhibit or its image is not what was
seized and the chain must be explained before a court relies on it (a BSA s.63 / IEA s.65B
certificate states the digest). A digest of another algorithm cannot be compared and is refused:
record the same algorithm the first step used (SHA-256 by preference).

Seizure memo: place, time, witnesses by name and seal numbers, as the memo (panchnama) has them.
Videography: BNSS s.105 — the search and seizure, including the list of things seized and its
signing by witnesses, "shall be recorded through any audio-video electronic means preferably
mobile phone", forwarded without delay to a magistrate (text: https://bnsbareact.org/?p=1707). An
exhibit seized with no recording reference is registered with a warning, since the CrPC (for
investigations pending on 1 Jul 2024) had no such duty.

Triage scans (one source of truth). A scan of the case's device by `suraksha scan` is the record
of its examination; the register never copies it. Each time an exhibit is shown, the scans of
its case (`--case` the case id or FIR number) are read through `triage.custody` and joined to the
exhibit when

    - the scan's device ids (`suraksha scan --device-id`) share an IMEI or the serial number with
      the exhibit (so a scan made before or after the exhibit is registered joins it alike), or
    - the scan is named for the exhibit (`evidence add --scan`, `evidence link-scan`: the one
      stored fact, `EvidenceItem.scan_id`).

Each joined scan appears in the custody history as an `examined` step at the scan's start, with
the source digest the scan took before reading it, in the algorithm of the exhibit's reference
digest (a scan takes SHA-256, SHA-1 and MD5), compared with that reference. A mismatch is the
same alert as any other: shown with the exhibit, stored as an `EvidenceAlert` (naming the scan
instead of a custody row) and audited `evidence.alert` once, by the first read or change of the
register that finds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from suraksha.cases.deadlines import IST
from suraksha.cases.models import Case, CustodyStep, EvidenceAlert, EvidenceItem
from suraksha.cases.workflow import FUTURE_SLACK, load_case, note_device_seized
from suraksha.errors import UserInputError
from suraksha.identity.devices import clean_device_id
from suraksha.security.audit import Who, record
from suraksha.security.policy import Actor, Permission
from suraksha.storage.base import utcnow
from suraksha.triage.custody import SourceExamination, examination_of, examinations


class ItemKind(StrEnum):
    """What was seized."""

    PHONE = "phone"
    LAPTOP = "laptop"
    DESKTOP = "desktop"
    TABLET = "tablet"
    STORAGE = "storage"  # pen drive, memory card, external disk
    SIM = "sim"
    OTHER = "other"


class CustodyKind(StrEnum):
    """A step in an exhibit's chain of custody."""

    SEIZED = "seized"
    SEALED = "sealed"
    SENT_TO_LAB = "sent_to_lab"  # to the forensic science laboratory
    RECEIVED_AT_LAB = "received_at_lab"
    EXAMINED = "examined"  # imaged or scanned (a triage scan is linked as one)
    RETURNED = "returned"  # from the laboratory to the police station's property room
    PRODUCED_IN_COURT = "produced_in_court"


DIGEST_LENGTHS: Final = {32: "MD5", 40: "SHA-1", 64: "SHA-256", 128: "SHA-512"}
"""Hex lengths of the digests an examiner records, and their algorithm."""
_HEX = re.compile(r"[0-9a-f]+")


@dataclass(frozen=True, slots=True)
class StepView:
    """A custody step as shown."""

    kind: CustodyKind
    at: datetime
    handler: str
    place: str
    digest: str | None
    digest_matches: bool | None
    note: str
    recorded_by: str
    scan_id: int | None = None  # an examination read from this triage scan (not a stored step)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "kind": self.kind.value,
            "at": self.at.isoformat(),
            "at_ist": self.at.astimezone(IST).strftime("%d %b %Y %H:%M IST"),
            "handler": self.handler,
            "place": self.place,
            "digest": self.digest,
            "digest_matches": self.digest_matches,
            "note": self.note,
            "recorded_by": self.recorded_by,
            "scan_id": self.scan_id,
        }


@dataclass(frozen=True, slots=True)
class ItemView:
    """An exhibit with its seizure memo, custody steps, alerts and warnings."""

    case_id: str
    label: str
    kind: ItemKind
    make: str | None
    model: str | None
    imeis: tuple[str, ...]
    serial: str | None
    seized_at: datetime | None
    seized_place: str | None
    witnesses: tuple[str, ...]
    seal_numbers: tuple[str, ...]
    videography_ref: str | None
    scan_id: int | None  # the scan that examined it: the one named for it, else the latest joined
    scan_ids: tuple[int, ...]  # every triage scan joined to it, oldest first
    steps: tuple[StepView, ...]
    alerts: tuple[str, ...]
    warnings: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (`evidence show --format json`)."""
        return {
            "case_id": self.case_id,
            "label": self.label,
            "kind": self.kind.value,
            "make": self.make,
            "model": self.model,
            "imeis": list(self.imeis),
            "serial": self.serial,
            "seized_at": self.seized_at.isoformat() if self.seized_at else None,
            "seized_place": self.seized_place,
            "witnesses": list(self.witnesses),
            "seal_numbers": list(self.seal_numbers),
            "videography_ref": self.videography_ref,
            "scan_id": self.scan_id,
            "scan_ids": list(self.scan_ids),
            "custody": [step.as_dict() for step in self.steps],
            "alerts": list(self.alerts),
            "warnings": list(self.warnings),
        }


def add_item(
    session: Session,
    who: Who,
    ref: str,
    *,
    label: str,
    kind: ItemKind,
    seized_at: datetime,
    seized_place: str,
    seized_by: str | None = None,
    make: str | None = None,
    model: str | None = None,
    imeis: Iterable[str] = (),
    serial: str | None = None,
    witnesses: Iterable[str] = (),
    seal_numbers: Iterable[str] = (),
    videography_ref: str | None = None,
    digest: str | None = None,
    scan_id: int | None = None,
) -> ItemView:
    """Register a seized exhibit with its seizure memo; records its `seized` custody step (with
    `digest` when one was taken on the spot) and the case's `device_seized` event. `scan_id`
    names the triage scan of the exhibit (as `link_scan` does); scans of the case whose device
    ids share an IMEI or the serial number join it without being named.

    IMEIs are checked as identity does (15 digits with a valid Luhn check digit, or 14 without
    it); a mistyped one is refused, because a wrong IMEI links the exhibit to someone else's
    reports.
    """
    case = load_case(session, who, ref, Permission.CASE_WRITE)
    label = label.strip()
    if not label:
        raise UserInputError("Give the exhibit's label as the seizure memo has it (MO-1).")
    if session.scalar(
        select(EvidenceItem.id).where(EvidenceItem.case_id == case.id, EvidenceItem.label == label)
    ):
        raise UserInputError(
            f"Case {case.id} already has an exhibit {label!r}; pick another label."
        )
    cleaned: list[str] = []
    for raw in imeis:
        value = clean_device_id(raw, "imei")
        if value is None or not value.startswith("imei:"):
            raise UserInputError(
                f"{raw!r} is not a valid IMEI (15 digits with a correct check digit): read it "
                "again from the device (*#06#) or its label."
            )
        cleaned.append(value)
    when = _aware(seized_at)
    place = seized_place.strip()
    if not place:
        raise UserInputError("Give the place of seizure as the memo has it.")
    item = EvidenceItem(
        case_id=case.id,
        label=label,
        kind=kind.value,
        make=_blank(make),
        model=_blank(model),
        imeis=sorted(set(cleaned)),
        serial=_blank(serial),
        seized_at=when,
        seized_place=place,
        witnesses=[w.strip() for w in witnesses if w.strip()],
        seal_numbers=[s.strip() for s in seal_numbers if s.strip()],
        videography_ref=_blank(videography_ref),
        added_by=_name(who),
    )
    session.add(item)
    session.flush()
    record(
        session,
        who,
        "evidence.add",
        "evidence",
        f"{case.id}/{label}",
        {"kind": kind.value, "imeis": len(cleaned), "seals": len(item.seal_numbers)},
    )
    _step(
        session,
        who,
        case,
        item,
        CustodyKind.SEIZED,
        at=when,
        handler=(seized_by or _name(who)).strip(),
        place=place,
        digest=digest,
        note="seizure memo",
    )
    note_device_seized(session, who, case, when)
    if scan_id is not None:
        _link(session, who, case, item, scan_id)
    return _view(session, who, case, item)


def record_custody(
    session: Session,
    who: Who,
    ref: str,
    label: str,
    kind: CustodyKind,
    *,
    at: datetime,
    handler: str,
    place: str,
    digest: str | None = None,
    note: str = "",
) -> tuple[StepView, str | None]:
    """Record a custody step of exhibit `label`; returns the step and, when its digest differs
    from the first one recorded, the alert raised (stored and audited)."""
    case = load_case(session, who, ref, Permission.CASE_WRITE)
    item = _item(session, case, label)
    if not handler.strip() or not place.strip():
        raise UserInputError("Say who handled the exhibit (--by) and where (--place).")
    return _step(
        session,
        who,
        case,
        item,
        kind,
        at=_aware(at),
        handler=handler.strip(),
        place=place.strip(),
        digest=digest,
        note=note.strip(),
    )


def link_scan(session: Session, who: Who, ref: str, label: str, scan_id: int) -> ItemView:
    """Name triage scan `scan_id` of the same case as the scan of exhibit `label` (for a scan
    whose device ids were not given); its examination then appears in the exhibit's custody as
    an `examined` step with the scan's source digest, compared with the exhibit's reference."""
    case = load_case(session, who, ref, Permission.CASE_WRITE)
    item = _item(session, case, label)
    _link(session, who, case, item, scan_id)
    return _view(session, who, case, item)


def _link(session: Session, who: Who, case: Case, item: EvidenceItem, scan_id: int) -> None:
    scan = examination_of(session, scan_id)
    if scan is None:
        raise UserInputError(
            f"There is no scan {scan_id} in this workspace. `suraksha scans list` shows the scans "
            "and their ids."
        )
    if scan.case_ref.strip().upper() not in _refs(case):
        raise UserInputError(
            f"Scan {scan_id} was made for case {scan.case_ref}, not {case.id}: link a scan of "
            "this case (`suraksha scans list`)."
        )
    item.scan_id = scan.scan_id
    session.flush()
    record(
        session,
        who,
        "evidence.link_scan",
        "evidence",
        f"{case.id}/{item.label}",
        {"scan_id": scan.scan_id, "device_label": scan.device_label},
    )


def evidence_of(session: Session, who: Who, ref: str) -> list[ItemView]:
    """The case's exhibits with their custody and alerts (the read is audited)."""
    case = load_case(session, who, ref, Permission.CASE_READ)
    items = session.scalars(
        select(EvidenceItem).where(EvidenceItem.case_id == case.id).order_by(EvidenceItem.label)
    )
    views = [_view(session, who, case, item) for item in items]
    record(session, who, "evidence.read", "case", case.id, {"items": len(views)})
    return views


def _step(
    session: Session,
    who: Who,
    case: Case,
    item: EvidenceItem,
    kind: CustodyKind,
    *,
    at: datetime,
    handler: str,
    place: str,
    digest: str | None,
    note: str,
) -> tuple[StepView, str | None]:
    value = _digest(digest)
    last = session.scalar(select(func.max(CustodyStep.at)).where(CustodyStep.item_id == item.id))
    if last is not None and at < last:
        raise UserInputError(
            f"The step is dated {_ist(at)}, before the exhibit's last step ({_ist(last)}): "
            "custody is recorded in order."
        )
    first = _reference(session, item)
    matches: bool | None = None
    if value is not None and first is not None:
        if len(value) != len(first):
            raise UserInputError(
                f"The exhibit's first digest is {DIGEST_LENGTHS[len(first)]}; give the "
                f"{DIGEST_LENGTHS[len(first)]} digest here too so that the two can be compared."
            )
        matches = value == first
    step = CustodyStep(
        item_id=item.id,
        kind=kind.value,
        at=at,
        handler=handler,
        place=place,
        digest=value,
        digest_matches=matches,
        note=note,
        recorded_by=_name(who),
    )
    session.add(step)
    session.flush()
    alert: str | None = None
    if matches is False and first is not None and value is not None:
        session.add(EvidenceAlert(item_id=item.id, step_id=step.id, expected=first, found=value))
        alert = _alert_text(kind, at, first, value)
        record(
            session,
            who,
            "evidence.alert",
            "evidence",
            f"{case.id}/{item.label}",
            {"step": kind.value, "expected": first, "found": value},
        )
    record(
        session,
        who,
        "evidence.custody",
        "evidence",
        f"{case.id}/{item.label}",
        {"step": kind.value, "digest": value, "matches": matches},
    )
    session.flush()
    return _step_view(step), alert


def _alert_text(kind: CustodyKind | str, at: datetime, expected: str, found: str) -> str:
    return (
        f"DIGEST MISMATCH at {kind} {_ist(at)}: {found} differs from the first digest recorded "
        f"({expected}); explain before relying on the exhibit"
    )


def _view(session: Session, who: Who, case: Case, item: EvidenceItem) -> ItemView:
    stored = list(
        session.scalars(
            select(CustodyStep)
            .where(CustodyStep.item_id == item.id)
            .order_by(CustodyStep.at, CustodyStep.id)
        )
    )
    kinds = {step.id: step for step in stored}
    alerts = [
        _alert_text(kinds[a.step_id].kind, kinds[a.step_id].at, a.expected, a.found)
        for a in session.scalars(
            select(EvidenceAlert)
            .where(EvidenceAlert.item_id == item.id, EvidenceAlert.step_id.is_not(None))
            .order_by(EvidenceAlert.id)
        )
        if a.step_id in kinds
    ]
    reference = _reference(session, item)
    scans = _joined_scans(session, case, item)
    examined = [_examined(scan, reference, item) for scan in scans]
    for step in examined:
        if step.digest_matches is False and reference is not None and step.digest is not None:
            alerts.append(_alert_text(step.kind, step.at, reference, step.digest))
            _raise_once(session, who, case, item, step, reference)
    steps = sorted(
        [_step_view(step) for step in stored] + examined,
        key=lambda step: (step.at, step.scan_id is not None),
    )
    warnings: list[str] = []
    if not item.videography_ref:
        warnings.append(
            "no audio-video recording of the seizure is referenced (BNSS s.105: the search, the "
            "list of things seized and its signing by witnesses are recorded and forwarded to a "
            "magistrate)"
        )
    if not item.witnesses:
        warnings.append("no witness to the seizure memo is named")
    if not item.seal_numbers:
        warnings.append("no seal number is recorded")
    if not any(step.digest for step in steps):
        warnings.append("no digest recorded yet: record one when the exhibit is imaged")
    for scan, step in zip(scans, examined, strict=True):
        if scan.digests and reference is None:
            warnings.append(
                f"triage scan {scan.scan_id}'s source digest cannot be verified: no digest was "
                "recorded at seizure or sealing"
            )
        elif scan.digests and step.digest_matches is None:
            warnings.append(
                f"triage scan {scan.scan_id} took no {DIGEST_LENGTHS[len(reference or '')]} "
                "digest of its source: it cannot be compared with the exhibit's reference"
            )
    latest = scans[-1].scan_id if scans else None
    return ItemView(
        case.id,
        item.label,
        ItemKind(item.kind),
        item.make,
        item.model,
        tuple(item.imeis),
        item.serial,
        item.seized_at,
        item.seized_place,
        tuple(item.witnesses),
        tuple(item.seal_numbers),
        item.videography_ref,
        item.scan_id if item.scan_id is not None else latest,
        tuple(scan.scan_id for scan in scans),
        tuple(steps),
        tuple(alerts),
        tuple(warnings),
    )


def _reference(session: Session, item: EvidenceItem) -> str | None:
    """The exhibit's reference digest: the first one recorded in its custody (at seizure or
    sealing, as a rule); examinations read from scans are compared with it, never become it."""
    return session.scalar(
        select(CustodyStep.digest)
        .where(CustodyStep.item_id == item.id, CustodyStep.digest.is_not(None))
        .order_by(CustodyStep.at, CustodyStep.id)
        .limit(1)
    )


def _refs(case: Case) -> set[str]:
    """What an examiner may have typed as the case of a scan: its id or its FIR number."""
    return {ref.strip().upper() for ref in (case.id, case.fir_number) if ref}


def _serial_key(value: str) -> str:
    return re.sub(r"[\s\-./:]", "", value).casefold()


def _joined_scans(session: Session, case: Case, item: EvidenceItem) -> list[SourceExamination]:
    """The scans of the case joined to the exhibit (module docstring), oldest first."""
    imeis = set(item.imeis)
    serial = _serial_key(item.serial) if item.serial else None
    joined: list[SourceExamination] = []
    for scan in examinations(session, _refs(case)):
        named = scan.scan_id == item.scan_id
        same_imei = any(device in imeis for device in scan.device_ids)
        same_serial = serial is not None and any(
            device.split(":", 1)[0].startswith("serial")
            and _serial_key(device.split(":", 1)[1]) == serial
            for device in scan.device_ids
        )
        if named or same_imei or same_serial:
            joined.append(scan)
    return joined


def _examined(scan: SourceExamination, reference: str | None, item: EvidenceItem) -> StepView:
    """A scan's examination as an `examined` step: its source digest in the reference's
    algorithm (SHA-256 when there is no reference), compared with the reference."""
    wanted = {32: "md5", 40: "sha1", 64: "sha256"}.get(len(reference)) if reference else "sha256"
    digest = scan.digests.get(wanted) if wanted else None
    matches = digest == reference if digest is not None and reference is not None else None
    if digest is None and reference is None:
        digest = scan.digests.get("sha256")
    how = (
        "named for the exhibit"
        if scan.scan_id == item.scan_id
        else "joined by the device ids given to the scan"
    )
    return StepView(
        CustodyKind.EXAMINED,
        scan.started_at,
        f"triage scan {scan.scan_id}",
        scan.source_path,
        digest,
        matches,
        f"suraksha scan {scan.scan_id} ({scan.source_kind}, {scan.status}), device "
        f"{scan.device_label}; {how}",
        "triage",
        scan.scan_id,
    )


def _raise_once(
    session: Session, who: Who, case: Case, item: EvidenceItem, step: StepView, expected: str
) -> None:
    """Store and audit the alert of a scan's mismatching digest, unless it was raised before."""
    found = step.digest or ""
    if session.scalar(
        select(EvidenceAlert.id).where(
            EvidenceAlert.item_id == item.id,
            EvidenceAlert.scan_id == step.scan_id,
            EvidenceAlert.found == found,
        )
    ):
        return
    session.add(
        EvidenceAlert(
            item_id=item.id, step_id=None, scan_id=step.scan_id, expected=expected, found=found
        )
    )
    session.flush()
    record(
        session,
        who,
        "evidence.alert",
        "evidence",
        f"{case.id}/{item.label}",
        {"step": step.kind.value, "scan_id": step.scan_id, "expected": expected, "found": found},
    )


def _step_view(step: CustodyStep) -> StepView:
    return StepView(
        CustodyKind(step.kind),
        step.at,
        step.handler,
        step.place,
        step.digest,
        step.digest_matches,
        step.note,
        step.recorded_by,
    )


def _item(session: Session, case: Case, label: str) -> EvidenceItem:
    item = session.scalar(
        select(EvidenceItem).where(
            EvidenceItem.case_id == case.id, EvidenceItem.label == label.strip()
        )
    )
    if item is None:
        raise UserInputError(
            f"Case {case.id} has no exhibit {label!r}: `suraksha evidence show {case.id}` lists them."
        )
    return item


def _digest(digest: str | None) -> str | None:
    if digest is None or not digest.strip():
        return None
    value = digest.strip().lower()
    if ":" in value:  # "sha256:…" as some tools print it
        value = value.split(":", 1)[1]
    if not _HEX.fullmatch(value) or len(value) not in DIGEST_LENGTHS:
        raise UserInputError(
            f"{digest!r} is not a digest: give the hex MD5, SHA-1, SHA-256 or SHA-512 of the "
            "image or device."
        )
    return value


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise UserInputError("Give the time with its zone (2026-11-20T10:30+05:30 for IST).")
    if at > utcnow() + FUTURE_SLACK:
        raise UserInputError(f"{_ist(at)} is in the future: record what has happened.")
    return at


def _blank(text: str | None) -> str | None:
    return text.strip() or None if text is not None else None


def _name(who: Who) -> str:
    return who.name if isinstance(who, Actor) else who


def _ist(moment: datetime) -> str:
    return moment.astimezone(IST).strftime("%d %b %Y %H:%M IST")
