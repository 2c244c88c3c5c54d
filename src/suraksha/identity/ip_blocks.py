"""IP captures for the linker, block by block: every capture of the workspace (a full run), or only
those in the blocks an incremental run's accounts used, loaded as its closure grows.

A capture's block is where every capture it can link with, or that can change how it links, lies:
- on a shared address (carrier-grade NAT, a configured carrier pool): that address and its source
  port, since such captures link only on address, port and instant;
- on a busy line (more accounts than `max_line_accounts`, a NAT nobody configured: its captures
  link only on address, port and instant too): likewise its address and port;
- otherwise its line (`ips.IpEvent.line`: an IPv4 address or an IPv6 /64): whether a line is busy
  is counted over its own captures, and a proxy flag marks its own address.
Captures that can link nobody (unparsable, private or reserved addresses, a shared address without
a port) are in no block. Linking complete blocks alone therefore gives, for those blocks, what
linking the whole workspace gives, and an incremental run whose closure is closed under IP
clusters needs no other block; reading a whole line of a carrier pool, which thousands of accounts
share, would cost most of such a run.

Blocks are worked out when they are needed, from the carrier pools and busy lines of the run:
intake keeps each capture's line and source port, indexed (`ip_events.line`, `line_port`:
`ips.capture_line`), so the captures of a block are one index search (a line, or a line and a
port, then the address within it). Only the busy lines are stored, in `identity_ip_busy_lines`
(derived data, dependent on `max_line_accounts`: replaced by every full run, extended by each
incremental run). A line that an incremental run finds newly busy was loaded whole (it was one
block), so its blocks by address and port are all loaded already. Accounts only ever join a line
between full runs, so a busy line stays busy.
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
from suraksha.identity.models import IpBusyLine
from suraksha.intake.accounts import IpEventFact, ip_event_facts
from suraksha.storage.bulk import bulk_insert


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
    busy: set[str] = field(default_factory=set)  # lines stored as busy (blocks by address+port)
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
        """Every capture of the workspace, linked; the busy lines stored anew."""
        found = cls(session, rules, whole=True)
        found._add(list(ip_event_facts(session)))
        found.busy = {line for line, _ in found.linking.busy_lines}
        session.execute(delete(IpBusyLine))
        _store_busy(session, found.linking.busy_lines)
        return found

    @classmethod
    def on_demand(cls, session: Session, rules: IpRules) -> IpBlocks:
        """Nothing loaded yet: `load` reads the blocks a closure's accounts used."""
        return cls(session, rules, busy=set(session.scalars(select(IpBusyLine.line))))

    def load(self, accounts: Iterable[str]) -> None:
        """Load, link and index every capture in the blocks these accounts used (once a block)."""
        if self.whole:
            return
        wanted = set(accounts) - self._placed
        self._placed |= wanted
        blocks: dict[str, IpEvent] = {}  # each block not loaded yet, by one of its events
        for fact in ip_event_facts(self.session, accounts=wanted):
            event = _event(fact, self.rules.pools)
            block = None if event is None else block_of(event, self.busy)
            if event is not None and block is not None and block not in self.loaded:
                blocks.setdefault(block, event)
        if not blocks:
            return
        self.loaded |= blocks.keys()
        lines = {event.line for block, event in blocks.items() if block == event.line}
        ports = {
            (event.line, event.port)
            for block, event in blocks.items()
            if block != event.line and event.port is not None
        }
        found: dict[int, tuple[IpEventFact, IpEvent]] = {}
        # The index finds a line's captures, or a line's on one port; what it finds beyond the
        # blocks asked for (another address of an IPv6 /64 on that port, a capture a pool or a
        # proxy flag puts in another block) is left for its own block. A /64 that a carrier pool
        # splits can be asked for both ways: each capture is taken once.
        for fact in ip_event_facts(self.session, lines=lines, line_ports=ports):
            if fact.event_id in self.facts or fact.event_id in found:
                continue
            event = _event(fact, self.rules.pools)
            if event is not None and block_of(event, self.busy) in blocks:
                found[fact.event_id] = (fact, event)
        facts = [fact for fact, _event in found.values()]
        made: list[IpEvent | None] = [event for _fact, event in found.values()]
        self._add(facts, made)
        # A line that became busy with this run's accounts (loaded whole, since it was not busy
        # before): its captures are in blocks by address and port from now on, all loaded now.
        newly = [(line, count) for line, count in self.linking.busy_lines if line not in self.busy]
        if newly:
            lines = {line for line, _ in newly}
            self.busy |= lines
            self.loaded |= {
                block
                for event in made
                if event is not None
                and event.line in lines
                and (block := block_of(event, self.busy)) is not None
            }
            _store_busy(self.session, newly)

    def _add(self, facts: list[IpEventFact], made: list[IpEvent | None] | None = None) -> None:
        """Link these captures (complete blocks; their events when already made) and index them."""
        refs: list[EventRef] = []
        if made is None:
            made = [_event(fact, self.rules.pools) for fact in facts]
        for fact, event in zip(facts, made, strict=True):
            self.facts[fact.event_id] = fact
            if event is None:
                continue
            # A capture on a line stored as busy was loaded with its address and port only: it is
            # marked shared here, as the whole line would have marked it (`ips.mark_busy_lines`).
            if event.line in self.busy and not event.shared:
                refs.append(EventRef(fact.account_id, event.flagged(), fact.event_id))
            else:
                refs.append(EventRef(fact.account_id, event, fact.event_id))
            # What only an incremental run's closure asks (a full run recomputes everything).
            if self.whole or event.address_class.shared or not event.address_class.linkable:
                continue
            self.line_accounts[event.line].add(fact.account_id)
            self.line_of[event.text] = event.line
            if fact.possible_proxy:
                self.flaggers[event.text].add(fact.account_id)
        found = link_events(
            refs,
            tolerance=self.rules.tolerance,
            max_accounts=self.rules.max_accounts,
            max_line_accounts=self.rules.max_line_accounts,
        )
        self.linking.links.extend(found.links)
        self.linking.crowded.extend(found.crowded)
        self.linking.busy_lines = sorted([*self.linking.busy_lines, *found.busy_lines])
        self.linking.clusters.extend(found.clusters)
        if not self.whole:
            for cluster in found.clusters:
                for account in cluster:
                    self.clusters_of[account].append(cluster)


def _event(fact: IpEventFact, pools: CarrierPools) -> IpEvent | None:
    return make_event(
        fact.address,
        fact.port,
        fact.at,
        fact.at_text,
        pools=pools,
        flagged_shared=bool(fact.possible_proxy),
    )


def block_of(event: IpEvent, busy: set[str]) -> str | None:
    """The block of a capture (module docstring): by address and port on a shared address or a
    busy line, else its line; None when it can link nobody. A proxy flag makes a public capture
    shared only within its address, so its block stays its line."""
    kind = event.address_class
    if not kind.linkable:
        return None
    if kind.shared or event.line in busy:
        return None if event.port is None else f"{event.text} port {event.port}"
    return event.line


def _store_busy(session: Session, lines: list[tuple[str, int]]) -> None:
    rows = [{"line": line, "accounts": count} for line, count in lines]
    bulk_insert(session.connection(), IpBusyLine.__table__, rows)  # type: ignore[arg-type]
