"""The one Alembic migration history, for SQLite and PostgreSQL alike."""
