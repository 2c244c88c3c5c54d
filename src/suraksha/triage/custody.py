"""The examinations triage made of a case's devices, as a chain of custody reads them.

A scan is the record of its examination: which source it read, when it began, the device's own
identifiers as the examiner gave them (`--device-id`), and the digests of the image or archive
taken before a single file in it was read (`Scan.source_digests`). Nothing else holds those facts:
the cases domain's evidence register (`cases.evidence`) reads them from here each time it shows
an exhibit's custody, so the examination step there can never disagree with the scan.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from suraksha.triage.models import Scan

ALGORITHMS: Final = ("sha256", "sha1", "md5")
"""The source digests a scan takes (`hashing.digests`), in order of preference."""


@dataclass(frozen=True, slots=True)
class SourceExamination:
    """One scan's examination of a device's source, as the chain of custody records it."""

    scan_id: int
    case_ref: str
    device_label: str
    device_ids: tuple[str, ...]  # canonical (`imei:…`, `serialnumber:…`; identity.devices)
    source_path: str
    source_kind: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    digests: Mapping[str, str] = field(default_factory=dict)
    """Algorithm (`ALGORITHMS`) → lower-case hex of the source, taken before it was read; empty
    for a folder, which has no single file to digest."""


def examinations(session: Session, case_refs: Collection[str]) -> list[SourceExamination]:
    """Every scan made for one of `case_refs` (a case's id and its FIR number, as examiners type
    either into `suraksha scan --case`; compared without regard to case), oldest first."""
    wanted = sorted({ref.strip().upper() for ref in case_refs if ref and ref.strip()})
    if not wanted:
        return []
    rows = session.scalars(
        select(Scan)
        .where(func.upper(func.trim(Scan.case_ref)).in_(wanted))
        .order_by(Scan.started_at, Scan.id)
    )
    return [_examination(row) for row in rows]


def examination_of(session: Session, scan_id: int) -> SourceExamination | None:
    """Scan `scan_id`'s examination, or None when there is no such scan."""
    row = session.get(Scan, scan_id)
    return _examination(row) if row is not None else None


def _examination(row: Scan) -> SourceExamination:
    stored = row.source_digests or {}
    digests = {
        name: str(stored[name]).lower() for name in ALGORITHMS if isinstance(stored.get(name), str)
    }
    if row.source_digest and "sha256" not in digests:
        digests["sha256"] = row.source_digest.lower()
    return SourceExamination(
        scan_id=row.id,
        case_ref=row.case_ref,
        device_label=row.device_label,
        device_ids=tuple(row.device_ids or ()),
        source_path=row.source_path,
        source_kind=row.source_kind,
        status=row.status,
        started_at=row.started_at,
        finished_at=row.finished_at,
        digests=digests,
    )
