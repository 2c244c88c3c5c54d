"""Hash banks: importing lists as versions, and what each bank holds.

Each import of a list into a bank is a full snapshot and becomes the bank's next version: hashes new
to the bank are added, hashes the previous version had and this one lacks are marked removed (kept,
never deleted, so an old match can still say which version it matched). Importing the same file again
changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from suraksha.errors import UserInputError
from suraksha.hashing.formats.interface import HashListFormat, HashListWarning, HashRecord
from suraksha.hashing.models import BankEntry, BankVersion, HashBank
from suraksha.hashing.pdq import MATCH_THRESHOLD
from suraksha.hashing.registry import SNIFF_BYTES, detect, format_named

DEFAULT_PDQ_THRESHOLD = MATCH_THRESHOLD
_READ_CHUNK = 1024 * 1024


class BankKind(StrEnum):
    """What a match against the bank means for a file."""

    KNOWN = "known"  # known abuse material: a match is evidence and raises priority
    IGNORABLE = "ignorable"  # known-good (NSRL): excluded from counts
    VIRAL = "viral"  # widely circulated material: counted, but lowers priority and never links


@dataclass(slots=True)
class ImportResult:
    """What importing one list did to its bank."""

    bank: str
    version: int
    format_name: str
    added: int = 0
    removed: int = 0
    unchanged: int = 0
    warnings: list[HashListWarning] = field(default_factory=list)
    already_imported: bool = False


@dataclass(frozen=True, slots=True)
class BankSummary:
    """One bank as `hashes list` shows it."""

    name: str
    kind: str
    version: int
    entries: int
    category_scheme: str | None
    pdq_threshold: int


def import_list(
    session: Session,
    path: Path,
    *,
    bank: str,
    kind: BankKind,
    format_name: str = "auto",
    category_scheme: str | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import the list at `path` as the next version of `bank` (created if new)."""
    if not path.is_file():
        raise UserInputError(f"{path} is not a file. Give the hash list to import.")
    fmt = _choose_format(path, format_name)
    digest = _file_digest(path)
    row = session.scalar(select(HashBank).where(HashBank.name == bank))
    if row is None:
        row = HashBank(name=bank, kind=kind.value, category_scheme=category_scheme)
        session.add(row)
        session.flush()
    elif row.kind != kind.value:
        raise UserInputError(
            f"Bank {bank!r} holds {row.kind!r} hashes; it cannot take a {kind.value!r} list. "
            "Use another bank name."
        )
    previous = session.scalar(
        select(BankVersion).where(
            BankVersion.bank_id == row.id, BankVersion.source_digest == digest
        )
    )
    if previous is not None:
        return ImportResult(bank, previous.version, fmt.name, already_imported=True)

    version_number = row.current_version + 1
    result = ImportResult(bank, version_number, fmt.name)
    active = {
        (entry.algorithm, entry.value): entry
        for entry in session.scalars(
            select(BankEntry).where(
                BankEntry.bank_id == row.id, BankEntry.removed_version.is_(None)
            )
        )
    }
    seen: set[tuple[str, str]] = set()
    with path.open("rb") as stream:
        for item in _counting(fmt, stream, on_bytes):
            if isinstance(item, HashListWarning):
                result.warnings.append(item)
                continue
            key = (item.algorithm, item.value)
            if key in seen:
                continue
            seen.add(key)
            if key in active:
                result.unchanged += 1
            else:
                session.add(_entry(row.id, item, version_number))
                result.added += 1
    for key, entry in active.items():
        if key not in seen:
            entry.removed_version = version_number
            result.removed += 1
    session.add(
        BankVersion(
            bank_id=row.id,
            version=version_number,
            source_name=path.name,
            source_digest=digest,
            format_name=fmt.name,
            added=result.added,
            removed=result.removed,
            unchanged=result.unchanged,
            rejected=len(result.warnings),
        )
    )
    row.current_version = version_number
    session.flush()
    return result


def list_banks(session: Session) -> list[BankSummary]:
    """Every bank with its current version and number of active entries, by name."""
    counts = {
        bank_id: count
        for bank_id, count in session.execute(
            select(BankEntry.bank_id, func.count())
            .where(BankEntry.removed_version.is_(None))
            .group_by(BankEntry.bank_id)
        )
    }
    return [
        BankSummary(
            bank.name,
            bank.kind,
            bank.current_version,
            counts.get(bank.id, 0),
            bank.category_scheme,
            bank.pdq_threshold,
        )
        for bank in session.scalars(select(HashBank).order_by(HashBank.name))
    ]


def _entry(bank_id: int, item: HashRecord, version: int) -> BankEntry:
    return BankEntry(
        bank_id=bank_id,
        algorithm=item.algorithm,
        value=item.value,
        category=item.category,
        label=item.label,
        added_version=version,
    )


def _choose_format(path: Path, format_name: str) -> HashListFormat:
    if format_name != "auto":
        return format_named(format_name)
    with path.open("rb") as stream:
        head = stream.read(SNIFF_BYTES)
    fmt = detect(head)
    if fmt is None:
        raise UserInputError(
            f"Cannot tell the format of {path}. Name it with --format (see `suraksha hashes "
            "import --help`)."
        )
    return fmt


def _counting(
    fmt: HashListFormat, stream: BinaryIO, on_bytes: Callable[[int], None] | None
) -> Iterator[HashRecord | HashListWarning]:
    if on_bytes is None:
        yield from fmt.read(stream)
        return
    last = 0
    for item in fmt.read(stream):
        position = stream.tell()
        if position != last:
            on_bytes(position - last)
            last = position
        yield item


def _file_digest(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(_READ_CHUNK), b""):
            hasher.update(chunk)
    return hasher.hexdigest()
