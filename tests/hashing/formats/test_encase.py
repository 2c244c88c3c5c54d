"""EnCase legacy .hash: the set name from the header, MD5s from 18-byte records, read in blocks."""

from __future__ import annotations

import hashlib
import io
import struct

import pytest

from suraksha.errors import FormatError
from suraksha.hashing.formats import encase
from suraksha.hashing.formats.encase import MAGIC, NAME_OFFSET, RECORDS_OFFSET, EncaseFormat
from suraksha.hashing.formats.interface import HashListWarning, HashRecord

FMT = EncaseFormat()
DIGESTS = [hashlib.md5(f"benign {n}".encode(), usedforsecurity=False).hexdigest() for n in range(5)]


def hash_file(name: str, records: list[bytes], trailer: bytes = b"") -> bytes:
    header = bytearray(RECORDS_OFFSET)
    header[: len(MAGIC)] = MAGIC
    encoded = name.encode("utf-16-le") + b"\x00\x00garbage after the name"
    header[NAME_OFFSET : NAME_OFFSET + len(encoded)] = encoded
    return bytes(header) + b"".join(records) + trailer


def record(md5: str) -> bytes:
    return bytes.fromhex(md5) + struct.pack("<H", 1)


def read(data: bytes) -> list[HashRecord | HashListWarning]:
    return list(FMT.read(io.BytesIO(data)))


def test_reads_the_set_name_and_every_record() -> None:
    data = hash_file("Known files – सेट 1", [record(d) for d in DIGESTS[:3]])
    extra = {"set_name": "Known files – सेट 1"}
    assert FMT.sniff(data)
    assert read(data) == [
        HashRecord("md5", d, n, extra=extra) for n, d in enumerate(DIGESTS[:3], 1)
    ]


def test_padding_and_a_truncated_last_record_are_warnings() -> None:
    data = hash_file("", [record(DIGESTS[0]), bytes(18), record(DIGESTS[1])], trailer=b"\x01" * 7)
    assert read(data) == [
        HashRecord("md5", DIGESTS[0], 1),
        HashListWarning(2, "all-zero MD5 (padding) skipped"),
        HashRecord("md5", DIGESTS[1], 3),
        HashListWarning(4, "last record has 7 of 18 bytes (truncated?)"),
    ]


def test_records_spanning_read_blocks_stay_aligned(monkeypatch: pytest.MonkeyPatch) -> None:
    data = hash_file("set", [record(d) for d in DIGESTS])
    expected = read(data)

    class Trickle(io.BytesIO):
        """A stream that returns at most 5 bytes per read, as a pipe may."""

        def read(self, size: int | None = -1, /) -> bytes:
            return super().read(min(5, size if size is not None and size >= 0 else 5))

    monkeypatch.setattr(encase, "_BATCH", 1)
    assert list(FMT.read(Trickle(data))) == expected
    assert [r.value for r in expected if isinstance(r, HashRecord)] == DIGESTS


@pytest.mark.parametrize(
    "data",
    [b"", b"HASH\r\n\xff\x00 short", b"NOTHASH" + bytes(2000)],
    ids=["empty", "short", "magic"],
)
def test_no_magic_or_a_short_header_is_a_format_error(data: bytes) -> None:
    with pytest.raises(FormatError, match=r"not an EnCase \.hash set"):
        read(data)


def test_sniff() -> None:
    assert FMT.sniff(MAGIC)
    assert not FMT.sniff(b"HASH\n")
