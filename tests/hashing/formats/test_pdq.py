"""PDQ lists: hash, quality and label; and why a list of bare 64-hex lines is read as SHA-256."""

from __future__ import annotations

import hashlib
import io

from suraksha.hashing.formats.interface import HashListWarning, HashRecord
from suraksha.hashing.formats.pdq import PdqFormat
from suraksha.hashing.registry import detect

FMT = PdqFormat()
# Stand-ins for PDQ hashes: 256-bit digests of benign text.
PDQ = [hashlib.sha256(f"benign pdq {n}".encode()).hexdigest() for n in range(4)]


def read(data: bytes) -> list[HashRecord | HashListWarning]:
    return list(FMT.read(io.BytesIO(data)))


def test_reads_hash_quality_and_label_in_every_layout() -> None:
    listing = (
        f"hash,quality,filename\n{PDQ[0].upper()},100,IMG 0001.jpg\n# a comment\n\n"
        f"{PDQ[1]}\t87\tclip.mp4\n{PDQ[2]} 0 img.png\n{PDQ[3]},55\n"
    ).encode()
    assert FMT.sniff(listing)
    assert read(listing) == [
        HashRecord("pdq", PDQ[0], 2, label="IMG 0001.jpg", quality=100),
        HashRecord("pdq", PDQ[1], 5, label="clip.mp4", quality=87),
        HashRecord("pdq", PDQ[2], 6, label="img.png", quality=0),
        HashRecord("pdq", PDQ[3], 7, quality=55),
    ]


def test_a_named_pdq_list_may_omit_quality() -> None:
    listing = f"{PDQ[0]}\n{PDQ[1]}  photo.jpg\n".encode()
    assert read(listing) == [
        HashRecord("pdq", PDQ[0], 1),
        HashRecord("pdq", PDQ[1], 2, label="photo.jpg"),
    ]


def test_bad_lines_are_warnings_with_line_numbers() -> None:
    listing = f"{PDQ[0]},101,a\n{PDQ[1][:-1]},50\n{PDQ[2]},high,b\n{PDQ[3]}x,50\n".encode()
    assert read(listing) == [
        HashListWarning(1, "quality '101' is not 0–100"),
        HashListWarning(2, f"not a PDQ line (64 hex digits first): '{PDQ[1][:-1]},50'"),
        HashListWarning(3, "quality 'high' is not 0–100"),
        HashListWarning(4, f"not a PDQ line (64 hex digits first): '{PDQ[3]}x,50'"),
    ]


def test_only_a_quality_column_makes_a_list_pdq_on_sight() -> None:
    bare = "".join(f"{value}\n" for value in PDQ).encode()
    named = "".join(f"{value}  file{n}.jpg\n" for n, value in enumerate(PDQ)).encode()
    with_quality = "".join(f"{value},90\n" for value in PDQ).encode()
    spaced = "".join(f"{value} 90 file.jpg\n" for value in PDQ).encode()
    assert not FMT.sniff(bare) and not FMT.sniff(named)
    for listing in (bare, named):
        found = detect(listing)
        assert found is not None and found.name == "md5sum"
        assert {
            r.algorithm for r in found.read(io.BytesIO(listing)) if isinstance(r, HashRecord)
        } == {"sha256"}
    for listing in (with_quality, spaced):
        found = detect(listing)
        assert found is not None and found.name == "pdq"


def test_sniff() -> None:
    assert FMT.sniff(f"{PDQ[0]},100,a.jpg\n{PDQ[1]},7".encode())
    assert not FMT.sniff(f"{PDQ[0]},100\nnot a line\n{PDQ[1]},7\n".encode())
    assert not FMT.sniff(f"pdq {PDQ[0]}\n".encode())
    assert not FMT.sniff(b"")
