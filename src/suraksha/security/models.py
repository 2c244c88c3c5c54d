"""Tables of the security domain: users, and the hash-chained audit log with its head.

User         one person who signs in: role, jurisdiction, argon2id hash, TOTP, lockout state
AuditEvent   one audited action; `hash` covers the row and the previous row's hash (audit.py)
AuditHead    the single row naming the last event (seq, hash): what the chain must end at, so
             deleting the newest events is noticed as surely as deleting old ones

Secrets: `password_hash` is an argon2id hash (the password itself is never stored).
`totp_sealed` is the TOTP seed sealed by `secrets.SecretBox` (a Fernet token under
SURAKSHA_SECRET_KEY, or the workspace's key file): a dump or backup of the database without the
key cannot make codes. The clear seed exists only in memory, and on the one page or command
output that shows it at enrolment (docs/security.md). Neither column is ever put in the audit
log, a message, a log line or a `repr`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from suraksha.security.policy import Role, needs_district, needs_state
from suraksha.storage.base import Base, utcnow


def _roles_sql(roles: list[Role]) -> str:
    return ", ".join(f"'{role.value}'" for role in roles)


_ALL_ROLES = _roles_sql(list(Role))
_STATE_ROLES = _roles_sql([role for role in Role if needs_state(role)])
_DISTRICT_ROLES = _roles_sql([role for role in Role if needs_district(role)])


class User(Base):
    """A person who signs in. Names are never reused: a departed officer is deactivated, so
    their name in the audit log keeps meaning them."""

    __tablename__ = "security_users"
    __table_args__ = (
        CheckConstraint(f"role IN ({_ALL_ROLES})", name="role"),
        # The database refuses what policy could not enforce: a district officer without a
        # district would otherwise match every unrouted subject.
        CheckConstraint(f"role NOT IN ({_STATE_ROLES}) OR state IS NOT NULL", name="state_given"),
        CheckConstraint(
            f"role NOT IN ({_DISTRICT_ROLES}) OR district IS NOT NULL", name="district_given"
        ),
        CheckConstraint("failed_sign_ins >= 0", name="failed_sign_ins"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    state: Mapped[str | None] = mapped_column(String(100))
    district: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str | None] = mapped_column(Text)  # None: cannot sign in yet
    totp_sealed: Mapped[str | None] = mapped_column(Text)  # SecretBox.seal(base32 seed)
    totp_confirmed_at: Mapped[datetime | None]  # None: enrolled but no code shown back yet
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)  # refuses a replayed code
    failed_sign_ins: Mapped[int] = mapped_column(default=0)  # consecutive; reset on success
    locked_until: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        # Spelled out so that no secret column can reach a log line through a repr.
        return f"User(id={self.id!r}, name={self.name!r}, role={self.role!r})"


class AuditEvent(Base):
    """One audited action. Appended only by `audit.record`; never updated or deleted."""

    __tablename__ = "security_audit_events"
    __table_args__ = (
        Index("ix_security_audit_events_object", "object_kind", "object_id"),
        Index("ix_security_audit_events_actor", "actor"),
    )

    # Assigned by `record` under the head's lock, not by the database: a gap must mean a deletion.
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    format: Mapped[int]  # version of the canonical serialisation the hash covers
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))  # user name, or "cli:<login>" for commands
    actor_role: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    object_kind: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"AuditEvent(seq={self.seq!r}, action={self.action!r}, actor={self.actor!r})"


class AuditHead(Base):
    """The newest event's seq and hash (one row, id 1): appends lock it, so writers queue."""

    __tablename__ = "security_audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
