"""md5sum / sha1sum / sha256sum and BSD-style digest lists, and bare hex lists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO, ClassVar

from suraksha.hashing.formats.interface import HashListFormat, HashListWarning, HashRecord

# The length of a hex digest names its algorithm; these lists carry no other marker.
ALGORITHM_BY_LENGTH = {32: "md5", 40: "sha1", 64: "sha256"}
_GNU = re.compile(
    r"^(?P<hex>[0-9A-Fa-f]{32}|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})(?:\s+\*?(?P<name>.*))?$"
)
_BSD = re.compile(
    r"^(?P<alg>MD5|SHA1|SHA256|SHA-1|SHA-256)\s*\((?P<name>.*)\)\s*=\s*(?P<hex>[0-9A-Fa-f]+)$",
    re.IGNORECASE,
)
# A line longer than this is not a digest line; reading it whole would let one line fill memory.
MAX_LINE_BYTES = 8192


class Md5sumFormat(HashListFormat):
    """`<hex>  [*]name` (GNU coreutils), `MD5 (name) = <hex>` (BSD), or one bare hex digest a line.

    Blank lines and `#` comments are skipped; anything else unreadable is a warning with its line
    number. The algorithm comes from the hex length (32 MD5, 40 SHA-1, 64 SHA-256) or the BSD tag.
    """

    name: ClassVar[str] = "md5sum"
    description: ClassVar[str] = (
        "md5sum/sha1sum/sha256sum, BSD `MD5 (name) = hex`, or bare hex lines"
    )

    def sniff(self, head: bytes) -> bool:
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
        lines = [line.strip() for line in text.splitlines()[:20] if line.strip()]
        lines = [line for line in lines if not line.startswith("#")]
        return bool(lines) and all(
            _GNU.match(line) or _BSD.match(line) for line in lines[:-1] or lines
        )

    def read(self, stream: BinaryIO) -> Iterator[HashRecord | HashListWarning]:
        for number, raw in enumerate(iter(lambda: stream.readline(MAX_LINE_BYTES + 1), b""), 1):
            if len(raw) > MAX_LINE_BYTES:
                yield HashListWarning(number, f"line longer than {MAX_LINE_BYTES} bytes skipped")
                # Drain the rest of the overlong line.
                while raw and not raw.endswith(b"\n"):
                    raw = stream.readline(MAX_LINE_BYTES + 1)
                continue
            line = raw.decode("utf-8", errors="replace").strip().lstrip("\ufeff")
            if not line or line.startswith("#"):
                continue
            yield _parse_line(line, number)


def _parse_line(line: str, number: int) -> HashRecord | HashListWarning:
    gnu = _GNU.match(line)
    if gnu:
        value = gnu["hex"].lower()
        return HashRecord(ALGORITHM_BY_LENGTH[len(value)], value, number, label=gnu["name"] or None)
    bsd = _BSD.match(line)
    if bsd:
        algorithm = bsd["alg"].lower().replace("-", "")
        value = bsd["hex"].lower()
        if ALGORITHM_BY_LENGTH.get(len(value)) != algorithm:
            return HashListWarning(number, f"{bsd['alg']} digest has {len(value)} hex digits")
        return HashRecord(algorithm, value, number, label=bsd["name"] or None)
    return HashListWarning(number, f"not a digest line: {line[:80]!r}")
