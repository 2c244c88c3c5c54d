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

Each capture's block is kept in `identity_ip_blocks`, and the busy lines in
`identity_ip_busy_lines` (derived data, and dependent on the carrier pools and `max_line_accounts`,
linking parameters: replaced by every full run, extended by each incremental run with its new
accounts' captures). A line that an incremental run finds newly busy was loaded whole (it was one
block); its captures are stored again by address and port. Accounts only ever join a line between
full runs, so a busy line stays busy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
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
from suraksha.identity.models import IpBlock, IpBusyLine
from suraksha.intake.accounts import IpEventFact, ip_event_facts
from suraksha.storage.bulk import bulk_insert, replace_rows

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
        """Every capture of the workspace, linked; the block tables rewritten from them."""
        found = cls(session, rules, whole=True)
        facts = list(ip_event_facts(session))
        events = found._add(facts)
        found.busy = {line for line, _ in found.linking.busy_lines}
        session.execute(delete(IpBusyLine))
        _replace_blocks(session, _block_rows(zip(facts, events, strict=True), found.busy))
        _store_busy(session, found.linking.busy_lines)
        return found

    @classmethod
    def for_new(cls, session: Session, rules: IpRules, new: Iterable[str]) -> IpBlocks:
        """Nothing loaded yet; the blocks of the `new` accounts' captures stored (`load` reads them)."""
        busy = set(session.scalars(select(IpBusyLine.line)))
        facts = list(ip_event_facts(session, accounts=new))
        events = [_event(fact, rules.pools) for fact in facts]
        _store(session, list(zip(facts, events, strict=True)), busy)
        return cls(session, rules, busy=busy)

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
        facts = list(ip_event_facts(self.session, events=events))
        made = self._add(facts)
        # A line that became busy with this run's accounts (loaded whole, since it was not busy
        # before): its captures are stored by address and port from now on.
        newly = [(line, count) for line, count in self.linking.busy_lines if line not in self.busy]
        if newly:
            lines = {line for line, _ in newly}
            moved = [
                (fact, event)
                for fact, event in zip(facts, made, strict=True)
                if event is not None and event.line in lines
            ]
            _delete_blocks(self.session, lines)
            self.busy |= lines
            # Their new blocks were all just loaded (the whole line was): never read them again.
            self.loaded |= _store(self.session, moved, self.busy)
            _store_busy(self.session, newly)

    def _add(self, facts: list[IpEventFact]) -> list[IpEvent | None]:
        """Link these captures (complete blocks) and index them; their events, as made."""
        refs: list[EventRef] = []
        made: list[IpEvent | None] = []
        for fact in facts:
            self.facts[fact.event_id] = fact
            event = _event(fact, self.rules.pools)
            made.append(event)
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
        return made


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


# A capture's stored block: event id, account id, block.
BlockRow = tuple[int, str, str]


def _block_rows(
    captures: Iterable[tuple[IpEventFact, IpEvent | None]], busy: set[str]
) -> list[BlockRow]:
    """The block row of each capture that has a block, in the table's key order (event id)."""
    rows: list[BlockRow] = []
    for fact, event in captures:
        block = None if event is None else block_of(event, busy)
        if block is not None:
            rows.append((fact.event_id, fact.account_id, block))
    rows.sort()  # the table's key order: appended, not scattered
    return rows


def _store(
    session: Session, captures: Sequence[tuple[IpEventFact, IpEvent | None]], busy: set[str]
) -> set[str]:
    """Store each capture's block; the blocks stored."""
    rows = _block_rows(captures, busy)
    _insert_blocks(session, rows)
    return {block for _event, _account, block in rows}


def _replace_blocks(session: Session, rows: list[BlockRow]) -> None:
    """Make the block table hold exactly `rows` (a full run's): a full run on a resolved workspace
    finds most of its captures' blocks as it stored them, and rewrites only the others."""
    replace_rows(
        session.connection(),
        IpBlock.__table__,  # type: ignore[arg-type]
        ("event_id", "account_id", "block"),
        rows,
    )


def _insert_blocks(session: Session, rows: Sequence[BlockRow]) -> None:
    bulk_insert(
        session.connection(),
        IpBlock.__table__,  # type: ignore[arg-type]
        [
            {"event_id": event, "account_id": account, "block": block}
            for event, account, block in rows
        ],
    )


def _store_busy(session: Session, lines: list[tuple[str, int]]) -> None:
    rows = [{"line": line, "accounts": count} for line, count in lines]
    bulk_insert(session.connection(), IpBusyLine.__table__, rows)  # type: ignore[arg-type]


def _delete_blocks(session: Session, blocks: set[str]) -> None:
    chosen = sorted(blocks)
    for start in range(0, len(chosen), _BATCH):
        session.execute(delete(IpBlock).where(IpBlock.block.in_(chosen[start : start + _BATCH])))
