"""IP captures for the linker, block by block: every capture of the workspace (a full run), or only
those in the blocks an incremental run's accounts used, loaded as its closure grows.

A capture's block is where every capture it can link with, or that can change how it links, lies:
- on a shared address (carrier-grade NAT, a configured carrier pool): that address and its source
  port, since such captures link only on address, port and instant;
- otherwise its line (`ips.IpEvent.line`: an IPv4 address or an IPv6 /64): whether a line is busy
  is counted over its own captures, and a proxy flag marks its own address.
Captures that can link nobody (unparsable, private or reserved addresses, a shared address without
a port) are in no block. Linking complete blocks alone therefore gives, for those blocks, what
linking the whole workspace gives, and an incremental run whose closure is closed under IP
clusters needs no other block; reading a whole line of a carrier pool, which thousands of accounts
share, would cost most of such a run.

Each capture's block is kept in `identity_ip_blocks` (derived data, and dependent on the carrier
pools, a linking parameter: replaced by every full run, extended by each incremental run with its
new accounts' captures), indexed by block and by account.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from suraksha.identity.ips import (
    CarrierPools,
    EventLinking,
    EventRef,
    IpEvent,
    link_events,
    make_event,
)
from suraksha.identity.models import IpBlock
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
class IpBlocks:
    """The captures of the blocks loaded so far, linked, with what the closure asks of them."""

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
    loaded: set[str] = field(default_factory=set)  # blocks
    whole: bool = False
    _placed: set[str] = field(default_factory=set)  # accounts whose blocks are loaded

    @classmethod
    def everything(cls, session: Session, rules: IpRules) -> IpBlocks:
        """Every capture of the workspace, linked; the block table rewritten from them."""
        found = cls(session, rules, whole=True)
        session.execute(delete(IpBlock))
        found._add(list(ip_event_facts(session)), store=True)
        return found

    @classmethod
    def for_new(cls, session: Session, rules: IpRules, new: Iterable[str]) -> IpBlocks:
        """Nothing loaded yet; the blocks of the `new` accounts' captures stored (`load` reads them)."""
        _store_blocks(session, list(ip_event_facts(session, accounts=new)), rules)
        return cls(session, rules)

    def load(self, accounts: Iterable[str]) -> None:
        """Load, link and index every capture in the blocks these accounts used (once a block)."""
        if self.whole:
            return
        wanted = sorted(set(accounts) - self._placed)
        self._placed.update(wanted)
        blocks: set[str] = set()
        for start in range(0, len(wanted), _BATCH):
            blocks.update(
                self.session.scalars(
                    select(IpBlock.block)
                    .where(IpBlock.account_id.in_(wanted[start : start + _BATCH]))
                    .distinct()
                )
            )
        blocks -= self.loaded
        if not blocks:
            return
        self.loaded |= blocks
        chosen = sorted(blocks)
        events: list[int] = []
        for start in range(0, len(chosen), _BATCH):
            batch = chosen[start : start + _BATCH]
            events.extend(
                self.session.scalars(select(IpBlock.event_id).where(IpBlock.block.in_(batch)))
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
                rows.extend(_row(fact, event))
            # What only an incremental run's closure asks (a full run recomputes everything).
            if self.whole or event.address_class.shared or not event.address_class.linkable:
                continue
            self.line_accounts[event.line].add(fact.account_id)
            self.line_of[str(event.address)] = event.line
            if fact.possible_proxy:
                self.flaggers[str(event.address)].add(fact.account_id)
        bulk_insert(self.session.connection(), IpBlock.__table__, rows)  # type: ignore[arg-type]
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


def _store_blocks(session: Session, facts: list[IpEventFact], rules: IpRules) -> None:
    rows = []
    for fact in facts:
        event = make_event(fact.address, fact.port, fact.at, fact.at_text, pools=rules.pools)
        if event is not None:
            rows.extend(_row(fact, event))
    bulk_insert(session.connection(), IpBlock.__table__, rows)  # type: ignore[arg-type]


def block_of(event: IpEvent) -> str | None:
    """The block of a capture (module docstring), from its address class alone: a proxy flag or a
    busy line makes a public capture shared only within its line, which is its block."""
    kind = event.address_class
    if not kind.linkable:
        return None
    if kind.shared:
        return None if event.port is None else f"{event.address} port {event.port}"
    return event.line


def _row(fact: IpEventFact, event: IpEvent) -> list[dict[str, object]]:
    block = block_of(event)
    if block is None:
        return []
    return [{"event_id": fact.event_id, "account_id": fact.account_id, "block": block}]
