"""User accounts: creating them, passwords, TOTP enrolment, locking, and the `Actor` they act as.

Every change to an account is recorded in the audit log in the same transaction, with who made
it (`by`: a signed-in admin's `Actor`, or "cli:<login>" for `suraksha users`). Sign-in itself,
with its lockout, is in `signin.py`.

Who must use a second factor: `admin` and `state_analyst` always (`TOTP_ROLES`: they reach every
district, or all of a state), and anyone who has confirmed one. Enrolment is best done by an
admin with `suraksha users totp NAME` and the URI handed over in person; a user who has no secret
yet is asked to enrol at first sign-in (see `signin.Outcome.ENROLMENT_NEEDED`).

TOTP secrets are stored sealed (`secrets.SecretBox`, issue #7): every function that makes or
reads one takes the workspace's box, and the clear secret only ever lives in memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from suraksha.errors import UserInputError
from suraksha.security import audit, passwords, totp
from suraksha.security.audit import Action, Who
from suraksha.security.models import User
from suraksha.security.policy import Actor, Role, needs_district, needs_state
from suraksha.security.secrets import SecretBox
from suraksha.storage.base import utcnow

NAME_PATTERN: Final = re.compile(r"[a-z][a-z0-9._-]{1,63}")
"""Account names: lower-case ASCII, so that no two names look alike on screen or in the log."""
TOTP_ROLES: Final = frozenset({Role.ADMIN, Role.STATE_ANALYST})
"""Roles that must sign in with a second factor (issue #7)."""
OBJECT_KIND: Final = "user"
TOTP_RESEAL: Final = "user.totp_reseal"
"""The audit action of `reseal_totp_secrets` (one event per account re-sealed)."""


@dataclass(frozen=True, slots=True)
class UserView:
    """What may be shown about an account: no hash, no secret."""

    user_id: int
    name: str
    role: Role
    state: str | None
    district: str | None
    active: bool
    locked_until: datetime | None
    has_password: bool
    second_factor: str  # "confirmed", "issued" (not yet used), "missing" (required) or "-"
    created_at: datetime
    last_sign_in_at: datetime | None

    @classmethod
    def of(cls, user: User) -> UserView:
        """The view of `user`."""
        return cls(
            user_id=user.id,
            name=user.name,
            role=Role(user.role),
            state=user.state,
            district=user.district,
            active=user.active,
            locked_until=user.locked_until,
            has_password=user.password_hash is not None,
            second_factor=_second_factor(user),
            created_at=user.created_at,
            last_sign_in_at=user.last_sign_in_at,
        )


@dataclass(frozen=True, slots=True)
class Enrolment:
    """A new TOTP secret, to show its owner once: as text and as an `otpauth://` URI.

    Both are as secret as a password; neither is in the `repr`, so neither reaches a log line.
    """

    account: str
    secret: str = field(repr=False)
    uri: str = field(repr=False)


def check_name(name: str) -> str:
    """The account name as stored (lower case), or UserInputError saying what a name may be."""
    cleaned = name.strip().lower()
    if not NAME_PATTERN.fullmatch(cleaned):
        raise UserInputError(
            f"{name!r} cannot be an account name: use 2–64 lower-case letters, digits, '.', '_' "
            "or '-', starting with a letter (for example asha.nair)."
        )
    return cleaned


def parse_role(role: str) -> Role:
    """The role named, or UserInputError listing the roles."""
    try:
        return Role(role.strip())
    except ValueError:
        roles = ", ".join(item.value for item in Role)
        raise UserInputError(f"{role!r} is not a role; roles are {roles}.") from None


def add_user(
    session: Session,
    name: str,
    role: Role | str,
    *,
    by: Who,
    state: str | None = None,
    district: str | None = None,
    password: str | None = None,
    hasher: PasswordHasher = passwords.HASHER,
) -> User:
    """Create an account; without `password` it cannot sign in until `set_password`.

    `state` and `district` are spelled as routing spells them ("KERALA", "ERNAKULAM"); they are
    required when the role's scope needs them (policy.needs_state / needs_district), and a
    district always needs its state, because district names recur across states.
    """
    name = check_name(name)
    role = parse_role(role)
    state, district = _place(state), _place(district)
    if needs_state(role) and state is None:
        raise UserInputError(f"A {role} works within one state: give --state.")
    if needs_district(role) and district is None:
        raise UserInputError(f"A {role} works within one district: give --district.")
    if district is not None and state is None:
        raise UserInputError("Give the district's --state too: district names recur across states.")
    if find_user(session, name) is not None:
        raise UserInputError(f"A user named {name} already exists; names are never reused.")
    user = User(
        name=name,
        role=role.value,
        state=state,
        district=district,
        failed_sign_ins=0,
        active=True,
        created_at=utcnow(),
    )
    if password is not None:
        passwords.check_password(password, name=name)
        user.password_hash = passwords.hash_password(password, hasher=hasher)
    session.add(user)
    session.flush()
    detail = {"name": name, "role": role.value, "state": state, "district": district}
    audit.record(session, by, Action.USER_ADD, OBJECT_KIND, user.id, detail)
    return user


def find_user(session: Session, name: str) -> User | None:
    """The account named `name` (case and surrounding spaces ignored), or None."""
    return session.scalar(select(User).where(User.name == name.strip().lower()))


def get_user(session: Session, name: str) -> User:
    """The account named `name`, or UserInputError saying how to list them."""
    user = find_user(session, name)
    if user is None:
        raise UserInputError(f"No user is named {name!r}; `suraksha users list` shows them.")
    return user


def list_users(session: Session) -> list[UserView]:
    """Every account, by name, as views that stay readable after the session ends."""
    return [UserView.of(user) for user in session.scalars(select(User).order_by(User.name))]


def actor_of(user: User, case_ids: Iterable[str] = ()) -> Actor:
    """The `Actor` a signed-in user acts as; `case_ids` are the cases assigned to them."""
    return Actor(
        user_id=user.id,
        name=user.name,
        role=Role(user.role),
        state=user.state,
        district=user.district,
        case_ids=frozenset(case_ids),
    )


def set_password(
    session: Session,
    user: User,
    password: str,
    *,
    by: Who,
    hasher: PasswordHasher = passwords.HASHER,
) -> None:
    """Replace the account's password (checked against `passwords.check_password`)."""
    passwords.check_password(password, name=user.name)
    user.password_hash = passwords.hash_password(password, hasher=hasher)
    audit.record(session, by, Action.USER_PASSWORD, OBJECT_KIND, user.id)


def verify_password(
    session: Session, user: User, password: str, *, hasher: PasswordHasher = passwords.HASHER
) -> bool:
    """True when `password` is the account's; takes as long whether or not it is.

    When it matches and the stored hash was made with other parameters than `hasher`'s (the
    constants in passwords.py changed since), the hash is replaced by one made now: the only
    moment the password is at hand. Lockout is not handled here (see signin.py).
    """
    stored = user.password_hash
    if stored is None:
        passwords.spend_equal_time(password, hasher=hasher)
        return False
    if not passwords.password_matches(stored, password, hasher=hasher):
        return False
    if passwords.needs_rehash(stored, hasher=hasher):
        user.password_hash = passwords.hash_password(password, hasher=hasher)
        audit.record(session, actor_of(user), Action.USER_PASSWORD_REHASH, OBJECT_KIND, user.id)
    return True


def lock_user(session: Session, user: User, *, by: Who, reason: str = "") -> None:
    """Stop the account from signing in until `unlock_user` (a departure, a suspicion)."""
    user.active = False
    audit.record(session, by, Action.USER_LOCK, OBJECT_KIND, user.id, _reason(reason))


def unlock_user(session: Session, user: User, *, by: Who, reason: str = "") -> None:
    """Let the account sign in again: re-activates it and ends any lockout after failures."""
    was = {"was_active": user.active, "was_locked_out": user.locked_until is not None}
    user.active = True
    user.failed_sign_ins = 0
    user.locked_until = None
    audit.record(session, by, Action.USER_UNLOCK, OBJECT_KIND, user.id, was | _reason(reason))


def totp_required(user: User) -> bool:
    """True when the account must give a TOTP code before its sign-in completes."""
    return Role(user.role) in TOTP_ROLES or user.totp_confirmed_at is not None


def enrol_totp(session: Session, user: User, *, by: Who, box: SecretBox) -> Enrolment:
    """Give the account a new TOTP secret, stored sealed by `box`; return it to show once.

    Replaces any earlier secret (a lost phone). The secret is confirmed, and from then on
    required, when the user first signs in with a code from it (`confirm_totp`).
    """
    replaced = user.totp_sealed is not None
    secret = totp.new_secret()
    user.totp_sealed = box.seal(secret)
    user.totp_confirmed_at = None
    user.totp_last_step = None
    audit.record(session, by, Action.USER_TOTP_ENROL, OBJECT_KIND, user.id, {"replaced": replaced})
    return Enrolment(user.name, secret, totp.provisioning_uri(secret, user.name))


def pending_enrolment(user: User, box: SecretBox) -> Enrolment | None:
    """The account's issued but not yet confirmed secret, to show again on the enrolment page
    until the first code from it is accepted; None once confirmed (or when there is none)."""
    if user.totp_sealed is None or user.totp_confirmed_at is not None:
        return None
    secret = box.open(user.totp_sealed)
    return Enrolment(user.name, secret, totp.provisioning_uri(secret, user.name))


def confirm_totp(
    session: Session, user: User, code: str, *, box: SecretBox, at: datetime | None = None
) -> bool:
    """True when `code` is valid now and unused; marks the account's secret confirmed.

    A used code (its time step not newer than the last accepted one) is refused. The secret is
    opened with `box` for this check only.
    """
    if user.totp_sealed is None:
        return False
    now = at or utcnow()
    secret = box.open(user.totp_sealed)
    step = totp.accepted_step(secret, code, now, last_step=user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    if user.totp_confirmed_at is None:
        user.totp_confirmed_at = now
        audit.record(session, actor_of(user), Action.USER_TOTP_CONFIRM, OBJECT_KIND, user.id)
    return True


def reseal_totp_secrets(session: Session, *, by: Who, box: SecretBox) -> int:
    """Seal every account's TOTP secret again with the first key of `box`; returns how many.

    The second half of a key rotation: with SURAKSHA_SECRET_KEY="new,old" every secret opens,
    and after this every one is sealed with "new", so "old" can be dropped. Either all are
    re-sealed or, when one opens with none of the keys, none are (the caller's transaction).
    Each account re-sealed is audited.
    """
    users = session.scalars(select(User).where(User.totp_sealed.is_not(None)).order_by(User.id))
    count = 0
    for user in users:
        if user.totp_sealed is None:  # excluded by the query; said again for the type checker
            continue
        user.totp_sealed = box.reseal(user.totp_sealed)
        audit.record(session, by, TOTP_RESEAL, OBJECT_KIND, user.id)
        count += 1
    return count


def _second_factor(user: User) -> str:
    if user.totp_confirmed_at is not None:
        return "confirmed"
    if user.totp_sealed is not None:
        return "issued"
    return "missing" if Role(user.role) in TOTP_ROLES else "-"


def _place(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(value.split())
    return cleaned or None


def _reason(reason: str) -> dict[str, str]:
    cleaned = " ".join(reason.split())
    return {"reason": cleaned} if cleaned else {}
