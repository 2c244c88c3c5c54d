"""Deterministic linking: accounts that share a strong identifier become one subject.

The strong identifiers are the cleaned e-mail address, the E.164 phone number, the platform user id
scoped by its service, and the device id: values a person controls and that two unrelated people
rarely share. Only accounts reported as the subject of a tip are linked — never an intended recipient
or victim, and never the reporting platform's own contact details (formats do not produce those).

Guard: a value held by more than `max_accounts` accounts (a placeholder number, a shared test
address) is not used as a key, and the resolution says so. Weaker evidence (names, handles, IP events)
is the probabilistic layer's job (issue 6); it never links on its own here.

Subject ids are stable: a component keeps the id of the existing subject that held most of its
accounts, so a new tip joining a subject does not rename it. A new component is named from its
smallest account id, so the same data always gives the same ids.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from suraksha.identity.models import AccountLink, Subject, SubjectMember
from suraksha.ids import make_id
from suraksha.intake.accounts import IdentifierFact, account_ids, identifier_facts
from suraksha.intake.records import IdentifierKind
from suraksha.storage.base import utcnow

STRONG_KINDS = (
    IdentifierKind.EMAIL,
    IdentifierKind.PHONE,
    IdentifierKind.PLATFORM_USER_ID,
    IdentifierKind.DEVICE_ID,
)
DEFAULT_MAX_ACCOUNTS = 50


@dataclass(slots=True)
class ResolveResult:
    """What one resolution produced."""

    accounts: int = 0
    subjects: int = 0
    links: int = 0
    linked_accounts: int = 0
    too_common: list[tuple[str, str, int]] = field(default_factory=list)  # kind, value, accounts
    kept_ids: int = 0
    new_ids: int = 0


class _Components:
    """Union-find over account ids, with the smallest id as each set's representative."""

    def __init__(self, items: list[str]) -> None:
        self._parent = {item: item for item in items}

    def find(self, item: str) -> str:
        root = item
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[item] != root:
            self._parent[item], item = root, self._parent[item]
        return root

    def union(self, left: str, right: str) -> bool:
        a, b = self.find(left), self.find(right)
        if a == b:
            return False
        low, high = sorted((a, b))
        self._parent[high] = low
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
    on_step: Callable[[str], None] | None = None,
) -> ResolveResult:
    """Link every reported account into subjects and store subjects, members and links."""
    result = ResolveResult()
    accounts = account_ids(session)
    result.accounts = len(accounts)
    holders: dict[tuple[str, str], list[IdentifierFact]] = defaultdict(list)
    for fact in identifier_facts(session, [kind.value for kind in STRONG_KINDS]):
        holders[(fact.kind, fact.value)].append(fact)
    if on_step:
        on_step("identifiers read")

    components = _Components(accounts)
    links: list[AccountLink] = []
    for (kind, value), facts in sorted(holders.items()):
        holder_ids = sorted({fact.account_id for fact in facts})
        if len(holder_ids) < 2:
            continue
        if len(holder_ids) > max_accounts:
            result.too_common.append((kind, value, len(holder_ids)))
            continue
        anchor = holder_ids[0]
        for other in holder_ids[1:]:
            components.union(anchor, other)
            pair = [fact for fact in facts if fact.account_id in (anchor, other)]
            links.append(
                AccountLink(
                    account_a=anchor,
                    account_b=other,
                    rule=f"same_{kind}",
                    kind=kind,
                    value=value,
                    score=1.0,
                    evidence={
                        "identifiers": [
                            {
                                "account_id": fact.account_id,
                                "report_id": fact.report_id,
                                "raw": fact.raw,
                                "path": fact.path,
                            }
                            for fact in pair
                        ]
                    },
                )
            )
    if on_step:
        on_step("accounts linked")

    previous = {
        account_id: subject_id
        for account_id, subject_id in session.execute(
            select(SubjectMember.account_id, SubjectMember.subject_id)
        )
    }
    groups = components.groups()
    assigned = _stable_ids(groups, previous, result)
    _store(session, groups, assigned, links)
    result.subjects = len(groups)
    result.links = len(links)
    result.linked_accounts = sum(len(members) for members in groups.values() if len(members) > 1)
    if on_step:
        on_step("subjects stored")
    return result


def _stable_ids(
    groups: dict[str, list[str]], previous: dict[str, str], result: ResolveResult
) -> dict[str, str]:
    """Give each component an id: the earlier subject most of it belonged to, else a new one.

    Components are handled largest first, so when a subject splits, the larger part keeps its id.
    """
    assigned: dict[str, str] = {}
    taken: set[str] = set()
    for root, members in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        votes = Counter(previous[m] for m in members if m in previous and previous[m] not in taken)
        if votes:
            subject_id = min(votes, key=lambda sid: (-votes[sid], sid))
            result.kept_ids += 1
        else:
            subject_id = make_id("subject", root)
            result.new_ids += 1
        taken.add(subject_id)
        assigned[root] = subject_id
    return assigned


def _store(
    session: Session,
    groups: dict[str, list[str]],
    assigned: dict[str, str],
    links: list[AccountLink],
) -> None:
    session.execute(delete(AccountLink))
    session.execute(delete(SubjectMember))
    keep = set(assigned.values())
    existing = set(session.scalars(select(Subject.id)))
    stale = sorted(existing - keep)
    for start in range(0, len(stale), 500):
        session.execute(delete(Subject).where(Subject.id.in_(stale[start : start + 500])))
    now = utcnow()
    for subject_id in sorted(keep - existing):
        session.add(Subject(id=subject_id, created_at=now, updated_at=now))
    session.flush()
    session.add_all(
        SubjectMember(account_id=member, subject_id=assigned[root])
        for root, members in groups.items()
        for member in members
    )
    session.add_all(links)
    session.flush()
