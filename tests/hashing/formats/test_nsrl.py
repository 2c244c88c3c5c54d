"""NSRL RDS: version 2 CSV in either column order, and version 3 SQLite from a file or a stream."""

from __future__ import annotations

import hashlib
import io
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suraksha.errors import FormatError
from suraksha.hashing.formats.interface import ExtraValue, HashListWarning, HashRecord
from suraksha.hashing.formats.nsrl import NsrlFormat

FMT = NsrlFormat()


def digests(n: int) -> tuple[str, str, str]:
    data = f"benign dll {n}".encode()
    return (
        hashlib.sha256(data).hexdigest(),
        hashlib.sha1(data, usedforsecurity=False).hexdigest(),
        hashlib.md5(data, usedforsecurity=False).hexdigest(),
    )


SHA256_1, SHA1_1, MD5_1 = digests(1)
SHA256_2, SHA1_2, MD5_2 = digests(2)
CURRENT = (
    '\ufeff"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"\r\n'
    f'"{SHA1_1.upper()}","{MD5_1.upper()}","7A2B4C1D","kernel32.dll",1024,1234,"WIN",""\r\n'
    f'"{SHA1_2.upper()}","{MD5_2.upper()}","00000000","with, comma.txt",0,99,"358",""\r\n'
)
OLDER = (
    '"SHA-1","FileName","FileSize","ProductCode","OpSystemCode","MD4","MD5","CRC32","SpecialCode"\n'
    f'"{SHA1_1.upper()}","kernel32.dll",1024,1234,"WIN","{"0" * 32}","{MD5_1.upper()}","7A2B4C1D",""\n'
    f'"{SHA1_2.upper()}","with, comma.txt",0,99,"358","{"0" * 32}","{MD5_2.upper()}","00000000",""\n'
)
EXTRA_1: dict[str, ExtraValue] = {
    "crc32": "7a2b4c1d",
    "file_size": 1024,
    "product_code": "1234",
    "op_system_code": "WIN",
}
EXTRA_2: dict[str, ExtraValue] = {
    "crc32": "00000000",
    "file_size": 0,
    "product_code": "99",
    "op_system_code": "358",
}
EXPECTED_CSV = [
    HashRecord("sha1", SHA1_1, 2, label="kernel32.dll", extra=EXTRA_1),
    HashRecord("md5", MD5_1, 2, label="kernel32.dll", extra=EXTRA_1),
    HashRecord("sha1", SHA1_2, 3, label="with, comma.txt", extra=EXTRA_2),
    HashRecord("md5", MD5_2, 3, label="with, comma.txt", extra=EXTRA_2),
]


def read(data: bytes) -> list[HashRecord | HashListWarning]:
    return list(FMT.read(io.BytesIO(data)))


@pytest.mark.parametrize("listing", [CURRENT, OLDER], ids=["rds2", "older-order"])
def test_reads_both_column_orders_of_rds2(listing: str) -> None:
    data = listing.encode()
    assert FMT.sniff(data)
    assert read(data) == EXPECTED_CSV


def test_bad_rows_are_warnings_with_line_numbers() -> None:
    listing = CURRENT.splitlines()[0] + "\n"
    listing += f'"{SHA1_1}","{MD5_1[:-1]}","0","a.txt",1,1,"WIN",""\n'
    listing += '"too","short"\n'
    listing += '"","","0","empty.txt",1,1,"WIN",""\n'
    items = read(listing.encode())
    assert items[0] == HashRecord(
        "sha1",
        SHA1_1,
        2,
        label="a.txt",
        extra={"crc32": "0", "file_size": 1, "product_code": "1", "op_system_code": "WIN"},
    )
    assert items[1:] == [
        HashListWarning(2, f"md5 '{MD5_1[:-1]}' is not an MD5 hash (32 hex digits)"),
        HashListWarning(3, "2 fields where the header has at least 8"),
        HashListWarning(4, "no hash in this row"),
    ]


def test_a_file_without_the_rds_header_is_a_format_error() -> None:
    with pytest.raises(FormatError, match="has no sha1 column"):
        read(b'"MD5","FileName"\n"x","y"\n')


def rds3(path: Path, *, sha256: bool = True) -> Path:
    connection = sqlite3.connect(path)
    columns = "sha1 VARCHAR, md5 VARCHAR, crc32 VARCHAR, file_name VARCHAR, file_size INTEGER, "
    columns += "package_id INTEGER"
    connection.execute(f"CREATE TABLE FILE ({'sha256 VARCHAR, ' if sha256 else ''}{columns})")
    connection.execute("CREATE TABLE PKG (package_id INTEGER, name VARCHAR)")
    rows = [
        (SHA256_1.upper(), SHA1_1.upper(), MD5_1.upper(), "7A2B4C1D", "kernel32.dll", 1024, 7),
        ("", SHA1_2, "not-hex", "00000000", "b.txt", 0, 8),
    ]
    for row in rows:
        values = row if sha256 else row[1:]
        marks = ", ".join("?" * len(values))
        connection.execute(f"INSERT INTO FILE VALUES ({marks})", values)  # noqa: S608
    connection.commit()
    connection.close()
    return path


EXTRA_DB_1: dict[str, ExtraValue] = {"crc32": "7a2b4c1d", "file_size": 1024, "package_id": 7}
EXPECTED_DB = [
    HashRecord("sha256", SHA256_1, 1, label="kernel32.dll", extra=EXTRA_DB_1),
    HashRecord("sha1", SHA1_1, 1, label="kernel32.dll", extra=EXTRA_DB_1),
    HashRecord("md5", MD5_1, 1, label="kernel32.dll", extra=EXTRA_DB_1),
    HashRecord(
        "sha1",
        SHA1_2,
        2,
        label="b.txt",
        extra={"crc32": "00000000", "file_size": 0, "package_id": 8},
    ),
    HashListWarning(2, "md5 'not-hex' is not an MD5 hash (32 hex digits)"),
]


def test_reads_rds3_straight_from_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = rds3(tmp_path / "RDS_minimal.db")
    assert FMT.sniff(path.read_bytes()[:65536])

    def no_copies(*args: object, **kwargs: object) -> None:
        raise AssertionError("an RDS file on disk must be opened in place, not copied")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", no_copies)
    with path.open("rb") as stream:
        assert list(FMT.read(stream)) == EXPECTED_DB


def test_reads_rds3_from_a_stream_through_a_copy_it_removes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = rds3(tmp_path / "rds.db").read_bytes()
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    assert read(data) == EXPECTED_DB
    assert list(spool.iterdir()) == []


def test_rds3_without_sha256_reads_sha1_and_md5(tmp_path: Path) -> None:
    with rds3(tmp_path / "old.db", sha256=False).open("rb") as stream:
        assert [(r.algorithm, r.line) for r in FMT.read(stream) if isinstance(r, HashRecord)] == [
            ("sha1", 1),
            ("md5", 1),
            ("sha1", 2),
        ]


class Unseekable(io.RawIOBase):
    """A pipe-like stream: readable once, no seeking."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self._data.read(min(len(buffer), 5))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_unseekable_streams_are_read(tmp_path: Path) -> None:
    database = rds3(tmp_path / "rds.db").read_bytes()
    assert list(FMT.read(io.BufferedReader(Unseekable(database)))) == EXPECTED_DB
    assert list(FMT.read(io.BufferedReader(Unseekable(CURRENT.encode())))) == EXPECTED_CSV


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ("CREATE TABLE OTHER (x)", "no FILE table"),
        ("CREATE TABLE T (sha1, md5); CREATE VIEW FILE AS SELECT * FROM T", "no FILE table"),
        ("CREATE TABLE FILE (name VARCHAR, size INTEGER)", "no sha256, sha1 or md5 column"),
    ],
)
def test_databases_that_are_not_rds3_are_format_errors(
    tmp_path: Path, schema: str, message: str
) -> None:
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.executescript(schema)
    connection.close()
    with path.open("rb") as stream, pytest.raises(FormatError, match=message):
        list(FMT.read(stream))


def test_a_corrupt_database_is_a_format_error(tmp_path: Path) -> None:
    data = bytearray(rds3(tmp_path / "rds.db").read_bytes())
    data[100:] = b"\xa5" * (len(data) - 100)
    with pytest.raises(FormatError, match="NSRL RDS database"):
        read(bytes(data))


def test_sniff(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE PROFILE (x)")
    connection.close()
    assert not FMT.sniff(other.read_bytes())
    assert FMT.sniff(rds3(tmp_path / "rds.db").read_bytes())
    assert FMT.sniff(b'"SHA-1","MD5","CRC32","FileName"')
    assert not FMT.sniff(b'"MD5","SHA-1","FileName"')
    assert not FMT.sniff(b"")


def test_a_schema_that_is_not_utf8_is_a_format_error(tmp_path: Path) -> None:
    # SQLite quotes a damaged schema in its error message; that text must not escape as a
    # UnicodeDecodeError.
    data = (
        rds3(tmp_path / "rds.db").read_bytes().replace(b"CREATE TABLE PKG", b"CREATE \xc8ABLE PKG")
    )
    with pytest.raises(FormatError, match="NSRL RDS database"):
        read(data)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_damaged_rds2_lists_give_records_warnings_or_a_format_error(data: st.DataObject) -> None:
    listing = bytearray(CURRENT.encode())
    for _ in range(data.draw(st.integers(1, 6))):
        listing[data.draw(st.integers(0, len(listing) - 1))] = data.draw(st.integers(0, 255))
    try:
        items = read(bytes(listing))
    except FormatError:
        return
    assert all(isinstance(item, HashRecord | HashListWarning) for item in items)
