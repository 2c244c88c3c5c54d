"""Tables of offender networks: the groups a run found, their members and edges, and analysts'
membership judgements.

NetworkRun ── what one grouping did, with the method's parameters
NetworkGroup ─┬─ NetworkMember        a subject in a group: found or judged, roles and measures
              └─ (edges)              NetworkEdge: two subjects and the evidence joining them
MembershipJudgement                  an analyst's member / not member; never updated or deleted

A group is never deleted: a run that no longer finds it marks it inactive, so that its id, its
history and the judgements on it outlive the evidence that formed it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from suraksha.storage.base import Base, utcnow


class NetworkRun(Base):
    """One grouping of the network: when, with which parameters, and what it found."""

    __tablename__ = "network_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)


class NetworkGroup(Base):
    """A community of subjects the network joins: not a finding that anyone offended together."""

    __tablename__ = "network_groups"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    run_id: Mapped[int] = mapped_column(ForeignKey("network_runs.id"))  # the last run that found it
    active: Mapped[bool] = mapped_column(default=True)
    size: Mapped[int]
    # Evidence kinds inside the group with counts, platform group identifiers, the method's words.
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)


class NetworkMember(Base):
    """A subject's membership of a group, how it came about, and its part in the group."""

    __tablename__ = "network_members"

    group_id: Mapped[str] = mapped_column(
        ForeignKey("network_groups.id", ondelete="CASCADE"), primary_key=True
    )
    subject_id: Mapped[str] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    source: Mapped[str] = mapped_column(String(16))  # found | attached | judged
    roles: Mapped[list[Any]] = mapped_column(default=list)  # [{role, measure, value, why}]
    measures: Mapped[dict[str, Any]] = mapped_column(default=dict)
    abroad: Mapped[list[Any]] = mapped_column(default=list)  # [{kind, country, value, report}]


class NetworkEdge(Base):
    """Two subjects the network joins, with every piece of evidence and its weight."""

    __tablename__ = "network_edges"
    __table_args__ = (
        Index("ix_network_edges_subject_a", "subject_a"),
        Index("ix_network_edges_subject_b", "subject_b"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_a: Mapped[str] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"))
    subject_b: Mapped[str] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"))
    weight: Mapped[float]
    kinds: Mapped[list[Any]] = mapped_column(default=list)
    evidence: Mapped[list[Any]] = mapped_column(default=list)


class MembershipJudgement(Base):
    """An analyst's decision that a subject is, or is not, a member of a group.

    `subject_id` carries no foreign key on purpose, as identity judgements do: the decision must
    outlive a re-resolution that retires the subject. The latest on a (group, subject) pair rules.
    """

    __tablename__ = "network_judgements"
    __table_args__ = (Index("ix_network_judgements_pair", "group_id", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("network_groups.id"))
    subject_id: Mapped[str] = mapped_column(String(40))
    decision: Mapped[str] = mapped_column(String(16))  # member | not_member
    reason: Mapped[str] = mapped_column(Text)
    analyst: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
