"""Whole-workspace reads a full resolution makes in a worker process, beside its own work.

A full run reads every account's weak-evidence values (and scores them) and every strong
identifier, and links every IP capture: passes of a million rows or more at national scale, each
bound to one core. The reads write nothing, so on a machine with two cores or more a worker
process (`parallel.Apart`) makes them while the resolve links IP captures (`linker.worker_reads`:
one worker, the reads in turn); the resolve's transaction stays the only writer and stores what
the worker sends back.

A worker reads committed data, in a snapshot of its own. The resolve's transaction must therefore
not have changed the accounts before it starts them (a resolve's own writes come later); should it
have, the worker's accounts differ from the resolve's, `ReadApart.result` refuses its result and
reads again in the resolve's session. A worker that fails (an error, killed, out of memory) is
read again the same way. The result never depends on where it was computed; `reason` says why a
read started apart was done in the resolve's process after all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from suraksha.intake.accounts import account_ids
from suraksha.parallel import Apart, WorkerFailed
from suraksha.storage.engine import engine_for_url, shareable_url
from suraksha.storage.session import reading

T = TypeVar("T")

# A read: the session, and the ids of every reported account (sorted) → what it found.
Read = Callable[[Session, Sequence[str]], T]


class ReadApart(Generic[T]):
    """`read` started in a worker process when `apart` and the database can be opened from one
    (not an in-memory SQLite database), else done in this process when `result` is asked for.

    `read` must be a module-level function (or a `functools.partial` of one): it is sent to the
    worker by name.
    """

    def __init__(self, session: Session, read: Read[T], *, apart: bool) -> None:
        self.session, self.read = session, read
        url = shareable_url(session.get_bind().engine) if apart else None
        self._worker: Apart[tuple[str, T]] | None = Apart(_read_at, url, read) if url else None
        self.apart = self._worker is not None  # started in a worker process
        self.reason: str | None = None  # why a read started apart was done here after all

    def result(self, accounts: Sequence[str]) -> T:
        """What `read` found for these accounts (the resolve's: every reported account, sorted)."""
        if self._worker is not None:
            with self._worker:
                try:
                    digest, found = self._worker.result()
                except WorkerFailed as error:
                    self.reason = str(error)
                else:
                    if digest == accounts_digest(accounts):
                        return found
                    self.reason = "the accounts changed since the worker process read them"
        return self.read(self.session, accounts)

    @property
    def done_apart(self) -> bool:
        """Started in a worker process, and its result used."""
        return self.apart and self.reason is None

    def close(self) -> None:
        """Stop the worker, when its result is no longer wanted (a no-op once it was taken)."""
        if self._worker is not None:
            self._worker.close()


def accounts_digest(accounts: Iterable[str]) -> str:
    """A digest of a set of account ids."""
    return hashlib.sha256("\n".join(sorted(accounts)).encode()).hexdigest()


def _read_at(database_url: str, read: Read[T]) -> tuple[str, T]:
    """In the worker: `read` on an engine and read-only snapshot of its own, with the digest of
    the accounts it saw."""
    engine = engine_for_url(database_url)
    try:
        with reading(engine) as session:
            accounts = account_ids(session)
            return accounts_digest(accounts), read(session, accounts)
    finally:
        engine.dispose()
