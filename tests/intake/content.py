"""A database's content without run ids and timestamps, for comparing two ingests of one corpus."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from suraksha.storage.base import Base

# Columns that record when or in which run something happened, or surrogate counters: they
# legitimately differ between two runs that stored the same things. Everything else must match.
VOLATILE = {
    "id", "run_id", "ingested_at", "first_ingested_at", "updated_at", "at", "matched_at",
    "resolved_run_id", "started_at", "finished_at", "imported_at", "created_at",
}  # fmt: skip
SKIP_TABLES = {"ingest_runs", "alembic_version"}


def fingerprint(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows without volatile columns, sorted: the database's content."""
    content: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in SKIP_TABLES:
                continue
            columns = [
                c
                for c in table.columns
                if c.name not in VOLATILE or (c.primary_key and c.type.python_type is str)
            ]
            rows = connection.execute(select(*columns)).all()
            content[table.name] = sorted(tuple(repr(v) for v in row) for row in rows)
    return content
