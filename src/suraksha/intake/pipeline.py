"""The ingest pipeline: the only code that writes tips, and the keeper of their guarantees.

- **Transactional, in batches.** Documents are written `batch_size` at a time in one transaction with
  bulk inserts; a batch is stored whole or not at all. Should the database refuse a batch, its units
  are retried one by one so that only the unit at fault is quarantined.
- **Idempotent.** A document whose content digest was seen before changes nothing. A new document for
  a known report number becomes the report's next version, with a summary of what changed; every
  earlier raw document is kept.
- **Crash-safe.** A run killed at any point leaves only whole batches behind; running it again
  stores exactly what is missing, so the database ends as after an uninterrupted run.
- **Nothing lost.** A document that cannot be parsed is quarantined with the reason and its location
  (file, row, element); a later run that ingests a fixed document from the same place marks the
  quarantine record resolved. A file no format claims is counted and named as skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from suraksha.hashing.matcher import forget_targets
from suraksha.intake.discovery import InputUnit, discover
from suraksha.intake.formats.interface import TipFormat
from suraksha.intake.models import (
    Account,
    Address,
    Identifier,
    IncidentDetail,
    IngestRun,
    IpEvent,
    QuarantineRecord,
    RawDocument,
    Tip,
    TipFile,
    TipVersion,
    TipWarning,
)
from suraksha.intake.prepare import Prepared, prepared
from suraksha.intake.registry import FORMATS, format_named
from suraksha.intake.rows import TipRows, as_version
from suraksha.intake.tips import TIP_FILE_TARGET, match_file_rows
from suraksha.storage.base import utcnow
from suraksha.storage.bulk import bulk_insert
from suraksha.storage.session import session_factory

DEFAULT_BATCH = 500
EXAMPLES = 1000  # quarantined and skipped origins kept in a run's result; the database has all


@dataclass(slots=True)
class IngestResult:
    """What one ingest run did, for the summary printed to the analyst and for exit codes."""

    run_id: int
    added: int = 0
    new_versions: int = 0
    unchanged: int = 0
    # The first EXAMPLES of each (memory stays flat however many there are); totals below.
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (origin[ (where)], reason)
    skipped: list[str] = field(default_factory=list)
    quarantined_total: int = 0
    skipped_total: int = 0
    resolved: int = 0  # earlier quarantine records that this run's documents fixed
    warnings: int = 0
    files: int = 0  # files named in new tips, not counting ignorable ones
    matched_files: int = 0  # of those, files matching a known or viral bank
    ignorable_files: int = 0  # files matching only ignorable banks (NSRL…): not counted as material
    bundled: int = 0  # new tips whose file set repeats one already held (viral bundles)

    @property
    def seen(self) -> int:
        """Documents that were tips in a known format, whatever became of them."""
        return self.added + self.new_versions + self.unchanged + self.quarantined_total

    def counts(self) -> dict[str, Any]:
        """The result as plain counts: stored on the run and printed by `ingest --json`."""
        return {
            "run_id": self.run_id,
            "added": self.added,
            "new_versions": self.new_versions,
            "unchanged": self.unchanged,
            "quarantined": self.quarantined_total,
            "resolved": self.resolved,
            "skipped": self.skipped_total,
            "warnings": self.warnings,
            "files": self.files,
            "matched_files": self.matched_files,
            "ignorable_files": self.ignorable_files,
            "bundled": self.bundled,
        }

    def absorb(self, batch: IngestResult) -> None:
        """Add a committed batch's counts (and its first quarantined examples) to this run's."""
        for name in (
            "added", "new_versions", "unchanged", "quarantined_total", "resolved", "warnings",
            "files", "matched_files", "ignorable_files", "bundled",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(batch, name))
        self.quarantined += batch.quarantined[: max(0, EXAMPLES - len(self.quarantined))]


def plan(
    paths: Iterable[Path], format_name: str | None = None, *, scratch: Path | None = None
) -> Iterator[InputUnit]:
    """The units `ingest` would read, in order, found lazily; forcing a format limits detection.

    With `scratch`, archives are unpacked there (safely, within limits) and their tips ingested;
    without it an archive is reported as a file no format claims.
    """
    formats: Sequence[TipFormat] = FORMATS if format_name is None else (format_named(format_name),)
    return discover(paths, formats, scratch=scratch)


def count_units(paths: Iterable[Path], format_name: str | None = None) -> int:
    """How many units `plan` will yield, counting an archive as one (a cheap first walk)."""
    return sum(1 for _ in plan(paths, format_name))


def ingest(
    engine: Engine,
    units: Iterable[InputUnit],
    *,
    batch_size: int = DEFAULT_BATCH,
    workers: int = 0,
    on_unit: Callable[[InputUnit], None] | None = None,
    on_document: Callable[[], None] | None = None,
) -> IngestResult:
    """Read, parse and store every unit; see the module docstring for the guarantees.

    With `workers` > 0, documents are read and parsed in that many worker processes while this
    process writes (`suraksha.intake.prepare`); what is stored is the same.
    """
    make_session = session_factory(engine)
    with make_session.begin() as session:
        run = IngestRun(paths=[])
        session.add(run)
        session.flush()
        result = IngestResult(run_id=run.id)
    origins: list[str] = []
    documents = prepared(
        _noted(units, result, origins), result.run_id, workers=workers, on_unit=on_unit
    )
    for batch in _batches(documents, batch_size):
        _write_batch(make_session, batch, result)
        if on_document is not None:
            for _ in batch:
                on_document()
    with make_session.begin() as session:
        finished = session.get_one(IngestRun, result.run_id)
        finished.paths = origins[:1000]
        finished.finished_at = utcnow()
        finished.counts = result.counts()
    return result


def _noted(
    units: Iterable[InputUnit], result: IngestResult, origins: list[str]
) -> Iterator[InputUnit]:
    """The units to prepare; units no format claims are counted as skipped and go no further."""
    for unit in units:
        if len(origins) < 1000:
            origins.append(unit.origin)
        if unit.error is None and unit.fmt is None:
            result.skipped_total += 1
            if len(result.skipped) < EXAMPLES:
                result.skipped.append(unit.origin)
        else:
            yield unit


def _batches(items: Iterator[Prepared], size: int) -> Iterator[list[Prepared]]:
    while chunk := list(islice(items, size)):
        yield chunk


def _write_batch(
    make_session: sessionmaker[Session], batch: list[Prepared], result: IngestResult
) -> None:
    """Write a batch in one transaction; if the database refuses it, retry unit by unit."""
    try:
        with make_session.begin() as session:
            outcome = IngestResult(result.run_id)
            _store(session, batch, outcome)
    except DBAPIError:
        if len(batch) == 1:
            item = batch[0]
            with make_session.begin() as session:
                outcome = IngestResult(result.run_id)
                _quarantine(
                    session,
                    item,
                    "The database refused this tip (a value outside what the schema can hold); "
                    "report it with the quarantine id so the schema can be widened.",
                    outcome,
                )
            result.absorb(outcome)
            return
        for item in batch:
            _write_batch(make_session, [item], result)
        return
    result.absorb(outcome)


def _store(session: Session, batch: list[Prepared], outcome: IngestResult) -> None:
    digests = [item.digest for item in batch if item.digest is not None]
    known = set(
        session.scalars(
            select(TipVersion.content_digest).where(TipVersion.content_digest.in_(digests))
        )
    )
    ready: list[tuple[Prepared, TipRows]] = []
    for item in batch:
        if item.digest is not None:
            if item.digest in known:
                outcome.unchanged += 1
                continue
            known.add(item.digest)
        if item.rows is None:
            _quarantine(session, item, item.error or "unreadable", outcome)
        else:
            ready.append((item, item.rows))
    # A report may come twice in one batch (two corrected copies): split so each is its own step.
    while ready:
        seen: set[str] = set()
        step: list[tuple[Prepared, TipRows]] = []
        for entry in ready:
            if entry[1].tip_id in seen:
                break
            seen.add(entry[1].tip_id)
            step.append(entry)
        _store_step(session, step, outcome)
        ready = ready[len(step) :]


def _store_step(
    session: Session, step: list[tuple[Prepared, TipRows]], outcome: IngestResult
) -> None:
    tip_ids = [rows.tip_id for _, rows in step]
    existing = {
        tip_id: (version, snap)
        for tip_id, version, snap in session.execute(
            select(Tip.id, Tip.version, TipVersion.snapshot)
            .join(TipVersion, (TipVersion.tip_id == Tip.id) & (TipVersion.version == Tip.version))
            .where(Tip.id.in_(tip_ids))
        )
    }
    all_rows: list[TipRows] = []
    for _, rows in step:
        previous = existing.get(rows.tip_id)
        if previous is not None:
            as_version(rows, previous[0] + 1, previous[1])
            outcome.new_versions += 1
        else:
            outcome.added += 1
        all_rows.append(rows)
        outcome.warnings += len(rows.warnings)
        outcome.files += len(rows.files)
    outcome.bundled += _repeated_file_sets(
        session, [r.tip["file_set_digest"] for r in all_rows if r.tip_id not in existing]
    )

    replaced = [r.tip_id for r in all_rows if r.tip_id in existing]
    if replaced:
        _clear_derived(session, replaced)
    new_tips = [r.tip for r in all_rows if r.tip_id not in existing]
    _insert(session, Tip, new_tips)
    for rows in all_rows:
        if rows.tip_id in existing:
            values = {k: v for k, v in rows.tip.items() if k not in ("id", "first_ingested_at")}
            session.execute(update(Tip).where(Tip.id == rows.tip_id).values(**values))
    _insert(session, TipVersion, [r.version for r in all_rows])
    _insert(session, RawDocument, [d for r in all_rows for d in r.documents])
    _insert(session, TipWarning, [w for r in all_rows for w in r.warnings])
    # Owners before the accounts associated with them (a self-reference), then the rest.
    accounts = [a for r in all_rows for a in r.accounts]
    _insert(session, Account, [a for a in accounts if a["parent_account_id"] is None])
    _insert(session, Account, [a for a in accounts if a["parent_account_id"] is not None])
    _insert(session, IncidentDetail, [i for r in all_rows for i in r.incidents])
    files = [f for r in all_rows for f in r.files]
    _insert(session, TipFile, files)
    _insert(session, Identifier, [i for r in all_rows for i in r.identifiers])
    _insert(session, IpEvent, [e for r in all_rows for e in r.ip_events])
    _insert(session, Address, [a for r in all_rows for a in r.addresses])
    matched = match_file_rows(session, files)
    outcome.matched_files += matched.material
    outcome.ignorable_files += matched.ignorable
    outcome.files -= matched.ignorable
    outcome.resolved += _resolve_quarantine(session, [item for item, _ in step], outcome.run_id)


def _insert(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    bulk_insert(session.connection(), model.__table__, rows)


def _clear_derived(session: Session, tip_ids: list[str]) -> None:
    """Remove the rows derived from the current version of tips that are getting a new one."""
    old_files = list(session.scalars(select(TipFile.id).where(TipFile.tip_id.in_(tip_ids))))
    forget_targets(session, TIP_FILE_TARGET, old_files)
    # Children first, for databases or connections without ON DELETE CASCADE.
    accounts = select(Account.id).where(Account.tip_id.in_(tip_ids))
    incidents = select(IncidentDetail.id).where(IncidentDetail.tip_id.in_(tip_ids))
    files = select(TipFile.id).where(TipFile.tip_id.in_(tip_ids))
    for owner, ids in (
        (Identifier.account_id, accounts),
        (Identifier.incident_id, incidents),
        (Identifier.file_id, files),
    ):
        session.execute(delete(Identifier).where(owner.in_(ids)))
    for owner, ids in (
        (IpEvent.account_id, accounts),
        (IpEvent.incident_id, incidents),
        (IpEvent.file_id, files),
    ):
        session.execute(delete(IpEvent).where(owner.in_(ids)))
    session.execute(delete(Address).where(Address.account_id.in_(accounts)))
    session.execute(delete(Address).where(Address.incident_id.in_(incidents)))
    session.execute(
        delete(Account).where(Account.tip_id.in_(tip_ids), Account.parent_account_id.is_not(None))
    )
    session.execute(delete(Account).where(Account.tip_id.in_(tip_ids)))
    session.execute(delete(IncidentDetail).where(IncidentDetail.tip_id.in_(tip_ids)))
    session.execute(delete(TipFile).where(TipFile.tip_id.in_(tip_ids)))


def _repeated_file_sets(session: Session, digests: list[str | None]) -> int:
    """How many of these new tips repeat a file set already held, or seen earlier in the list."""
    wanted = sorted({d for d in digests if d is not None})
    if not wanted:
        return 0
    held = set(
        session.scalars(
            select(Tip.file_set_digest).where(Tip.file_set_digest.in_(wanted)).distinct()
        )
    )
    repeats = 0
    for digest in digests:
        if digest is None:
            continue
        repeats += digest in held
        held.add(digest)
    return repeats


def _location_key(item: Prepared) -> tuple[str, str | None]:
    return item.origin, item.location


def _quarantine(session: Session, item: Prepared, reason: str, outcome: IngestResult) -> None:
    origin, location = _location_key(item)
    shown = f"{origin} ({location})" if location else origin
    outcome.quarantined.append((shown, reason))
    outcome.quarantined_total += 1
    # The same bad document sent again is the same quarantine case, not a new one.
    digest = item.digest
    repeat = session.scalar(
        select(QuarantineRecord.id).where(
            QuarantineRecord.origin == origin,
            QuarantineRecord.resolved_run_id.is_(None),
            QuarantineRecord.location.is_(None)
            if location is None
            else QuarantineRecord.location == location,
            QuarantineRecord.content_digest.is_(None)
            if digest is None
            else QuarantineRecord.content_digest == digest,
        )
    )
    if repeat is not None:
        return
    session.add(
        QuarantineRecord(
            run_id=outcome.run_id,
            origin=origin,
            location=location,
            format_name=item.format_name,
            content_digest=item.digest,
            size=item.size,
            reason=reason,
        )
    )


def _resolve_quarantine(session: Session, stored: list[Prepared], run_id: int) -> int:
    """Mark open quarantine records of the same origin and location as fixed by this run."""
    resolved = 0
    keys = {_location_key(p) for p in stored}
    origins = sorted({origin for origin, _ in keys})
    if not origins:
        return 0
    open_records = session.scalars(
        select(QuarantineRecord).where(
            QuarantineRecord.origin.in_(origins),
            QuarantineRecord.resolved_run_id.is_(None),
            QuarantineRecord.run_id != run_id,
        )
    )
    for record in open_records:
        if (record.origin, record.location) in keys:
            record.resolved_run_id = run_id
            resolved += 1
    return resolved
