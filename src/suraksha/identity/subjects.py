"""Subjects: storing a resolution's components under stable ids, and reading them back.

`stable_ids` and `store_components` are the linker's; the rest are read-only views for the
command line and for other domains (who a subject is made of, the links that explain it).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from suraksha.identity.models import AccountLink, Subject, SubjectMember
from suraksha.ids import make_id
from suraksha.storage.base import utcnow
from suraksha.storage.bulk import bulk_insert

_BATCH = 500
# A stored link joined its two accounts when neither a judgement nor a guard refused it.
JOINED = and_(AccountLink.blocked_by.is_(None), AccountLink.refused.is_(None))


@dataclass(frozen=True, slots=True)
class LinkView:
    """One link between two accounts of a subject, with its rule and evidence."""

    account_a: str
    account_b: str
    rule: str
    kind: str
    value: str
    score: float
    evidence: dict[str, Any]
    blocked_by: int | None = None  # the judgement that refused the link, when it was refused
    refused: str | None = None  # the guard that refused it (`shared_line`), when one did

    @property
    def refused_by(self) -> str:
        """Who or what refused the link, in words: "judgement 12", "shared line: …"; empty when
        the link was made."""
        if self.blocked_by is not None:
            return f"judgement {self.blocked_by}"
        if self.refused is not None:
            return str(self.evidence.get("reason", self.refused))
        return ""


def memberships(session: Session) -> dict[str, list[str]]:
    """Every subject id with its member account ids, both sorted."""
    result: dict[str, list[str]] = defaultdict(list)
    rows = session.execute(
        select(SubjectMember.subject_id, SubjectMember.account_id).order_by(
            SubjectMember.subject_id, SubjectMember.account_id
        )
    )
    for subject_id, account_id in rows:
        result[subject_id].append(account_id)
    return dict(result)


def subject_ids(session: Session) -> list[str]:
    """Ids of every subject (each has members), sorted."""
    return list(
        session.scalars(
            select(SubjectMember.subject_id).distinct().order_by(SubjectMember.subject_id)
        )
    )


def subjects_members(session: Session, subject_ids: Iterable[str]) -> dict[str, list[str]]:
    """The member account ids of each of these subjects, sorted (an empty list for none)."""
    chosen = sorted(set(subject_ids))
    result: dict[str, list[str]] = {subject_id: [] for subject_id in chosen}
    for batch in _batches(chosen):
        rows = session.execute(
            select(SubjectMember.subject_id, SubjectMember.account_id)
            .where(SubjectMember.subject_id.in_(batch))
            .order_by(SubjectMember.subject_id, SubjectMember.account_id)
        )
        for subject_id, account_id in rows:
            result[subject_id].append(account_id)
    return result


def members_of(session: Session, subject_id: str) -> list[str]:
    """The account ids of one subject (empty when the subject does not exist)."""
    return list(
        session.scalars(
            select(SubjectMember.account_id)
            .where(SubjectMember.subject_id == subject_id)
            .order_by(SubjectMember.account_id)
        )
    )


def subject_exists(session: Session, subject_id: str) -> bool:
    """True when a subject with this id exists."""
    return session.get(Subject, subject_id) is not None


def links_of(session: Session, account_ids: list[str]) -> list[LinkView]:
    """The links that joined any of the accounts to another, in a stable order (refused ones not)."""
    return _links(session, account_ids, JOINED)


def blocked_links_of(session: Session, account_ids: list[str]) -> list[LinkView]:
    """The links touching any of the accounts that an analyst's `different` judgement refused."""
    return _links(session, account_ids, AccountLink.blocked_by.is_not(None))


def refused_links_of(session: Session, account_ids: list[str]) -> list[LinkView]:
    """Every link touching any of the accounts that was not made: refused by a `different`
    judgement or by a guard (a shared line); `LinkView.refused_by` says which, in words."""
    refused = or_(AccountLink.blocked_by.is_not(None), AccountLink.refused.is_not(None))
    return _links(session, account_ids, refused)


def _links(session: Session, account_ids: list[str], state: ColumnElement[bool]) -> list[LinkView]:
    if not account_ids:
        return []
    found: dict[int, AccountLink] = {}
    for batch in _batches(account_ids):
        rows = session.scalars(
            select(AccountLink).where(
                state, or_(AccountLink.account_a.in_(batch), AccountLink.account_b.in_(batch))
            )
        )
        found.update((row.id, row) for row in rows)
    ordered = sorted(found.values(), key=lambda r: (r.kind, r.value, r.account_b, r.account_a))
    return [
        LinkView(
            r.account_a,
            r.account_b,
            r.rule,
            r.kind,
            r.value,
            r.score,
            dict(r.evidence),
            r.blocked_by,
            r.refused,
        )
        for r in ordered
    ]


def subject_count(session: Session) -> int:
    """How many subjects the workspace holds."""
    return session.scalar(select(func.count()).select_from(Subject)) or 0


def subjects_of_accounts(session: Session, account_ids: list[str]) -> dict[str, str]:
    """The subject id of each account that belongs to one (accounts not yet resolved are absent).

    Read-only; for other domains that find accounts (through tips) and want the person behind them.
    """
    wanted = sorted(set(account_ids))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            select(SubjectMember.account_id, SubjectMember.subject_id).where(
                SubjectMember.account_id.in_(wanted[start : start + 500])
            )
        )
        found.update({account_id: subject_id for account_id, subject_id in rows})
    return found


def stable_ids(
    session: Session, groups: dict[str, list[str]], previous: dict[str, str]
) -> tuple[dict[str, str], int, int]:
    """Give each component (root → members) an id; returns the ids, how many kept, how many new.

    A component keeps the earlier subject most of its accounts belonged to (`previous`: account →
    subject); components choose largest first, so when a subject splits, the larger part keeps its
    id. Others are named from their smallest account id, after every kept id is placed, never
    reusing an id in use (subjects outside an incremental run keep theirs).
    """
    held = set(previous.values())
    taken = {sid for sid in session.scalars(select(Subject.id)) if sid not in held}
    assigned: dict[str, str] = {}
    kept = new = 0
    for root, members in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        votes = Counter(previous[m] for m in members if m in previous and previous[m] not in taken)
        if votes:
            subject_id = min(votes, key=lambda sid: (-votes[sid], sid))
            kept += 1
            taken.add(subject_id)
            assigned[root] = subject_id
    for root in sorted(groups):
        if root in assigned:
            continue
        subject_id, attempt = make_id("subject", root), 0
        while subject_id in taken:
            attempt += 1
            subject_id = make_id("subject", root, attempt)
        new += 1
        taken.add(subject_id)
        assigned[root] = subject_id
    return assigned, kept, new


def store_components(
    session: Session,
    *,
    full: bool,
    scope: set[str],
    groups: dict[str, list[str]],
    assigned: dict[str, str],
    links: list[LinkRow],
    previous: dict[str, str],
) -> None:
    """Replace the members and links of the accounts in `scope`, drop the subjects they no longer
    use, add new ones, and keep `member_count` (and `updated_at`, when membership changed) true.

    `full` replaces everything (a full run's scope is every reported account, and only those are
    members); otherwise subjects outside the scope are left untouched.
    """
    # Memberships are replaced only where they changed: most accounts of a full run keep their
    # subject (`stable_ids`), and rewriting a million unchanged rows costs most of a minute.
    placed = {member: assigned[root] for root, group in groups.items() for member in group}
    moved = [account for account, subject in previous.items() if placed.get(account) != subject]
    if full:
        session.execute(delete(AccountLink))
    else:
        for batch in _batches(scope):
            session.execute(
                delete(AccountLink).where(
                    or_(AccountLink.account_a.in_(batch), AccountLink.account_b.in_(batch))
                )
            )
    for batch in _batches(moved):
        session.execute(delete(SubjectMember).where(SubjectMember.account_id.in_(batch)))
    keep = set(assigned.values())
    existing = set(session.scalars(select(Subject.id))) if full else set(previous.values())
    for batch in _batches(existing - keep):
        session.execute(delete(Subject).where(Subject.id.in_(batch)))
    before: dict[str, set[str]] = defaultdict(set)
    for account, subject_id in previous.items():
        before[subject_id].add(account)
    stored = _member_counts(session, keep & existing)
    now = utcnow()
    changed: list[dict[str, Any]] = []
    added: list[dict[str, Any]] = []
    for root, members in groups.items():
        subject_id = assigned[root]
        if subject_id not in existing:
            row = {"id": subject_id, "created_at": now, "updated_at": now}
            added.append(row | {"member_count": len(members)})
        elif before[subject_id] != set(members) or stored.get(subject_id) != len(members):
            changed.append({"id": subject_id, "member_count": len(members), "updated_at": now})
    if changed:
        session.execute(update(Subject), changed)
    session.flush()
    # Hundreds of thousands of rows on a full run: plain bulk inserts (`storage.bulk`), not ORM
    # objects, whose unit of work costs more than the database does; in key order, so that each
    # B-tree (and each foreign-key lookup) is walked in order instead of at random: half the
    # time of a million members in random order on SQLite.
    added.sort(key=itemgetter("id"))
    _insert(session, Subject, added)
    joining = sorted(
        (member, subject) for member, subject in placed.items() if previous.get(member) != subject
    )
    _insert(
        session,
        SubjectMember,
        [{"account_id": member, "subject_id": subject} for member, subject in joining],
    )
    ordered = sorted(links, key=attrgetter("account_a", "account_b", "rule", "value"))
    _insert(session, AccountLink, [_link_row(link) for link in ordered])


def _insert(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    bulk_insert(session.connection(), model.__table__, rows)


@dataclass(slots=True)
class LinkRow:
    """A link as the linker makes it, before it is stored (an `AccountLink` row without its id).

    Plain data, not an ORM instance: a full run makes one per linked account pair, hundreds of
    thousands, and instrumented instances cost more to build than to store.
    """

    account_a: str
    account_b: str
    rule: str
    kind: str
    value: str
    score: float = 1.0
    evidence: dict[str, Any] = field(default_factory=dict)
    blocked_by: int | None = None
    refused: str | None = None


def _link_row(link: LinkRow) -> dict[str, Any]:
    return {
        "account_a": link.account_a,
        "account_b": link.account_b,
        "rule": link.rule,
        "kind": link.kind,
        "value": link.value,
        "score": link.score,
        "evidence": link.evidence,
        "blocked_by": link.blocked_by,
        "refused": link.refused,
    }


def totals(session: Session) -> tuple[int, int, int]:
    """Subjects, links that joined accounts, and accounts in subjects of more than one account."""
    subjects = session.scalar(select(func.count()).select_from(Subject)) or 0
    links = session.scalar(select(func.count()).select_from(AccountLink).where(JOINED)) or 0
    linked = (
        session.scalar(
            select(func.coalesce(func.sum(Subject.member_count), 0)).where(Subject.member_count > 1)
        )
        or 0
    )
    return subjects, links, linked


def _member_counts(session: Session, subject_ids: set[str]) -> dict[str, int | None]:
    found: dict[str, int | None] = {}
    for batch in _batches(subject_ids):
        rows = session.execute(
            select(Subject.id, Subject.member_count).where(Subject.id.in_(batch))
        )
        found.update({subject_id: count for subject_id, count in rows})
    return found


def _batches(items: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(set(items))
    for start in range(0, len(ordered), _BATCH):
        yield ordered[start : start + _BATCH]
