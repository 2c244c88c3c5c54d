"""Tables of the identity domain: subjects, their member accounts, the links that joined them, the
analysts' judgements the linker obeys, and a record of every resolution.

Subject ── SubjectMember (account_id)            member_count: what the last resolution stored
AccountLink   an edge between two accounts: rule, identifier kind and value, score, evidence;
              `blocked_by` set when a `different` judgement refused it, `refused` when a guard
              did (a shared line); both kept to explain the split
Judgement     an analyst's same / different / unsure on two accounts (or two sets of accounts);
              never updated or deleted: a later judgement on the same pair supersedes it
IdentityRun   one `resolve`: full or incremental, with the parameters incremental runs must share
WeakFeatures  one account's weak features (`probabilistic.WeakRecord`) and WeakPairRow one pair the
              probabilistic layer links, kept so that an incremental run scores only new accounts
              (`weak_evidence`); derived data, rebuilt by every full run
IpBusyLine    a public line so busy it links only by address and port, which decides the blocks an
              incremental run reads captures by (`ip_blocks`); derived data, rebuilt by every
              full run
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
    # How many members the last resolution gave it. Members vanish with their accounts (a tip's new
    # version re-creates them), so a mismatch tells an incremental run that it must start afresh.
    member_count: Mapped[int | None]

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
    """Why two accounts are believed to be one person: the rule and the evidence behind it.

    A link refused because it would have put two accounts an analyst judged different into one
    subject is kept with `blocked_by` = that judgement's id, so the profile can say what was cut.
    A link a guard refused is kept with `refused` = the guard (`shared_line`) and its reasons in
    the evidence. A link joined its accounts when both are NULL.
    """

    __tablename__ = "account_links"
    __table_args__ = (
        Index("ix_account_links_pair", "account_a", "account_b"),
        Index("ix_account_links_account_b", "account_b"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_a: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    account_b: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(Text)
    score: Mapped[float] = mapped_column(default=1.0)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    blocked_by: Mapped[int | None]
    refused: Mapped[str | None] = mapped_column(String(32))


class Judgement(Base):
    """An analyst's decision that two accounts are the same person, different persons, or unsure.

    `account_a` < `account_b` name the pair (an account given on the command line, or the smallest
    account of a subject given); `accounts_a` / `accounts_b` hold every account each side stood for
    when judged (one account, or all of a subject's). The account columns carry no foreign key on
    purpose: a tip's new version deletes and re-creates its accounts under the same ids, and a
    judgement must outlive that. Rows are only ever added; the latest on a pair is the current one.
    """

    __tablename__ = "identity_judgements"
    __table_args__ = (Index("ix_identity_judgements_pair", "account_a", "account_b"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_a: Mapped[str] = mapped_column(String(40))
    account_b: Mapped[str] = mapped_column(String(40))
    accounts_a: Mapped[list[Any]] = mapped_column(default=list)
    accounts_b: Mapped[list[Any]] = mapped_column(default=list)
    given_a: Mapped[str] = mapped_column(Text)  # the id as the analyst gave it (account or subject)
    given_b: Mapped[str] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    analyst: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdentityRun(Base):
    """One resolution: when, full or incremental, with which parameters, and what it did."""

    __tablename__ = "identity_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    mode: Mapped[str] = mapped_column(String(16))
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The newest judgement the run applied: later ones are what the next incremental run must see.
    last_judgement_id: Mapped[int | None]
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)


class WeakFeatures(Base):
    """One reported account's weak features, as `probabilistic.weak_record` gave them."""

    __tablename__ = "identity_weak_features"

    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    name_key: Mapped[str | None] = mapped_column(Text)
    dob: Mapped[str | None] = mapped_column(String(10))
    handle: Mapped[str | None] = mapped_column(Text)
    handle_stem: Mapped[str | None] = mapped_column(Text)
    pincode: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)
    line: Mapped[str | None] = mapped_column(Text)
    street: Mapped[str | None] = mapped_column(Text)
    number: Mapped[str | None] = mapped_column(Text)


class WeakPairRow(Base):
    """A pair of accounts the probabilistic layer links (weight and guard passed), with the values
    that agree; linked or refused later by the linker like any other proposal."""

    __tablename__ = "identity_weak_pairs"

    account_a: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    account_b: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    match_weight: Mapped[float]
    match_probability: Mapped[float]
    agreeing: Mapped[dict[str, Any]] = mapped_column(default=dict)


class IpBusyLine(Base):
    """A public line so many accounts used that it links only with the source port
    (`ips.mark_busy_lines`); its captures' blocks are by address and port (`ip_blocks`)."""

    __tablename__ = "identity_ip_busy_lines"

    line: Mapped[str] = mapped_column(String(80), primary_key=True)
    accounts: Mapped[int]  # accounts on the line when it was found busy
