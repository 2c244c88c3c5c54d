"""Reading subjects: who they are made of, and the links that explain each membership."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from suraksha.identity.models import AccountLink, Subject, SubjectMember


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
    """The links touching any of the accounts, in a stable order."""
    if not account_ids:
        return []
    rows = session.scalars(
        select(AccountLink)
        .where(or_(AccountLink.account_a.in_(account_ids), AccountLink.account_b.in_(account_ids)))
        .order_by(AccountLink.kind, AccountLink.value, AccountLink.account_b)
    )
    return [
        LinkView(r.account_a, r.account_b, r.rule, r.kind, r.value, r.score, dict(r.evidence))
        for r in rows
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
