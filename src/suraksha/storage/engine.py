"""Creating engines: the only module that knows which database dialect is in use.

SQLite (the embedded default for one analyst) is opened in WAL mode with foreign keys enforced, and
every writing transaction starts with `BEGIN IMMEDIATE` so that two writers queue instead of failing
halfway with "database is locked" (the pattern datasette uses for its write connection); reading
transactions start deferred and never wait for a writer. PostgreSQL (a unit's
production database) is used through psycopg 3 with its own transactional semantics.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from suraksha.config import Settings
from suraksha.errors import ConfigurationError

SQLITE_BUSY_TIMEOUT_S = 30
# Each SQLite connection's page cache, in MiB (SQLite's default is 2 MiB). A full resolution writes a
# million rows or more into indexed tables; with 2 MiB the index pages it touches are evicted and
# spilled to the WAL again and again (`bench/storage/sqlite_cache.py`: 1.7 M rows into a table with
# two secondary indexes, 52.0 s with 2 MiB, 31.4 s with 64 MiB, 27.4 s with 256 MiB; see
# docs/benchmarks.md). The cache grows only as pages are used: a small workspace never holds it.
SQLITE_CACHE_MIB = 64
READ_ONLY_OPTION = "suraksha_read_only"


def create_engine_for(settings: Settings) -> Engine:
    """An engine for the configured database, with the dialect's safety settings applied."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        settings.ensure_home()
    return engine_for_url(settings.database_url)


def engine_for_url(database_url: str) -> Engine:
    """An engine for a database URL, with the dialect's safety settings applied (a worker process
    opens its own this way, on the URL of its caller's engine: `shareable_url`)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(database_url)
    if url.get_backend_name() == "postgresql":
        if url.drivername == "postgresql":
            # A bare postgresql:// URL means psycopg 3 here; psycopg2 is not a dependency.
            url = url.set(drivername="postgresql+psycopg")
        return create_engine(url, pool_pre_ping=True)
    raise ConfigurationError(
        f"SURAKSHA_DATABASE_URL names a {url.get_backend_name()!r} database; Suraksha supports "
        "SQLite (sqlite:///path) and PostgreSQL (postgresql+psycopg://user@host/db)."
    )


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module so that our BEGIN is the one used.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_MIB * 1024}")  # negative: in KiB
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Readers (see `storage.session.reading`) take a deferred snapshot: in WAL mode they never
        # wait for a writer, so an analyst can browse while an ingest runs.
        if connection.get_execution_options().get(READ_ONLY_OPTION):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def shareable_url(engine: Engine) -> str | None:
    """The URL another process can open this engine's database with (password included), or
    None when it cannot: an in-memory SQLite database exists only in its own connection."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and (not url.database or url.database == ":memory:"):
        return None
    if url.query.get("mode") == "memory":
        return None
    return url.render_as_string(hide_password=False)


def is_sqlite(engine: Engine) -> bool:
    """True for the embedded SQLite database (callers use it only to size batches)."""
    return engine.dialect.name == "sqlite"
