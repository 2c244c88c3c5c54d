"""HashKeeper CSV: MD5s from the `hash` column, columns found by header name."""

from __future__ import annotations

import hashlib
import io

import pytest

from suraksha.errors import FormatError
from suraksha.hashing.formats.hashkeeper import HashkeeperFormat
from suraksha.hashing.formats.interface import HashListWarning, HashRecord

FMT = HashkeeperFormat()
MD5_1 = hashlib.md5(b"benign 1", usedforsecurity=False).hexdigest()
MD5_2 = hashlib.md5(b"benign 2", usedforsecurity=False).hexdigest()
HEADER = (
    '"file_id","hashset_id","file_name","directory","hash","file_size","date_modified",'
    '"time_modified","time_zone","comments","date_accessed","time_accessed"'
)


def read(data: bytes) -> list[HashRecord | HashListWarning]:
    return list(FMT.read(io.BytesIO(data)))


def test_reads_rows_with_exact_values() -> None:
    listing = (
        f"\ufeff{HEADER}\r\n"
        f'"1","1045","IMG_0001.JPG","C:\\Photos\\","{MD5_1.upper()}","20480","1/2/2003",'
        '"10:00:00","IST","","",""\r\n'
        f'"2","1045","notes, draft.txt","","{MD5_2}","","","","","","",""\r\n'
    ).encode()
    assert FMT.sniff(listing)
    assert read(listing) == [
        HashRecord(
            "md5",
            MD5_1,
            2,
            label="IMG_0001.JPG",
            extra={
                "hashset_id": "1045",
                "directory": "C:\\Photos\\",
                "file_id": "1",
                "file_size": 20480,
            },
        ),
        HashRecord(
            "md5", MD5_2, 3, label="notes, draft.txt", extra={"hashset_id": "1045", "file_id": "2"}
        ),
    ]


def test_windows_1252_names_survive() -> None:
    listing = f'{HEADER}\n"1","9","caf\xe9.jpg","","{MD5_1}","1"\n'.encode("cp1252")
    [record] = read(listing)
    assert isinstance(record, HashRecord) and record.label == "café.jpg"


def test_bad_rows_are_warnings_with_line_numbers() -> None:
    listing = (
        f'{HEADER}\n"1","9","a.jpg","","{MD5_1}","1"\n\n'
        '"2","9","b.jpg","","not-a-hash","1"\n"3","9"\n'
        f'"4","9","{"x" * 20000}","","{MD5_2}","1"\n"5","9","e.jpg","","{MD5_2}","x"\n'
    ).encode()
    items = read(listing)
    assert items == [
        HashRecord(
            "md5",
            MD5_1,
            2,
            label="a.jpg",
            extra={"hashset_id": "9", "file_id": "1", "file_size": 1},
        ),
        HashListWarning(4, "hash 'not-a-hash' is not an MD5"),
        HashListWarning(5, "2 fields where the header has at least 6"),
        HashListWarning(6, "line longer than 16384 bytes skipped"),
        HashRecord("md5", MD5_2, 7, label="e.jpg", extra={"hashset_id": "9", "file_id": "5"}),
    ]


def test_a_header_without_a_hash_column_is_a_format_error() -> None:
    with pytest.raises(FormatError, match="does not read as HashKeeper"):
        read(b'"file_id","hashset_id","file_name"\n"1","2","x"\n')


def test_sniff() -> None:
    assert FMT.sniff(b"file_id,hashset_id,file_name,directory,hash,file_size\n")
    assert not FMT.sniff(b'"hash","file_id"\n')
    assert not FMT.sniff(b"")
