"""Signing in on SQLite and PostgreSQL: outcomes, the second factor, and lockout after failures.

A cheap argon2 hasher keeps these tests quick; the parameters in force are tested in
test_users.py, and the code path is the same.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from cryptography.fernet import Fernet
from sqlalchemy import Engine

from suraksha.security import totp
from suraksha.security.audit import events, verify
from suraksha.security.policy import Role
from suraksha.security.secrets import SecretBox
from suraksha.security.signin import (
    LOCKOUT,
    MAX_FAILED_SIGN_INS,
    Outcome,
    SignIn,
    authenticate,
    complete_second_factor,
)
from suraksha.security.users import add_user, enrol_totp, get_user, lock_user, unlock_user
from suraksha.storage.session import reading, transaction

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "monsoon ferry tamarind"  # noqa: S105 (a synthetic account's)
AT = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
CLI = "cli:root"
BOX = SecretBox([Fernet.generate_key().decode("ascii")])


def sign_in(db: Engine, name: str, password: str, at: datetime, code: str | None = None) -> SignIn:
    """One sign-in attempt in its own committed transaction, as the web layer will make it."""
    with transaction(db) as session:
        return authenticate(session, name, password, box=BOX, code=code, at=at, hasher=FAST)


def officer(db: Engine) -> None:
    with transaction(db) as session:
        add_user(
            session,
            "asha",
            Role.DISTRICT_OFFICER,
            by=CLI,
            state="KERALA",
            district="ERNAKULAM",
            password=PASSWORD,
            hasher=FAST,
        )


def test_a_district_officer_signs_in_with_a_password(db: Engine) -> None:
    officer(db)
    with transaction(db) as session:
        result = authenticate(
            session, "Asha ", PASSWORD, box=BOX, case_ids=["FIR-1/2026"], at=AT, hasher=FAST
        )
    assert result.outcome is Outcome.SIGNED_IN and result.actor is not None
    assert (result.actor.name, result.actor.district, result.actor.case_ids) == (
        "asha",
        "ERNAKULAM",
        frozenset(["FIR-1/2026"]),
    )
    with reading(db) as session:
        assert get_user(session, "asha").last_sign_in_at == AT
        latest = events(session, limit=1)[0]
    assert (latest.action, latest.actor, latest.detail) == (
        "user.sign_in",
        "asha",
        {"second_factor": False},
    )


def test_refusals_look_alike_and_never_record_an_unknown_name(db: Engine) -> None:
    officer(db)
    with transaction(db) as session:
        lock_user(session, get_user(session, "asha"), by=CLI)
    unknown = sign_in(db, "my secret passphrase", PASSWORD, AT)
    inactive = sign_in(db, "asha", PASSWORD, AT)
    assert unknown.outcome is inactive.outcome is Outcome.REFUSED
    assert (unknown.reason, inactive.reason) == ("unknown name", "inactive")
    with reading(db) as session:
        logged = events(session, limit=2)
    assert [(e.action, e.actor, e.object_id, e.detail) for e in logged] == [
        ("user.sign_in_refused", "anonymous", str(inactive.user_id), {"reason": "inactive"}),
        ("user.sign_in_refused", "anonymous", "unknown", {"reason": "name"}),
    ]
    assert "passphrase" not in str([(e.object_id, e.detail) for e in logged])


def test_five_failures_lock_the_account_for_fifteen_minutes(db: Engine) -> None:
    officer(db)
    for attempt in range(1, MAX_FAILED_SIGN_INS + 1):
        result = sign_in(db, "asha", "wrong password!", AT + timedelta(seconds=attempt))
        assert (result.outcome, result.reason) == (Outcome.REFUSED, "password")
    with reading(db) as session:
        user = get_user(session, "asha")
        assert user.failed_sign_ins == MAX_FAILED_SIGN_INS
        assert user.locked_until == AT + timedelta(seconds=MAX_FAILED_SIGN_INS) + LOCKOUT
        assert events(session, limit=1)[0].detail == {"failures": 5, "minutes": 15}
    # Locked: even the right password is refused, and the refusal does not extend the lock.
    assert sign_in(db, "asha", PASSWORD, AT + timedelta(minutes=10)).reason == "locked"
    # The lock ends by itself; one more failure then locks again at once.
    after = AT + LOCKOUT + timedelta(minutes=1)
    assert sign_in(db, "asha", "wrong again!!", after).reason == "password"
    assert sign_in(db, "asha", PASSWORD, after + timedelta(seconds=1)).reason == "locked"
    # A success after the lock resets the count.
    later = after + LOCKOUT + timedelta(minutes=1)
    assert sign_in(db, "asha", PASSWORD, later).outcome is Outcome.SIGNED_IN
    with reading(db) as session:
        user = get_user(session, "asha")
        assert (user.failed_sign_ins, user.locked_until) == (0, None)
        assert verify(session).intact


def test_unlock_ends_a_lockout(db: Engine) -> None:
    officer(db)
    for attempt in range(MAX_FAILED_SIGN_INS):
        sign_in(db, "asha", "wrong password!", AT + timedelta(seconds=attempt))
    with transaction(db) as session:
        unlock_user(session, get_user(session, "asha"), by=CLI, reason="Identity confirmed")
    assert sign_in(db, "asha", PASSWORD, AT + timedelta(minutes=1)).outcome is Outcome.SIGNED_IN


def test_an_admin_needs_a_second_factor(db: Engine) -> None:
    with transaction(db) as session:
        add_user(session, "root", Role.ADMIN, by=CLI, password=PASSWORD, hasher=FAST)
    first = sign_in(db, "root", PASSWORD, AT)
    assert first.outcome is Outcome.ENROLMENT_NEEDED and first.actor is None
    assert first.user_id is not None
    with transaction(db) as session:
        secret = enrol_totp(session, get_user(session, "root"), by="root", box=BOX).secret
    with transaction(db) as session:
        code = totp.code_at(secret, AT)
        done = complete_second_factor(session, first.user_id, code, box=BOX, at=AT)
    assert done.outcome is Outcome.SIGNED_IN and done.actor is not None
    assert done.actor.role is Role.ADMIN

    later = AT + timedelta(minutes=5)
    assert sign_in(db, "root", PASSWORD, later).outcome is Outcome.TOTP_NEEDED
    assert sign_in(db, "root", "wrong password!", later).reason == "password"
    code = totp.code_at(secret, later)
    assert sign_in(db, "root", PASSWORD, later, code=code).outcome is Outcome.SIGNED_IN
    replay = sign_in(db, "root", PASSWORD, later + timedelta(seconds=5), code=code)
    assert (replay.outcome, replay.reason) == (Outcome.REFUSED, "code")
    with reading(db) as session:
        assert get_user(session, "root").failed_sign_ins == 1  # the replay; success reset the rest
        assert events(session, limit=1)[0].detail == {"reason": "code", "failures": 1}


def test_wrong_codes_count_towards_the_lockout(db: Engine) -> None:
    with transaction(db) as session:
        user = add_user(
            session,
            "ravi",
            Role.STATE_ANALYST,
            by=CLI,
            state="KERALA",
            password=PASSWORD,
            hasher=FAST,
        )
        secret = enrol_totp(session, user, by=CLI, box=BOX).secret
    right = totp.code_at(secret, AT)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(MAX_FAILED_SIGN_INS):
        assert sign_in(db, "ravi", PASSWORD, AT, code=wrong).reason == "code"
    assert sign_in(db, "ravi", PASSWORD, AT, code=right).reason == "locked"


def test_the_second_step_is_refused_for_a_locked_account(db: Engine) -> None:
    with transaction(db) as session:
        user = add_user(session, "root", Role.ADMIN, by=CLI, password=PASSWORD, hasher=FAST)
        secret, user_id = enrol_totp(session, user, by=CLI, box=BOX).secret, user.id
        lock_user(session, user, by=CLI)
    with transaction(db) as session:
        code = totp.code_at(secret, AT)
        result = complete_second_factor(session, user_id, code, box=BOX, at=AT)
    assert result.outcome is Outcome.REFUSED
