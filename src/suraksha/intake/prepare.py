"""Preparing tips for storage: reading, parsing and flattening, in worker processes when asked.

Everything the pipeline does before it needs the database — read a unit's bytes, parse them with the
unit's format, flatten the record into rows and clean its identifiers — depends on the document
alone, so it can run in other processes while the writer stores earlier batches. `prepared` yields
one `Prepared` per document, in input order whatever the number of workers, so a run stores the same
rows in the same order with or without them.

Rows are prepared as a first version (`version` 1, no earlier snapshot); the writer, which alone
knows what the database holds, renumbers those that turn out to be later versions
(`suraksha.intake.rows.as_version`).

Workers, ordering and bounded memory come from `suraksha.parallel.ordered_map`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from suraksha.errors import FormatError
from suraksha.intake.discovery import InputUnit
from suraksha.intake.rows import TipRows, tip_rows
from suraksha.parallel import ordered_map
from suraksha.storage.base import utcnow

CHUNK_UNITS = 32
"""Units handed to a worker at a time: enough to amortise the hand-over, few enough to keep
results flowing to the writer."""


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
    work = partial(prepare_unit, run_id=run_id)
    for unit, documents in ordered_map(work, units, workers=workers, chunk=CHUNK_UNITS):
        yield from documents
        if on_unit is not None:
            on_unit(unit)
