"""Tables of the identity domain: subjects, their member accounts, and the links that joined them.

Subject ── SubjectMember (account_id, the rule that admitted it)
AccountLink   an edge between two accounts: rule, identifier kind and value, score
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from suraksha.storage.base import Base, utcnow


class Subject(Base):
    """A resolved person: a set of accounts believed to be one individual (not a finding of guilt)."""

    __tablename__ = "subjects"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list[SubjectMember]] = relationship(
        cascade="all, delete-orphan", order_by="SubjectMember.account_id"
    )


class SubjectMember(Base):
    """An account's membership of a subject; each account belongs to exactly one subject."""

    __tablename__ = "subject_members"

    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    subject_id: Mapped[str] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), index=True
    )


class AccountLink(Base):
    """Why two accounts are believed to be one person: the rule and the evidence behind it."""

    __tablename__ = "account_links"
    __table_args__ = (Index("ix_account_links_pair", "account_a", "account_b"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_a: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    account_b: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(Text)
    score: Mapped[float] = mapped_column(default=1.0)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
