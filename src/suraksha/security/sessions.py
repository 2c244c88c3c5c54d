"""Web sign-in sessions kept on the server: the browser holds only a random token.

    browser cookie  suraksha_session = <token>           (random, 256 bits; never stored)
    database row    token_hash = SHA-256(<token>), user, stage, created, last seen, expiry, address

A session is in one of two stages. `signed_in`: the person may act. `second_factor` or
`enrolment`: the password was right and the sign-in waits for a TOTP code (signin.py's
TOTP_NEEDED / ENROLMENT_NEEDED); such a session proves only the password and lives a few minutes.
That state stays on the server, never in the browser (signin.complete_second_factor).

Expiry: a session ends after `IDLE` without a request, and in any case `ABSOLUTE` after it began
(OWASP Session Management: idle 15–30 minutes for sensitive applications, an absolute limit of a
working day). Signing out deletes the row; signing in always makes a new token (no session
fixation: a token planted before sign-in never becomes a signed-in one).

Only the token's hash is stored, so a copy of the database does not let anyone ride a session.
The CSRF token of a session is derived from its token (`csrf_token_of`), so it changes with the
session and needs no storage.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from sqlalchemy import ForeignKey, Index, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from suraksha.security.models import User
from suraksha.storage.base import Base, utcnow

IDLE: Final = timedelta(minutes=30)
ABSOLUTE: Final = timedelta(hours=12)
PENDING: Final = timedelta(minutes=5)
"""How long a password-checked sign-in waits for its second factor."""
TOKEN_BYTES: Final = 32


class Stage(StrEnum):
    """How far the sign-in behind a session got."""

    SIGNED_IN = "signed_in"
    SECOND_FACTOR = "second_factor"  # password right; waiting for a code
    ENROLMENT = "enrolment"  # password right; a TOTP role with no secret: enrol, then a code


class WebSession(Base):
    """One browser's session: the hash of its token, never the token itself."""

    __tablename__ = "security_web_sessions"
    __table_args__ = (Index("ix_security_web_sessions_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("security_users.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]  # the absolute limit; the idle limit follows last_seen_at
    address: Mapped[str | None] = mapped_column(String(64))  # client address at sign-in

    def __repr__(self) -> str:
        return f"WebSession(id={self.id!r}, user_id={self.user_id!r}, stage={self.stage!r})"


@dataclass(frozen=True, slots=True)
class Opened:
    """A new session: `token` goes in the cookie and nowhere else."""

    session_id: int
    token: str


def token_hash(token: str) -> str:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_token_of(token: str) -> str:
    """The CSRF token bound to a session (or pre-session) token.

    Keyed SHA-256 with a fixed label: one-way, so a CSRF token in a page reveals nothing about
    the cookie, and different for every session.
    """
    return hmac.new(token.encode("utf-8"), b"suraksha csrf", hashlib.sha256).hexdigest()


def new_token() -> str:
    """A fresh random token (URL-safe text) from the operating system's CSPRNG."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def open_session(
    session: Session,
    user_id: int,
    stage: Stage,
    *,
    address: str | None,
    at: datetime | None = None,
) -> Opened:
    """Start a session for `user_id` at `stage`; return its id and the token for the cookie."""
    now = at or utcnow()
    token = new_token()
    lifetime = ABSOLUTE if stage is Stage.SIGNED_IN else PENDING
    row = WebSession(
        token_hash=token_hash(token),
        user_id=user_id,
        stage=stage.value,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
        address=(address or "")[:64] or None,
    )
    session.add(row)
    session.flush()
    return Opened(row.id, token)


def find_session(
    session: Session, token: str | None, *, at: datetime | None = None, touch: bool = True
) -> tuple[WebSession, User] | None:
    """The live session of `token` and its user, or None (unknown, expired, or user locked).

    An expired session is deleted when found. With `touch`, its idle clock restarts.
    """
    if not token:
        return None
    now = at or utcnow()
    row = session.scalar(select(WebSession).where(WebSession.token_hash == token_hash(token)))
    if row is None:
        return None
    idle = IDLE if row.stage == Stage.SIGNED_IN else PENDING
    user = session.get(User, row.user_id)
    if now >= row.expires_at or now >= row.last_seen_at + idle or user is None:
        session.delete(row)
        session.flush()
        return None
    if not user.active or (user.locked_until is not None and user.locked_until > now):
        # A lock by an admin ends every session of the account at its next request.
        session.delete(row)
        session.flush()
        return None
    if touch:
        row.last_seen_at = now
    return row, user


def close_session(session: Session, token: str | None) -> bool:
    """Delete the session of `token` (signing out); True when there was one."""
    if not token:
        return False
    result = session.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))
    return bool(getattr(result, "rowcount", 0))


def close_sessions_of(session: Session, user_id: int) -> int:
    """Delete every session of an account (after a lock or a second-factor reset)."""
    result = session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0))


def purge_expired(session: Session, *, at: datetime | None = None) -> int:
    """Delete sessions past their absolute limit (idle ones go when next looked up)."""
    now = at or utcnow()
    result = session.execute(delete(WebSession).where(WebSession.expires_at <= now))
    return int(getattr(result, "rowcount", 0))
