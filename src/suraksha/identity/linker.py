"""Linking reported accounts into subjects: deterministic rules, guards, judgements, incremental runs.

    identifiers ─► holders of each strong value ─┐   guard: a value held by more than
    IP events ───► ips.link_events ──────────────┤   `max_accounts` accounts links nobody
    judgements (same) ───────────────────────────┤
                                                 ▼
            proposals in a fixed order ─► union-find that refuses any union joining the two
            sides of a `different` judgement ─► components ─► stable subject ids ─► stored

Rules, strongest first (the order in which links are applied, so that when a `different` judgement
forces a cut, the weakest link on the path is the one refused):

    judged_same            an analyst said so
    same_platform_user_id  the platform's own account id (scoped by service)
    same_email             cleaned mailbox
    same_device_id         IMEI and the like (handsets are resold, so after e-mail)
    same_phone             E.164 number (shared by households, recycled by operators)
    same_ip_port_event     shared address (CGNAT, carrier pool, proxy) + same port + same second
    same_ip_event          public address (IPv6: /64) at the same second
    probabilistic          weak evidence (names, birth dates, handles, places, lines) scored by
                           the Splink model in `probabilistic`; refused between sets whose strong
                           identifiers conflict; switchable (`resolve(probabilistic=False)`)

Only accounts reported as the subject of a tip are linked, never an intended recipient or victim.
Weak evidence links only through the probabilistic layer, never one popular value alone. Every link stores its rule, the value
and the identifiers (raw text, report, locator) behind it; a refused link is stored with the
judgement that refused it, or the guard that did.

Shared lines (`shared_lines`): a device id, phone or IP event held by sets of accounts that say two
people — names that cannot be one person's (Ramesh Goud, Anil Goud: a family phone), or other
e-mails, phones and devices of two people (`probabilistic.strong_conflict`, the shared value left
out) — joins only holders whose names agree, never a holder without a telling name. Each refusal
is stored with `refused = shared_line`, the names on both sides and a reason in words. The sets
are those the stronger rules built, so the decision depends only on accounts an incremental run's
closure already holds.

Subject ids are stable: a component keeps the id of the earlier subject that held most of its
accounts (largest components choose first), and a new component is named from its smallest account
id, so the same data always gives the same ids.

Incremental runs: when the previous run used the same parameters and no account vanished since,
only the accounts that can be affected are recomputed: new accounts, accounts of new judgements, and
the closure of everything that can link to them (holders of their values, their IP clusters, the
earlier subjects they belonged to, the other sides of their judgements). Because that closure is
closed under every way two accounts can interact, the result equals a full run's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from suraksha.identity.ip_blocks import IpBlocks, IpRules
from suraksha.identity.ips import (
    DEFAULT_TOLERANCE,
    NO_POOLS,
    RULE_PUBLIC,
    RULE_SHARED,
    CarrierPools,
    EventLinking,
)
from suraksha.identity.judgements import Decision, JudgementView, all_judgements
from suraksha.identity.models import AccountLink, IdentityRun, Subject, SubjectMember
from suraksha.identity.probabilistic import (
    DEFAULT_THRESHOLD,
    RULE_PROBABILISTIC,
    STRONG_CONFLICT_KINDS,
    WeakPair,
    strong_conflict,
)
from suraksha.identity.probabilistic import MODEL_VERSION as WEAK_MODEL_VERSION
from suraksha.identity.reads_apart import ReadApart
from suraksha.identity.shared_lines import names_conflict, names_join, telling
from suraksha.identity.subjects import LinkRow, stable_ids, store_components, totals
from suraksha.identity.weak_evidence import Scored, score_everything, weak_evidence
from suraksha.intake.accounts import (
    AccountView,
    IdentifierFact,
    IpEventFact,
    account_ids,
    account_views,
    identifier_facts,
    identifier_values,
)
from suraksha.intake.records import IdentifierKind
from suraksha.parallel import default_workers
from suraksha.storage.base import utcnow

STRONG_KINDS = (
    IdentifierKind.EMAIL,
    IdentifierKind.PHONE,
    IdentifierKind.PLATFORM_USER_ID,
    IdentifierKind.DEVICE_ID,
)
DEFAULT_MAX_ACCOUNTS = 50
# A public address used by more accounts than this is a NAT nobody configured (an office, a campus,
# an operator's pool): it links only with the same port, like CGNAT. A home line in the synthetic
# corpus serves at most 6 accounts; a mobile pool address serves dozens.
DEFAULT_MAX_LINE_ACCOUNTS = 20
# Bump when a rule changes meaning: the next `resolve` is then a full one.
RULES_VERSION = 4

RULE_JUDGED_SAME = "judged_same"
RULE_ORDER = (
    RULE_JUDGED_SAME,
    "same_platform_user_id",
    "same_email",
    "same_device_id",
    "same_phone",
    RULE_SHARED,
    RULE_PUBLIC,
    RULE_PROBABILISTIC,
)
# Values a household shares (a handset passed on, the family phone, the home line): a guard checks
# the names of their holders before they link (`shared_lines`).
SHARED_LINE_RULES = frozenset({"same_device_id", "same_phone", RULE_SHARED, RULE_PUBLIC})
REFUSED_SHARED_LINE = "shared_line"
WEAK_KIND = "weak"
IP_KIND = "ip_event"
NAME_EVIDENCE = ("name", "display_name")
_BATCH = 500
# From this many accounts a full run reads in worker processes by default (`reads_apart`) while this
# one links the IP captures; below it, starting them costs more than it saves.
READ_APART_FROM = 50_000


@dataclass(frozen=True, slots=True)
class LinkParameters:
    """What a resolution links with; an incremental run needs the same as the run before it."""

    max_accounts: int = DEFAULT_MAX_ACCOUNTS
    max_line_accounts: int = DEFAULT_MAX_LINE_ACCOUNTS
    tolerance: timedelta = DEFAULT_TOLERANCE
    pools: CarrierPools = NO_POOLS
    probabilistic: bool = True
    threshold: float = DEFAULT_THRESHOLD

    def record(self) -> dict[str, Any]:
        """The parameters as stored with the run (the pools as a digest of their ranges)."""
        return {
            "rules": RULES_VERSION,
            "max_accounts": self.max_accounts,
            "max_line_accounts": self.max_line_accounts,
            "tolerance_seconds": self.tolerance.total_seconds(),
            "carrier_pools": self.pools.digest,
            "probabilistic": self.probabilistic,
            "threshold": self.threshold,
            "weak_model": WEAK_MODEL_VERSION,
        }


@dataclass(frozen=True, slots=True)
class BlockedLink:
    """A link refused because it would have joined two sides of a `different` judgement."""

    account_a: str
    account_b: str
    rule: str
    value: str
    judgement: int


@dataclass(frozen=True, slots=True)
class RefusedLink:
    """A link the shared-line guard refused: the value's holders go by names of two people.

    `names_a` / `names_b` are the telling names each side's accounts went by when the value was
    weighed (the whole set the stronger rules had built); empty when a side has none, in which
    case nothing says whose the line is. `reason` says it in words, as the profile shows it.
    """

    account_a: str
    account_b: str
    rule: str
    value: str
    names_a: tuple[str, ...]
    names_b: tuple[str, ...]
    reason: str


@dataclass(slots=True)
class ResolveResult:
    """What one resolution produced (totals are for the whole workspace after the run)."""

    accounts: int = 0
    subjects: int = 0
    links: int = 0
    linked_accounts: int = 0
    too_common: list[tuple[str, str, int]] = field(default_factory=list)  # kind, value, accounts
    kept_ids: int = 0
    new_ids: int = 0
    mode: str = "full"  # or "incremental"
    full_reason: str | None = None  # why a full run, when one was done
    recomputed: int = 0  # accounts whose subject this run recomputed
    # Public lines treated as shared (address, accounts): of the captures this run read (all in a
    # full run), as `too_common` lists the values its accounts hold.
    busy_lines: list[tuple[str, int]] = field(default_factory=list)
    blocked: list[BlockedLink] = field(default_factory=list)
    conflicts: list[tuple[int, int]] = field(default_factory=list)  # same judgement, blocking one
    judgements: int = 0  # current same/different judgements among the recomputed accounts
    weak_pairs: int = 0  # pairs the probabilistic layer proposed (whole workspace)
    ip_captures: int = 0  # IP captures read: all in a full run, those in scope's blocks otherwise
    weak_scored: int = 0  # accounts the model scored in this run (all, or the new and their blocks)
    read_apart: list[str] = field(default_factory=list)  # full-run reads done by workers
    apart_failed: list[str] = field(default_factory=list)  # reads redone in this process, and why
    weak_refused: list[tuple[str, str]] = field(default_factory=list)  # strong identifiers conflict
    shared_lines: list[RefusedLink] = field(
        default_factory=list
    )  # names on a shared value conflict
    run_id: int = 0


@dataclass(frozen=True, slots=True)
class _Template:
    """How to write the link between any two accounts of one proposal, with its evidence."""

    rule: str
    kind: str
    value: str
    identifiers: dict[str, list[dict[str, Any]]]  # account → its identifiers behind the link
    extra: dict[str, Any]
    score: float = 1.0

    def make(self, a: str, b: str) -> LinkRow:
        evidence = {
            "identifiers": [*self.identifiers.get(a, ()), *self.identifiers.get(b, ())],
            **self.extra,
        }
        return LinkRow(a, b, self.rule, self.kind, self.value, self.score, evidence)


@dataclass(frozen=True, slots=True)
class _Proposal:
    """Accounts that one rule says are one person (all holders of a value, two IP events, the
    accounts of a `same` judgement), applied at its place in the fixed order."""

    order: tuple[int, str, str, str]
    members: tuple[str, ...]
    template: _Template


class _Components:
    """Union-find over account ids (smallest id represents a set), carrying judgement tags.

    A tag (judgement id, side) marks an account on one side of a `different` judgement; a union
    that would bring both sides of one judgement into a set is refused.
    """

    def __init__(
        self,
        items: Iterable[str],
        strong: dict[str, set[tuple[str, str]]] | None = None,
        names: dict[str, set[str]] | None = None,
    ) -> None:
        self._parent = {item: item for item in items}
        self._tags: dict[str, set[tuple[int, int]]] = {}
        # Strong identifiers held by each set, for the probabilistic layer's conflict guard.
        self._strong: dict[str, set[tuple[str, str]]] = {
            item: set(values) for item, values in (strong or {}).items() if item in self._parent
        }
        # Telling names each set goes by, for the shared-line guard.
        self._names: dict[str, set[str]] = {}
        for item, values in (names or {}).items():
            if item in self._parent and (told := set(telling(values))):
                self._names[item] = told

    def names(self, item: str) -> tuple[str, ...]:
        """The telling names the set holding `item` goes by, sorted."""
        return tuple(sorted(self._names.get(self.find(item), ())))

    def shared_line(self, members: Iterable[str], value: tuple[str, str]) -> dict[str, Any] | None:
        """Why a value held by these accounts is a shared line, or None when it is not.

        It is when two of the sets holding it go by names of two people, or hold, besides the
        value, strong identifiers of two people (for two kinds of e-mail, phone and device id,
        values on both sides and none in common: `probabilistic.strong_conflict`).
        """
        roots = sorted({self.find(member) for member in members})
        for index, left in enumerate(roots):
            for right in roots[index + 1 :]:
                left_names, right_names = self._names.get(left, ()), self._names.get(right, ())
                if names_conflict(left_names, right_names):
                    return {
                        "accounts": [left, right],
                        "names": [sorted(left_names), sorted(right_names)],
                    }
                left_ids = self._strong.get(left, set()) - {value}
                right_ids = self._strong.get(right, set()) - {value}
                if strong_conflict(left_ids, right_ids):
                    return {
                        "accounts": [left, right],
                        "identifiers": [sorted(map(list, left_ids)), sorted(map(list, right_ids))],
                    }
        return None

    def names_join(self, left: str, right: str) -> bool:
        """True when the two accounts are in one set, or their sets' names agree."""
        a, b = self.find(left), self.find(right)
        return a == b or names_join(self._names.get(a, ()), self._names.get(b, ()))

    def conflict(self, left: str, right: str) -> bool:
        """True when the two sets hold strong identifiers that say they are two people."""
        a, b = self.find(left), self.find(right)
        return a != b and strong_conflict(self._strong.get(a, ()), self._strong.get(b, ()))

    def __contains__(self, item: str) -> bool:
        return item in self._parent

    def find(self, item: str) -> str:
        root = item
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[item] != root:
            self._parent[item], item = root, self._parent[item]
        return root

    def tag(self, item: str, judgement: int, side: int) -> None:
        self._tags.setdefault(self.find(item), set()).add((judgement, side))

    def blocking(self, left: str, right: str) -> int | None:
        """The smallest judgement id that forbids joining the two sets, or None."""
        a, b = self.find(left), self.find(right)
        if a == b:
            return None
        tags_a, tags_b = self._tags.get(a), self._tags.get(b)
        if not tags_a or not tags_b:
            return None
        found = [judgement for judgement, side in tags_a if (judgement, 1 - side) in tags_b]
        return min(found) if found else None

    def union(self, left: str, right: str) -> bool:
        a, b = self.find(left), self.find(right)
        if a == b:
            return False
        low, high = sorted((a, b))
        self._parent[high] = low
        moved = self._tags.pop(high, None)
        if moved:
            self._tags.setdefault(low, set()).update(moved)
        values = self._strong.pop(high, None)
        if values:
            self._strong.setdefault(low, set()).update(values)
        names = self._names.pop(high, None)
        if names:
            self._names.setdefault(low, set()).update(names)
        return True

    def groups(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = defaultdict(list)
        for item in sorted(self._parent):
            result[self.find(item)].append(item)
        return dict(result)


def resolve(
    session: Session,
    *,
    max_accounts: int = DEFAULT_MAX_ACCOUNTS,
    max_line_accounts: int = DEFAULT_MAX_LINE_ACCOUNTS,
    tolerance: timedelta = DEFAULT_TOLERANCE,
    pools: CarrierPools = NO_POOLS,
    full: bool = False,
    probabilistic: bool = True,
    threshold: float = DEFAULT_THRESHOLD,
    on_step: Callable[[str], None] | None = None,
    workers: int | None = None,
) -> ResolveResult:
    """Link reported accounts into subjects and store subjects, members, links and the run.

    Incremental unless `full`, there is no earlier run, the parameters changed, or accounts
    vanished since (a tip's new version re-creates its accounts); `ResolveResult.full_reason` says
    which. Either way the subjects are the ones a full run would give. With `probabilistic` (the
    default) weak evidence scored by `probabilistic.weak_pairs` links after every deterministic
    rule; an incremental run scores only the pairs its new accounts can make and keeps the rest
    from the run before (`weak_evidence`).

    `workers` above 0 lets a full run score weak evidence and read strong identifiers in a worker
    process while this one links IP captures (`reads_apart`: it reads committed data, so the
    session must not have changed accounts yet); 0 never does; None (the default) does from
    `READ_APART_FROM` accounts on a machine with two cores or more. The subjects are the same.
    """
    params = LinkParameters(
        max_accounts, max_line_accounts, tolerance, pools, probabilistic, threshold
    )
    started = utcnow()
    result = ResolveResult()
    accounts = account_ids(session)
    result.accounts = len(accounts)
    previous = {
        account: subject
        for account, subject in session.execute(
            select(SubjectMember.account_id, SubjectMember.subject_id)
        )
    }
    judgements = all_judgements(session)
    result.full_reason = "asked for a full run" if full else _why_full(session, params)
    rules = IpRules(pools, tolerance, max_accounts, max_line_accounts)
    reads: _FullReads | None = None
    if result.full_reason is not None:
        reads = _FullReads.start(
            session,
            apart=_read_apart(workers, len(accounts)),
            scoring=probabilistic,
            threshold=threshold,
        )
    try:
        if reads is None:
            ip = IpBlocks.on_demand(session, rules)
        else:
            ip = IpBlocks.everything(session, rules)
        if on_step:
            on_step("IP events linked")
        pairs: list[WeakPair] = []
        narrowed: set[str] = set()
        if probabilistic:
            evidence = weak_evidence(
                session,
                accounts,
                full=reads is not None,
                threshold=threshold,
                scored=reads.found(accounts)[0] if reads else None,
            )
            pairs, narrowed = evidence.pairs, evidence.narrowed
            result.weak_pairs, result.weak_scored = len(pairs), evidence.scored
            if on_step:
                on_step("weak evidence scored")

        strong: dict[str, set[tuple[str, str]]] = defaultdict(set)
        if reads is None:
            result.mode = "incremental"
            scope, holders = _closure(
                session, accounts, previous, judgements, ip, params, pairs, narrowed
            )
            for (kind, value), facts in holders.items():
                if kind in STRONG_CONFLICT_KINDS:
                    for fact in facts:
                        strong[fact.account_id].add((kind, value))
            names = _names(session, scope)
        else:
            scope = set(accounts)
            holders = _holders_of_rows(reads.found(accounts)[1], strong)
            names = defaultdict(set)
            for account, name in name_rows(session):
                names[account].add(name)
    finally:
        if reads is not None:
            reads.close(result)
    result.recomputed = len(scope)
    if on_step:
        on_step("identifiers read")

    current = [j for j in judgements if j.current and j.accounts & scope]
    in_scope_pairs = [pair for pair in pairs if pair.account_a in scope]
    views = {
        view.account_id: view
        for view in account_views(
            session, {account for pair in in_scope_pairs for account in pair.accounts}
        )
    }
    proposals = [
        *_judged_links(current, scope),
        *_strong_links(holders, params, result),
        *_ip_links(ip.linking, scope, ip.facts),
        *_weak_links(in_scope_pairs, views),
    ]
    result.ip_captures = len(ip.facts)
    result.too_common.extend(ip_crowded(ip.linking))
    result.busy_lines = ip.linking.busy_lines
    groups, links = _components(sorted(scope), proposals, current, result, strong, names)
    result.judgements = sum(1 for j in current if j.decision is not Decision.UNSURE)
    if on_step:
        on_step("accounts linked")

    in_scope = {account: previous[account] for account in scope if account in previous}
    assigned, result.kept_ids, result.new_ids = stable_ids(session, groups, in_scope)
    store_components(
        session,
        full=result.mode == "full",
        scope=scope,
        groups=groups,
        assigned=assigned,
        links=links,
        previous=in_scope,
    )
    result.subjects, result.links, result.linked_accounts = totals(session)
    run = IdentityRun(
        started_at=started,
        finished_at=utcnow(),
        mode=result.mode,
        parameters=params.record(),
        last_judgement_id=max((j.id for j in judgements), default=None),
        counts={
            "accounts": result.accounts,
            "recomputed": result.recomputed,
            "subjects": result.subjects,
            "links": result.links,
            "blocked": len(result.blocked),
            "shared_lines": len(result.shared_lines),
            "too_common": len(result.too_common),
            "ip_captures": result.ip_captures,
            "weak_scored": result.weak_scored,
            "full_reason": result.full_reason,
        },
    )
    session.add(run)
    session.flush()
    result.run_id = run.id
    if on_step:
        on_step("subjects stored")
    return result


# An identifier as a worker sends it: `IdentifierFact`'s fields, cheaper to pickle than objects.
FactRow = tuple[str, int, str, str, str, str, str]


# What a full run's worker reads: the weak evidence scored (with the probabilistic layer) and the
# strong identifiers.
WorkerReads = tuple[Scored | None, list[FactRow]]


def worker_reads(
    session: Session, accounts: Sequence[str], *, threshold: float, scoring: bool
) -> WorkerReads:
    """A full run's reads that a worker process makes while the resolve links IP captures, one
    after the other: one process beside the resolve keeps both cores busy without a third
    holding its data in memory at the same time."""
    scored = score_everything(session, accounts, threshold) if scoring else None
    return scored, strong_identifier_rows(session, accounts)


@dataclass(slots=True)
class _FullReads:
    """A full run's whole-workspace reads of weak evidence (scored) and strong identifiers,
    started before it links IP captures: in a worker process when `apart` (`reads_apart`)."""

    read: ReadApart[WorkerReads]
    name: str  # what it reads, as `ResolveResult.read_apart` lists it
    _found: WorkerReads | None = None

    @classmethod
    def start(cls, session: Session, *, apart: bool, scoring: bool, threshold: float) -> _FullReads:
        read = partial(worker_reads, threshold=threshold, scoring=scoring)
        name = "weak evidence and strong identifiers" if scoring else "strong identifiers"
        return cls(ReadApart(session, read, apart=apart), name)

    def found(self, accounts: Sequence[str]) -> WorkerReads:
        if self._found is None:
            self._found = self.read.result(accounts)
        return self._found

    def close(self, result: ResolveResult) -> None:
        """Stop the worker if still running; note in `result` what it read, or why it did not."""
        self.read.close()
        if self.read.done_apart:
            result.read_apart.append(self.name)
        elif self.read.reason:
            result.apart_failed.append(f"{self.name}: {self.read.reason}")


def _read_apart(workers: int | None, accounts: int) -> bool:
    """Whether a full run reads in worker processes (`resolve`'s `workers`)."""
    if workers is None:
        return accounts >= READ_APART_FROM and default_workers() >= 2
    return workers > 0


def strong_identifier_rows(session: Session, _accounts: Sequence[str]) -> list[FactRow]:
    """Every cleaned strong identifier of the reported accounts, in `identifier_facts`' order."""
    return [
        (f.account_id, f.identifier_id, f.kind, f.value, f.raw, f.report_id, f.path)
        for f in identifier_facts(session, [kind.value for kind in STRONG_KINDS])
    ]


def _holders_of_rows(
    rows: list[FactRow], strong: dict[str, set[tuple[str, str]]]
) -> dict[tuple[str, str], list[IdentifierFact]]:
    """The holders of each strong value held more than once (made `IdentifierFact`s: a value held
    once links nobody, and most are); every account's conflict values added to `strong`."""
    grouped: dict[tuple[str, str], list[FactRow]] = defaultdict(list)
    for row in rows:
        grouped[(row[2], row[3])].append(row)
    holders: dict[tuple[str, str], list[IdentifierFact]] = {}
    for key, found in grouped.items():
        if key[0] in STRONG_CONFLICT_KINDS:
            for row in found:
                strong[row[0]].add(key)
        if len(found) > 1:
            holders[key] = [IdentifierFact(*row) for row in found]
    return holders


def ip_crowded(ip: EventLinking) -> list[tuple[str, str, int]]:
    """IP clusters too crowded to link, in the shape of `ResolveResult.too_common`."""
    return [(IP_KIND, key, count) for key, count in ip.crowded]


def _why_full(session: Session, params: LinkParameters) -> str | None:
    """Why this run cannot be incremental, or None when it can."""
    last = session.scalars(select(IdentityRun).order_by(IdentityRun.id.desc()).limit(1)).first()
    if last is None:
        return "first resolution in this workspace"
    if last.parameters != params.record():
        return "linking parameters or rules changed since the last resolution"
    counts = {
        subject_id: count
        for subject_id, count in session.execute(
            select(SubjectMember.subject_id, func.count()).group_by(SubjectMember.subject_id)
        )
    }
    for subject_id, stored in session.execute(select(Subject.id, Subject.member_count)):
        if stored is None or counts.get(subject_id, 0) != stored:
            return "accounts changed since the last resolution (a tip got a new version)"
    return None


def _names(session: Session, scope: set[str]) -> dict[str, set[str]]:
    """The cleaned names and display names of the accounts in scope."""
    found: dict[str, set[str]] = defaultdict(set)
    for fact in identifier_facts(session, NAME_EVIDENCE, accounts=scope):
        found[fact.account_id].add(fact.value)
    return dict(found)


def name_rows(session: Session) -> list[tuple[str, str]]:
    """(account, cleaned name or display name) of every reported account: a full run's names."""
    return [(account, value) for account, _kind, value in identifier_values(session, NAME_EVIDENCE)]


def _closure(
    session: Session,
    accounts: list[str],
    previous: dict[str, str],
    judgements: list[JudgementView],
    ip: IpBlocks,
    params: LinkParameters,
    pairs: list[WeakPair],
    narrowed: set[str],
) -> tuple[set[str], dict[tuple[str, str], list[IdentifierFact]]]:
    """The accounts an incremental run must recompute, and the holders of every value they hold.

    Starts from accounts without a subject and the accounts of judgements newer than the last run,
    then adds until nothing changes: the holders of each value they hold (when the value can link,
    or could at the last run), the accounts of each IP cluster they are in, every account of an
    address that just became too busy to link on time alone, the other members of their earlier
    subjects, the accounts of their judgements and their probabilistic partners. Weak pairs cover
    the whole workspace (`weak_evidence`), so a pair that now joins two earlier subjects, a
    stored probabilistic link the model no longer proposes, and a pair that now agrees on fewer
    values (`narrowed`: its link's evidence changes) start the closure too.
    """
    known = set(accounts)
    last = session.scalars(select(IdentityRun).order_by(IdentityRun.id.desc()).limit(1)).first()
    watermark = last.last_judgement_id if last and last.last_judgement_id is not None else 0
    fresh_pairs = {(j.account_a, j.account_b) for j in judgements if j.id > watermark}
    seeds = (known - previous.keys()) | (narrowed & known)
    for judgement in judgements:
        if (judgement.account_a, judgement.account_b) in fresh_pairs:
            seeds |= judgement.accounts & known
    partners: dict[str, set[str]] = defaultdict(set)
    proposed: set[tuple[str, str]] = set()
    for pair in pairs:
        partners[pair.account_a].add(pair.account_b)
        partners[pair.account_b].add(pair.account_a)
        proposed.add((pair.account_a, pair.account_b))
        subject = previous.get(pair.account_a)
        if subject is None or subject != previous.get(pair.account_b):
            seeds |= {pair.account_a, pair.account_b} & known
    stored = session.execute(
        select(AccountLink.account_a, AccountLink.account_b).where(
            AccountLink.rule == RULE_PROBABILISTIC
        )
    )
    for left, right in stored:
        if tuple(sorted((left, right))) not in proposed:
            seeds |= {left, right} & known

    members: dict[str, list[str]] = defaultdict(list)
    for account, subject in previous.items():
        members[subject].append(account)
    # Public lines whose status changed because of new accounts: they linked on time alone at the
    # last run (not busy, not flagged as a proxy then) and no longer do. New accounts are all
    # seeds, so their blocks are loaded before this is read (`ip.load`).
    ip.load(seeds)
    busy = {line for line, _ in ip.linking.busy_lines}
    changed_lines: dict[str, set[str]] = defaultdict(set)  # account → lines to reopen
    for line in busy:
        if len(ip.line_accounts[line] & previous.keys()) <= params.max_line_accounts:
            for account in ip.line_accounts[line] - previous.keys():
                changed_lines[account].add(line)
    for address, accounts_flagging in ip.flaggers.items():
        if not accounts_flagging & previous.keys():
            for account in accounts_flagging:
                changed_lines[account].add(ip.line_of[address])
    judged: dict[str, list[JudgementView]] = defaultdict(list)
    for judgement in judgements:
        if judgement.current:
            for account in judgement.accounts:
                judged[account].append(judgement)

    kinds = [kind.value for kind in STRONG_KINDS]
    holders: dict[tuple[str, str], list[IdentifierFact]] = {}
    scope: set[str] = set()
    frontier = set(seeds)
    while frontier:
        scope |= frontier
        ip.load(frontier)
        found: set[str] = set()
        keys = {
            (fact.kind, fact.value)
            for fact in identifier_facts(session, kinds, accounts=frontier)
            if (fact.kind, fact.value) not in holders
        }
        if keys:
            for key in keys:
                holders[key] = []
            for fact in identifier_facts(session, kinds, values={value for _, value in keys}):
                if (fact.kind, fact.value) in keys:
                    holders[(fact.kind, fact.value)].append(fact)
        for key in keys:
            ids = {fact.account_id for fact in holders[key]}
            # A value that links (or linked at the last run, before it became too common).
            if len(ids) <= params.max_accounts or len(ids & previous.keys()) <= params.max_accounts:
                found |= ids
        for account in frontier:
            if account in previous:
                found.update(members[previous[account]])
            for cluster in ip.clusters_of.get(account, ()):
                found |= cluster
            for line in changed_lines.get(account, ()):
                found |= ip.line_accounts[line]
            for judgement in judged.get(account, ()):
                found |= judgement.accounts
            found |= partners.get(account, set())
        frontier = (found & known) - scope
    for key in holders:
        holders[key].sort(key=lambda fact: (fact.account_id, fact.identifier_id))
    return scope, holders


def _evidence_item(fact: IdentifierFact) -> dict[str, Any]:
    return {
        "account_id": fact.account_id,
        "report_id": fact.report_id,
        "raw": fact.raw,
        "path": fact.path,
    }


def _rank(rule: str) -> int:
    return RULE_ORDER.index(rule)


def _judged_links(judgements: list[JudgementView], scope: set[str]) -> list[_Proposal]:
    """One group per current `same` judgement: every account of both sides, the pair's first."""
    proposals: list[_Proposal] = []
    for judgement in judgements:
        if judgement.decision is not Decision.SAME:
            continue
        accounts = sorted(judgement.accounts & scope)
        if len(accounts) < 2:
            continue
        anchor = judgement.account_a if judgement.account_a in accounts else accounts[0]
        members = (anchor, *(account for account in accounts if account != anchor))
        template = _Template(
            rule=RULE_JUDGED_SAME,
            kind="judgement",
            value=f"judgement {judgement.id}",
            identifiers={},
            extra={
                "judgement": judgement.id,
                "decision": judgement.decision.value,
                "analyst": judgement.analyst,
                "reason": judgement.reason,
                "judged_at": judgement.created_at.isoformat(),
            },
        )
        order = (_rank(RULE_JUDGED_SAME), "", f"{judgement.id:012d}", "")
        proposals.append(_Proposal(order, members, template))
    return proposals


def _strong_links(
    holders: dict[tuple[str, str], list[IdentifierFact]],
    params: LinkParameters,
    result: ResolveResult,
) -> list[_Proposal]:
    """One group per strong value held by two accounts or more (and not too many)."""
    proposals: list[_Proposal] = []
    for (kind, value), facts in sorted(holders.items()):
        holder_ids = sorted({fact.account_id for fact in facts})
        if len(holder_ids) < 2:
            continue
        if len(holder_ids) > params.max_accounts:
            result.too_common.append((kind, value, len(holder_ids)))
            continue
        identifiers: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for fact in facts:
            identifiers[fact.account_id].append(_evidence_item(fact))
        rule = f"same_{kind}"
        template = _Template(rule, kind, value, dict(identifiers), {})
        proposals.append(_Proposal((_rank(rule), kind, value, ""), tuple(holder_ids), template))
    return proposals


def _ip_links(
    ip: EventLinking, scope: set[str], event_facts: dict[int, IpEventFact]
) -> list[_Proposal]:
    """One pair per two accounts whose events name one line at one moment (first pair per key)."""
    proposals: dict[tuple[str, str, str, str], _Proposal] = {}
    for found in ip.links:
        left, right = sorted((found.left, found.right), key=lambda ref: ref.account_id)
        if left.account_id not in scope:
            continue
        first = min(ref.event.at for ref in (left, right) if ref.event.at is not None)
        value = f"{found.reason.key} at {first.isoformat()}"
        slot = (found.reason.rule, value, left.account_id, right.account_id)
        if slot in proposals:
            continue
        identifiers: dict[str, list[dict[str, Any]]] = {}
        for ref in (left, right):
            fact = event_facts[ref.ref]
            raw = fact.address + (f" port {fact.port}" if fact.port is not None else "")
            identifiers[fact.account_id] = [
                {
                    "account_id": fact.account_id,
                    "report_id": fact.report_id,
                    "raw": f"{raw} at {fact.at_text}",
                    "path": fact.path,
                    "event": fact.event,
                }
            ]
        template = _Template(
            rule=found.reason.rule,
            kind=IP_KIND,
            value=value,
            identifiers=identifiers,
            extra={
                "note": found.reason.note,
                "address_class": left.event.address_class.value,
                "difference_seconds": found.reason.difference.total_seconds(),
            },
        )
        order = (_rank(found.reason.rule), IP_KIND, value, f"{left.account_id} {right.account_id}")
        proposals[slot] = _Proposal(order, (left.account_id, right.account_id), template)
    return list(proposals.values())


def _weak_links(pairs: list[WeakPair], views: dict[str, AccountView]) -> list[_Proposal]:
    """One proposal per probabilistic pair (those in scope), with its evidence."""
    kinds = {"name_key": NAME_EVIDENCE, "dob": ("date_of_birth",), "handle": ("screen_name",),
             "handle_stem": ("screen_name",), "number": ("phone",)}  # fmt: skip
    wanted = {kind for feature in kinds.values() for kind in feature}
    proposals: list[_Proposal] = []
    for pair in pairs:
        identifiers: dict[str, list[dict[str, Any]]] = {}
        for account in (pair.account_a, pair.account_b):
            view = views[account]
            shown = {kind for feature in pair.agreeing for kind in kinds.get(feature, ())}
            identifiers[account] = [
                {"account_id": account, "report_id": view.report_id, "kind": kind, "raw": raw}
                for kind, raw, value in view.identifiers
                if kind in shown & wanted and value
            ]
            if {"pincode", "city", "street"} & pair.agreeing.keys():
                identifiers[account] += [
                    {
                        "account_id": account,
                        "report_id": view.report_id,
                        "kind": "address",
                        "raw": ", ".join(
                            part for part in (a.street, a.city, a.postal_code) if part
                        ),
                        "path": a.path,
                    }
                    for a in view.addresses
                ]
        template = _Template(
            rule=RULE_PROBABILISTIC,
            kind=WEAK_KIND,
            value=" + ".join(f"{feature}={value}" for feature, value in pair.agreeing.items()),
            identifiers=identifiers,
            extra={
                "match_weight": round(pair.match_weight, 3),
                "match_probability": pair.match_probability,
                "agreeing": dict(pair.agreeing),
            },
            score=pair.match_weight,
        )
        order = (
            _rank(RULE_PROBABILISTIC),
            f"{10_000 - pair.match_weight:012.4f}",
            pair.account_a,
            pair.account_b,
        )
        proposals.append(_Proposal(order, (pair.account_a, pair.account_b), template))
    return proposals


def _components(
    accounts: list[str],
    proposals: list[_Proposal],
    judgements: list[JudgementView],
    result: ResolveResult,
    strong: dict[str, set[tuple[str, str]]] | None = None,
    names: dict[str, set[str]] | None = None,
) -> tuple[dict[str, list[str]], list[LinkRow]]:
    """Apply proposals in their fixed order, refusing unions a `different` judgement forbids.

    Greedy in rule order: a refused union leaves both sets as they were, so on any chain of links
    between two accounts judged different, the weakest (last applied) link is the one cut, and
    everything stronger still holds. Within one proposal each account joins the earliest account
    before it that it may join, so a refusal never separates the other holders of a value. A
    refused link is kept with the (smallest) judgement that refused it.

    A shared line (a device id, phone or IP event whose holders' sets go by names of two people,
    `shared_lines`) joins an account only to a holder whose names agree with its own; a link it
    refuses is kept with `refused` = `shared_line` and the names of both sides.
    """
    components = _Components(accounts, strong, names)
    for judgement in judgements:
        if judgement.decision is Decision.DIFFERENT:
            for side, members in enumerate((judgement.accounts_a, judgement.accounts_b)):
                for account in members:
                    if account in components:
                        components.tag(account, judgement.id, side)
    links: list[LinkRow] = []
    for proposal in sorted(proposals, key=lambda p: p.order):
        template = proposal.template
        if template.rule == RULE_PROBABILISTIC and components.conflict(*proposal.members):
            # Weak evidence never joins two sets whose strong identifiers say two people.
            result.weak_refused.append((proposal.members[0], proposal.members[1]))
            continue
        shared = (
            components.shared_line(proposal.members, (template.kind, template.value))
            if template.rule in SHARED_LINE_RULES
            else None
        )
        placed = [proposal.members[0]]
        for member in proposal.members[1:]:
            # Join the earliest holder that may be joined: when a judgement forbids the first,
            # the others holding the same value still link among themselves.
            refusals: list[int] = []
            for partner in placed:
                if shared is not None and not components.names_join(partner, member):
                    continue
                blocking = components.blocking(partner, member)
                if blocking is None:
                    components.union(partner, member)
                    links.append(template.make(partner, member))
                    break
                refusals.append(blocking)
            else:
                if shared is not None and not refusals:
                    refused = _refuse_shared(components, template, placed, member, shared)
                    links.append(refused)
                    result.shared_lines.append(
                        RefusedLink(
                            refused.account_a,
                            refused.account_b,
                            refused.rule,
                            refused.value,
                            components.names(refused.account_a),
                            components.names(refused.account_b),
                            refused.evidence["reason"],
                        )
                    )
                    placed.append(member)
                    continue
                link = template.make(placed[0], member)
                link.blocked_by = min(refusals)
                links.append(link)
                result.blocked.append(
                    BlockedLink(
                        link.account_a, link.account_b, link.rule, link.value, min(refusals)
                    )
                )
                if template.rule == RULE_JUDGED_SAME:
                    conflict = (int(template.extra["judgement"]), min(refusals))
                    if conflict not in result.conflicts:
                        result.conflicts.append(conflict)
            placed.append(member)
    return components.groups(), links


def _refuse_shared(
    components: _Components,
    template: _Template,
    placed: list[str],
    member: str,
    shared: dict[str, Any],
) -> LinkRow:
    """The stored refusal of a shared line's link from `member` to the holder that explains it
    (the first whose names conflict with its own, else the first holder), with the reasons."""
    mine = components.names(member)
    partner = next(
        (p for p in placed if mine and names_conflict(components.names(p), mine)), placed[0]
    )
    theirs = components.names(partner)
    if "names" in shared:
        because = "its holders go by names of two people ({})".format(
            " / ".join(", ".join(side) for side in shared["names"])
        )
    else:
        because = "its holders' other e-mails, phones or devices are those of two people"
    if mine and theirs:
        whose = f"the names do not agree ({', '.join(theirs)} / {', '.join(mine)})"
        sides = f"{', '.join(theirs)} / {', '.join(mine)}"
        reason = f"shared line: held under names of two people ({sides})"
    else:
        whose = f"account {partner if mine else member} gives no name that says whose it is"
        reason = f"shared line: {because}, and {whose}"
    link = template.make(partner, member)
    link.refused = REFUSED_SHARED_LINE
    link.evidence = {
        **link.evidence,
        "refused": REFUSED_SHARED_LINE,
        "reason": reason,
        "shared": shared,
        "names": {partner: list(theirs), member: list(mine)},
        "note": f"{template.kind} {template.value} is a shared line: {because}; it joins only "
        f"holders whose names agree, and {whose}",
    }
    return link
