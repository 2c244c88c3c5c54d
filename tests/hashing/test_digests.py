"""Tests of streamed file digests: published test vectors, chunk boundaries, and flat memory."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from pathlib import Path

import pytest

from suraksha.hashing.digests import CHUNK_SIZE, FileDigests, digest_file, digest_stream

# FIPS 180 / RFC 1321 test vectors.
VECTORS = [
    (
        b"",
        FileDigests(
            md5="d41d8cd98f00b204e9800998ecf8427e",
            sha1="da39a3ee5e6b4b0d3255bfef95601890afd80709",
            sha256="e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            size=0,
        ),
    ),
    (
        b"abc",
        FileDigests(
            md5="900150983cd24fb0d6963f7d28e17f72",
            sha1="a9993e364706816aba3e25717850c26c9cd0d89d",
            sha256="ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            size=3,
        ),
    ),
    (
        b"a" * 1_000_000,
        FileDigests(
            md5="7707d6ae4e027c70eea2a935c2296f21",
            sha1="34aa973cd4c4daa4f61eeb2bdbad27316534016f",
            sha256="cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
            size=1_000_000,
        ),
    ),
]


@pytest.mark.parametrize(("data", "expected"), VECTORS, ids=["empty", "abc", "million-a"])
def test_known_digests_of_known_bytes(tmp_path: Path, data: bytes, expected: FileDigests) -> None:
    path = tmp_path / "file.bin"
    path.write_bytes(data)
    assert digest_file(path) == expected
    assert digest_stream(io.BytesIO(data)) == expected


def test_chunk_boundaries_do_not_change_the_digest() -> None:
    data = bytes(range(256)) * (2 * CHUNK_SIZE // 256) + b"tail"
    found = digest_stream(io.BytesIO(data))
    assert found.size == 2 * CHUNK_SIZE + 4
    assert found.sha256 == hashlib.sha256(data).hexdigest()
    assert found.md5 == hashlib.md5(data, usedforsecurity=False).hexdigest()
    assert found.sha1 == hashlib.sha1(data, usedforsecurity=False).hexdigest()


def test_stream_is_digested_from_its_position() -> None:
    stream = io.BytesIO(b"headerabc")
    stream.read(6)
    assert digest_stream(stream) == VECTORS[1][1]


def test_as_mapping_feeds_the_matcher() -> None:
    assert VECTORS[1][1].as_mapping() == {
        "md5": "900150983cd24fb0d6963f7d28e17f72",
        "sha1": "a9993e364706816aba3e25717850c26c9cd0d89d",
        "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    }


def test_a_50_mb_file_is_hashed_with_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    block = bytes(range(251)) * 4096  # 251 is prime, so blocks do not align with chunks
    size = 50_000_000
    with path.open("wb") as out:
        written = 0
        while written < size:
            piece = block[: size - written]
            out.write(piece)
            written += len(piece)
    tracemalloc.start()
    try:
        found = digest_file(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * CHUNK_SIZE  # one chunk in flight, never the file
    assert found.size == size
    with path.open("rb") as stream:
        assert found.sha256 == hashlib.file_digest(stream, "sha256").hexdigest()
    with path.open("rb") as stream:
        assert found.md5 == hashlib.file_digest(stream, "md5").hexdigest()
