"""ThreatExchange signal files: `<signal_type> <value>` lines, hash types read, others skipped."""

from __future__ import annotations

import hashlib
import io

from suraksha.hashing.formats.interface import HashListWarning, HashRecord
from suraksha.hashing.formats.threatexchange import ThreatexchangeFormat

FMT = ThreatexchangeFormat()
PDQ = hashlib.sha256(b"benign pdq stand-in").hexdigest()
MD5 = hashlib.md5(b"benign 1", usedforsecurity=False).hexdigest()
SHA1 = hashlib.sha1(b"benign 1", usedforsecurity=False).hexdigest()


def read(data: bytes) -> list[HashRecord | HashListWarning]:
    return list(FMT.read(io.BytesIO(data)))


def test_reads_hash_signals_with_their_type_and_label() -> None:
    listing = (
        f"# exported by pytx\npdq {PDQ.upper()}\nvideo_md5 {MD5}  clip one.mp4\n"
        f"md5 {MD5}\nsha1 {SHA1}\n"
    ).encode()
    assert FMT.sniff(listing)
    assert read(listing) == [
        HashRecord("pdq", PDQ, 2, extra={"signal_type": "pdq"}),
        HashRecord("md5", MD5, 3, label="clip one.mp4", extra={"signal_type": "video_md5"}),
        HashRecord("md5", MD5, 4, extra={"signal_type": "md5"}),
        HashRecord("sha1", SHA1, 5, extra={"signal_type": "sha1"}),
    ]


def test_other_signals_and_bad_lines_are_warnings() -> None:
    listing = f"url https://example.com/x\npdq {PDQ[:-1]}\n{MD5}\npdq {PDQ}\n".encode()
    assert read(listing) == [
        HashListWarning(1, "signal type 'url' is not a file hash; skipped"),
        HashListWarning(2, f"pdq value '{PDQ[:-1]}' is not a PDQ hash (64 hex digits)"),
        HashListWarning(3, f"not a `<signal_type> <value>` line: '{MD5}'"),
        HashRecord("pdq", PDQ, 4, extra={"signal_type": "pdq"}),
    ]


def test_sniff() -> None:
    assert FMT.sniff(f"raw_text hello\npdq {PDQ}\n".encode())
    assert not FMT.sniff(b"raw_text hello\nurl https://example.com\n")
    assert not FMT.sniff(f"pdq {PDQ}\nsomething else entirely\nmd5 {MD5}\n".encode())
    assert not FMT.sniff(f"{MD5}  file.jpg\n".encode())
    assert not FMT.sniff(b"")
