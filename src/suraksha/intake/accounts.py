"""Reading accounts and their identifiers: the intake domain's public view for other domains."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from suraksha.intake.models import Account, Identifier, IpEvent, Tip
from suraksha.intake.records import AccountRole

_BATCH = 500


@dataclass(frozen=True, slots=True)
class IdentifierFact:
    """A cleaned identifier of an account, with where it came from."""

    account_id: str
    identifier_id: int
    kind: str
    value: str
    raw: str
    report_id: str
    path: str


@dataclass(frozen=True, slots=True)
class AddressView:
    """A reported address with its provenance."""

    report_id: str
    path: str
    street: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country: str | None


@dataclass(frozen=True, slots=True)
class IpEventView:
    """An IP capture with port and exact instant (both needed to attribute a CGNAT address)."""

    address: str
    port: int | None
    at: datetime | None
    at_text: str | None
    event: str | None
    possible_proxy: bool | None = None  # the platform's flag: a VPN, proxy or hosting address


@dataclass(slots=True)
class AccountView:
    """One account as a subject profile shows it."""

    account_id: str
    report_id: str
    role: str
    service: str | None
    identifiers: list[tuple[str, str, str | None]] = field(default_factory=list)  # kind, raw, value
    addresses: list[AddressView] = field(default_factory=list)
    estimated_location: dict[str, Any] = field(default_factory=dict)
    ip_events: list[IpEventView] = field(default_factory=list)
    prior_reports: list[str] = field(default_factory=list)  # earlier CyberTipline report numbers
    details: dict[str, Any] = field(default_factory=dict)  # what else the platform said (bio…)


def account_ids(session: Session, role: AccountRole = AccountRole.REPORTED) -> list[str]:
    """Ids of every account in the role, sorted."""
    return list(
        session.scalars(select(Account.id).where(Account.role == role.value).order_by(Account.id))
    )


def identifier_facts(
    session: Session,
    kinds: Iterable[str],
    role: AccountRole = AccountRole.REPORTED,
    *,
    accounts: Iterable[str] | None = None,
    values: Iterable[str] | None = None,
) -> Iterator[IdentifierFact]:
    """Every cleaned identifier of the given kinds on accounts in the role, in a stable order.

    Identifiers whose raw text could not be cleaned (masked, malformed) are not returned: they can
    never link accounts. `accounts` keeps only those accounts' identifiers and `values` only those
    cleaned values (through the kind/value index), so that incremental linking reads what a few
    new accounts hold and who else holds it, not every identifier; order is then per batch.
    """
    base = (
        select(Identifier, Account.id, Tip.source_id)
        .join(Account, Account.id == Identifier.account_id)
        .join(Tip, Tip.id == Account.tip_id)
        .where(
            Account.role == role.value,
            Identifier.kind.in_(sorted(kinds)),
            Identifier.value.is_not(None),
        )
        .order_by(Identifier.account_id, Identifier.id)
    )
    queries = [base]
    if accounts is not None:
        wanted = sorted(set(accounts))
        queries = [
            base.where(Identifier.account_id.in_(wanted[start : start + _BATCH]))
            for start in range(0, len(wanted), _BATCH)
        ]
    if values is not None:
        chosen = sorted(set(values))
        queries = [
            query.where(Identifier.value.in_(chosen[start : start + _BATCH]))
            for query in queries
            for start in range(0, len(chosen), _BATCH)
        ]
    for query in queries:
        yield from _facts(session, query)


def _facts(session: Session, query: Select[Identifier, str, str]) -> Iterator[IdentifierFact]:
    for ident, account_id, report_id in session.execute(query):
        assert ident.value is not None  # filtered in the query; narrows the type
        yield IdentifierFact(
            account_id=account_id,
            identifier_id=ident.id,
            kind=ident.kind,
            value=ident.value,
            raw=ident.raw,
            report_id=report_id,
            path=ident.path,
        )


@dataclass(frozen=True, slots=True)
class IpEventFact:
    """An IP capture of an account, with where it came from (for linking on address and instant)."""

    account_id: str
    event_id: int
    address: str
    port: int | None
    at: datetime | None
    at_text: str | None
    event: str | None
    possible_proxy: bool | None
    report_id: str
    path: str


def ip_event_facts(
    session: Session, role: AccountRole = AccountRole.REPORTED
) -> Iterator[IpEventFact]:
    """Every IP capture of accounts in the role (not those of files or incidents), in a stable order.

    All of them: addresses are stored as reported and IPv6 compares by /64, which an index on the
    text cannot answer, so the identity linker reads the (narrow) rows and blocks them itself.
    """
    query = (
        select(IpEvent, Tip.source_id)
        .join(Account, Account.id == IpEvent.account_id)
        .join(Tip, Tip.id == Account.tip_id)
        .where(Account.role == role.value)
        .order_by(IpEvent.account_id, IpEvent.id)
    )
    for row, report_id in session.execute(query):
        assert row.account_id is not None  # joined on it; narrows the type
        yield IpEventFact(
            account_id=row.account_id,
            event_id=row.id,
            address=row.address,
            port=row.port,
            at=row.at,
            at_text=row.at_text,
            event=row.event,
            possible_proxy=row.possible_proxy,
            report_id=report_id,
            path=row.path,
        )


def ip_event_view(event: IpEvent) -> IpEventView:
    """The public view of a stored IP capture (an account's or a file upload's)."""
    return IpEventView(
        event.address, event.port, event.at, event.at_text, event.event, event.possible_proxy
    )


def account_views(session: Session, ids: Iterable[str]) -> list[AccountView]:
    """Full views of the given accounts, ordered by report number then account id."""
    wanted = sorted(set(ids))
    views: list[AccountView] = []
    for start in range(0, len(wanted), _BATCH):
        rows = session.scalars(
            select(Account)
            .where(Account.id.in_(wanted[start : start + _BATCH]))
            .options(
                selectinload(Account.identifiers),
                selectinload(Account.addresses),
                selectinload(Account.ip_events),
                selectinload(Account.tip),
            )
        )
        for account in rows:
            report_id = account.tip.source_id
            views.append(
                AccountView(
                    account_id=account.id,
                    report_id=report_id,
                    role=account.role,
                    service=account.service,
                    identifiers=[(i.kind, i.raw, i.value) for i in account.identifiers],
                    addresses=[
                        AddressView(
                            report_id,
                            a.path,
                            a.street,
                            a.city,
                            a.state,
                            a.postal_code,
                            a.country,
                        )
                        for a in account.addresses
                    ],
                    estimated_location=dict(account.estimated_location),
                    ip_events=[ip_event_view(e) for e in account.ip_events],
                    prior_reports=[str(p) for p in account.prior_reports],
                    details=dict(account.details),
                )
            )
    views.sort(key=lambda view: (view.report_id, view.account_id))
    return views
