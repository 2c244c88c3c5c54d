"""Crash safety: an ingest killed with SIGKILL mid-run, then run again, leaves exactly what an
uninterrupted run leaves — nothing lost, nothing doubled — on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from suraksha.config import Settings
from suraksha.intake.models import Tip
from suraksha.storage.session import reading
from suraksha.synthetic.tips import write_corpus
from suraksha.workspace import open_engine
from tests.intake.content import fingerprint

ARGUMENTS = ("--batch-size", "4", "--json", "--workers", "2")


def ingest_process(settings: Settings, corpus: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SURAKSHA_HOME": str(settings.home),
        "SURAKSHA_DATABASE_URL": settings.database_url,
    }
    return subprocess.Popen(
        # With worker processes, as large runs go: killing the writer must stop them too.
        [sys.executable, "-m", "suraksha", "ingest", str(corpus), *ARGUMENTS],
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
