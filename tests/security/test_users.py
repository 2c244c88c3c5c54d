"""Accounts on SQLite and PostgreSQL: who may be created, passwords (argon2id, rehash), TOTP
enrolment and codes, and the audit events each change leaves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from cryptography.fernet import Fernet
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError

from suraksha.errors import UserInputError
from suraksha.security import passwords, totp
from suraksha.security.audit import events, verify
from suraksha.security.models import User
from suraksha.security.policy import Actor, Role
from suraksha.security.secrets import SecretBox
from suraksha.security.users import (
    actor_of,
    add_user,
    confirm_totp,
    enrol_totp,
    get_user,
    list_users,
    lock_user,
    set_password,
    totp_required,
    unlock_user,
    verify_password,
)
from suraksha.storage.session import reading, transaction

CLI = "cli:root"
PASSWORD = "monsoon ferry tamarind"  # noqa: S105 (a synthetic account's)
AT = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
WEAK = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
"""Parameters of an older installation: its hashes must be upgraded on sign-in."""
BOX = SecretBox([Fernet.generate_key().decode("ascii")])


def test_accounts_are_created_with_their_jurisdiction_and_audited(db: Engine) -> None:
    with transaction(db) as session:
        add_user(session, "root", Role.ADMIN, by=CLI, password=PASSWORD)
        user = add_user(
            session,
            " Asha.Nair ",
            "district_officer",
            by=CLI,
            state="KERALA",
            district="  ERNAKULAM ",
            password=PASSWORD,
        )
        actor = actor_of(user, ["FIR-1/2026"])
    assert actor == Actor(
        user.id,
        "asha.nair",
        Role.DISTRICT_OFFICER,
        "KERALA",
        "ERNAKULAM",
        frozenset(["FIR-1/2026"]),
    )
    with reading(db) as session:
        views = list_users(session)
        logged = events(session)
        assert verify(session).intact
    assert [(v.name, v.role, v.district, v.has_password, v.second_factor) for v in views] == [
        ("asha.nair", Role.DISTRICT_OFFICER, "ERNAKULAM", True, "-"),
        ("root", Role.ADMIN, None, True, "missing"),
    ]
    assert [(e.action, e.actor, e.object_id) for e in logged] == [
        ("user.add", CLI, str(user.id)),
        ("user.add", CLI, str(views[1].user_id)),
    ]
    assert logged[0].detail == {
        "name": "asha.nair",
        "role": "district_officer",
        "state": "KERALA",
        "district": "ERNAKULAM",
    }
    stored = user.password_hash or ""
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PASSWORD not in repr(user) and stored not in repr(user)


@pytest.mark.parametrize(
    ("name", "role", "state", "district", "message"),
    [
        ("asha", "district_officer", "KERALA", None, "one district"),
        ("asha", "victim_support", "KERALA", " ", "one district"),
        ("ravi", "state_analyst", None, None, "one state"),
        ("io", "investigating_officer", None, "ERNAKULAM", "recur across states"),
        ("x", "admin", None, None, "cannot be an account name"),
        ("Ünal", "admin", None, None, "cannot be an account name"),
        ("root", "superuser", None, None, "not a role"),
    ],
)
def test_accounts_that_policy_could_not_bound_are_refused(
    db: Engine, name: str, role: str, state: str | None, district: str | None, message: str
) -> None:
    with transaction(db) as session, pytest.raises(UserInputError, match=message):
        add_user(session, name, role, by=CLI, state=state, district=district)


def test_names_are_unique_and_passwords_checked(db: Engine) -> None:
    with transaction(db) as session:
        add_user(session, "root", Role.ADMIN, by=CLI)
        with pytest.raises(UserInputError, match="already exists"):
            add_user(session, "ROOT", Role.AUDITOR, by=CLI)
        for bad, message in [
            ("short", "at least 12"),
            (" " * 14, "only spaces"),
            ("root.account" * 100, "at most 1024"),
        ]:
            with pytest.raises(UserInputError, match=message):
                add_user(session, "other", Role.AUDITOR, by=CLI, password=bad)
        with pytest.raises(UserInputError, match="account name"):
            add_user(session, "root.account", Role.AUDITOR, by=CLI, password="Root.Account")  # noqa: S106


def test_the_database_refuses_a_district_officer_without_a_district(db: Engine) -> None:
    """Defence in depth: even a row written past `add_user` cannot lack its district."""
    with pytest.raises(IntegrityError), db.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO security_users (name, role, state, failed_sign_ins, active, "
                "created_at) VALUES ('x', 'district_officer', 'KERALA', 0, true, "
                "'2026-01-01 00:00:00')"
            )
        )


def test_a_password_is_verified_and_an_old_hash_upgraded(db: Engine) -> None:
    with transaction(db) as session:
        user = add_user(session, "ravi", Role.AUDITOR, by=CLI, password=PASSWORD, hasher=WEAK)
        old = user.password_hash or ""
        assert old.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
        assert not verify_password(session, user, "wrong password here")
        assert user.password_hash == old
        assert verify_password(session, user, PASSWORD)
        new = user.password_hash or ""
    assert new != old and not passwords.needs_rehash(new)
    assert passwords.password_matches(new, PASSWORD)
    with transaction(db) as session:
        user = get_user(session, "ravi")
        assert verify_password(session, user, PASSWORD)
        assert user.password_hash == new  # already current: not rehashed again
        assert [e.action for e in events(session)] == ["user.password_rehash", "user.add"]


def test_an_account_without_a_password_never_verifies(db: Engine) -> None:
    with transaction(db) as session:
        user = add_user(session, "ravi", Role.AUDITOR, by=CLI)
        assert not verify_password(session, user, "")
        assert not verify_password(session, user, PASSWORD)
        set_password(session, user, PASSWORD, by=CLI)
        assert verify_password(session, user, PASSWORD)
        assert events(session)[0].action == "user.password"
        assert "password" not in str(events(session)[0].detail)


def test_a_corrupt_hash_never_matches() -> None:
    assert not passwords.password_matches("not-a-hash", PASSWORD)
    assert passwords.needs_rehash("not-a-hash")


def test_totp_enrolment_confirmation_and_replay(db: Engine) -> None:
    with transaction(db) as session:
        user = add_user(session, "root", Role.ADMIN, by=CLI, password=PASSWORD)
        assert totp_required(user)  # admin: required before any secret exists
        enrolment = enrol_totp(session, user, by=CLI, box=BOX)
        secret = enrolment.secret
        assert enrolment.uri == f"otpauth://totp/Suraksha:root?secret={secret}&issuer=Suraksha"
        assert len(secret) == 32
        assert secret not in repr(enrolment)
        code = totp.code_at(secret, AT)
        wrong = "000000" if code != "000000" else "111111"
        assert not confirm_totp(session, user, wrong, box=BOX, at=AT)
        assert user.totp_confirmed_at is None
        assert confirm_totp(session, user, f"{code[:3]} {code[3:]}", box=BOX, at=AT)
        assert user.totp_confirmed_at == AT
        # The same code again, still within its 30 s: a replay.
        assert not confirm_totp(session, user, code, box=BOX, at=AT + timedelta(seconds=10))
        # The previous step's code is older than the one used: refused too.
        earlier = totp.code_at(secret, AT - timedelta(seconds=30))
        assert not confirm_totp(session, user, earlier, box=BOX, at=AT)
        # The next step's code, at the next step: accepted.
        later = AT + timedelta(seconds=30)
        assert confirm_totp(session, user, totp.code_at(secret, later), box=BOX, at=later)
        actions = [e.action for e in events(session)]
    assert actions == ["user.totp_confirm", "user.totp_enrol", "user.add"]
    with reading(db) as session:
        assert secret not in str([e.detail for e in events(session)])


def test_codes_are_accepted_one_step_either_side_only() -> None:
    secret = totp.new_secret()
    for offset, accepted in [(-60, False), (-30, True), (0, True), (30, True), (60, False)]:
        code = totp.code_at(secret, AT + timedelta(seconds=offset))
        step = totp.accepted_step(secret, code, AT, last_step=None)
        assert (step is not None) is accepted, offset
    for malformed in ["", "12345", "1234567", "12345a", "١٢٣٤٥٦"]:  # Arabic-Indic digits too
        assert totp.accepted_step(secret, malformed, AT, last_step=None) is None


def test_a_second_factor_once_confirmed_is_required_for_any_role(db: Engine) -> None:
    with transaction(db) as session:
        user = add_user(session, "meera", Role.AUDITOR, by=CLI, password=PASSWORD)
        assert not totp_required(user)
        secret = enrol_totp(session, user, by=CLI, box=BOX).secret
        assert not totp_required(user)  # issued, not yet confirmed
        assert confirm_totp(session, user, totp.code_at(secret, AT), box=BOX, at=AT)
        assert totp_required(user)
        # A lost phone: the new secret starts unconfirmed.
        enrol_totp(session, user, by=CLI, box=BOX)
        assert user.totp_confirmed_at is None and user.totp_last_step is None
        assert events(session)[0].detail == {"replaced": True}


def test_lock_and_unlock_are_audited_with_their_reasons(db: Engine) -> None:
    with transaction(db) as session:
        user = add_user(session, "asha", Role.AUDITOR, by=CLI, password=PASSWORD)
        lock_user(session, user, by=CLI, reason="  Transferred   to Thrissur ")
        assert not user.active
        user.failed_sign_ins, user.locked_until = 7, AT
        unlock_user(session, user, by=CLI)
        assert user.active and user.failed_sign_ins == 0 and user.locked_until is None
        logged = events(session, limit=2)
    assert [(e.action, e.detail) for e in logged] == [
        ("user.unlock", {"was_active": False, "was_locked_out": True}),
        ("user.lock", {"reason": "Transferred to Thrissur"}),
    ]


def test_the_totp_secret_is_stored_only_sealed(db: Engine) -> None:
    with transaction(db) as session:
        user = add_user(session, "root", Role.ADMIN, by=CLI, password=PASSWORD)
        secret = enrol_totp(session, user, by=CLI, box=BOX).secret
    with reading(db) as session:
        sealed = session.scalar(select(User.totp_sealed).where(User.name == "root"))
        dumped = session.execute(text("SELECT * FROM security_audit_events")).all()
        rows = session.execute(text("SELECT * FROM security_users")).all()
    assert sealed is not None and BOX.open(sealed) == secret
    assert secret not in str(dumped) and secret not in str(rows)
