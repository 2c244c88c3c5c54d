"""Fixtures shared by every test: real databases (SQLite and PostgreSQL), never mocks.

`db` is parametrised: each test that takes it runs once on a fresh SQLite file and once on a
PostgreSQL database that this test session creates (and drops at the end). PostgreSQL is expected at
127.0.0.1:5432 with trust auth (override with SURAKSHA_TEST_POSTGRES_URL); when it cannot be reached
the tests fail, they do not skip — `scripts/test` starts it first.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from suraksha.config import Settings
from suraksha.security.audit import GENESIS
from suraksha.storage.base import Base
from suraksha.workspace import open_engine

POSTGRES_ADMIN_URL = os.environ.get(
    "SURAKSHA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database of this test session (per xdist worker), migrated, dropped at the end."""
    name = f"suraksha_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as err:  # the message names the server; the suite must not silently skip
        pytest.fail(f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {err}. Run scripts/test.")
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        engine = open_engine(Settings(home=Path("."), database_url=url), migrate=True)
        engine.dispose()
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# Rows the migrations themselves write, and how to put them back after emptying: a test must find
# the database as a fresh `init` leaves it.
_SEEDED = {
    "security_audit_head": text(
        "INSERT INTO security_audit_head (id, seq, hash) VALUES (1, 0, :genesis)"
    ).bindparams(genesis=GENESIS),
}


def _empty_postgres(engine: Engine) -> None:
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        for seed in _SEEDED.values():
            connection.execute(seed)


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Workspace settings on an empty database of the parametrised kind (migrated on PostgreSQL)."""
    home = tmp_path / "home"
    if request.param == "sqlite":
        return Settings(home=home, database_url=f"sqlite:///{home / 'suraksha.sqlite3'}")
    url: str = request.getfixturevalue("postgres_url")
    # The session's database is shared by every test of this worker: empty it for each test, so
    # that what one test (or a CLI it ran) left behind can never leak into the next.
    engine = create_engine(url)
    try:
        _empty_postgres(engine)
    finally:
        engine.dispose()
    return Settings(home=home, database_url=url)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite database migrated to head once per test session (per xdist worker): a
    test's own is a copy of it, since running every migration costs a second a test."""
    home = tmp_path_factory.mktemp("migrated")
    engine = open_engine(
        Settings(home=home, database_url=f"sqlite:///{home / 'suraksha.sqlite3'}"), migrate=True
    )
    connection = engine.raw_connection()  # out of any transaction, as a checkpoint must be
    try:
        # Everything into the main file: it alone is copied.
        busy, _pages, _done = (
            connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        )
        assert busy == 0, "the migrated database could not be checkpointed"
    finally:
        connection.close()
        engine.dispose()
    return home / "suraksha.sqlite3"


@pytest.fixture
def db(settings: Settings, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A migrated engine on an empty database (SQLite file or PostgreSQL), disposed after the test."""
    database = Path(make_url(settings.database_url).database or ":memory:")
    if settings.is_sqlite and database.is_absolute() and not database.exists():
        database.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), database)
    engine = open_engine(settings, migrate=True)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def other_settings(settings: Settings, tmp_path: Path) -> Iterator[Settings]:
    """A second, empty workspace on the same kind of database as `settings` (for comparisons)."""
    home = tmp_path / "other-home"
    if settings.is_sqlite:
        yield Settings(home=home, database_url=f"sqlite:///{home / 'suraksha.sqlite3'}")
        return
    name = f"suraksha_other_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield Settings(home=home, database_url=url)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
