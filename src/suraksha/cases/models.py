"""Tables of the cases domain: a case, its officers, stages, dated events, charges, transfers,
what it holds for deconfliction, and its evidence register with the chain of custody.

Case ─┬─ CaseOfficer          user names assigned to the case (the `cases` policy scope)
      ├─ CaseTransition       every stage change: from, to, when (UTC), by whom, why, backwards?
      │                       (a verdict also: its outcome and the charges it convicted on)
      ├─ CaseEvent            dated events the statutory clocks run from (cases/deadlines.py)
      ├─ CaseCharge           act, section and the text's version by offence date, with warnings
      ├─ CaseTransfer         moves between districts or units, with history
      ├─ CaseHolding          subjects, tips and identifiers the case holds (deconfliction keys)
      ├─ CaseDeconfliction    another open case found holding the same key, when it was found
      └─ EvidenceItem ─┬─ CustodyStep     seized, sealed, sent to the lab, … with the digest taken
                       └─ EvidenceAlert   a digest that differs from the first one recorded (at a
                                          step, or in a triage scan joined to the exhibit)

A case's id is its reference as opened (`KL-ERN-2026-0001`): it never changes, so policy's
`case_ids` and triage's `case_ref` keep naming the case after the FIR number is registered
(`fir_number`). Rows are added, not edited, wherever history matters (transitions, events,
transfers, custody): a correction is a new row with its reason.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from suraksha.storage.base import Base, utcnow


class Case(Base):
    """A case: opened from subjects and/or tips, owned by a unit in a (state, district)."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_place", "state", "district"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # the reference as opened
    fir_number: Mapped[str | None] = mapped_column(String(80), unique=True)
    unit: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(Text)
    district: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(24))
    offence_date: Mapped[date | None]
    # Set by a prosecutor when 60 or 90 days is not clear from the charges (cases/deadlines.py).
    chargesheet_days: Mapped[int | None]
    reason: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_by: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseOfficer(Base):
    """An officer (a user name) assigned to a case; their `Actor.case_ids` include it."""

    __tablename__ = "case_officers"

    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    user_name: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    assigned_by: Mapped[str] = mapped_column(Text)


class CaseTransition(Base):
    """A stage change: when it happened (`at`, UTC), when and by whom it was recorded, and why."""

    __tablename__ = "case_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(24))  # None: the case was opened
    to_stage: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime]
    backwards: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A move to verdict only (`workflow.Outcome`): convicted, acquitted or partly_convicted, and
    # the charges convicted on as they stood ({"id", "label", "version"}), kept with the move.
    outcome: Mapped[str | None] = mapped_column(String(24))
    convicted_charges: Mapped[list[Any] | None]


class CaseEvent(Base):
    """A dated event of a case (`deadlines.EventKind`), with the transition that recorded it."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")
    transition_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_transitions.id", ondelete="SET NULL")
    )
    by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseCharge(Base):
    """A section charged (or considered): act, section, the text's version on the offence date,
    how it was added (suggested or by hand), and the warnings given with it, kept as given."""

    __tablename__ = "case_charges"
    __table_args__ = (UniqueConstraint("case_id", "act", "section", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    act: Mapped[str] = mapped_column(String(16))
    section: Mapped[str] = mapped_column(String(24))
    version: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(16))  # "suggested" or "manual"
    reason: Mapped[str] = mapped_column(Text, default="")
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    by: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseTransfer(Base):
    """A move of the case to another district or unit."""

    __tablename__ = "case_transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    from_unit: Mapped[str] = mapped_column(Text)
    from_state: Mapped[str] = mapped_column(Text)
    from_district: Mapped[str] = mapped_column(Text)
    to_unit: Mapped[str] = mapped_column(Text)
    to_state: Mapped[str] = mapped_column(Text)
    to_district: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)


class CaseHolding(Base):
    """Something the case holds that another case may hold too: a subject id, a tip's report
    number, or a cleaned identifier (phone, email, platform_user_id, device_id)."""

    __tablename__ = "case_holdings"
    __table_args__ = (
        UniqueConstraint("case_id", "kind", "value"),
        Index("ix_case_holdings_key", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    value: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseDeconfliction(Base):
    """Another unit's or district's open case found holding a key this case holds.

    Only what may be told is kept: the holder's unit and case reference, and the key's kind and
    value (which the opener gave or already holds).
    """

    __tablename__ = "case_deconflictions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    holder_case: Mapped[str] = mapped_column(String(40))
    holder_unit: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(24))
    value: Mapped[str] = mapped_column(Text)
    found_at: Mapped[datetime] = mapped_column(default=utcnow)


class EvidenceItem(Base):
    """A seized device or medium: what it is, the seizure memo's facts, and a triage link."""

    __tablename__ = "case_evidence_items"
    __table_args__ = (UniqueConstraint("case_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(64))  # the exhibit label: "MO-1", "phone-1"
    kind: Mapped[str] = mapped_column(String(24))
    make: Mapped[str | None] = mapped_column(Text)
    model: Mapped[str | None] = mapped_column(Text)
    imeis: Mapped[list[Any]] = mapped_column(default=list)  # canonical "imei:…" (identity.devices)
    serial: Mapped[str | None] = mapped_column(Text)
    seized_at: Mapped[datetime | None]
    seized_place: Mapped[str | None] = mapped_column(Text)
    witnesses: Mapped[list[Any]] = mapped_column(default=list)  # names as in the seizure memo
    seal_numbers: Mapped[list[Any]] = mapped_column(default=list)
    videography_ref: Mapped[str | None] = mapped_column(Text)  # BNSS s.105 recording
    # The triage scan named for the exhibit (triage's id; read via triage.custody, never copied).
    scan_id: Mapped[int | None]
    added_by: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class CustodyStep(Base):
    """One step in an exhibit's chain of custody, with the digest the examiner took there."""

    __tablename__ = "case_custody_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("case_evidence_items.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime]
    handler: Mapped[str] = mapped_column(Text)  # who held or moved the exhibit
    place: Mapped[str] = mapped_column(Text)
    digest: Mapped[str | None] = mapped_column(String(128))  # hex, lower case
    digest_matches: Mapped[bool | None]  # None: no digest, or the first one
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class EvidenceAlert(Base):
    """A digest that differs from the exhibit's first one recorded: at a custody step
    (`step_id`), or as the source digest of a triage scan joined to the exhibit (`scan_id`,
    triage's id: the examination itself stays in the scan). Kept as raised, once each."""

    __tablename__ = "case_evidence_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("case_evidence_items.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_custody_steps.id", ondelete="CASCADE")
    )
    scan_id: Mapped[int | None]
    expected: Mapped[str] = mapped_column(String(128))
    found: Mapped[str] = mapped_column(String(128))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
