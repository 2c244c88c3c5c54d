"""What the offender network (intel/networks) reads from intake, as plain rows.

Reports, their reported accounts, their files with every digest, and the values two people can
share: platform group identifiers, device identifiers, IP captures with a port and an instant
(accounts' and file uploads'), and the identifiers of intended recipients and associated accounts.
Columns, not ORM objects, each query one pass over its table, so that a national workspace is read
in seconds (see `identifier_facts` for why).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from suraksha.intake.models import Account, Identifier, IpEvent, Tip, TipFile
from suraksha.intake.records import AccountRole, IdentifierKind

_BATCH = 2_000


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One tip as the network reads it."""

    tip_id: str
    report_id: str
    incident_at: datetime | None
    viral_batch: bool  # the platform batched it as a viral bundle


@dataclass(frozen=True, slots=True)
class FileRow:
    """One reported file with its digests (lower-case hex where given)."""

    file_row_id: str
    tip_id: str
    md5: str | None
    sha1: str | None
    sha256: str | None
    uploaded_at: datetime | None
    annotations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ValueRow:
    """An identifier value on an account, with the account's report."""

    account_id: str
    role: str
    parent_account_id: str | None
    tip_id: str
    kind: str
    service: str | None
    qualifier: str | None
    value: str  # the cleaned value, or the raw text where cleaning gave none (group names)
    report_id: str
    incident_at: datetime | None


@dataclass(frozen=True, slots=True)
class CaptureRow:
    """An IP capture with a port and an instant: of an account, or of a file upload (account None)."""

    account_id: str | None
    tip_id: str
    address: str
    port: int
    at: datetime
    report_id: str


def reports(session: Session) -> Iterator[ReportRow]:
    """Every tip."""
    for tip_id, report_id, incident_at, batch_reason in session.execute(
        select(Tip.id, Tip.source_id, Tip.incident_at, Tip.batch_reason).order_by(Tip.id)
    ):
        yield ReportRow(tip_id, report_id, incident_at, bool(batch_reason))


def reported_accounts(session: Session) -> Iterator[tuple[str, str]]:
    """(tip id, account id) of every reported account."""
    rows = session.execute(
        select(Account.tip_id, Account.id)
        .where(Account.role == AccountRole.REPORTED.value)
        .order_by(Account.id)
    )
    yield from ((tip_id, account_id) for tip_id, account_id in rows)


def files(session: Session) -> Iterator[FileRow]:
    """Every reported file."""
    for row in session.execute(
        select(
            TipFile.id,
            TipFile.tip_id,
            TipFile.md5,
            TipFile.sha1,
            TipFile.sha256,
            TipFile.uploaded_at,
            TipFile.annotations,
        ).order_by(TipFile.id)
    ):
        yield FileRow(
            row.id,
            row.tip_id,
            _hex(row.md5),
            _hex(row.sha1),
            _hex(row.sha256),
            row.uploaded_at,
            tuple(str(a) for a in row.annotations or ()),
        )


def values(
    session: Session, kinds: Iterable[str], roles: Iterable[str] = (AccountRole.REPORTED.value,)
) -> Iterator[ValueRow]:
    """Identifier values of the given kinds on accounts in the roles; a group identifier with no
    cleaned value is given by its raw text (a group name is what the platform wrote)."""
    query = (
        select(
            Account.id,
            Account.role,
            Account.parent_account_id,
            Account.tip_id,
            Identifier.kind,
            Identifier.service,
            Identifier.qualifier,
            Identifier.value,
            Identifier.raw,
            Tip.source_id,
            Tip.incident_at,
        )
        .join(Account, Account.id == Identifier.account_id)
        .join(Tip, Tip.id == Account.tip_id)
        .where(Identifier.kind.in_(sorted(kinds)), Account.role.in_(sorted(roles)))
        .order_by(Identifier.id)
    )
    for row in session.execute(query):
        text = row.value
        if text is None and row.kind == IdentifierKind.GROUP.value:
            text = (row.raw or "").strip() or None
        if text is None:
            continue
        yield ValueRow(
            row.id,
            row.role,
            row.parent_account_id,
            row.tip_id,
            row.kind,
            row.service,
            row.qualifier,
            text,
            row.source_id,
            row.incident_at,
        )


def captures(session: Session) -> Iterator[CaptureRow]:
    """IP captures with a port and an instant, of reported accounts and of file uploads."""
    by_account = (
        select(Account.id, Account.tip_id, IpEvent.address, IpEvent.port, IpEvent.at, Tip.source_id)
        .join(Account, Account.id == IpEvent.account_id)
        .join(Tip, Tip.id == Account.tip_id)
        .where(
            Account.role == AccountRole.REPORTED.value,
            IpEvent.port.is_not(None),
            IpEvent.at.is_not(None),
        )
        .order_by(IpEvent.id)
    )
    for account_id, tip_id, address, port, at, report_id in session.execute(by_account):
        if port is not None and at is not None:
            yield CaptureRow(account_id, tip_id, address, port, at, report_id)
    by_file = (
        select(TipFile.tip_id, IpEvent.address, IpEvent.port, IpEvent.at, Tip.source_id)
        .join(TipFile, TipFile.id == IpEvent.file_id)
        .join(Tip, Tip.id == TipFile.tip_id)
        .where(IpEvent.port.is_not(None), IpEvent.at.is_not(None))
        .order_by(IpEvent.id)
    )
    for tip_id, address, port, at, report_id in session.execute(by_file):
        if port is not None and at is not None:
            yield CaptureRow(None, tip_id, address, port, at, report_id)


def report_numbers(session: Session, account_ids: Iterable[str]) -> dict[str, str]:
    """Account id → the report number of its tip."""
    wanted = sorted(set(account_ids))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), _BATCH):
        for account_id, report_id in session.execute(
            select(Account.id, Tip.source_id)
            .join(Tip, Tip.id == Account.tip_id)
            .where(Account.id.in_(wanted[start : start + _BATCH]))
        ):
            found[account_id] = report_id
    return found


def _hex(value: str | None) -> str | None:
    return value.strip().lower() if value and value.strip() else None
