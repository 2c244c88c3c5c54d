"""Officers' overrides of a subject's priority: recorded with a reason, kept as history.

An officer who knows something the data does not (the subject is already in custody, a child in
the report has just been identified) can set a subject's score or add points to it, and must say
why. The override becomes the factor `officer_override` of the subject's priority, so the score is
still the sum of its factors and the explanation names who changed it and why. A new decision on
the same subject supersedes the standing one (a `withdraw` ends it); nothing is deleted, so the
history shows every decision in order.

    record_override / withdraw_override → PriorityOverride row, earlier one superseded
                                        → the stored SubjectPriority updated at once
    standing_overrides                  → what `assess_all` applies on every recomputation
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from suraksha.errors import UserInputError
from suraksha.identity.subjects import members_of
from suraksha.intake.accounts import account_views
from suraksha.intel.models import PriorityOverride, SubjectPriority
from suraksha.intel.priority import OfficerOverride, override_factor
from suraksha.storage.base import utcnow

OVERRIDE_FACTOR = "officer_override"


class OverrideMode(StrEnum):
    """What an override does to the computed score."""

    SET = "set"  # the score becomes `points`, whatever the factors add up to
    ADD = "add"  # `points` are added to the factors' sum (negative lowers)
    WITHDRAW = "withdraw"  # the standing override ends; the computed score applies again


@dataclass(frozen=True, slots=True)
class OverrideView:
    """One decision in a subject's override history."""

    override_id: int
    subject_id: str
    mode: str
    points: float | None
    reason: str
    officer: str
    report_ids: list[str]
    created_at: datetime
    superseded_by: int | None

    @property
    def standing(self) -> bool:
        """This decision is the subject's current one and changes its score (not a withdrawal)."""
        return self.superseded_by is None and self.mode != OverrideMode.WITHDRAW


def record_override(
    session: Session,
    subject_id: str,
    *,
    reason: str,
    officer: str,
    score: float | None = None,
    add: float | None = None,
    at: datetime | None = None,
) -> OverrideView:
    """Set the subject's score to `score`, or add `add` points to it, because of `reason`.

    Exactly one of `score` and `add` is given. The decision supersedes the subject's standing one
    and is applied to its stored priority at once. Raises UserInputError for an unknown subject,
    an empty reason or officer, or a missing, doubled or non-finite number.
    """
    if (score is None) == (add is None):
        raise UserInputError("Give either a new score (--score N) or points to add (--add N).")
    points = score if score is not None else add
    assert points is not None  # one of the two, checked above; narrows the type
    if not math.isfinite(points):
        raise UserInputError(f"{points} is not a usable number of points.")
    mode = OverrideMode.SET if score is not None else OverrideMode.ADD
    return _decide(session, subject_id, mode, points, reason, officer, at)


def withdraw_override(
    session: Session, subject_id: str, *, reason: str, officer: str, at: datetime | None = None
) -> OverrideView:
    """End the subject's standing override (the computed score applies again), with a reason."""
    if standing_override(session, subject_id) is None:
        raise UserInputError(
            f"Subject {subject_id} has no standing override to withdraw. "
            f"See `suraksha priority history {subject_id}`."
        )
    return _decide(session, subject_id, OverrideMode.WITHDRAW, None, reason, officer, at)


def standing_override(session: Session, subject_id: str) -> OfficerOverride | None:
    """The subject's override in force, if any."""
    return standing_overrides(session, [subject_id]).get(subject_id)


def standing_overrides(
    session: Session, subject_ids: list[str] | None = None
) -> dict[str, OfficerOverride]:
    """Overrides in force by subject id (of the given subjects, or of all)."""
    query = select(PriorityOverride).where(PriorityOverride.superseded_by.is_(None))
    if subject_ids is not None:
        query = query.where(PriorityOverride.subject_id.in_(sorted(set(subject_ids))))
    latest: dict[str, PriorityOverride] = {}
    # Two officers deciding at the same moment on PostgreSQL can leave two unsuperseded rows:
    # the later one stands, as it would have had they decided one after the other.
    for row in session.scalars(query.order_by(PriorityOverride.id)):
        latest[row.subject_id] = row
    return {
        subject_id: OfficerOverride(
            override_id=row.id,
            mode=row.mode,
            points=row.points,
            reason=row.reason,
            officer=row.officer,
            at=row.created_at,
        )
        for subject_id, row in latest.items()
        if row.mode != OverrideMode.WITHDRAW and row.points is not None
    }


def override_history(session: Session, subject_id: str) -> list[OverrideView]:
    """Every decision on the subject in the order recorded (also for subjects merged away since)."""
    rows = session.scalars(
        select(PriorityOverride)
        .where(PriorityOverride.subject_id == subject_id)
        .order_by(PriorityOverride.id)
    )
    return [_view(row) for row in rows]


def apply_standing_override(session: Session, subject_id: str) -> SubjectPriority | None:
    """Bring the subject's stored priority in line with its standing override (or its absence).

    The other factors stay as computed (with the weights that priced them); only the
    `officer_override` factor and the score change. None when the subject has not been assessed
    yet: `assess_all` applies the override when it is.
    """
    stored = session.get(SubjectPriority, subject_id)
    if stored is None:
        return None
    factors = [f for f in stored.factors if f.get("factor") != OVERRIDE_FACTOR]
    base = sum(float(f["weight"]) for f in factors)
    override = standing_override(session, subject_id)
    if override is not None:
        factors.append(override_factor(override, base).as_dict())
    stored.factors = factors
    stored.score = round(sum(float(f["weight"]) for f in factors), 1)
    session.flush()
    return stored


def _decide(
    session: Session,
    subject_id: str,
    mode: OverrideMode,
    points: float | None,
    reason: str,
    officer: str,
    at: datetime | None,
) -> OverrideView:
    reason, officer = reason.strip(), officer.strip()
    if not reason:
        raise UserInputError(
            "Give a reason (--reason TEXT): an override without one cannot be reviewed."
        )
    if not officer:
        raise UserInputError("Name the officer deciding (--officer NAME).")
    accounts = members_of(session, subject_id)
    if not accounts and mode is not OverrideMode.WITHDRAW:
        raise UserInputError(
            f"No subject {subject_id!r}. List subjects with `suraksha subjects` and copy an id."
        )
    row = PriorityOverride(
        subject_id=subject_id,
        mode=mode.value,
        points=points,
        reason=reason,
        officer=officer,
        report_ids=sorted({view.report_id for view in account_views(session, accounts)}),
        created_at=at or utcnow(),
    )
    session.add(row)
    session.flush()
    earlier = session.scalars(
        select(PriorityOverride).where(
            PriorityOverride.subject_id == subject_id,
            PriorityOverride.superseded_by.is_(None),
            PriorityOverride.id != row.id,
        )
    )
    for previous in earlier:
        previous.superseded_by = row.id
    session.flush()
    apply_standing_override(session, subject_id)
    return _view(row)


def _view(row: PriorityOverride) -> OverrideView:
    return OverrideView(
        override_id=row.id,
        subject_id=row.subject_id,
        mode=row.mode,
        points=row.points,
        reason=row.reason,
        officer=row.officer,
        report_ids=list(row.report_ids),
        created_at=row.created_at,
        superseded_by=row.superseded_by,
    )
