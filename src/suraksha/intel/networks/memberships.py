"""Analysts' membership judgements: a subject is, or is not, a member of a group.

Like identity judgements, a membership judgement outranks the algorithm and is never updated or
deleted: on every grouping run the latest decision on a (group, subject) pair adds the subject to
the group (`member`) or keeps it out (`not_member`), and a later judgement on the same pair
supersedes it. A judgement on a group that a run does not find waits until the group is found
again under its id. Judging needs `subject.write` on the subject, and is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from suraksha.errors import UserInputError
from suraksha.identity.subjects import subject_exists
from suraksha.intel.models import SubjectJurisdiction
from suraksha.intel.networks.models import MembershipJudgement, NetworkGroup
from suraksha.security import audit
from suraksha.security.audit import Who
from suraksha.security.policy import Actor, Permission, Scope, permits, require, scope_of


class Membership(StrEnum):
    """What an analyst decided about a subject and a group."""

    MEMBER = "member"
    NOT_MEMBER = "not_member"


@dataclass(frozen=True, slots=True)
class MembershipView:
    """One judgement as stored."""

    id: int
    group_id: str
    subject_id: str
    decision: Membership
    reason: str
    analyst: str
    created_at: datetime


def parse_membership(text: str) -> Membership:
    """`member` or `not-member` (also `not_member`), case-insensitive."""
    folded = text.strip().lower().replace("-", "_")
    try:
        return Membership(folded)
    except ValueError:
        raise UserInputError(f"unknown decision {text!r}: give member or not-member") from None


def judge_membership(
    session: Session,
    actor: Who,
    group_id: str,
    subject_id: str,
    decision: Membership,
    reason: str,
) -> MembershipView:
    """Record a judgement, after checking the group exists and the actor may change the subject.

    It takes effect on the next grouping run (`suraksha resolve` or `suraksha groups --refresh`).
    """
    if not reason.strip():
        raise UserInputError("say why: a membership judgement needs a reason (--reason TEXT)")
    if session.get(NetworkGroup, group_id) is None:
        raise UserInputError(f"no group {group_id}: `suraksha groups` lists them")
    _check_subject(session, actor, subject_id)
    row = MembershipJudgement(
        group_id=group_id,
        subject_id=subject_id,
        decision=decision.value,
        reason=reason.strip(),
        analyst=actor.name if isinstance(actor, Actor) else actor,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "group.judge",
        "group",
        group_id,
        {"subject": subject_id, "decision": decision.value, "judgement": row.id},
    )
    return _view(row)


def _check_subject(session: Session, actor: Who, subject_id: str) -> None:
    """The subject exists and the actor may change it (`subject.write` on its place); a subject
    out of reach is reported exactly as one that does not exist."""
    missing = UserInputError(
        f"no subject {subject_id} in your reach: `suraksha subjects` lists them"
    )
    if isinstance(actor, Actor) and scope_of(actor.role, Permission.SUBJECT_WRITE) is Scope.NONE:
        require(actor, Permission.SUBJECT_WRITE)
    if not subject_exists(session, subject_id):
        raise missing
    if isinstance(actor, Actor):
        place = session.get(SubjectJurisdiction, subject_id)
        state, district = (place.state, place.district) if place is not None else (None, None)
        if not permits(actor, Permission.SUBJECT_WRITE, state=state, district=district):
            raise missing


def judgements_of(session: Session, group_id: str) -> list[MembershipView]:
    """Every judgement on the group, oldest first."""
    rows = session.scalars(
        select(MembershipJudgement)
        .where(MembershipJudgement.group_id == group_id)
        .order_by(MembershipJudgement.id)
    )
    return [_view(row) for row in rows]


def current_decisions(session: Session) -> dict[tuple[str, str], Membership]:
    """(group id, subject id) → the latest decision on the pair."""
    decisions: dict[tuple[str, str], Membership] = {}
    for group_id, subject_id, decision in session.execute(
        select(
            MembershipJudgement.group_id,
            MembershipJudgement.subject_id,
            MembershipJudgement.decision,
        ).order_by(MembershipJudgement.id)
    ):
        decisions[(group_id, subject_id)] = Membership(decision)
    return decisions


def _view(row: MembershipJudgement) -> MembershipView:
    return MembershipView(
        id=row.id,
        group_id=row.group_id,
        subject_id=row.subject_id,
        decision=Membership(row.decision),
        reason=row.reason,
        analyst=row.analyst,
        created_at=row.created_at,
    )
