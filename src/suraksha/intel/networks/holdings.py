"""What each subject holds that another might hold too: the raw material of the network.

An artefact is something two people can only share by dealing with each other, or by chance:

    platform_group   a platform group identifier a report places the account in (service + id)
    file             a reported file, one artefact whatever digests the reports give it: MD5,
                     SHA-1 and SHA-256 on one reported file are joined, so a report giving only
                     MD5 and another giving only SHA-1 of the same file still meet
    device           a device identifier (IMEI, IMSI, ...) on two subjects' accounts: the identity
                     linker kept them apart (a shared handset), the network joins them
    connection       an IP capture attributable to one subscriber: address + source port + the
                     exact second; a capture without a port names no one and is left out
    contact          an intended recipient or associated account of one subject's report that is
                     another subject's own account (same service and user id, e-mail or phone)

A holding is one subject holding one artefact in one report. Files that say nothing about who
deals with whom are left out here, each with a count: files matching a `viral` or `ignorable` bank,
and files of a report the platform batched as viral. Reading is by columns, in batches, so that a
national workspace is read in one pass without loading ORM objects.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from suraksha.hashing.matcher import bank_kinds
from suraksha.identity.members import account_subjects
from suraksha.intake import network_reads
from suraksha.intake.network_reads import CaptureRow, FileRow, ReportRow
from suraksha.intake.records import AccountRole, IdentifierKind
from suraksha.intake.tips import TIP_FILE_TARGET

_SILENT_BANK_KINDS = frozenset({"viral", "ignorable"})
_CONTACT_KINDS = (
    IdentifierKind.PLATFORM_USER_ID.value,
    IdentifierKind.EMAIL.value,
    IdentifierKind.PHONE.value,
)


class ArtefactKind(StrEnum):
    """What two subjects can hold in common."""

    PLATFORM_GROUP = "platform_group"
    FILE = "file"
    DEVICE = "device"
    CONNECTION = "connection"
    CONTACT = "contact"


@dataclass(frozen=True, slots=True)
class Holding:
    """One subject holding one artefact in one report."""

    kind: ArtefactKind
    key: str  # the artefact, kind-prefixed: equal keys are the same artefact
    subject_id: str
    report_id: str  # the CyberTipline report number
    at: datetime | None  # when the report places it (upload, capture, incident)


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What the banks and the platform say about one file artefact."""

    label: str  # the digest an analyst can search for
    banks: frozenset[str]  # kinds of bank it matches (`known`, ...); empty when never seen
    self_produced: bool  # a platform annotated it as possible self-production


@dataclass(slots=True)
class Holdings:
    """Everything the network is built from, and what was deliberately left out."""

    holdings: list[Holding] = field(default_factory=list)
    files: dict[str, FileFacts] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # artefact key → what an analyst reads
    left_out: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    subjects: set[str] = field(default_factory=set)


def read_holdings(session: Session) -> Holdings:
    """Read every artefact every subject holds (see the module docstring)."""
    found = Holdings()
    account_subject: dict[str, str] = {a: s for a, s in session.execute(account_subjects())}
    tip_subjects: dict[str, set[str]] = defaultdict(set)
    for tip_id, account_id in network_reads.reported_accounts(session):
        if account_id in account_subject:
            tip_subjects[tip_id].add(account_subject[account_id])
    found.subjects.update(account_subject.values())
    reports = {row.tip_id: row for row in network_reads.reports(session)}
    _files(session, tip_subjects, reports, found)
    for row in network_reads.values(session, (IdentifierKind.GROUP.value,)):
        subject_id = account_subject.get(row.account_id)
        if subject_id is not None:
            key = f"platform_group:{row.service or '?'}:{row.value.casefold()}"
            found.labels[key] = f"{row.service or 'unknown service'} group {row.value}"
            found.holdings.append(
                Holding(
                    ArtefactKind.PLATFORM_GROUP, key, subject_id, row.report_id, row.incident_at
                )
            )
    for row in network_reads.values(session, (IdentifierKind.DEVICE_ID.value,)):
        subject_id = account_subject.get(row.account_id)
        if subject_id is not None:
            key = f"device:{row.value}"
            found.labels[key] = f"{row.qualifier or 'device'} {row.value}"
            found.holdings.append(
                Holding(ArtefactKind.DEVICE, key, subject_id, row.report_id, row.incident_at)
            )
    for capture in network_reads.captures(session):
        _connection(found, capture, account_subject, tip_subjects)
    _contacts(session, account_subject, found)
    return found


def _files(
    session: Session,
    tip_subjects: dict[str, set[str]],
    reports: dict[str, ReportRow],
    found: Holdings,
) -> None:
    matched = bank_kinds(session, TIP_FILE_TARGET)
    rows: list[FileRow] = list(network_reads.files(session))
    digests = _DigestUnion()
    for row in rows:
        digests.join(_digests(row))
    facts: dict[str, tuple[str, set[str], bool]] = {}
    for row in rows:
        keys = _digests(row)
        subjects = tip_subjects.get(row.tip_id)
        if not keys or not subjects:
            found.left_out["files without a digest or a subject"] += 1
            continue
        key = "file:" + digests.find(keys[0])
        label, banks, produced = facts.setdefault(key, (keys[0], set(), False))
        banks.update(matched.get(row.file_row_id, ()))
        if not produced and any(a.lower() == "possibleselfproduction" for a in row.annotations):
            facts[key] = (label, banks, True)
        report = reports[row.tip_id]
        if report.viral_batch:
            found.left_out["files of reports batched as viral"] += 1
            continue
        for subject_id in sorted(subjects):
            found.holdings.append(
                Holding(
                    ArtefactKind.FILE,
                    key,
                    subject_id,
                    report.report_id,
                    row.uploaded_at or report.incident_at,
                )
            )
    silent = {key for key, (_, banks, _) in facts.items() if banks & _SILENT_BANK_KINDS}
    if silent:
        kept = [h for h in found.holdings if h.key not in silent]
        found.left_out["holdings of files in viral or ignorable banks"] += len(
            found.holdings
        ) - len(kept)
        found.holdings = kept
    for key, (label, banks, produced) in facts.items():
        found.files[key] = FileFacts(label, frozenset(banks), produced)
        found.labels[key] = label


def _connection(
    found: Holdings,
    capture: CaptureRow,
    account_subject: dict[str, str],
    tip_subjects: dict[str, set[str]],
) -> None:
    """A capture of an account belongs to its subject; a file upload's, to its tip's subjects."""
    if capture.account_id is not None:
        subject = account_subject.get(capture.account_id)
        subjects = {subject} if subject is not None else set()
    else:
        subjects = tip_subjects.get(capture.tip_id, set())
    second = capture.at.replace(microsecond=0).isoformat()
    key = f"connection:{capture.address.lower()}:{capture.port}:{second}"
    found.labels[key] = f"{capture.address} port {capture.port} at {second}"
    for subject_id in sorted(subjects):
        found.holdings.append(
            Holding(ArtefactKind.CONNECTION, key, subject_id, capture.report_id, capture.at)
        )


def _contacts(session: Session, account_subject: dict[str, str], found: Holdings) -> None:
    """A recipient or associated account of one subject's report that is another subject's own."""
    roles = (
        AccountRole.REPORTED.value,
        AccountRole.INTENDED_RECIPIENT.value,
        AccountRole.ASSOCIATED.value,
    )
    rows = list(network_reads.values(session, _CONTACT_KINDS, roles))
    reported_of_tip: dict[str, list[str]] = defaultdict(list)
    owners: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if row.role == AccountRole.REPORTED.value and row.account_id in account_subject:
            reported_of_tip[row.tip_id].append(row.account_id)
            owners[_contact_key(row.kind, row.service, row.value)].add(
                account_subject[row.account_id]
            )
    for row in rows:
        if row.role == AccountRole.REPORTED.value:
            continue
        key = _contact_key(row.kind, row.service, row.value)
        if key not in owners:
            continue
        parent = row.parent_account_id
        if parent is not None and parent in account_subject:
            senders = {account_subject[parent]}
        else:
            senders = {account_subject[a] for a in reported_of_tip.get(row.tip_id, ())}
        relation = (
            "sent to" if row.role == AccountRole.INTENDED_RECIPIENT.value else "associated with"
        )
        service = f"{row.service} " if row.service else ""
        found.labels[key] = f"{relation} {service}{row.kind} {row.value}"
        for subject_id in sorted(senders | owners[key]):
            found.holdings.append(
                Holding(ArtefactKind.CONTACT, key, subject_id, row.report_id, row.incident_at)
            )


def _contact_key(kind: str, service: str | None, value: str) -> str:
    scope = (service or "") if kind == IdentifierKind.PLATFORM_USER_ID.value else ""
    return f"contact:{kind}:{scope}:{value}"


def _digests(row: FileRow) -> list[str]:
    return [
        f"{name}:{value}"
        for name, value in (("sha256", row.sha256), ("sha1", row.sha1), ("md5", row.md5))
        if value
    ]


class _DigestUnion:
    """Union-find over digests: digests given for one reported file name one artefact."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        root = item
        while self._parent.setdefault(root, root) != root:
            root = self._parent[root]
        while item != root:
            self._parent[item], item = root, self._parent[item]
        return root

    def join(self, items: list[str]) -> None:
        roots = sorted({self.find(item) for item in items})
        for other in roots[1:]:
            self._parent[other] = roots[0]
