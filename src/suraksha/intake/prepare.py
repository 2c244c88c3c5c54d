"""Preparing tips for storage: reading, parsing and flattening, in worker processes when asked.

Everything the pipeline does before it needs the database — read a unit's bytes, parse them with the
unit's format, flatten the record into rows and clean its identifiers — depends on the document
alone, so it can run in other processes while the writer stores earlier batches. `prepared` yields
one `Prepared` per document, in input order whatever the number of workers, so a run stores the same
rows in the same order with or without them.

Rows are prepared as a first version (`version` 1, no earlier snapshot); the writer, which alone
knows what the database holds, renumbers those that turn out to be later versions
(`suraksha.intake.rows.as_version`).

Memory stays bounded: at most a few chunks of units per worker are in flight, and the units are
pulled from the (lazy) discovery only as chunks are handed out.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice

from suraksha.errors import FormatError
from suraksha.intake.discovery import InputUnit
from suraksha.intake.rows import TipRows, tip_rows
from suraksha.storage.base import utcnow

CHUNK_UNITS = 32
"""Units handed to a worker at a time: enough to amortise the hand-over, few enough to keep
results flowing to the writer."""

IN_FLIGHT_PER_WORKER = 4
"""Chunks queued or running per worker; bounds memory whatever the corpus size."""


@dataclass(slots=True)
class Prepared:
    """One document of a unit made ready for storage, or the reason it cannot be stored.

    `rows` is None when the document (or the whole unit) could not be read or parsed; `error` then
    says why, and `internal` whether the fault is Suraksha's rather than the document's.
    """

    origin: str
    location: str | None
    format_name: str | None
    digest: str | None
    size: int | None
    rows: TipRows | None = None
    error: str | None = None
    internal: bool = False


def prepare_unit(unit: InputUnit, run_id: int) -> list[Prepared]:
    """Read, parse and flatten every document of one unit; never raises for bad input."""
    if unit.error is not None or unit.fmt is None:
        return [Prepared(unit.origin, None, None, None, None, error=unit.error or "unreadable")]
    fmt = unit.fmt
    results: list[Prepared] = []
    try:
        for document in fmt.documents(unit.path):
            item = Prepared(
                unit.origin, document.location, fmt.name, document.digest, document.size
            )
            try:
                parsed = fmt.parse(document)
                item.rows = tip_rows(
                    fmt,
                    unit.origin,
                    document,
                    parsed.tip,
                    [(w.path, w.message) for w in parsed.warnings],
                    version=1,
                    run_id=run_id,
                    now=utcnow(),
                    previous_snapshot=None,
                )
            except FormatError as err:
                item.error = str(err)
            except Exception as err:  # a defect in a format must not stop a run of millions
                item.error, item.internal = internal_error(err), True
            results.append(item)
    except FormatError as err:
        results.append(Prepared(unit.origin, None, fmt.name, None, None, error=str(err)))
    return results


def internal_error(err: Exception) -> str:
    """The quarantine reason for a document Suraksha failed on through its own defect."""
    return (
        f"Suraksha could not read this document: internal error {type(err).__name__}: {err}. "
        "It is kept here; report the quarantine id so the defect can be fixed, then ingest again."
    )


def default_workers() -> int:
    """Worker processes for a run: one per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def prepared(
    units: Iterable[InputUnit],
    run_id: int,
    *,
    workers: int = 0,
    on_unit: Callable[[InputUnit], None] | None = None,
) -> Iterator[Prepared]:
    """Every document of every unit, prepared, in input order; `workers` 0 prepares in-process.

    `on_unit` is called as each unit's documents have been prepared (for progress).
    """
    if workers <= 0:
        for unit in units:
            yield from prepare_unit(unit, run_id)
            if on_unit is not None:
                on_unit(unit)
        return
    yield from _in_workers(iter(units), run_id, workers, on_unit)


def _in_workers(
    units: Iterator[InputUnit],
    run_id: int,
    workers: int,
    on_unit: Callable[[InputUnit], None] | None,
) -> Iterator[Prepared]:
    # spawn: workers start from a fresh interpreter (the writer has a database connection and
    # Rich's refresh thread, neither of which may be forked), as direct children of the writer.
    context = multiprocessing.get_context("spawn")
    pending: deque[tuple[list[InputUnit], Future[list[list[Prepared]]]]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        broken = False
        while True:
            while not broken and len(pending) < workers * IN_FLIGHT_PER_WORKER:
                chunk = list(islice(units, CHUNK_UNITS))
                if not chunk:
                    break
                pending.append((chunk, pool.submit(_prepare_chunk, chunk, run_id)))
            if not pending:
                return
            chunk, future = pending.popleft()
            try:
                results = future.result()
            except BrokenProcessPool:
                # A worker died (killed, or out of memory): finish this run in-process, from
                # this chunk on, so that nothing is skipped.
                broken = True
                results = [prepare_unit(unit, run_id) for unit in chunk]
            for unit, documents in zip(chunk, results, strict=True):
                yield from documents
                if on_unit is not None:
                    on_unit(unit)
            if broken:
                for chunk, _ in pending:
                    for unit in chunk:
                        yield from prepare_unit(unit, run_id)
                        if on_unit is not None:
                            on_unit(unit)
                pending.clear()
                yield from prepared(units, run_id, on_unit=on_unit)
                return


def _prepare_chunk(chunk: list[InputUnit], run_id: int) -> list[list[Prepared]]:
    return [prepare_unit(unit, run_id) for unit in chunk]
