"""Signing in: password, then the second factor where required, with lockout after failures.

    authenticate(name, password[, code]) ──► SIGNED_IN        an Actor to act as
                                         ├─► TOTP_NEEDED      password right; ask for the code,
                                         │                    then complete_second_factor(...)
                                         ├─► ENROLMENT_NEEDED password right; a TOTP role with no
                                         │                    secret: enrol_totp, show it, then
                                         │                    complete_second_factor(...)
                                         └─► REFUSED          one answer for every cause

Lockout: after `MAX_FAILED_SIGN_INS` consecutive failures (a wrong password or a wrong code) the
account is locked for `LOCKOUT`. The count is kept through the lock, so every failure after a
lock ends locks it again at once: one guess per `LOCKOUT` instead of a fresh batch of five, well
under the 100 consecutive failures NIST SP 800-63B §5.2.2 allows. A lock ends by itself, so an
officer does not need an admin to get back in; a success, or `suraksha users unlock`, resets the
count. Throttling by client address belongs to the web layer; this lock protects each account
whatever the address.

Unknown names, inactive and locked accounts are refused after the same argon2 work as a wrong
password, and the person is told the same thing, so a refusal reveals neither which names exist
nor which are locked. Refusals are audited; an unknown name is recorded without the name typed
(people type passwords into the name field).

The caller commits the transaction whatever the outcome: a refusal changes the failure count
and writes audit events that must persist. The second factor is checked against the secret
opened with the workspace's `SecretBox` (`box`), which is passed in by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from argon2 import PasswordHasher
from sqlalchemy import update
from sqlalchemy.orm import Session

from suraksha.security import audit, passwords
from suraksha.security.audit import Action
from suraksha.security.models import User
from suraksha.security.policy import Actor
from suraksha.security.secrets import SecretBox
from suraksha.security.users import (
    OBJECT_KIND,
    actor_of,
    confirm_totp,
    find_user,
    totp_required,
    verify_password,
)
from suraksha.storage.base import utcnow

MAX_FAILED_SIGN_INS: Final = 5
LOCKOUT: Final = timedelta(minutes=15)
REFUSAL: Final = "The name, password or code is wrong, or the account cannot sign in now."
"""What the person is told on any refusal."""
ANONYMOUS: Final = "anonymous"


class Outcome(StrEnum):
    """How far a sign-in got (see the module docstring)."""

    SIGNED_IN = "signed_in"
    TOTP_NEEDED = "totp_needed"
    ENROLMENT_NEEDED = "enrolment_needed"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class SignIn:
    """The result of one step. `reason` is for the server (audit, tests), never for the page."""

    outcome: Outcome
    reason: str = ""
    user_id: int | None = None  # the account, for the second step
    actor: Actor | None = None  # set when SIGNED_IN


def authenticate(
    session: Session,
    name: str,
    password: str,
    *,
    box: SecretBox,
    code: str | None = None,
    case_ids: Iterable[str] = (),
    at: datetime | None = None,
    hasher: PasswordHasher = passwords.HASHER,
) -> SignIn:
    """Check a name and password (and `code`, when given and required) and say what comes next.

    `case_ids` are the cases assigned to the person, put on the `Actor` when signed in; `box`
    opens the account's TOTP secret (read only when a code is checked).
    """
    now = at or utcnow()
    user = find_user(session, name)
    if user is None:
        passwords.spend_equal_time(password, hasher=hasher)
        audit.record(
            session, ANONYMOUS, Action.SIGN_IN_REFUSED, OBJECT_KIND, "unknown", {"reason": "name"}
        )
        return SignIn(Outcome.REFUSED, "unknown name")
    if not user.active or _locked(user, now):
        passwords.spend_equal_time(password, hasher=hasher)
        reason = "inactive" if not user.active else "locked"
        audit.record(
            session, ANONYMOUS, Action.SIGN_IN_REFUSED, OBJECT_KIND, user.id, {"reason": reason}
        )
        return SignIn(Outcome.REFUSED, reason, user.id)
    if not verify_password(session, user, password, hasher=hasher):
        return _failure(session, user, now, "password")
    if not totp_required(user):
        return _signed_in(session, user, now, case_ids, second_factor=False)
    if user.totp_sealed is None:
        return SignIn(Outcome.ENROLMENT_NEEDED, "no second factor yet", user.id)
    if code is None:
        return SignIn(Outcome.TOTP_NEEDED, "code needed", user.id)
    return _second_factor(session, user, code, now, case_ids, box)


def complete_second_factor(
    session: Session,
    user_id: int,
    code: str,
    *,
    box: SecretBox,
    case_ids: Iterable[str] = (),
    at: datetime | None = None,
) -> SignIn:
    """The second step after TOTP_NEEDED or ENROLMENT_NEEDED (then `users.enrol_totp`).

    Only for a `user_id` whose password was just accepted by `authenticate` in the same sign-in
    attempt: the web layer keeps that state on the server, never in the browser.
    """
    now = at or utcnow()
    user = session.get(User, user_id)
    if user is None or not user.active or _locked(user, now):
        return SignIn(Outcome.REFUSED, "cannot sign in", user_id)
    return _second_factor(session, user, code, now, case_ids, box)


def _second_factor(
    session: Session,
    user: User,
    code: str,
    now: datetime,
    case_ids: Iterable[str],
    box: SecretBox,
) -> SignIn:
    if not confirm_totp(session, user, code, box=box, at=now):
        return _failure(session, user, now, "code")
    return _signed_in(session, user, now, case_ids, second_factor=True)


def _signed_in(
    session: Session, user: User, now: datetime, case_ids: Iterable[str], *, second_factor: bool
) -> SignIn:
    user.failed_sign_ins = 0
    user.locked_until = None
    user.last_sign_in_at = now
    actor = actor_of(user, case_ids)
    audit.record(
        session, actor, Action.SIGN_IN, OBJECT_KIND, user.id, {"second_factor": second_factor}
    )
    return SignIn(Outcome.SIGNED_IN, "", user.id, actor)


def _failure(session: Session, user: User, now: datetime, what: str) -> SignIn:
    # Incremented in SQL, so that two wrong guesses at the same moment both count.
    failures = session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_sign_ins=User.failed_sign_ins + 1)
        .returning(User.failed_sign_ins)
    ).scalar_one()
    detail = {"reason": what, "failures": failures}
    audit.record(session, ANONYMOUS, Action.SIGN_IN_REFUSED, OBJECT_KIND, user.id, detail)
    if failures >= MAX_FAILED_SIGN_INS:
        user.locked_until = now + LOCKOUT
        minutes = int(LOCKOUT.total_seconds() // 60)
        detail = {"failures": failures, "minutes": minutes}
        audit.record(session, ANONYMOUS, Action.LOCKOUT, OBJECT_KIND, user.id, detail)
    return SignIn(Outcome.REFUSED, what, user.id)


def _locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now
