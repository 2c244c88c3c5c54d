"""INTERPOL ICSE CSV: MD5 and SHA-1 per row, yes/no columns as booleans, PhotoDNA stored."""

from __future__ import annotations

import hashlib
import io

import pytest

from suraksha.errors import FormatError
from suraksha.hashing.formats.icse import IcseFormat
from suraksha.hashing.formats.interface import ExtraValue, HashListWarning, HashRecord

FMT = IcseFormat()
MD5_1 = hashlib.md5(b"benign 1", usedforsecurity=False).hexdigest()
SHA1_1 = hashlib.sha1(b"benign 1", usedforsecurity=False).hexdigest()
SHA1_2 = hashlib.sha1(b"benign 2", usedforsecurity=False).hexdigest()
HEADER = (
    "MD5;SHA1;PhotoDNA;Image ID;Is distributed;Victim identified;Offender identified;"
    "Series name;Number of submissions;File Available;Media Type;Baseline"
)
FIRST_EXTRA: dict[str, ExtraValue] = {
    "image_id": "IMG-001",
    "series": "Synthetic series",
    "media_type": "Image",
    "photodna": "AAECAw==",
    "is_distributed": True,
    "victim_identified": False,
    "offender_identified": True,
    "file_available": True,
    "baseline": False,
    "submissions": 12,
}


def read(data: bytes) -> list[HashRecord | HashListWarning]:
    return list(FMT.read(io.BytesIO(data)))


def test_reads_rows_with_exact_values_and_string_booleans() -> None:
    listing = (
        f"\ufeff{HEADER}\r\n"
        f"{MD5_1.upper()};{SHA1_1.upper()};AAECAw==;IMG-001;Yes;No;true;Synthetic series;12;1;"
        "Image;False\r\n"
        f';{SHA1_2};;"IMG;002";;;;;;;Video;\r\n'
    ).encode()
    assert FMT.sniff(listing)
    assert read(listing) == [
        HashRecord("md5", MD5_1, 2, label="IMG-001", extra=FIRST_EXTRA),
        HashRecord("sha1", SHA1_1, 2, label="IMG-001", extra=FIRST_EXTRA),
        HashRecord(
            "sha1", SHA1_2, 3, label="IMG;002", extra={"image_id": "IMG;002", "media_type": "Video"}
        ),
    ]


def test_bad_values_are_warnings_with_line_numbers() -> None:
    listing = (
        f"{HEADER}\n"
        f"{MD5_1};{SHA1_1[:-1]};;IMG-3;maybe;;;;many;;;\n"
        ";;;IMG-4;;;;;;;;\n"
        f"{MD5_1};{SHA1_1}\n"
    ).encode()
    assert read(listing) == [
        HashListWarning(2, "is distributed 'maybe' is not yes or no; not kept"),
        HashListWarning(2, "number of submissions 'many' is not a count; not kept"),
        HashRecord("md5", MD5_1, 2, label="IMG-3", extra={"image_id": "IMG-3"}),
        HashListWarning(2, f"SHA1 '{SHA1_1[:-1]}' is not a SHA-1 hash (40 hex digits)"),
        HashListWarning(3, "row has neither an MD5 nor a SHA1"),
        HashListWarning(4, "2 fields where the header has at least 12"),
    ]


def test_a_header_without_hash_columns_is_a_format_error() -> None:
    with pytest.raises(FormatError, match="does not read as ICSE"):
        read(b"Image ID;Series name\nIMG-1;x\n")


def test_sniff() -> None:
    assert FMT.sniff(HEADER.encode())
    assert FMT.sniff(b'"MD5";"SHA1";"PhotoDNA";"Image ID"')
    assert not FMT.sniff(b"MD5,SHA1,PhotoDNA\n")
    assert not FMT.sniff(b"")
