"""Tables of the intel domain: each subject's explained priority, officers' overrides of it, and
its routing to a district.

SubjectPriority        score + factors, the weights (label, digest) that priced them, and the
                       nearest open freshness deadline among the factors (kept in step by hooks)
PriorityOverride       an officer's decision with its reason; a later one supersedes it (history kept)
SubjectJurisdiction    state, district, confidence and the reason
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from suraksha.intel.freshness import next_deadline
from suraksha.storage.base import Base, utcnow


class SubjectPriority(Base):
    """A subject's priority score and the factors that produced it (factor, value, weight, source)."""

    __tablename__ = "subject_priorities"
    __table_args__ = (
        # The subject list's default order, highest first, and its deep pages (migration 0019).
        Index("ix_subject_priorities_score", "score", "subject_id"),
        # Its deadline order and "due within" filter (migration 0021).
        Index("ix_subject_priorities_deadline", "next_deadline", "score", "subject_id"),
    )

    subject_id: Mapped[str] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True
    )
    score: Mapped[float]
    factors: Mapped[list[Any]] = mapped_column(default=list)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Which weights file priced the factors: "name version" and the digest of its values (None
    # for scores computed before weights were recorded).
    weights_label: Mapped[str | None] = mapped_column(Text)
    weights_digest: Mapped[str | None] = mapped_column(String(64))
    # `freshness.next_deadline` of the factors as of `computed_at`: derived, never set by hand
    # (`_keep_deadline` below sets it on every insert and update through the ORM).
    next_deadline: Mapped[date | None] = mapped_column(Date)


@event.listens_for(SubjectPriority, "before_insert")
@event.listens_for(SubjectPriority, "before_update")
def _keep_deadline(_mapper: Mapper[Any], _connection: Connection, row: SubjectPriority) -> None:
    if row.computed_at is None:  # the column default, fixed now so that both agree
        row.computed_at = utcnow()
    row.next_deadline, _factor = next_deadline(list(row.factors or []), row.computed_at)


class PriorityOverride(Base):
    """An officer's decision on a subject's priority: set the score, add points, or withdraw.

    Rows are never changed except to point `superseded_by` at the decision that replaced them, so
    the history of who decided what, when and why stays whole. There is deliberately no foreign
    key to `subjects`: when re-linking merges a subject away, its overrides must survive as
    history (`report_ids` records what the subject held when the officer decided).
    """

    __tablename__ = "intel_priority_overrides"
    __table_args__ = (
        CheckConstraint("mode IN ('set', 'add', 'withdraw')", name="mode"),
        CheckConstraint("length(trim(reason)) > 0", name="reason_given"),
        CheckConstraint("length(trim(officer)) > 0", name="officer_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(40), index=True)
    mode: Mapped[str] = mapped_column(String(16))
    points: Mapped[float | None]  # the score to set or the points to add; None to withdraw
    reason: Mapped[str] = mapped_column(Text)
    officer: Mapped[str] = mapped_column(Text)
    report_ids: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    superseded_by: Mapped[int | None] = mapped_column(
        ForeignKey("intel_priority_overrides.id", ondelete="SET NULL")
    )


class SubjectJurisdiction(Base):
    """Where police must act on a subject: state and district, with confidence and the reason."""

    __tablename__ = "subject_jurisdictions"
    # A state's or a district's subjects: policy.restrict and the list's counts (migration 0019).
    __table_args__ = (Index("ix_subject_jurisdictions_place", "state", "district", "subject_id"),)

    subject_id: Mapped[str] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str | None] = mapped_column(String(100))
    district: Mapped[str | None] = mapped_column(String(100))
    police_station: Mapped[str | None] = mapped_column(String(200))
    confidence: Mapped[float] = mapped_column(default=0.0)
    reason: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    # `agreed`, `conflict` or `no evidence` (routing.RoutingStatus); every place any evidence
    # points to, the decision's first (routing.Candidate.as_dict); what was read but not used.
    status: Mapped[str] = mapped_column(String(16), default="no evidence")
    candidates: Mapped[list[Any]] = mapped_column(default=list)
    notes: Mapped[list[Any]] = mapped_column(default=list)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
