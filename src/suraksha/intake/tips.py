"""Reading tips and their files: the intake domain's public view for other domains."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from suraksha.hashing.matcher import HashTarget, match_targets
from suraksha.intake.accounts import IpEventView, ip_event_view
from suraksha.intake.models import Account, Identifier, QuarantineRecord, Tip, TipFile
from suraksha.intake.records import AccountRole, IdentifierKind

TIP_FILE_TARGET = "tip_file"
PDQ_PAGE = 10_000
"""Tip files `tip_file_pdqs` reads a query: about 1 MB of rows, a few tens of milliseconds."""
_BATCH = 500
_MATERIAL_BANKS = frozenset({"known", "viral"})


@dataclass(frozen=True, slots=True)
class FileFacts:
    """A tip file's hashes, the platform's classification of it, its EXIF as the platform gave it
    ((type, name, value) triples) and the IP captures of its upload."""

    file_row_id: str
    md5: str | None
    classification: str | None
    annotations: tuple[str, ...]
    exif: tuple[tuple[str, str, str], ...] = ()
    ip_events: tuple[IpEventView, ...] = ()


@dataclass(slots=True)
class TipFacts:
    """What priority and routing need to know about one tip."""

    tip_id: str
    report_id: str
    incident_type: str | None
    incident_at: datetime | None
    received_at: datetime | None
    reporting_platform: str | None
    annotations: tuple[str, ...]
    escalated: bool
    roles: frozenset[str]  # roles of the accounts in the tip (intended_recipient, victim, ...)
    account_ids: tuple[str, ...]
    files: list[FileFacts] = field(default_factory=list)


def tips_of_accounts(session: Session, account_ids: Iterable[str]) -> list[TipFacts]:
    """The tips in which any of the accounts appear, by report number."""
    return tip_facts(session, set(tip_of_accounts(session, account_ids).values()))


def tip_of_accounts(session: Session, account_ids: Iterable[str]) -> dict[str, str]:
    """Account id → the id of the tip it appears in (an account belongs to one tip)."""
    wanted = sorted(set(account_ids))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), _BATCH):
        rows = session.execute(
            select(Account.id, Account.tip_id).where(Account.id.in_(wanted[start : start + _BATCH]))
        )
        found.update((account_id, tip_id) for account_id, tip_id in rows)
    return found


def tip_facts(session: Session, tip_ids: Iterable[str]) -> list[TipFacts]:
    """Facts of the given tips, by report number."""
    ids = sorted(set(tip_ids))
    facts: list[TipFacts] = []
    for start in range(0, len(ids), _BATCH):
        rows = session.scalars(
            select(Tip)
            .where(Tip.id.in_(ids[start : start + _BATCH]))
            .options(
                selectinload(Tip.accounts),
                selectinload(Tip.files).selectinload(TipFile.ip_events),
            )
        )
        for tip in rows:
            facts.append(
                TipFacts(
                    tip_id=tip.id,
                    report_id=tip.source_id,
                    incident_type=tip.incident_type,
                    incident_at=tip.incident_at,
                    received_at=tip.received_at,
                    reporting_platform=tip.reporting_platform,
                    annotations=tuple(tip.annotations),
                    escalated=tip.escalated,
                    roles=frozenset(account.role for account in tip.accounts),
                    account_ids=tuple(
                        a.id for a in tip.accounts if a.role == AccountRole.REPORTED.value
                    ),
                    files=[
                        FileFacts(
                            f.id,
                            f.md5,
                            f.classification,
                            tuple(f.annotations),
                            tuple((str(t), str(n), str(v)) for t, n, v in f.exif),
                            tuple(ip_event_view(e) for e in f.ip_events),
                        )
                        for f in tip.files
                    ],
                )
            )
    facts.sort(key=lambda fact: fact.report_id)
    return facts


@dataclass(frozen=True, slots=True)
class FileMatches:
    """What matching some tip files found, counted by what it means for the analyst."""

    matched: frozenset[str]  # ids of files with any match
    material: int  # files matching a known or viral bank: material to act on
    ignorable: int  # files matching only ignorable banks (NSRL and the like): not material


def match_files(session: Session, files: Sequence[TipFile]) -> FileMatches:
    """Match tip files against every bank (replacing earlier matches)."""
    return _match(session, [(f.id, f.md5, f.sha1, f.sha256, f.pdq) for f in files])


def match_file_rows(session: Session, rows: Sequence[Mapping[str, Any]]) -> FileMatches:
    """`match_files` for rows the pipeline has just bulk-inserted (dicts of tip_files columns)."""
    return _match(session, [(r["id"], r["md5"], r["sha1"], r["sha256"], r["pdq"]) for r in rows])


def _match(
    session: Session, files: list[tuple[str, str | None, str | None, str | None, str | None]]
) -> FileMatches:
    views = match_targets(
        session,
        [
            HashTarget(
                TIP_FILE_TARGET,
                file_id,
                {"md5": md5, "sha1": sha1, "sha256": sha256, "pdq": pdq},
            )
            for file_id, md5, sha1, sha256, pdq in files
        ],
    )
    kinds: dict[str, set[str]] = {}
    for view in views:
        kinds.setdefault(view.target_id, set()).add(view.bank_kind)
    return FileMatches(
        matched=frozenset(kinds),
        material=sum(1 for found in kinds.values() if found & _MATERIAL_BANKS),
        ignorable=sum(1 for found in kinds.values() if found == {"ignorable"}),
    )


def rematch_files(session: Session) -> int:
    """Match every tip file against the banks again (after a bank changed); returns files matched."""
    matched: set[str] = set()
    last = ""
    while True:
        rows = list(
            session.scalars(
                select(TipFile).where(TipFile.id > last).order_by(TipFile.id).limit(_BATCH)
            )
        )
        if not rows:
            return len(matched)
        matched.update(match_files(session, rows).matched)
        last = rows[-1].id


@dataclass(frozen=True, slots=True)
class IntakeCounts:
    """Totals for summaries."""

    tips: int
    files: int
    accounts: int
    quarantined: int


def counts(session: Session) -> IntakeCounts:
    """How many tips, files, reported accounts and quarantined units the workspace holds."""
    return IntakeCounts(
        tips=session.scalar(select(func.count()).select_from(Tip)) or 0,
        files=session.scalar(select(func.count()).select_from(TipFile)) or 0,
        accounts=session.scalar(
            select(func.count())
            .select_from(Account)
            .where(Account.role == AccountRole.REPORTED.value)
        )
        or 0,
        quarantined=session.scalar(select(func.count()).select_from(QuarantineRecord)) or 0,
    )


@dataclass(frozen=True, slots=True)
class ReportedFile:
    """A tip file found by one of its exact digests, or by its PDQ: the report that named it, and
    by what hash.

    `account_ids` are the tip's reported accounts (never victims or other roles), through which
    the identity domain finds the subjects the report belongs to.
    """

    algorithm: str  # "md5", "sha1", "sha256", or "pdq" (`files_with_row_ids`)
    value: str  # lower-case hex (a PDQ as the platform gave it)
    tip_id: str
    source: str
    report_id: str
    file_row_id: str
    classification: str | None
    account_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReportedDevice:
    """A device identifier (`imei:…`, `serialnumber:…`) as a tip reported it.

    `role` is the role of the account that carried it (`reported`, `victim`, …), or `file` when
    the platform gave it for an uploaded file. `account_ids` are the tip's reported accounts.
    """

    value: str
    tip_id: str
    source: str
    report_id: str
    role: str
    account_ids: tuple[str, ...]


_DIGEST_COLUMNS = {"md5": TipFile.md5, "sha1": TipFile.sha1, "sha256": TipFile.sha256}


def files_with_digests(session: Session, digests: Iterable[tuple[str, str]]) -> list[ReportedFile]:
    """Tip files whose MD5, SHA-1 or SHA-256 is one of `digests` ((algorithm, hex) pairs).

    Read-only. Hex is compared in lower case, as intake stores it. Sorted by report number.
    """
    wanted: dict[str, set[str]] = {}
    for algorithm, value in digests:
        if algorithm in _DIGEST_COLUMNS and value:
            wanted.setdefault(algorithm, set()).add(value.lower())
    found: list[tuple[str, str, TipFile, Tip]] = []
    for algorithm, values in sorted(wanted.items()):
        column = _DIGEST_COLUMNS[algorithm]
        ordered = sorted(values)
        for start in range(0, len(ordered), _BATCH):
            rows = session.execute(
                select(TipFile, Tip)
                .join(Tip, Tip.id == TipFile.tip_id)
                .where(column.in_(ordered[start : start + _BATCH]))
            )
            for tip_file, tip in rows:
                value = getattr(tip_file, algorithm)
                found.append((algorithm, value, tip_file, tip))
    return _reported_files(session, found)


def tip_file_pdqs(session: Session, *, page: int = PDQ_PAGE) -> Iterator[list[tuple[str, str]]]:
    """Every tip file that has a PDQ, as pages of (file row id, PDQ as stored) in row id order.

    For near-duplicate searches, which must compare every tip file (`triage.correlation`): keyset
    pagination on the primary key, so each page is one indexed range read and memory holds one
    page however many million files the tips name. Read-only. The PDQ is as the platform gave
    it (lower-cased when hex): callers check its form. Tips record no PDQ quality.
    """
    after = ""
    while True:
        rows = [
            (str(file_row_id), str(pdq))
            for file_row_id, pdq in session.execute(
                select(TipFile.id, TipFile.pdq)
                .where(TipFile.id > after, TipFile.pdq.is_not(None))
                .order_by(TipFile.id)
                .limit(page)
            )
        ]
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def files_with_row_ids(session: Session, file_row_ids: Iterable[str]) -> list[ReportedFile]:
    """Tip files by row id, as found by their PDQ (algorithm "pdq", value the file's PDQ).

    For the tip files a PDQ search found (`tip_file_pdqs`); files without a PDQ are left out.
    Read-only. Sorted by report number.
    """
    ids = sorted(set(file_row_ids))
    found: list[tuple[str, str, TipFile, Tip]] = []
    for start in range(0, len(ids), _BATCH):
        rows = session.execute(
            select(TipFile, Tip)
            .join(Tip, Tip.id == TipFile.tip_id)
            .where(TipFile.id.in_(ids[start : start + _BATCH]), TipFile.pdq.is_not(None))
        )
        found += [("pdq", str(tip_file.pdq), tip_file, tip) for tip_file, tip in rows]
    return _reported_files(session, found)


def _reported_files(
    session: Session, found: list[tuple[str, str, TipFile, Tip]]
) -> list[ReportedFile]:
    """(algorithm, value, tip file, tip) as `ReportedFile`s with the tips' reported accounts."""
    reported = _reported_accounts(session, {tip.id for _, _, _, tip in found})
    result = [
        ReportedFile(
            algorithm=algorithm,
            value=value,
            tip_id=tip.id,
            source=tip.source,
            report_id=tip.source_id,
            file_row_id=tip_file.id,
            classification=tip_file.classification,
            account_ids=reported.get(tip.id, ()),
        )
        for algorithm, value, tip_file, tip in found
    ]
    result.sort(key=lambda f: (f.report_id, f.source, f.file_row_id, f.algorithm))
    return result


def tips_with_device_ids(session: Session, values: Iterable[str]) -> list[ReportedDevice]:
    """Tips that carry one of the canonical device identifiers `values` (kind `device_id`).

    Read-only; identifiers that could not be cleaned (value None) never match. Sorted by report.
    """
    wanted = sorted({value for value in values if value})
    found: list[tuple[str, str, str]] = []  # (value, tip id, role)
    for start in range(0, len(wanted), _BATCH):
        batch = wanted[start : start + _BATCH]
        device = (Identifier.kind == IdentifierKind.DEVICE_ID.value) & Identifier.value.in_(batch)
        found += [
            (str(value), tip_id, role)
            for value, tip_id, role in session.execute(
                select(Identifier.value, Account.tip_id, Account.role)
                .join(Account, Account.id == Identifier.account_id)
                .where(device)
            )
        ]
        found += [
            (str(value), tip_id, "file")
            for value, tip_id in session.execute(
                select(Identifier.value, TipFile.tip_id)
                .join(TipFile, TipFile.id == Identifier.file_id)
                .where(device)
            )
        ]
    tip_ids = sorted({tip_id for _, tip_id, _ in found})
    tips: dict[str, Tip] = {}
    for start in range(0, len(tip_ids), _BATCH):
        for tip in session.scalars(select(Tip).where(Tip.id.in_(tip_ids[start : start + _BATCH]))):
            tips[tip.id] = tip
    reported = _reported_accounts(session, set(tips))
    result = [
        ReportedDevice(
            value=value,
            tip_id=tip_id,
            source=tips[tip_id].source,
            report_id=tips[tip_id].source_id,
            role=role,
            account_ids=reported.get(tip_id, ()),
        )
        for value, tip_id, role in sorted(set(found))
    ]
    result.sort(key=lambda d: (d.report_id, d.source, d.value, d.role))
    return result


def _reported_accounts(session: Session, tip_ids: set[str]) -> dict[str, tuple[str, ...]]:
    ids = sorted(tip_ids)
    accounts: dict[str, list[str]] = {}
    for start in range(0, len(ids), _BATCH):
        rows = session.execute(
            select(Account.tip_id, Account.id)
            .where(
                Account.tip_id.in_(ids[start : start + _BATCH]),
                Account.role == AccountRole.REPORTED.value,
            )
            .order_by(Account.tip_id, Account.position)
        )
        for tip_id, account_id in rows:
            accounts.setdefault(tip_id, []).append(account_id)
    return {tip_id: tuple(found) for tip_id, found in accounts.items()}
