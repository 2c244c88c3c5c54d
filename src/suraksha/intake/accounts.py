"""Reading accounts and their identifiers: the intake domain's public view for other domains."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar, TypeVarTuple

from sqlalchemy import Result, Select, and_, or_, select
from sqlalchemy.orm import Session

from suraksha.intake.models import Account, Address, Identifier, IpEvent, Tip
from suraksha.intake.records import AccountRole

_BATCH = 500
_PAIRS = 200  # (line, port) pairs a query: SQLite's limit on an expression's depth is 1,000
_Q = TypeVar("_Q", bound="Select[*tuple[Any, ...]]")
_Ts = TypeVarTuple("_Ts")


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
    # Columns, not ORM entities: a full resolution reads millions of these rows, and building an
    # instance for each (identity map, instrumentation) costs more than the query.
    base = (
        select(
            Account.id,
            Identifier.id,
            Identifier.kind,
            Identifier.value,
            Identifier.raw,
            Tip.source_id,
            Identifier.path,
        )
        .join(Account, Account.id == Identifier.account_id)
        .join(Tip, Tip.id == Account.tip_id)
        .where(Account.role == role.value)
        .order_by(Identifier.account_id, Identifier.id)
    )
    wanted_kinds = frozenset(kinds)
    # With `accounts`, kinds and uncleaned values are dropped as rows are read (`_facts`): in SQL
    # either makes SQLite range-scan the (kind, value) index (every identifier of the kinds)
    # instead of seeking each account, 0.47 s a batch of 500 at 300k reports against 0.01 s.
    if accounts is None:
        base = base.where(Identifier.kind.in_(sorted(wanted_kinds)))
    # `value IN (...)` excludes NULL by itself; adding `IS NOT NULL` next to it makes SQLite scan
    # the (kind, value) index as a range (every non-NULL value of the kind) instead of seeking
    # each value: 0.09 s a batch at 100k reports, most of an incremental run.
    if values is None and accounts is None:
        base = base.where(Identifier.value.is_not(None))
    queries = _in_batches([base], Identifier.account_id, accounts)
    queries = _in_batches(queries, Identifier.value, values)
    for query in queries:
        yield from _facts(session, query, wanted_kinds)


def identifier_values(
    session: Session, kinds: Iterable[str], role: AccountRole = AccountRole.REPORTED
) -> Iterator[tuple[str, str, str]]:
    """(account id, kind, cleaned value) of every identifier of the given kinds on accounts in
    the role, uncleaned ones left out: `identifier_facts` without provenance (report, raw text,
    path), for whole-workspace passes that only need the values."""
    query = (
        select(Identifier.account_id, Identifier.kind, Identifier.value)
        .join(Account, Account.id == Identifier.account_id)
        .where(
            Account.role == role.value,
            Identifier.kind.in_(sorted(set(kinds))),
            Identifier.value.is_not(None),
        )
    )
    for account_id, kind, value in _rows(session, query):
        if account_id is not None and value:
            yield account_id, kind, value


def _rows(session: Session, query: Select[*_Ts]) -> Result[*_Ts]:
    """The rows of a column select, straight from the session's connection (flushed first, as
    `Session.execute` would): `Session.execute` builds ORM result machinery even for columns,
    13% of the time of reading a million IP captures."""
    session.flush()
    return session.connection().execute(query)


def _in_batches(queries: list[_Q], column: Any, values: Iterable[Any] | None) -> list[_Q]:
    """Each query narrowed to `column IN` one batch of `values` (every query, every batch); the
    queries unchanged when `values` is None (no filter)."""
    if values is None:
        return queries
    chosen = sorted(set(values))
    return [
        query.where(column.in_(chosen[start : start + _BATCH]))
        for query in queries
        for start in range(0, len(chosen), _BATCH)
    ]


def _facts(
    session: Session,
    query: Select[str, int, str, str | None, str, str, str],
    kinds: frozenset[str],
) -> Iterator[IdentifierFact]:
    for account_id, ident_id, kind, value, raw, report_id, path in _rows(session, query):
        if value is not None and kind in kinds:
            yield IdentifierFact(account_id, ident_id, kind, value, raw, report_id, path)


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
    session: Session,
    role: AccountRole = AccountRole.REPORTED,
    *,
    accounts: Iterable[str] | None = None,
    lines: Iterable[str] | None = None,
    line_ports: Iterable[tuple[str, int]] | None = None,
) -> Iterator[IpEventFact]:
    """Every IP capture of accounts in the role (not those of files or incidents), in a stable order.

    All of them in a full run. An incremental run reads those of `accounts` (its closure's), or
    those on `lines` and those on `line_ports` (a line and a source port each), from the index
    intake keeps on each capture's line and port (`identity.ips.capture_line`): the captures in
    the blocks the identity linker asks for. Order is then per batch; a capture named by both
    `lines` and `line_ports` is read twice.
    """
    base = (
        select(
            Account.id,
            IpEvent.id,
            IpEvent.address,
            IpEvent.port,
            IpEvent.at,
            IpEvent.at_text,
            IpEvent.event,
            IpEvent.possible_proxy,
            Tip.source_id,
            IpEvent.path,
        )
        .join(Account, Account.id == IpEvent.account_id)
        .join(Tip, Tip.id == Account.tip_id)
        .where(Account.role == role.value)
        .order_by(IpEvent.account_id, IpEvent.id)
    )
    if lines is None and line_ports is None:
        queries = _in_batches([base], IpEvent.account_id, accounts)
    else:
        queries = _in_batches([base], IpEvent.line, lines or [])
        pairs = sorted(set(line_ports or []))
        # OR of (line, port) pairs, not a row-value IN: SQLite 3.40 scans the whole index for
        # `(line, line_port) IN (…)` and searches it once a pair for the OR (MULTI-INDEX OR).
        queries += [
            base.where(
                or_(
                    *(
                        and_(IpEvent.line == line, IpEvent.line_port == port)
                        for line, port in pairs[start : start + _PAIRS]
                    )
                )
            )
            for start in range(0, len(pairs), _PAIRS)
        ]
    # Columns, not ORM entities (see `identifier_facts`).
    for query in queries:
        for (
            account_id,
            event_id,
            address,
            port,
            at,
            at_text,
            event,
            proxy,
            report_id,
            path,
        ) in _rows(session, query):
            yield IpEventFact(
                account_id, event_id, address, port, at, at_text, event, proxy, report_id, path
            )


def ip_event_view(event: IpEvent) -> IpEventView:
    """The public view of a stored IP capture (an account's or a file upload's)."""
    return IpEventView(
        event.address, event.port, event.at, event.at_text, event.event, event.possible_proxy
    )


@dataclass(frozen=True, slots=True)
class AccountValues:
    """What one account holds, as values without their provenance (no raw text, paths or times):
    for passes over the whole workspace that only compare values."""

    account_id: str
    identifiers: list[tuple[str, str]]  # (kind, cleaned value) of the kinds asked for
    places: list[tuple[str | None, str | None, str | None]]  # (street, city, postal code)
    ip_addresses: list[str]  # each capture's address text, in capture order


def every_account_values(
    session: Session, kinds: Iterable[str], role: AccountRole = AccountRole.REPORTED
) -> Iterator[AccountValues]:
    """The values of every account in the role, in account-id order: the cleaned identifiers of
    `kinds` (uncleaned ones left out), each address's street, city and postal code, and each IP
    capture's address; in the order `account_views` gives them. Three narrow scans ordered by
    account, merged as they stream: a full resolution's weak evidence reads a million accounts,
    and the views' raw texts, provenance and capture instants (parsed on SQLite) cost it half."""
    reported = Account.role == role.value
    wanted = frozenset(kinds)
    # Kinds and uncleaned values are dropped as rows are read: filtering them in SQL makes SQLite
    # read the (kind, value) index and sort millions of rows by account (`identifier_facts`).
    identifiers = _Grouped(
        _rows(
            session,
            select(Identifier.account_id, Identifier.kind, Identifier.value)
            .join(Account, Account.id == Identifier.account_id)
            .where(reported)
            .order_by(Identifier.account_id, Identifier.id),
        )
    )
    places = _Grouped(
        _rows(
            session,
            select(Address.account_id, Address.street, Address.city, Address.postal_code)
            .join(Account, Account.id == Address.account_id)
            .where(reported)
            .order_by(Address.account_id, Address.id),
        )
    )
    captures = _Grouped(
        _rows(
            session,
            select(IpEvent.account_id, IpEvent.address)
            .join(Account, Account.id == IpEvent.account_id)
            .where(reported)
            .order_by(IpEvent.account_id, IpEvent.id),
        )
    )
    for (account_id,) in _rows(session, select(Account.id).where(reported).order_by(Account.id)):
        yield AccountValues(
            account_id,
            [(k, v) for k, v in identifiers.take(account_id) if v and k in wanted],
            [(street, city, code) for street, city, code in places.take(account_id)],
            [address for (address,) in captures.take(account_id)],
        )


def values_of_view(view: AccountView, kinds: Iterable[str]) -> AccountValues:
    """An account view's values, as `every_account_values` reads them."""
    wanted = frozenset(kinds)
    return AccountValues(
        view.account_id,
        [(kind, value) for kind, _raw, value in view.identifiers if kind in wanted and value],
        [(a.street, a.city, a.postal_code) for a in view.addresses],
        [event.address for event in view.ip_events],
    )


class _Grouped:
    """Rows ordered by their first column (an account id), handed out one account at a time.

    Every stream is ordered by the same column in the same database, so accounts come in the same
    order in all of them (whatever the collation); an account without rows takes none.
    """

    def __init__(self, rows: Iterable[Any]) -> None:
        self._rows = iter(rows)
        self._next: Any = next(self._rows, None)

    def take(self, account_id: str) -> list[tuple[Any, ...]]:
        """The rest of each row of `account_id`, the next account in the streams' order."""
        found: list[tuple[Any, ...]] = []
        while self._next is not None and self._next[0] == account_id:
            found.append(tuple(self._next[1:]))
            self._next = next(self._rows, None)
        return found


def account_views(session: Session, ids: Iterable[str]) -> list[AccountView]:
    """Full views of the given accounts, ordered by report number then account id."""
    # Plain column queries, four per batch of accounts, instead of ORM instances with their
    # relationships: the probabilistic layer reads every reported account on every resolution.
    wanted = sorted(set(ids))
    views: list[AccountView] = []
    for start in range(0, len(wanted), _BATCH):
        batch = wanted[start : start + _BATCH]
        identifiers: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
        for account_id, kind, raw, value in session.execute(
            select(Identifier.account_id, Identifier.kind, Identifier.raw, Identifier.value)
            .where(Identifier.account_id.in_(batch))
            .order_by(Identifier.id)
        ):
            assert account_id is not None  # selected by it; narrows the type
            identifiers[account_id].append((kind, raw, value))
        addresses: dict[str, list[AddressView]] = defaultdict(list)
        for account_id, report_id, path, street, city, state, postal_code, country in (
            session.execute(
                select(Address.account_id, Tip.source_id, Address.path, Address.street,
                       Address.city, Address.state, Address.postal_code, Address.country)
                .join(Account, Account.id == Address.account_id)
                .join(Tip, Tip.id == Account.tip_id)
                .where(Address.account_id.in_(batch))
                .order_by(Address.id)
            )
        ):  # fmt: skip
            assert account_id is not None  # selected by it; narrows the type
            addresses[account_id].append(
                AddressView(report_id, path, street, city, state, postal_code, country)
            )
        events: dict[str, list[IpEventView]] = defaultdict(list)
        for account_id, address, port, at, at_text, event, proxy in session.execute(
            select(IpEvent.account_id, IpEvent.address, IpEvent.port, IpEvent.at,
                   IpEvent.at_text, IpEvent.event, IpEvent.possible_proxy)
            .where(IpEvent.account_id.in_(batch))
            .order_by(IpEvent.id)
        ):  # fmt: skip
            assert account_id is not None  # selected by it; narrows the type
            events[account_id].append(IpEventView(address, port, at, at_text, event, proxy))
        rows = session.execute(
            select(Account.id, Tip.source_id, Account.role, Account.service,
                   Account.estimated_location, Account.prior_reports, Account.details)
            .join(Tip, Tip.id == Account.tip_id)
            .where(Account.id.in_(batch))
        )  # fmt: skip
        for account_id, report_id, role, service, location, prior, details in rows:
            views.append(
                AccountView(
                    account_id=account_id,
                    report_id=report_id,
                    role=role,
                    service=service,
                    identifiers=identifiers.get(account_id, []),
                    addresses=addresses.get(account_id, []),
                    estimated_location=dict(location),
                    ip_events=events.get(account_id, []),
                    prior_reports=[str(p) for p in prior],
                    details=dict(details),
                )
            )
    views.sort(key=_view_order)
    return views


def views_in_order(views: Mapping[str, AccountView], ids: Iterable[str]) -> list[AccountView]:
    """The views of these accounts, taken from `views` (account id → view, as read for many
    subjects at once), in the order `account_views` gives them."""
    return sorted((views[account] for account in ids if account in views), key=_view_order)


def _view_order(view: AccountView) -> tuple[str, str]:
    return (view.report_id, view.account_id)
