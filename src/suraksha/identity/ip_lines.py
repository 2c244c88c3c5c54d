"""IP captures for the linker, line by line: every capture of the workspace (a full run), or only
those on the lines an incremental run's accounts used, loaded as its closure grows.

Every way two captures can link stays within one line (`ips.IpEvent.line`: an IPv4 address or an
IPv6 /64). A shared address links only with its port, and its address is on its line; a busy line
is counted over its own captures; a proxy flag marks its own address. So linking complete lines
alone gives, for those lines, exactly what linking the whole workspace gives, and an incremental
run whose closure is closed under IP clusters needs no other line.

Which line each capture is on is kept in `identity_ip_lines` (derived data: replaced by every full
run, extended by each incremental run with its new accounts' captures), indexed by line and by
account. Captures whose address does not parse name no line and link nobody.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from suraksha.identity.ips import CarrierPools, EventLinking, EventRef, link_events, make_event
from suraksha.identity.models import IpLine
from suraksha.intake.accounts import IpEventFact, ip_event_facts
from suraksha.storage.bulk import bulk_insert

_BATCH = 500


@dataclass(frozen=True, slots=True)
class IpRules:
    """The linking parameters IP captures are linked with (`linker.LinkParameters`' share)."""

    pools: CarrierPools
    tolerance: timedelta
    max_accounts: int
    max_line_accounts: int


@dataclass(slots=True)
class IpLines:
    """The captures of the lines loaded so far, linked, with what the closure asks of them."""

    session: Session
    rules: IpRules
    linking: EventLinking = field(default_factory=EventLinking)
    facts: dict[int, IpEventFact] = field(default_factory=dict)
    # For an incremental run's closure (left empty in a full run, which has none):
    clusters_of: dict[str, list[frozenset[str]]] = field(default_factory=lambda: defaultdict(list))
    # Linkable, unshared lines → the accounts with a capture on them (captures taken as reported,
    # before busy lines and proxy flags are marked: what decides whether a line links on time).
    line_accounts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    flaggers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # by address
    line_of: dict[str, str] = field(default_factory=dict)  # address → line
    loaded: set[str] = field(default_factory=set)  # lines
    whole: bool = False
    _placed: set[str] = field(default_factory=set)  # accounts whose lines are loaded

    @classmethod
    def everything(cls, session: Session, rules: IpRules) -> IpLines:
        """Every capture of the workspace, linked; the line table rewritten from them."""
        found = cls(session, rules, whole=True)
        session.execute(delete(IpLine))
        found._add(list(ip_event_facts(session)), store=True)
        return found

    @classmethod
    def for_new(cls, session: Session, rules: IpRules, new: Iterable[str]) -> IpLines:
        """Nothing loaded yet; the lines of the `new` accounts' captures stored (`load` finds them)."""
        _store_lines(session, list(ip_event_facts(session, accounts=new)), rules)
        return cls(session, rules)

    def load(self, accounts: Iterable[str]) -> None:
        """Load, link and index every capture on the lines these accounts used (once per line)."""
        if self.whole:
            return
        wanted = sorted(set(accounts) - self._placed)
        self._placed.update(wanted)
        lines: set[str] = set()
        for start in range(0, len(wanted), _BATCH):
            lines.update(
                self.session.scalars(
                    select(IpLine.line)
                    .where(IpLine.account_id.in_(wanted[start : start + _BATCH]))
                    .distinct()
                )
            )
        lines -= self.loaded
        if not lines:
            return
        self.loaded |= lines
        chosen = sorted(lines)
        events: list[int] = []
        for start in range(0, len(chosen), _BATCH):
            events.extend(
                self.session.scalars(
                    select(IpLine.event_id).where(IpLine.line.in_(chosen[start : start + _BATCH]))
                )
            )
        self._add(list(ip_event_facts(self.session, events=events)))

    def _add(self, facts: list[IpEventFact], *, store: bool = False) -> None:
        rules = self.rules
        refs: list[EventRef] = []
        rows: list[dict[str, object]] = []
        for fact in facts:
            self.facts[fact.event_id] = fact
            event = make_event(
                fact.address,
                fact.port,
                fact.at,
                fact.at_text,
                pools=rules.pools,
                flagged_shared=bool(fact.possible_proxy),
            )
            if event is None:
                continue
            refs.append(EventRef(fact.account_id, event, fact.event_id))
            if store:
                rows.append(_row(fact, event.line))
            # What only an incremental run's closure asks (a full run recomputes everything).
            if self.whole or event.address_class.shared or not event.address_class.linkable:
                continue
            self.line_accounts[event.line].add(fact.account_id)
            self.line_of[str(event.address)] = event.line
            if fact.possible_proxy:
                self.flaggers[str(event.address)].add(fact.account_id)
        bulk_insert(self.session.connection(), IpLine.__table__, rows)  # type: ignore[arg-type]
        found = link_events(
            refs,
            tolerance=rules.tolerance,
            max_accounts=rules.max_accounts,
            max_line_accounts=rules.max_line_accounts,
        )
        self.linking.links.extend(found.links)
        self.linking.crowded.extend(found.crowded)
        self.linking.busy_lines = sorted([*self.linking.busy_lines, *found.busy_lines])
        self.linking.clusters.extend(found.clusters)
        if self.whole:
            return
        for cluster in found.clusters:
            for account in cluster:
                self.clusters_of[account].append(cluster)


def _store_lines(session: Session, facts: list[IpEventFact], rules: IpRules) -> None:
    rows = []
    for fact in facts:
        event = make_event(fact.address, fact.port, fact.at, fact.at_text, pools=rules.pools)
        if event is not None:
            rows.append(_row(fact, event.line))
    bulk_insert(session.connection(), IpLine.__table__, rows)  # type: ignore[arg-type]


def _row(fact: IpEventFact, line: str) -> dict[str, object]:
    return {"event_id": fact.event_id, "account_id": fact.account_id, "line": line}
