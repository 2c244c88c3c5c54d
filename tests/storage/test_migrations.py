"""The Alembic history builds exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text

from suraksha.config import Settings
from suraksha.storage import schema
from suraksha.storage.engine import SQLITE_CACHE_MIB
from suraksha.workspace import metadata, open_engine


def test_history_matches_models(db: Engine) -> None:
    with db.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata())
    assert differences == []


def test_database_is_at_head(db: Engine) -> None:
    assert schema.current_revision(db) == schema.head_revision()


def test_upgrade_twice_is_a_no_op(db: Engine) -> None:
    before, after = schema.upgrade(db)
    assert before == after == schema.head_revision()


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_large_cache(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    engine = open_engine(Settings.from_env({"SURAKSHA_HOME": str(home)}), migrate=True)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA cache_size")).scalar() == -SQLITE_CACHE_MIB * 1024
    assert (home / "suraksha.sqlite3").is_file()
