"""The ingest pipeline: the only code that writes tips, and the keeper of their guarantees.

- **Transactional.** Units are written in batches, each unit inside its own savepoint: a unit is stored
  whole or not at all, and one bad unit never takes its batch down with it.
- **Idempotent.** A unit whose content digest was seen before changes nothing. A new document for a
  known report number becomes the report's next version; every earlier raw document is kept.
- **Nothing lost.** A unit that cannot be parsed is recorded in quarantine with the reason; a file no
  format claims is counted and named as skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from suraksha.errors import FormatError
from suraksha.identity.types import clean_identifier
from suraksha.ids import content_digest, make_id
from suraksha.intake.discovery import InputUnit, discover
from suraksha.intake.formats.interface import TipDocument, TipFormat
from suraksha.intake.models import (
    Account,
    Address,
    Identifier,
    IngestRun,
    IpEvent,
    QuarantineRecord,
    RawDocument,
    Tip,
    TipFile,
    TipVersion,
    TipWarning,
)
from suraksha.intake.records import AccountRecord, IpEventRecord, ParsedTip
from suraksha.intake.registry import FORMATS, format_named
from suraksha.intake.tips import match_files
from suraksha.storage.base import utcnow
from suraksha.storage.session import session_factory

BATCH_UNITS = 100


@dataclass(slots=True)
class IngestResult:
    """What one ingest run did, for the summary printed to the analyst and for exit codes."""

    run_id: int
    added: int = 0
    new_versions: int = 0
    unchanged: int = 0
    quarantined: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: int = 0
    files: int = 0
    matched_files: int = 0

    @property
    def seen(self) -> int:
        """Units that were tips in a known format, whatever became of them."""
        return self.added + self.new_versions + self.unchanged + len(self.quarantined)

    def counts(self) -> dict[str, Any]:
        """The result as plain counts, stored on the run."""
        return {
            "added": self.added,
            "new_versions": self.new_versions,
            "unchanged": self.unchanged,
            "quarantined": len(self.quarantined),
            "skipped": len(self.skipped),
            "warnings": self.warnings,
            "files": self.files,
            "matched_files": self.matched_files,
        }


def plan(paths: Iterable[Path], format_name: str | None = None) -> list[InputUnit]:
    """The units `ingest` would read, in order; forcing a format makes it claim every unit."""
    formats: Sequence[TipFormat] = FORMATS if format_name is None else (format_named(format_name),)
    return list(discover(paths, formats))


def ingest(
    engine: Engine,
    units: Sequence[InputUnit],
    *,
    on_unit: Callable[[InputUnit], None] | None = None,
) -> IngestResult:
    """Read, parse and store every unit; see the module docstring for the guarantees."""
    make_session = session_factory(engine)
    with make_session.begin() as session:
        run = IngestRun(paths=sorted({str(unit.path) for unit in units}))
        session.add(run)
        session.flush()
        result = IngestResult(run_id=run.id)
    for start in range(0, len(units), BATCH_UNITS):
        with make_session.begin() as session:
            for unit in units[start : start + BATCH_UNITS]:
                _ingest_unit(session, unit, result)
                if on_unit is not None:
                    on_unit(unit)
    with make_session.begin() as session:
        finished = session.get_one(IngestRun, result.run_id)
        finished.finished_at = utcnow()
        finished.counts = result.counts()
    return result


def _ingest_unit(session: Session, unit: InputUnit, result: IngestResult) -> None:
    if unit.fmt is None:
        result.skipped.append(str(unit.path))
        return
    document: TipDocument | None = None
    try:
        document = unit.fmt.load(unit.path)
        if _known_digest(session, document.digest):
            result.unchanged += 1
            return
        parsed = unit.fmt.parse(document)
    except FormatError as err:
        _quarantine(session, unit, document, str(err), result)
        return
    with session.begin_nested():
        _store(session, unit.fmt, document, parsed, result)


def _known_digest(session: Session, digest: str) -> bool:
    found = session.scalar(select(TipVersion.id).where(TipVersion.content_digest == digest))
    return found is not None


def _quarantine(
    session: Session,
    unit: InputUnit,
    document: TipDocument | None,
    reason: str,
    result: IngestResult,
) -> None:
    session.add(
        QuarantineRecord(
            run_id=result.run_id,
            origin=str(unit.path),
            format_name=unit.fmt.name if unit.fmt else None,
            content_digest=document.digest if document else None,
            size=document.size if document else None,
            reason=reason,
        )
    )
    result.quarantined.append((str(unit.path), reason))


def _store(
    session: Session,
    fmt: TipFormat,
    document: TipDocument,
    parsed: ParsedTip,
    result: IngestResult,
) -> None:
    record = parsed.tip
    tip_id = make_id("tip", record.source, record.source_id)
    tip = session.get(Tip, tip_id)
    if tip is None:
        tip = Tip(id=tip_id, source=record.source, source_id=record.source_id, version=1)
        session.add(tip)
        result.added += 1
    else:
        # A changed document for a known report: the new version replaces the derived rows,
        # the earlier raw documents stay in tip_versions/raw_documents.
        tip.version += 1
        tip.accounts.clear()
        tip.files.clear()
        session.flush()
        result.new_versions += 1
    tip.content_digest = document.digest
    tip.format_name = fmt.name
    tip.record_kind = fmt.record_kind
    tip.incident_type = record.incident_type
    tip.received_at = record.received_at
    tip.incident_at = record.incident_at
    tip.reporting_platform = record.reporting_platform
    tip.annotations = list(record.annotations)
    tip.escalated = record.escalated
    tip.updated_at = utcnow()

    version = TipVersion(
        tip_id=tip_id,
        version=tip.version,
        content_digest=document.digest,
        origin=str(document.origin),
        run_id=result.run_id,
        documents=[
            RawDocument(part_name=name, digest=content_digest(data), size=len(data), content=data)
            for name, data in document.parts
        ],
    )
    session.add(version)
    for warning in parsed.warnings:
        session.add(
            TipWarning(
                tip_id=tip_id, version=tip.version, path=warning.path, message=warning.message
            )
        )
    result.warnings += len(parsed.warnings)

    for position, account in enumerate(record.accounts):
        tip.accounts.append(_account_row(tip_id, position, account))
    for position, data in enumerate(record.files):
        hashes = {alg.lower(): value.lower() for alg, value in data.hashes.items()}
        tip.files.append(
            TipFile(
                id=make_id("file", tip_id, data.file_id),
                position=position,
                file_id=data.file_id,
                file_name=data.file_name,
                original_file_name=data.original_file_name,
                md5=hashes.pop("md5", None),
                sha1=hashes.pop("sha1", None),
                sha256=hashes.pop("sha256", None),
                pdq=hashes.pop("pdq", None),
                other_hashes=hashes,
                classification=data.classification,
                annotations=list(data.annotations),
                viewed_by_esp=data.viewed_by_esp,
                publicly_available=data.publicly_available,
                uploaded_at=data.uploaded_at,
                path=data.path,
                ip_events=[_ip_row(data.ip_event)] if data.ip_event else [],
            )
        )
    session.flush()
    result.files += len(tip.files)
    result.matched_files += len(match_files(session, tip.files))


def _account_row(tip_id: str, position: int, account: AccountRecord) -> Account:
    return Account(
        id=make_id("account", tip_id, account.role.value, position),
        position=position,
        role=account.role.value,
        service=account.service,
        age=account.age,
        estimated_location=dict(account.estimated_location),
        prior_reports=list(account.prior_reports),
        path=account.path,
        identifiers=[
            Identifier(
                kind=ident.kind.value,
                value=clean_identifier(
                    ident.kind, ident.raw, service=ident.service, qualifier=ident.qualifier
                ),
                raw=ident.raw,
                service=ident.service,
                qualifier=ident.qualifier,
                verified=ident.verified,
                path=ident.path,
            )
            for ident in account.identifiers
        ],
        ip_events=[_ip_row(event) for event in account.ip_events],
        addresses=[
            Address(
                street=address.street,
                city=address.city,
                state=address.state,
                postal_code=address.postal_code,
                country=address.country,
                kind=address.kind,
                path=address.path,
            )
            for address in account.addresses
        ],
    )


def _ip_row(event: IpEventRecord) -> IpEvent:
    return IpEvent(
        address=event.address,
        port=event.port,
        at=event.at,
        at_text=event.at_text,
        event=event.event,
        possible_proxy=event.possible_proxy,
        path=event.path,
    )
