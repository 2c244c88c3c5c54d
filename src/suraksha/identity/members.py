"""Subject membership as a query other domains can join: which subject each account belongs to.

Lists that must be filtered by a subject's place (the tip inbox: a tip belongs to the districts
of the subjects it names) join this selectable instead of reading identity's tables themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from suraksha.identity.models import Subject, SubjectMember

_BATCH = 500


def account_subjects() -> Select[str, str]:
    """A query of (account_id, subject_id) for every account that belongs to a subject."""
    return select(
        SubjectMember.account_id.label("account_id"),
        SubjectMember.subject_id.label("subject_id"),
    )


def member_counts(session: Session, subject_ids: Iterable[str]) -> dict[str, int]:
    """How many accounts each of the given subjects holds (unknown subjects are absent)."""
    wanted = sorted(set(subject_ids))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), _BATCH):
        rows = session.execute(
            select(Subject.id, Subject.member_count).where(
                Subject.id.in_(wanted[start : start + _BATCH])
            )
        )
        found.update({subject_id: int(count or 0) for subject_id, count in rows})
    return found
