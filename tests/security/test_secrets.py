"""TOTP secrets sealed at rest (issue #7), on SQLite and PostgreSQL: the key from the setting or
the workspace's key file, sign-in across restarts, a wrong key, rotation, and migration 0013."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from argon2 import PasswordHasher
from cryptography.fernet import Fernet
from sqlalchemy import Engine, select, text

from suraksha.config import Settings
from suraksha.errors import ConfigurationError, StorageError
from suraksha.security import totp
from suraksha.security.audit import events, verify
from suraksha.security.models import User
from suraksha.security.policy import Role
from suraksha.security.secrets import KEY_FILE, WRONG_KEY, SecretBox
from suraksha.security.signin import Outcome, SignIn, authenticate
from suraksha.security.users import add_user, enrol_totp, get_user, reseal_totp_secrets
from suraksha.storage import schema
from suraksha.storage.engine import create_engine_for
from suraksha.storage.session import reading, transaction
from suraksha.workspace import open_engine

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "monsoon ferry tamarind"  # noqa: S105 (a synthetic account's)
AT = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
CLI = "cli:root"
CLEAR = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # a base32 seed as revision 0012 stored it


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def keyed(settings: Settings, *keys: str) -> Settings:
    """`settings` as SURAKSHA_SECRET_KEY="k1,k2,…" would give them."""
    return Settings.from_env(
        {
            "SURAKSHA_HOME": str(settings.home),
            "SURAKSHA_DATABASE_URL": settings.database_url,
            "SURAKSHA_SECRET_KEY": ",".join(keys),
        }
    )


def enrol_root(settings: Settings) -> str:
    """Create the admin "root" on a migrated workspace and enrol it; returns the clear secret."""
    engine = open_engine(settings, migrate=True)
    try:
        with transaction(engine) as session:
            user = add_user(session, "root", Role.ADMIN, by=CLI, password=PASSWORD, hasher=FAST)
            return enrol_totp(session, user, by=CLI, box=SecretBox.from_settings(settings)).secret
    finally:
        engine.dispose()


def sign_in(settings: Settings, secret: str, at: datetime) -> SignIn:
    """A sign-in with a code, as a freshly started process would make it: a new engine, a new
    box read from the settings."""
    engine = open_engine(settings)
    try:
        with transaction(engine) as session:
            return authenticate(
                session,
                "root",
                PASSWORD,
                box=SecretBox.from_settings(settings),
                code=totp.code_at(secret, at),
                at=at,
                hasher=FAST,
            )
    finally:
        engine.dispose()


def stored_rows(settings: Settings) -> str:
    """Every column of every account, as a database dump would show them."""
    engine = open_engine(settings)
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SELECT * FROM security_users")).all())
    finally:
        engine.dispose()


# The key and where it comes from -------------------------------------------------------------


def test_the_setting_gives_the_keys_and_never_shows_them(tmp_path: Path) -> None:
    first, second = new_key(), new_key()
    settings = Settings.from_env(
        {"SURAKSHA_HOME": str(tmp_path), "SURAKSHA_SECRET_KEY": f" {first} , {second} "}
    )
    assert settings.secret_keys == (first, second)
    assert first not in repr(settings) and second not in repr(settings)
    box = SecretBox.from_settings(settings)
    assert first not in repr(box) and box.key_count == 2
    assert Fernet(first.encode()).decrypt(box.seal("x").encode()) == b"x"  # the first seals
    assert box.open(Fernet(second.encode()).encrypt(b"y").decode()) == "y"  # every one opens
    assert not (tmp_path / KEY_FILE).exists()


@pytest.mark.parametrize(
    "value", ["not-a-key", "c2hvcnQ=", "{key},c2hvcnQ=", "{key}{key}", "é" * 44]
)
def test_a_malformed_key_is_refused_without_being_shown(tmp_path: Path, value: str) -> None:
    key = new_key()
    value = value.format(key=key)
    with pytest.raises(ConfigurationError) as refused:
        Settings.from_env({"SURAKSHA_HOME": str(tmp_path), "SURAKSHA_SECRET_KEY": value})
    message = str(refused.value)
    assert "SURAKSHA_SECRET_KEY" in message and "Fernet.generate_key()" in message
    assert value.strip(",") not in message and key not in message


def test_without_the_setting_a_key_file_is_made_0600_on_first_seal(tmp_path: Path) -> None:
    settings = Settings.from_env({"SURAKSHA_HOME": str(tmp_path / "home")})
    path = settings.home / KEY_FILE
    box = SecretBox.from_settings(settings)
    with pytest.raises(ConfigurationError, match=r"secret\.key is missing"):
        box.open("gAAAA")  # opening never invents a key: it could open nothing
    assert not path.exists()
    token = box.seal(CLEAR)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [KEY_FILE]  # no draft left behind
    key = path.read_text(encoding="ascii").strip()
    assert Fernet(key.encode()).decrypt(token.encode()).decode() == CLEAR
    again = SecretBox.from_settings(settings)  # another process: the same file, the same key
    assert again.open(token) == CLEAR and again.open(again.seal("z")) == "z"
    assert path.read_text(encoding="ascii").strip() == key


def test_a_key_file_others_may_read_is_refused(tmp_path: Path) -> None:
    settings = Settings.from_env({"SURAKSHA_HOME": str(tmp_path)})
    token = SecretBox.from_settings(settings).seal(CLEAR)
    path = tmp_path / KEY_FILE
    key = path.read_text(encoding="ascii").strip()
    path.chmod(0o644)
    with pytest.raises(ConfigurationError) as refused:
        SecretBox.from_settings(settings).open(token)
    message = str(refused.value)
    assert "mode 0644" in message and f"chmod 600 {path}" in message and key not in message
    with pytest.raises(ConfigurationError, match="mode 0644"):
        SecretBox.from_settings(settings).seal(CLEAR)
    path.chmod(0o600)
    assert SecretBox.from_settings(settings).open(token) == CLEAR


def test_a_malformed_key_file_is_refused_without_being_shown(tmp_path: Path) -> None:
    settings = Settings.from_env({"SURAKSHA_HOME": str(tmp_path)})
    path = tmp_path / KEY_FILE
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write("abcdefgh-truncated-key\n")
    with pytest.raises(ConfigurationError) as refused:
        SecretBox.from_settings(settings).seal(CLEAR)
    message = str(refused.value)
    assert f"the key file {path}" in message and "abcdefgh" not in message


# Sealed in the database ----------------------------------------------------------------------


def test_the_stored_column_never_holds_the_secret_and_sign_in_survives_a_restart(
    settings: Settings,
) -> None:
    secret = enrol_root(settings)
    dump = stored_rows(settings)
    assert secret not in dump and secret.lower() not in dump
    engine = open_engine(settings)
    try:
        with reading(engine) as session:
            sealed = session.scalar(select(User.totp_sealed).where(User.name == "root"))
            audit_log = str(session.execute(text("SELECT * FROM security_audit_events")).all())
    finally:
        engine.dispose()
    assert sealed is not None and sealed.startswith("gAAAAA")  # a Fernet token
    assert secret not in audit_log and sealed not in audit_log
    assert stat.S_IMODE((settings.home / KEY_FILE).stat().st_mode) == 0o600
    # A new process with the same workspace (hence the same key file): the code is accepted.
    assert sign_in(settings, secret, AT).outcome is Outcome.SIGNED_IN


def test_the_same_key_in_the_setting_works_across_restarts(settings: Settings) -> None:
    key = new_key()
    secret = enrol_root(keyed(settings, key))
    assert not (settings.home / KEY_FILE).exists()  # the setting, not a file
    assert sign_in(keyed(settings, key), secret, AT).outcome is Outcome.SIGNED_IN


def test_a_wrong_key_says_what_to_do_and_never_shows_a_key(settings: Settings) -> None:
    right, wrong = new_key(), new_key()
    secret = enrol_root(keyed(settings, right))
    with pytest.raises(ConfigurationError) as refused:
        sign_in(keyed(settings, wrong), secret, AT)
    message = str(refused.value)
    assert message == WRONG_KEY
    assert "another key: set SURAKSHA_SECRET_KEY to the key in use (or a list with it)" in message
    assert right not in message and wrong not in message
    # Nothing was changed by the attempt: with the right key the code is still accepted.
    assert sign_in(keyed(settings, right), secret, AT).outcome is Outcome.SIGNED_IN


def test_rotation_new_and_old_then_new_alone(settings: Settings) -> None:
    old, new = new_key(), new_key()
    secret = enrol_root(keyed(settings, old))
    both = keyed(settings, new, old)
    assert sign_in(both, secret, AT).outcome is Outcome.SIGNED_IN  # the old key still opens
    engine = open_engine(both)
    try:
        with transaction(engine) as session:
            assert reseal_totp_secrets(session, by=CLI, box=SecretBox.from_settings(both)) == 1
        with reading(engine) as session:
            reseal = events(session, limit=1)[0]
            assert (reseal.action, reseal.object_id, reseal.detail) == (
                "user.totp_reseal",
                str(get_user(session, "root").id),
                {},
            )
            assert verify(session).intact
    finally:
        engine.dispose()
    later = AT + timedelta(minutes=1)
    assert sign_in(keyed(settings, new), secret, later).outcome is Outcome.SIGNED_IN
    with pytest.raises(ConfigurationError, match="encrypted with another key"):
        sign_in(keyed(settings, old), secret, later + timedelta(minutes=1))


def test_rotation_stops_whole_when_a_secret_opens_with_no_key(settings: Settings) -> None:
    old, new, other = new_key(), new_key(), new_key()
    secret = enrol_root(keyed(settings, old))
    engine = open_engine(settings)
    try:
        with pytest.raises(ConfigurationError), transaction(engine) as session:
            reseal_totp_secrets(session, by=CLI, box=SecretBox([new, other]))
        with reading(engine) as session:
            assert events(session, limit=1)[0].action == "user.totp_enrol"  # nothing recorded
    finally:
        engine.dispose()
    assert sign_in(keyed(settings, old), secret, AT).outcome is Outcome.SIGNED_IN


@pytest.mark.slow
def test_the_rotate_key_command(settings: Settings) -> None:
    old, new = new_key(), new_key()
    secret = enrol_root(keyed(settings, old))

    def run(*keys: str) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "SURAKSHA_HOME": str(settings.home),
            "SURAKSHA_DATABASE_URL": settings.database_url,
            "SURAKSHA_SECRET_KEY": ",".join(keys),
            "COLUMNS": "200",
        }
        return subprocess.run(
            [sys.executable, "-m", "suraksha", "users", "rotate-key"],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )

    refused = run(new)
    assert refused.returncode == 1 and "encrypted with another key" in refused.stderr
    assert new not in refused.stdout + refused.stderr
    done = run(new, old)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 TOTP secret re-sealed with the first key" in done.stdout
    assert new not in done.stdout + done.stderr and old not in done.stdout + done.stderr
    assert sign_in(keyed(settings, new), secret, AT).outcome is Outcome.SIGNED_IN


# Migration 0013 ------------------------------------------------------------------------------


def _at_0012_with_a_clear_secret(settings: Settings) -> Engine:
    """An empty database migrated to 0012, with one account whose secret is stored in clear."""
    engine = create_engine_for(settings)
    config = schema.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0012")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO security_users (name, role, password_hash, totp_secret, "
                "totp_confirmed_at, failed_sign_ins, active, created_at) VALUES ('root', "
                "'admin', :hash, :secret, '2026-10-01 00:00:00', 0, true, '2026-10-01 00:00:00')"
            ),
            {"hash": FAST.hash(PASSWORD), "secret": CLEAR},
        )
    return engine


def test_the_migration_seals_an_existing_clear_secret(other_settings: Settings) -> None:
    settings = other_settings  # an empty database, not yet migrated
    engine = _at_0012_with_a_clear_secret(settings)
    engine.dispose()
    open_engine(settings, migrate=True).dispose()  # what `suraksha init` does
    dump = stored_rows(settings)
    assert CLEAR not in dump and CLEAR.lower() not in dump and "totp_secret" not in dump
    engine = open_engine(settings)
    try:
        with reading(engine) as session:
            sealed = session.scalar(select(User.totp_sealed))
    finally:
        engine.dispose()
    assert sealed is not None
    assert SecretBox.from_settings(settings).open(sealed) == CLEAR
    assert sign_in(settings, CLEAR, AT).outcome is Outcome.SIGNED_IN  # the phone keeps working


def test_the_migration_downgrade_opens_the_secret_again(other_settings: Settings) -> None:
    settings = keyed(other_settings, new_key())
    engine = _at_0012_with_a_clear_secret(settings)
    config = schema.alembic_config()
    config.attributes[schema.SEALER_ATTRIBUTE] = SecretBox.from_settings(settings)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0013")
        with engine.connect() as connection:
            sealed = connection.execute(text("SELECT totp_sealed FROM security_users")).scalar()
        assert sealed is not None and CLEAR not in sealed
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0012")
        with engine.connect() as connection:
            clear = connection.execute(text("SELECT totp_secret FROM security_users")).scalar()
        assert clear == CLEAR
    finally:
        engine.dispose()


def test_the_migration_refuses_to_run_without_a_key_when_there_is_a_secret(
    other_settings: Settings,
) -> None:
    engine = _at_0012_with_a_clear_secret(other_settings)
    try:
        with pytest.raises(StorageError, match="run `suraksha init`"):
            schema.upgrade(engine)
        assert schema.current_revision(engine) == "0012"  # rolled back whole
    finally:
        engine.dispose()
