"""Sessions: writers commit whole; readers never wait for a writer and never commit."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from suraksha.intake.models import IngestRun
from suraksha.storage.session import reading, transaction


def runs(engine: Engine) -> int:
    with reading(engine) as session:
        return session.scalar(select(func.count()).select_from(IngestRun)) or 0


def test_a_reader_sees_committed_data_while_a_writer_holds_its_lock(db: Engine) -> None:
    with transaction(db) as writer:
        writer.add(IngestRun(paths=["committed"]))
    with transaction(db) as writer:
        writer.add(IngestRun(paths=["pending"]))
        writer.flush()
        # On SQLite the writer holds BEGIN IMMEDIATE here; the reader must not wait for it.
        assert runs(db) == 1
    assert runs(db) == 2


def test_a_failed_transaction_leaves_nothing(db: Engine) -> None:
    try:
        with transaction(db) as writer:
            writer.add(IngestRun(paths=["doomed"]))
            writer.flush()
            raise RuntimeError("interrupted")
    except RuntimeError:
        pass
    assert runs(db) == 0


def test_writes_through_a_reader_are_never_committed(db: Engine) -> None:
    with reading(db) as session:
        session.add(IngestRun(paths=["by mistake"]))
        session.flush()
    assert runs(db) == 0
