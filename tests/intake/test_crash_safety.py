"""Crash safety: an ingest killed with SIGKILL mid-run, then run again, leaves exactly what an
uninterrupted run leaves — nothing lost, nothing doubled — on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from suraksha.config import Settings
from suraksha.intake.models import Tip
from suraksha.storage.base import Base
from suraksha.storage.session import reading
from suraksha.synthetic.tips import write_corpus
from suraksha.workspace import open_engine

# Columns that record when or in which run something happened, or surrogate counters: they
# legitimately differ between a resumed and an uninterrupted run. Everything else must match.
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


def ingest_process(settings: Settings, corpus: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SURAKSHA_HOME": str(settings.home),
        "SURAKSHA_DATABASE_URL": settings.database_url,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "suraksha", "ingest", str(corpus), "--batch-size", "4", "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def tip_count(engine: Engine) -> int:
    # A reader that never waits for the writer (on SQLite, a deferred WAL snapshot).
    with reading(engine) as session:
        return session.execute(select(func.count()).select_from(Tip)).scalar_one()


@pytest.mark.slow
def test_killed_ingest_resumes_to_the_same_database(
    db: Engine, settings: Settings, other_settings: Settings, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    summary = write_corpus(corpus, persons=120, seed=5)
    interrupted = db  # `settings`' database, emptied by the fixture
    reference = open_engine(other_settings, migrate=True)

    process = ingest_process(settings, corpus)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if tip_count(interrupted) >= summary.reports // 4:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.01)
    assert process.wait(timeout=60) == -signal.SIGKILL, "the run ended before it could be killed"
    partial = tip_count(interrupted)
    assert 0 < partial < summary.reports

    assert ingest_process(settings, corpus).wait(timeout=300) == 0
    assert ingest_process(other_settings, corpus).wait(timeout=300) == 0
    assert tip_count(interrupted) == summary.reports
    assert fingerprint(interrupted) == fingerprint(reference)
    reference.dispose()
