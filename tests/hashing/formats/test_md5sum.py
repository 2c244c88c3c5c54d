"""md5sum / BSD / bare-hex lists: every line read or warned about, streamed."""

from __future__ import annotations

import hashlib
import io

from hypothesis import given
from hypothesis import strategies as st

from suraksha.hashing.formats.interface import HashListWarning, HashRecord
from suraksha.hashing.formats.md5sum import MAX_LINE_BYTES, Md5sumFormat

FMT = Md5sumFormat()
MD5 = hashlib.md5(b"benign-1", usedforsecurity=False).hexdigest()
SHA1 = hashlib.sha1(b"benign-2", usedforsecurity=False).hexdigest()
SHA256 = hashlib.sha256(b"benign-3").hexdigest()


def read(text: bytes) -> list[HashRecord | HashListWarning]:
    return list(FMT.read(io.BytesIO(text)))


def test_reads_gnu_bsd_and_bare_lines() -> None:
    listing = (
        f"\ufeff# exported 2026-11-01\n{MD5.upper()}  IMG_0001.jpg\n{SHA1} *binary name.png\n"
        f"SHA256 (clip 01.mp4) = {SHA256}\n\n{MD5}\n"
    ).encode()
    assert read(listing) == [
        HashRecord("md5", MD5, 2, label="IMG_0001.jpg"),
        HashRecord("sha1", SHA1, 3, label="binary name.png"),
        HashRecord("sha256", SHA256, 4, label="clip 01.mp4"),
        HashRecord("md5", MD5, 6),
    ]


def test_bad_lines_are_warnings_with_line_numbers() -> None:
    listing = (
        f"{MD5}  ok.jpg\nnot a hash at all\nMD5 (x) = {SHA1}\n{MD5[:31]}  short.jpg\n".encode()
    )
    items = read(listing)
    assert items[0] == HashRecord("md5", MD5, 1, label="ok.jpg")
    assert [(w.line, type(w)) for w in items[1:]] == [(2, HashListWarning)] * 1 + [
        (3, HashListWarning),
        (4, HashListWarning),
    ]


def test_an_overlong_line_is_skipped_not_loaded() -> None:
    listing = b"a" * (MAX_LINE_BYTES * 3) + b"\n" + f"{MD5}  after.jpg\n".encode()
    items = read(listing)
    assert isinstance(items[0], HashListWarning)
    assert items[-1] == HashRecord("md5", MD5, 2, label="after.jpg")


def test_sniff() -> None:
    assert FMT.sniff(f"{MD5}  a.jpg\n{SHA1}  b.jpg\n".encode())
    assert FMT.sniff(f"MD5 (a.jpg) = {MD5}\n".encode())
    assert not FMT.sniff(b'{"odata.metadata": "x", "value": []}')
    assert not FMT.sniff(b"")


@given(st.binary(max_size=2000))
def test_any_bytes_give_records_or_warnings(data: bytes) -> None:
    for item in read(data):
        assert isinstance(item, HashRecord | HashListWarning)
        if isinstance(item, HashRecord):
            assert len(item.value) in (32, 40, 64)
            assert item.value == item.value.lower()


@given(st.lists(st.binary(min_size=1, max_size=64), min_size=1, max_size=30))
def test_round_trip_of_generated_lists(blobs: list[bytes]) -> None:
    digests = [hashlib.md5(blob, usedforsecurity=False).hexdigest() for blob in blobs]
    listing = "".join(f"{d}  file{i}.bin\n" for i, d in enumerate(digests)).encode()
    records = read(listing)
    assert [r.value for r in records if isinstance(r, HashRecord)] == digests
