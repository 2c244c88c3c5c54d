"""NIST NSRL Reference Data Sets of known software: RDS 2 `NSRLFile.txt` CSV and RDS 3 SQLite.

RDS 2 and 3 are one format here because they carry the same facts and analysts call both "the
NSRL"; the first bytes tell them apart (SQLite's magic string, or a CSV header).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import sqlite3
import tempfile
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, BinaryIO, ClassVar

from suraksha.errors import FormatError
from suraksha.hashing.formats.interface import (
    ExtraValue,
    HashListFormat,
    HashListWarning,
    HashRecord,
)
from suraksha.hashing.formats.lines import column_key, csv_rows, split_row
from suraksha.hashing.formats.values import clean_digest, clean_text, digest_problem, parse_count

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

SQLITE_MAGIC = b"SQLite format 3\x00"
# The schema sits in the database's first page, so the sniffed head shows the FILE table.
_FILE_TABLE = re.compile(
    rb"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?[\"`\[]?FILE[\"`\]]?\s*\(", re.I
)
_CSV_COLUMNS = {
    "sha1": ("sha1",),
    "md5": ("md5",),
    "crc32": ("crc32",),
    "file_name": ("filename",),
    "file_size": ("filesize",),
    "product_code": ("productcode",),
    "op_system_code": ("opsystemcode",),
    "special_code": ("specialcode",),
}
# RDS 3 FILE columns read, strongest hash first; names are fixed, never taken from the file.
_DB_HASHES = ("sha256", "sha1", "md5")
_DB_COLUMNS = (*_DB_HASHES, "crc32", "file_name", "file_size", "package_id")
# A hostile database could hold multi-gigabyte cells; no NSRL value comes near this.
_MAX_CELL_BYTES = 1_000_000
_SPOOL_CHUNK = 1024 * 1024


class NsrlFormat(HashListFormat):
    """NSRL RDS known-software hashes, to fill an `ignorable` bank.

    RDS 2: `NSRLFile.txt`, quoted CSV headed `"SHA-1","MD5","CRC32","FileName","FileSize",
    "ProductCode","OpSystemCode","SpecialCode"`; columns are found by name, so the older order
    (with MD4) reads too. RDS 3: a SQLite database whose `FILE` table has `sha256` (newer sets),
    `sha1`, `md5`, `crc32`, `file_name`, `file_size`, `package_id`; it is opened read-only, with
    SQLite's defences for untrusted databases, straight from the file when the stream is one, or
    from a temporary copy otherwise (SQLite can only read files). Each row yields one record per
    hash; the file name is the label, CRC32, size and product/package codes go in `extra`.
    """

    name: ClassVar[str] = "nsrl"
    description: ClassVar[str] = "NIST NSRL RDS: NSRLFile.txt CSV (RDS 2) or SQLite (RDS 3)"

    def sniff(self, head: bytes) -> bool:
        if head.startswith(SQLITE_MAGIC):
            return bool(_FILE_TABLE.search(head))
        first = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n").split("\n", 1)[0]
        keys = [column_key(cell) for cell in split_row(first.rstrip("\r"), ",")]
        return bool(keys) and keys[0] == "sha1" and {"md5", "filename"} <= set(keys)

    def read(self, stream: BinaryIO) -> Iterator[HashRecord | HashListWarning]:
        head, stream = _peek(stream, len(SQLITE_MAGIC))
        if head == SQLITE_MAGIC:
            yield from _read_database(stream)
        else:
            yield from _read_csv(stream)


def _read_csv(stream: BinaryIO) -> Iterator[HashRecord | HashListWarning]:
    rows = csv_rows(
        stream, delimiter=",", columns=_CSV_COLUMNS, required=("sha1",), format_label="NSRL RDS"
    )
    for row in rows:
        if isinstance(row, HashListWarning):
            yield row
            continue
        number, fields = row
        extra: dict[str, ExtraValue] = {}
        crc = fields.get("crc32", "")
        if crc:
            extra["crc32"] = crc.lower()
        size = parse_count(fields.get("file_size"))
        if size is not None:
            extra["file_size"] = size
        for key in ("product_code", "op_system_code", "special_code"):
            text = clean_text(fields.get(key))
            if text is not None:
                extra[key] = text
        yield from _records(
            number, fields, ("sha1", "md5"), clean_text(fields.get("file_name")), extra
        )


def _records(
    number: int,
    values: Mapping[str, object],
    algorithms: Sequence[str],
    label: str | None,
    extra: dict[str, ExtraValue],
) -> Iterator[HashRecord | HashListWarning]:
    found = False
    for algorithm in algorithms:
        raw = values.get(algorithm)
        if raw is None or raw == "":
            continue
        value = clean_digest(algorithm, raw) if isinstance(raw, str) else None
        if value is None:
            yield HashListWarning(number, f"{algorithm} {digest_problem(algorithm, raw)}")
            continue
        found = True
        yield HashRecord(algorithm, value, number, label=label, extra=extra)
    if not found and all(values.get(algorithm) in (None, "") for algorithm in algorithms):
        yield HashListWarning(number, "no hash in this row")


def _read_database(stream: BinaryIO) -> Iterator[HashRecord | HashListWarning]:
    path, spooled = _database_path(stream)
    try:
        yield from _query(path)
    finally:
        if spooled:
            os.unlink(path)


def _query(path: str) -> Iterator[HashRecord | HashListWarning]:
    uri = f"file:{urllib.parse.quote(path)}?mode=ro&immutable=1"
    try:
        connection = sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as err:
        raise FormatError(f"This NSRL RDS database cannot be opened: {err}.") from None
    try:
        _harden(connection)
        columns = _file_columns(connection)
        selected = ", ".join(f'"{column}"' for column in columns)
        cursor = connection.execute(f'SELECT {selected} FROM "FILE"')  # noqa: S608 - fixed names
        for number, row in enumerate(cursor, 1):
            values = dict(zip(columns, row, strict=True))
            yield from _records(
                number, values, _DB_HASHES, clean_text(values.get("file_name")), _db_extra(values)
            )
    except (sqlite3.Error, UnicodeDecodeError) as err:
        # SQLite's message about a damaged schema quotes the schema, which may not be UTF-8.
        raise FormatError(f"This NSRL RDS database cannot be read: {err}.") from None
    finally:
        connection.close()


def _harden(connection: sqlite3.Connection) -> None:
    # SQLite's advice for databases from untrusted sources (sqlite.org/security.html): no
    # functions with side effects from the schema, verify cell sizes, no memory-mapping, no writes,
    # and a cap on the size of any one value.
    for pragma in (
        "trusted_schema = OFF",
        "cell_size_check = ON",
        "mmap_size = 0",
        "query_only = ON",
    ):
        connection.execute(f"PRAGMA {pragma}")
    connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, _MAX_CELL_BYTES)
    # Text that is not UTF-8 must give a warning about its value, not stop the import.
    connection.text_factory = _lenient_text


def _lenient_text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _file_columns(connection: sqlite3.Connection) -> tuple[str, ...]:
    kind = connection.execute(
        "SELECT type FROM sqlite_master WHERE name = 'FILE' COLLATE NOCASE"
    ).fetchone()
    if kind is None or kind[0] != "table":
        # A view could run any query the file's author wrote; only a plain table is read.
        raise FormatError("This SQLite database has no FILE table: it is not an NSRL RDS 3 set.")
    present = {str(row[1]).lower() for row in connection.execute('PRAGMA table_info("FILE")')}
    columns = tuple(column for column in _DB_COLUMNS if column in present)
    if not any(column in present for column in _DB_HASHES):
        raise FormatError("The FILE table has no sha256, sha1 or md5 column.")
    return columns


def _db_extra(values: dict[str, object]) -> dict[str, ExtraValue]:
    extra: dict[str, ExtraValue] = {}
    crc = values.get("crc32")
    if isinstance(crc, str) and crc:
        extra["crc32"] = crc.lower()
    for key in ("file_size", "package_id"):
        count = parse_count(values.get(key))
        if count is not None:
            extra[key] = count
    return extra


def _database_path(stream: BinaryIO) -> tuple[str, bool]:
    """A path SQLite can open holding the stream's bytes, and whether it is a temporary copy."""
    name = getattr(stream, "name", None)
    if isinstance(name, str):
        try:
            if os.path.samestat(os.fstat(stream.fileno()), os.stat(name)) and stream.tell() == 0:
                return name, False
        except (OSError, ValueError, io.UnsupportedOperation):
            pass
    with tempfile.NamedTemporaryFile(prefix="suraksha-rds-", suffix=".db", delete=False) as spool:
        shutil.copyfileobj(stream, spool, _SPOOL_CHUNK)
    return spool.name, True


def _peek(stream: BinaryIO, size: int) -> tuple[bytes, BinaryIO]:
    """The stream's next `size` bytes, and a stream that still starts with them."""
    if stream.seekable():
        position = stream.tell()
        head = stream.read(size)
        stream.seek(position)
        return head, stream
    head = stream.read(size)
    return head, io.BufferedReader(_Rejoined(head, stream))


class _Rejoined(io.RawIOBase):
    """`head` followed by the rest of `rest`: a peeked-at, unseekable stream made whole again."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            count = min(len(view), len(self._head))
            view[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._rest.read(len(view))
        view[: len(data)] = data
        return len(data)
