"""Exact digests of a file (MD5, SHA-1, SHA-256 and size) in one streamed pass."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

# Read size: large enough that the per-call overhead vanishes, small enough that memory stays flat
# whatever the file's size (a seized disk image may be hundreds of gigabytes).
CHUNK_SIZE = 1024 * 1024


@dataclass(frozen=True, slots=True)
class FileDigests:
    """The exact digests every hash list uses, as lower-case hex, and the size in bytes.

    All three are computed because banks differ: VICS and NCMEC lists carry MD5 and SHA-1, NSRL
    carries SHA-1 and MD5, and Suraksha's own evidence records use SHA-256.
    """

    md5: str
    sha1: str
    sha256: str
    size: int

    def as_mapping(self) -> dict[str, str]:
        """The digests by algorithm name, as the matcher's `HashTarget.hashes` takes them."""
        return {"md5": self.md5, "sha1": self.sha1, "sha256": self.sha256}


def digest_stream(stream: BinaryIO) -> FileDigests:
    """Digest everything left in `stream`, reading it once in `CHUNK_SIZE` pieces.

    The stream is read to its end and not closed. Memory use does not depend on its length.
    """
    # MD5 and SHA-1 identify files here; they protect nothing, which FIPS-mode OpenSSL needs told.
    md5 = hashlib.md5(usedforsecurity=False)
    sha1 = hashlib.sha1(usedforsecurity=False)
    sha256 = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK_SIZE):
        md5.update(chunk)
        sha1.update(chunk)
        sha256.update(chunk)
        size += len(chunk)
    return FileDigests(md5.hexdigest(), sha1.hexdigest(), sha256.hexdigest(), size)


def digest_file(path: Path) -> FileDigests:
    """Digest the file at `path` in one streamed pass (never the whole file in memory)."""
    with path.open("rb") as stream:
        return digest_stream(stream)
