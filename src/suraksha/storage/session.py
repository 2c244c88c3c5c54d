"""Sessions: one unit of work is one transaction, committed whole or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from suraksha.storage.engine import READ_ONLY_OPTION


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session maker bound to the engine; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed when the block ends normally and rolled back otherwise."""
    with session_factory(engine)() as session, session.begin():
        yield session


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A session for reads only: a consistent snapshot that never waits for a writer (SQLite WAL).

    Its transaction is rolled back at the end, so a write made through it by mistake is lost
    rather than committed.
    """
    readers = engine.execution_options(**{READ_ONLY_OPTION: True})
    with session_factory(readers)() as session, session.begin():
        yield session
        session.rollback()
