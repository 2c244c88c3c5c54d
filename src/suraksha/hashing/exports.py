"""Writing a bank's active entries out as a list another agency's tools read: VICS 2.0 or md5sum.

Both are streamed (entries are read from the database in pages and written as they come), so a
ten-million-entry bank exports in bounded memory, and both round-trip: importing the export into an
empty bank gives the same hashes and categories. PDQ entries have no place in either format (a bare
64-digit hex line reads as SHA-256) and are counted as left out; PhotoDNA travels in VICS only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from suraksha.errors import UserInputError
from suraksha.hashing.categories import scheme_named
from suraksha.hashing.models import BankEntry, HashBank

_PAGE = 5000
_EXACT = ("md5", "sha1", "sha256")
_VICS_FIELDS = {"md5": "MD5", "sha1": "SHA1", "sha256": "SHA256"}
_VICS_EXTRA = {
    "series": "Series",
    "victim_identified": "VictimIdentified",
    "offender_identified": "OffenderIdentified",
    "is_distributed": "IsDistributed",
    "photodna": "PhotoDNA",
}


class ExportFormat(StrEnum):
    """List formats a bank can be exported to."""

    VICS = "vics"
    MD5SUM = "md5sum"


@dataclass(frozen=True, slots=True)
class ExportResult:
    """How many entries were written, and how many had no place in the format."""

    written: int
    left_out: int


def export_bank(session: Session, bank: str, fmt: ExportFormat, out: TextIO) -> ExportResult:
    """Write the active entries of `bank` to `out` in `fmt`."""
    row = session.scalar(select(HashBank).where(HashBank.name == bank))
    if row is None:
        raise UserInputError(f"No bank named {bank!r}. See `suraksha hashes list`.")
    if fmt is ExportFormat.MD5SUM:
        return _md5sum(session, row, out)
    return _vics(session, row, out)


@dataclass(frozen=True, slots=True)
class _Entry:
    algorithm: str
    value: str
    label: str | None
    category: str | None
    extra: dict[str, Any]


def _entries(session: Session, bank_id: int) -> Iterator[_Entry]:
    """Active entries in id order, a page at a time, as plain rows (no identity map growth)."""
    last_id = 0
    while True:
        page = session.execute(
            select(
                BankEntry.id,
                BankEntry.algorithm,
                BankEntry.value,
                BankEntry.label,
                BankEntry.category,
                BankEntry.extra,
            )
            .where(
                BankEntry.bank_id == bank_id,
                BankEntry.removed_version.is_(None),
                BankEntry.id > last_id,
            )
            .order_by(BankEntry.id)
            .limit(_PAGE)
        ).all()
        if not page:
            return
        for entry_id, algorithm, value, label, category, extra in page:
            yield _Entry(algorithm, value, label, category, dict(extra or {}))
            last_id = entry_id


def _md5sum(session: Session, bank: HashBank, out: TextIO) -> ExportResult:
    written = left_out = 0
    for entry in _entries(session, bank.id):
        if entry.algorithm not in _EXACT:
            left_out += 1
            continue
        name = (entry.label or entry.value).replace("\n", " ")
        out.write(f"{entry.value}  {name}\n")
        written += 1
    return ExportResult(written, left_out)


def _vics(session: Session, bank: HashBank, out: TextIO) -> ExportResult:
    # The VICS region names the category scheme (see `categories.scheme_of_list`).
    scheme = scheme_named(bank.category_scheme)
    region_path = {"vics-us": "US", "uk-caid": "UK"}.get(scheme.name if scheme else "", "Default")
    context = f"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/{region_path}/$metadata#Media"
    out.write('{"@odata.context": ' + json.dumps(context) + ', "value": [\n')
    written = left_out = 0
    for entry in _entries(session, bank.id):
        if entry.algorithm not in _EXACT:
            left_out += 1
            continue
        media: dict[str, Any] = {}
        if entry.label and entry.label.isdigit():
            media["MediaID"] = int(entry.label)
        if entry.category is not None:
            media["Category"] = int(entry.category) if entry.category.isdigit() else entry.category
        media[_VICS_FIELDS[entry.algorithm]] = entry.value.upper()
        for key, field in _VICS_EXTRA.items():
            if key in entry.extra:
                media[field] = entry.extra[key]
        out.write(("" if written == 0 else ",\n") + json.dumps(media, ensure_ascii=False))
        written += 1
    out.write("\n]}\n")
    return ExportResult(written, left_out)
