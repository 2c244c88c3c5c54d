"""Hash banks: importing lists as versions, and what each bank holds.

Each import of a list into a bank becomes the bank's next version. Most lists are full snapshots:
hashes new to the bank are added, hashes the previous version had and this one lacks are marked
removed (kept, never deleted, so an old match can still say which version it matched). Delta lists
(NCMEC hash-sharing pages) add what they list and withdraw what they mark deleted. Importing the
file that is already the bank's current version changes nothing. Lists are read in batches, so a
list of ten million lines imports in bounded memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import func, insert, select, tuple_, update
from sqlalchemy.orm import Session

from suraksha.errors import UserInputError
from suraksha.hashing.categories import SCHEMES, CategoryScheme, scheme_named, scheme_of_list
from suraksha.hashing.formats.interface import HashListFormat, HashListWarning, HashRecord
from suraksha.hashing.models import BankEntry, BankVersion, HashBank
from suraksha.hashing.pdq import MATCH_THRESHOLD
from suraksha.hashing.registry import SNIFF_BYTES, detect, format_named

DEFAULT_PDQ_THRESHOLD = MATCH_THRESHOLD
_IMPORT_BATCH = 5000  # records per round trip; memory is bounded by this, not the list
_LOOKUP = 500  # keys per IN (...): far under SQLite's host-parameter limit
_READ_CHUNK = 1024 * 1024
MAX_CATEGORY_WARNINGS = 100  # examples kept of entries whose category the scheme lacks


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
    category_scheme: str | None = None
    unknown_categories: int = 0
    category_warnings: list[HashListWarning] = field(default_factory=list)
    """The first `MAX_CATEGORY_WARNINGS` entries (of `unknown_categories`) whose category the
    bank's scheme does not define. They are imported all the same: a hash is known whatever its
    label, and leaving it out of a snapshot would withdraw it from the bank."""


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
    """Import the list at `path` as the next version of `bank` (created if new).

    `category_scheme` (a name or alias known to `categories.scheme_named`) says how to read the
    list's category codes; without it the bank keeps its scheme, or takes the one the list
    declares (VICS region, NCMEC classification). A scheme that contradicts the bank's is a
    UserInputError: the same code would mean different things in one bank.
    """
    if not path.is_file():
        raise UserInputError(f"{path} is not a file. Give the hash list to import.")
    chosen = _chosen_scheme(category_scheme)
    fmt = _choose_format(path, format_name)
    digest = _file_digest(path)
    row = session.scalar(select(HashBank).where(HashBank.name == bank))
    if row is None:
        row = HashBank(name=bank, kind=kind.value, category_scheme=chosen)
        session.add(row)
        session.flush()
    elif row.kind != kind.value:
        raise UserInputError(
            f"Bank {bank!r} holds {row.kind!r} hashes; it cannot take a {kind.value!r} list. "
            "Use another bank name."
        )
    _settle_scheme(row, chosen, "--scheme")
    # The same file as the bank's current version changes nothing; the same file as an older
    # version is a new version (the list went back), and is imported as one.
    current = session.scalar(
        select(BankVersion).where(
            BankVersion.bank_id == row.id, BankVersion.version == row.current_version
        )
    )
    if current is not None and current.source_digest == digest:
        return ImportResult(bank, current.version, fmt.name, already_imported=True)

    version_number = row.current_version + 1
    result = ImportResult(bank, version_number, fmt.name)
    batch: list[HashRecord] = []
    scheme: CategoryScheme | None = None
    first = True
    with path.open("rb") as stream:
        for item in _counting(fmt, stream, on_bytes):
            if isinstance(item, HashListWarning):
                result.warnings.append(item)
                continue
            if first:  # the list's own scheme, if it declares one, is in every record
                first = False
                _settle_scheme(row, scheme_of_list(fmt.name, dict(item.extra)), "the list")
                scheme = scheme_named(row.category_scheme)
            if scheme is not None and item.category and scheme.find(item.category) is None:
                _unknown_category(result, scheme, item)
            batch.append(item)
            if len(batch) >= _IMPORT_BATCH:
                _apply(session, row.id, version_number, batch, result)
                batch = []
    _apply(session, row.id, version_number, batch, result)
    if fmt.snapshot:
        # Everything active that this full list did not name is withdrawn, in one statement.
        gone = session.execute(
            update(BankEntry)
            .where(
                BankEntry.bank_id == row.id,
                BankEntry.removed_version.is_(None),
                BankEntry.last_seen_version < version_number,
            )
            .values(removed_version=version_number)
        )
        result.removed += _rowcount(gone)
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
    result.category_scheme = row.category_scheme
    session.flush()
    return result


def _chosen_scheme(name: str | None) -> str | None:
    if name is None or not name.strip():
        return None
    scheme = scheme_named(name)
    if scheme is None:
        known = ", ".join(s.name for s in SCHEMES)
        raise UserInputError(f"Unknown category scheme {name!r}. Use one of: {known}.")
    return scheme.name


def _settle_scheme(row: HashBank, scheme: str | None, source: str) -> None:
    """Give the bank `scheme` if it has none; refuse one that contradicts the bank's."""
    if scheme is None:
        return
    if row.category_scheme is None:
        row.category_scheme = scheme
        return
    current = scheme_named(row.category_scheme)
    if current is None or current.name != scheme:
        raise UserInputError(
            f"Bank {row.name!r} uses the {row.category_scheme!r} category scheme, but {source} "
            f"says {scheme!r}. Import into a bank of that scheme (another --bank name)."
        )


def _unknown_category(result: ImportResult, scheme: CategoryScheme, record: HashRecord) -> None:
    result.unknown_categories += 1
    if len(result.category_warnings) < MAX_CATEGORY_WARNINGS:
        codes = ", ".join(category.code for category in scheme.categories)
        result.category_warnings.append(
            HashListWarning(
                record.line,
                f"category {record.category!r} is not in the {scheme.name} scheme ({codes}); "
                "imported with its category as listed",
            )
        )


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


def _apply(
    session: Session, bank_id: int, version: int, batch: list[HashRecord], result: ImportResult
) -> None:
    """Add, confirm or withdraw one batch of records (memory stays bounded by the batch)."""
    withdrawn_ids = [r.value for r in batch if r.removed and r.algorithm == "entry_id"]
    hashes = [r for r in batch if r.algorithm != "entry_id"]
    keys = sorted({(r.algorithm, r.value) for r in hashes})
    active: dict[tuple[str, str], BankEntry] = {}
    for start in range(0, len(keys), _LOOKUP):
        chunk = keys[start : start + _LOOKUP]
        for entry in session.scalars(
            select(BankEntry).where(
                BankEntry.bank_id == bank_id,
                BankEntry.removed_version.is_(None),
                tuple_(BankEntry.algorithm, BankEntry.value).in_(chunk),
            )
        ):
            active[(entry.algorithm, entry.value)] = entry
    new_rows: list[dict[str, Any]] = []
    added_now: set[tuple[str, str]] = set()
    for record in hashes:
        key = (record.algorithm, record.value)
        found = active.get(key)
        if record.removed:
            if found is not None and found.removed_version is None:
                found.removed_version = version
                result.removed += 1
            continue
        if key in added_now or (found is not None and found.last_seen_version == version):
            continue  # listed twice in one file
        if found is None:
            new_rows.append(_entry_row(bank_id, record, version))
            added_now.add(key)
            result.added += 1
        else:
            found.last_seen_version = version
            result.unchanged += 1
    if new_rows:
        session.execute(insert(BankEntry), new_rows)
    if withdrawn_ids:
        # NCMEC withdraws by its own id, which its lists carry as each entry's label.
        gone = session.execute(
            update(BankEntry)
            .where(
                BankEntry.bank_id == bank_id,
                BankEntry.removed_version.is_(None),
                BankEntry.label.in_(withdrawn_ids),
            )
            .values(removed_version=version)
        )
        result.removed += _rowcount(gone)
    session.flush()


def _entry_row(bank_id: int, item: HashRecord, version: int) -> dict[str, Any]:
    return {
        "bank_id": bank_id,
        "algorithm": item.algorithm,
        "value": item.value,
        "category": item.category,
        "label": item.label,
        "quality": item.quality,
        "extra": {k: list(v) if isinstance(v, tuple) else v for k, v in item.extra.items()},
        "added_version": version,
        "last_seen_version": version,
        "removed_version": None,
    }


def _rowcount(result: Any) -> int:
    count = getattr(result, "rowcount", 0)
    return int(count) if count and count > 0 else 0


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


@dataclass(frozen=True, slots=True)
class BankChange:
    """One entry added or removed between two versions of a bank."""

    change: str  # "added" | "removed"
    version: int
    algorithm: str
    value: str
    label: str | None
    category: str | None


def diff_versions(
    session: Session, bank: str, *, since: int | None = None, until: int | None = None
) -> list[BankChange]:
    """What changed in `bank` after version `since` up to `until` (default: the last import)."""
    row = session.scalar(select(HashBank).where(HashBank.name == bank))
    if row is None:
        raise UserInputError(f"No bank named {bank!r}. See `suraksha hashes list`.")
    last = row.current_version if until is None else until
    first = last - 1 if since is None else since
    if not 0 <= first <= last <= row.current_version:
        raise UserInputError(
            f"Bank {bank!r} has versions 1 to {row.current_version}; give 0 ≤ --since ≤ --until "
            f"≤ {row.current_version}."
        )
    changes: list[BankChange] = []
    for column, label in (
        (BankEntry.added_version, "added"),
        (BankEntry.removed_version, "removed"),
    ):
        for entry in session.scalars(
            select(BankEntry)
            .where(BankEntry.bank_id == row.id, column > first, column <= last)
            .order_by(column, BankEntry.algorithm, BankEntry.value)
        ):
            version = entry.added_version if label == "added" else entry.removed_version
            assert version is not None  # selected by a range on this column
            changes.append(
                BankChange(
                    label, version, entry.algorithm, entry.value, entry.label, entry.category
                )
            )
    return changes
