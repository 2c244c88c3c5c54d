"""Tables of the victims domain: the only place a child victim's identity is stored.

Victim ─┬─ VictimTip        tips (by tip id) that name the child
        ├─ VictimProof      documents towards the child's age (JJ Act 2015 s.94(2) order)
        └─ VictimSupport    dated support events: CWC, support person, statements, medical
                            examination, compensation orders and payments, counselling

Everything outside these tables names a victim by `label` (`V-<case ref>-<n>`), never by name
(POCSO s.23, s.33(7); JJ Act 2015 s.74; docs/victims.md). The identity columns are `name`,
`claimed_*`, `proven_dob`, `gender`, `guardian`, `address` and `school`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from suraksha.storage.base import Base, utcnow


class Victim(Base):
    """A child victim of a case: identity (restricted) and the pseudonymous label used elsewhere.

    (`state`, `district`) is the child's district, whose support person (`victim_support`)
    reaches the record; `case_id` the case whose investigating officer and prosecutor do.
    """

    __tablename__ = "victims"
    __table_args__ = (
        UniqueConstraint("case_id", "number"),
        Index("ix_victims_place", "state", "district"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(64), unique=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"), index=True)
    number: Mapped[int]  # 1, 2, … within the case
    state: Mapped[str] = mapped_column(Text)
    district: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    claimed_dob: Mapped[date | None]
    claimed_age: Mapped[int | None]
    proven_dob: Mapped[date | None]
    gender: Mapped[str | None] = mapped_column(Text)
    guardian: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    school: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class VictimTip(Base):
    """A tip (intake's tip id) that names the child."""

    __tablename__ = "victim_tips"

    victim_id: Mapped[int] = mapped_column(
        ForeignKey("victims.id", ondelete="CASCADE"), primary_key=True
    )
    tip_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class VictimProof(Base):
    """A document (or medical opinion) on the child's age, as the checklist ranks it."""

    __tablename__ = "victim_proofs"

    id: Mapped[int] = mapped_column(primary_key=True)
    victim_id: Mapped[int] = mapped_column(ForeignKey("victims.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    document_ref: Mapped[str] = mapped_column(Text)  # register number, exhibit, file reference
    date_of_birth: Mapped[date | None]
    age_low: Mapped[int | None]  # medical estimates: a range of whole years
    age_high: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class VictimSupport(Base):
    """A dated support event (`support.SupportEvent`) with its order or reference."""

    __tablename__ = "victim_support_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    victim_id: Mapped[int] = mapped_column(ForeignKey("victims.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime]
    reference: Mapped[str] = mapped_column(Text, default="")  # order number, CWC file, …
    person: Mapped[str] = mapped_column(Text, default="")  # support person or counsellor
    amount: Mapped[int | None]  # rupees, for compensation
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
