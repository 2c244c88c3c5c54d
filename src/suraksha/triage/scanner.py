"""A scan: one device's source read, every file examined, matched, classed and stored, resumably.

    open_source ─► digest of the source file (before any file in it is read) ─► Scan row + custody
        │
        └► entries ─► (archives entered) ─► workers: examine ─► main process, in batches:
                                                     match_targets ─► classify ─► ScannedFile rows

Resuming: a scan is identified by case, device and source path. Running `scan` again on the same
three while the last scan is unfinished continues it: the source's digest is checked against the
one recorded (the evidence must not have changed), the files already stored are skipped without
being read, and every file is stored once, because its id is derived from (scan, path, inode) and
each batch is one transaction. A finished scan is never reopened; scanning again starts a new one
(with the banks as they are now).
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import metadata
from pathlib import Path
from typing import Any, Final, Protocol

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from suraksha import __version__
from suraksha.errors import UserInputError
from suraksha.hashing.banks import list_banks
from suraksha.hashing.digests import FileDigests
from suraksha.hashing.matcher import HashTarget, MatchView, match_targets
from suraksha.hashing.pdq import PREPROCESSING_VERSION
from suraksha.hashing.video import VIDEO_PREPROCESSING_VERSION, VideoHash
from suraksha.identity.devices import clean_device_id
from suraksha.ids import make_id
from suraksha.parallel import ordered_map
from suraksha.storage.base import utcnow
from suraksha.storage.session import reading, transaction
from suraksha.triage.archives import Expansion, expand, looks_like_archive
from suraksha.triage.classes import FileClass, classify
from suraksha.triage.examination import Examination, Job, examine
from suraksha.triage.models import CustodyEvent, Scan, ScannedFile
from suraksha.triage.opening import open_source
from suraksha.triage.sources import Source, SourceEntry

TARGET_KIND: Final = "device_file"
"""The matcher's target kind for scanned files (`hash_matches.target_kind`)."""

WORKER_CHUNK: Final = 16
"""Files handed to a worker at once: fewer round trips for the small files most devices are full
of (each costs about as much as digesting 100 KB), still a fraction of a second of pictures."""

DEFAULT_BATCH: Final = 200
"""Files per transaction: what an interruption can lose, and the matcher's lookup batch."""


class ScanStatus(StrEnum):
    """Where a scan is; only `finished` scans are never continued."""

    RUNNING = "running"
    INTERRUPTED = "interrupted"
    FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class ScanRequest:
    """What the examiner asked for: which source, for which case and device."""

    path: Path
    case_ref: str
    device_label: str
    device_ids: tuple[str, ...] = ()
    """The device's own identifiers read off the exhibit, as `TYPE:VALUE` ("IMEI:3569…")."""

    def __post_init__(self) -> None:
        if not self.case_ref.strip() or not self.device_label.strip():
            raise UserInputError(
                "Give the case reference (--case) and the device label (--device) as written "
                "on the seizure memo; neither may be empty."
            )
        self.canonical_device_ids()  # refuse a mistyped IMEI now, before reading anything

    def canonical_device_ids(self) -> list[str]:
        """The device ids in identity's canonical form (`imei:…`), sorted and distinct.

        Raises UserInputError for one that is not `TYPE:VALUE` or does not validate (an IMEI
        whose Luhn check digit is wrong, a placeholder).
        """
        found: set[str] = set()
        for given in self.device_ids:
            kind, _, value = given.partition(":")
            canonical = clean_device_id(value, kind) if value.strip() and kind.strip() else None
            if canonical is None:
                raise UserInputError(
                    f"--device-id {given!r} is not a usable device identifier. Write it as "
                    'TYPE:VALUE, e.g. IMEI:356938035643809 or "Serial Number:R58M123ABC"; an '
                    "IMEI must have its correct check digit."
                )
            found.add(canonical)
        return sorted(found)


class ScanObserver(Protocol):
    """What a scan reports as it goes (the command line draws its progress from it)."""

    def digesting(self, size: int | None) -> None:
        """The source file's digest is being taken (`size` bytes; None for a folder)."""

    def digested(self, count: int) -> None:
        """`count` more bytes of the source file were digested."""

    def planned(self, files: int, size: int) -> None:
        """`files` more files of `size` bytes in all are to be scanned."""

    def scanned(self, entry: SourceEntry, examination: Examination | None) -> None:
        """One file is done; `examination` is None when a resumed scan had stored it already."""


class QuietObserver:
    """An observer that ignores every event: subclass it to hear only those you need."""

    def digesting(self, size: int | None) -> None:
        pass

    def digested(self, count: int) -> None:
        pass

    def planned(self, files: int, size: int) -> None:
        pass

    def scanned(self, entry: SourceEntry, examination: Examination | None) -> None:
        pass


@dataclass(slots=True)
class ScanResult:
    """What a scan run did, and the whole scan's counts by class."""

    scan_id: int
    resumed: bool
    source_kind: str
    source_sha256: str | None
    examined: int = 0
    skipped: int = 0
    errors: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Files recorded in the whole scan."""
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class _Planned:
    file_id: str
    entry: SourceEntry
    job: Job
    expansion: Expansion | None = None


def scan(
    engine: Engine,
    request: ScanRequest,
    *,
    scratch: Path,
    workers: int = 0,
    batch_size: int = DEFAULT_BATCH,
    observer: ScanObserver | None = None,
) -> ScanResult:
    """Scan the source of `request` (see the module docstring); returns what was done.

    `scratch` is an empty folder of the workspace for extracted archives and image copies; it is
    left empty. Raises UserInputError when the source cannot be read as a device, or when it
    differs from the one an unfinished scan of the same case, device and path recorded.
    """
    report = observer or QuietObserver()
    source = open_source(request.path)
    report.digesting(source.size())
    digests = source.digest(report.digested)
    facts = source.facts()
    with transaction(engine) as session:
        row, resumed = _begin(session, request, source, digests, facts)
        scan_id = row.id
    result = ScanResult(scan_id, resumed, source.kind, digests.sha256 if digests else None)
    with reading(engine) as session:
        done = set(session.scalars(select(ScannedFile.id).where(ScannedFile.scan_id == scan_id)))
    try:
        entries = list(source.entries())
        report.planned(len(entries), sum(entry.size or 0 for entry in entries))
        plan = _plan(scan_id, entries, done, scratch, report, result)
        # Workers get only the `Job` and run `examine` itself: a worker then imports the light
        # examination module, not this one (SQLAlchemy, the matcher, faiss), so the pool starts
        # in under a second. `ordered_map` keeps order, so the plan is paired back in order.
        waiting: deque[_Planned] = deque()

        def jobs() -> Iterator[Job]:
            for planned in plan:
                waiting.append(planned)
                yield planned.job

        batch: list[tuple[_Planned, Examination]] = []
        for _, examination in ordered_map(examine, jobs(), workers=workers, chunk=WORKER_CHUNK):
            planned = waiting.popleft()
            batch.append((planned, examination))
            report.scanned(planned.entry, examination)
            if len(batch) >= batch_size:
                _store_batch(engine, scan_id, batch, result)
                batch = []
        _store_batch(engine, scan_id, batch, result)
    except BaseException:
        # Best effort: when the database itself failed, the original error is the one to see.
        with suppress(Exception):
            _mark(engine, scan_id, ScanStatus.INTERRUPTED, "scan interrupted", {})
        raise
    with transaction(engine) as session:
        result.counts = class_counts(session, scan_id)
    _mark(engine, scan_id, ScanStatus.FINISHED, "scan finished", {"counts": result.counts})
    return result


def file_id(scan_id: int, entry: SourceEntry) -> str:
    """The id of a scanned file: the same file of the same scan always gets the same id."""
    return make_id("triage-file", scan_id, entry.path, entry.inode)


def scanner_versions() -> dict[str, str]:
    """Suraksha's version and those of the libraries whose output a scan records."""
    versions = {
        "suraksha": __version__,
        "pdq_preprocessing": PREPROCESSING_VERSION,
        "vpdq_preprocessing": VIDEO_PREPROCESSING_VERSION,
    }
    for package in ("pillow", "numpy", "puremagic", "pytsk3", "libewf-python", "av"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def _begin(
    session: Session,
    request: ScanRequest,
    source: Source,
    digests: FileDigests | None,
    facts: dict[str, Any],
) -> tuple[Scan, bool]:
    source_path = str(request.path.resolve())
    sha256 = digests.sha256 if digests else None
    unfinished = session.scalars(
        select(Scan)
        .where(
            Scan.case_ref == request.case_ref,
            Scan.device_label == request.device_label,
            Scan.source_path == source_path,
            Scan.status != ScanStatus.FINISHED.value,
        )
        .order_by(Scan.id.desc())
    ).first()
    digest_detail = {"sha256": sha256, "md5": digests.md5, "sha1": digests.sha1} if digests else {}
    if unfinished is not None:
        if unfinished.source_digest != sha256:
            raise UserInputError(
                f"{request.path} now has SHA-256 {sha256}, but unfinished scan {unfinished.id} of "
                f"this case and device recorded {unfinished.source_digest}: the evidence changed "
                "since that scan began. Check the exhibit's integrity before going on; scan a "
                "new acquisition under another --device label."
            )
        unfinished.status = ScanStatus.RUNNING.value
        unfinished.device_ids = sorted({*unfinished.device_ids, *request.canonical_device_ids()})
        unfinished.resumed_at = utcnow()
        session.add(_custody(unfinished, "scan resumed", {"source_digest_verified": digest_detail}))
        return unfinished, True
    row = Scan(
        case_ref=request.case_ref,
        device_label=request.device_label,
        source_path=source_path,
        source_kind=source.kind,
        source_size=digests.size if digests else None,
        source_digest=sha256,
        source_digests=digest_detail | facts,
        scanner=scanner_versions(),
        banks=[
            {"bank": bank.name, "kind": bank.kind, "version": bank.version}
            for bank in list_banks(session)
        ],
        device_ids=request.canonical_device_ids(),
        status=ScanStatus.RUNNING.value,
    )
    session.add(row)
    session.flush()
    session.add(
        _custody(row, "scan started", {"source": source_path, "kind": source.kind, **digest_detail})
    )
    return row, False


def _custody(row: Scan, action: str, detail: dict[str, Any]) -> CustodyEvent:
    return CustodyEvent(
        scan_id=row.id,
        case_ref=row.case_ref,
        device_label=row.device_label,
        action=action,
        detail=detail,
    )


def _plan(
    scan_id: int,
    entries: Iterable[SourceEntry],
    done: set[str],
    scratch: Path,
    report: ScanObserver,
    result: ScanResult,
) -> Iterator[_Planned]:
    """The files to examine, in order; an archive's members come before the archive itself."""
    for entry in entries:
        identity = file_id(scan_id, entry)
        if identity in done:
            result.skipped += 1
            report.scanned(entry, None)
            continue
        expansion = expand(entry, scratch) if looks_like_archive(entry) else None
        if expansion is None:
            yield _Planned(identity, entry, Job(entry.locator, scratch))
            continue
        report.planned(len(expansion.members), sum(m.size or 0 for m in expansion.members))
        for member in expansion.members:
            member_id = file_id(scan_id, member)
            if member_id in done:
                result.skipped += 1
                report.scanned(member, None)
                continue
            yield _Planned(member_id, member, Job(member.locator, scratch))
        archive = expansion.archive
        yield _Planned(identity, archive, Job(archive.locator, scratch), expansion)


def _store_batch(
    engine: Engine, scan_id: int, batch: Sequence[tuple[_Planned, Examination]], result: ScanResult
) -> None:
    """Match and store one batch of examined files in one transaction."""
    if not batch:
        return
    targets = [
        _target(planned.file_id, digests, examination)
        for planned, examination in batch
        if (digests := examination.digests) is not None
    ]
    with transaction(engine) as session:
        matches: dict[str, list[MatchView]] = {}
        for view in match_targets(session, targets):
            matches.setdefault(view.target_id, []).append(view)
        for planned, examination in batch:
            row = _row(scan_id, planned, examination, matches.get(planned.file_id, []))
            result.errors += row.error is not None
            session.add(row)
    result.examined += len(batch)
    for planned, _ in batch:
        if planned.expansion is not None:
            planned.expansion.remove()


def _target(identity: str, digests: FileDigests, examination: Examination) -> HashTarget:
    """The matcher's target for a file: its digests, PDQ, and PDQ of its rotations and flips, or
    a video's usable frame hashes."""
    hashes = {**digests.as_mapping(), "pdq": examination.pdq}
    frames = (
        tuple((f.seconds, f.pdq.hex) for f in examination.video.usable())
        if examination.video
        else ()
    )
    return HashTarget(
        TARGET_KIND, identity, hashes, pdq_variants=examination.variants, frames=frames
    )


def video_facts(video: VideoHash | None) -> dict[str, Any]:
    """A video's vPDQ and stream facts as stored (`ScannedFile.video`); {} for no video hash.

    `frames` holds every hashed frame in `FrameHash.as_json` form, low quality included: what
    was hashed is recorded, what is matched on is chosen at match time."""
    if video is None:
        return {}
    return {
        "preprocessing": VIDEO_PREPROCESSING_VERSION,
        "duration": video.duration,
        "width": video.width,
        "height": video.height,
        "codec": video.codec,
        "truncated": video.truncated,
        "frames": [frame.as_json() for frame in video.frames],
    }


def _row(
    scan_id: int, planned: _Planned, examination: Examination, matches: list[MatchView]
) -> ScannedFile:
    entry, digests, kind = planned.entry, examination.digests, examination.file_type
    errors = [text for text in (entry.error, examination.error) if text]
    return ScannedFile(
        id=planned.file_id,
        scan_id=scan_id,
        path=entry.path,
        inode=entry.inode,
        size=digests.size if digests else entry.size,
        deleted=entry.deleted,
        modified_at=entry.times.modified,
        accessed_at=entry.times.accessed,
        changed_at=entry.times.changed,
        created_at=entry.times.created,
        md5=digests.md5 if digests else None,
        sha1=digests.sha1 if digests else None,
        sha256=digests.sha256 if digests else None,
        file_type=kind.mime,
        media=kind.media,
        file_class=classify(kind.media, matches).value,
        pdq=examination.pdq,
        quality=examination.quality,
        pdq_variants=list(examination.variants),
        exif=examination.exif,
        video=video_facts(examination.video),
        error="; ".join(errors) or None,
    )


def stored_scan(session: Session, scan_id: int) -> Scan:
    """Scan `scan_id` as stored; raises UserInputError (naming `scans list`) when there is none."""
    scan = session.get(Scan, scan_id)
    if scan is None:
        raise UserInputError(
            f"There is no scan {scan_id} in this workspace. `suraksha scans list` shows the scans "
            "and their ids."
        )
    return scan


def class_counts(session: Session, scan_id: int) -> dict[str, int]:
    """How many of a scan's files are in each class (every class listed, zeros included)."""
    rows = session.execute(
        select(ScannedFile.file_class, func.count())
        .where(ScannedFile.scan_id == scan_id)
        .group_by(ScannedFile.file_class)
    )
    found = Counter({name: int(count) for name, count in rows})
    return {file_class.value: found.get(file_class.value, 0) for file_class in FileClass}


def _mark(
    engine: Engine, scan_id: int, status: ScanStatus, action: str, detail: dict[str, Any]
) -> None:
    with transaction(engine) as session:
        row = session.get_one(Scan, scan_id)
        row.status = status.value
        if status is ScanStatus.FINISHED:
            row.finished_at = utcnow()
        session.add(_custody(row, action, detail))
