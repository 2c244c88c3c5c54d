"""ThreatExchange signal files: one `<signal_type> <value>` a line, as `pytx` writes and reads them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO, ClassVar

from suraksha.hashing.formats.interface import (
    ExtraValue,
    HashListFormat,
    HashListWarning,
    HashRecord,
)
from suraksha.hashing.formats.lines import MAX_LINE_BYTES, head_lines, text_lines
from suraksha.hashing.formats.values import clean_digest, clean_text, digest_problem

# Signal types that are file hashes, and the algorithm each is stored as. `video_md5` and
# `photo_md5` are plain MD5s of the file; the type is kept in `extra` to say which.
HASH_SIGNALS: dict[str, str] = {
    "pdq": "pdq",
    "md5": "md5",
    "video_md5": "md5",
    "photo_md5": "md5",
    "sha1": "sha1",
    "sha256": "sha256",
}
# Signal types ThreatExchange also shares that are not hashes of a file; they are recognised (so
# a mixed file is still this format) and skipped with a warning.
OTHER_SIGNALS = frozenset(
    {"url", "url_md5", "raw_text", "trend_query", "text", "tmk_pdqf", "vpdq", "photo_pdq"}
)
_LINE = re.compile(r"(?P<type>[a-z][a-z0-9_]*)\s+(?P<value>\S+)(?:\s+(?P<label>.*))?")


class ThreatexchangeFormat(HashListFormat):
    """ThreatExchange (`pytx`) signal files: `pdq <64 hex>`, `md5 <32 hex>`, `video_md5 <hex>`, …

    Each line names its signal type, so one file may mix PDQ and MD5. Text after the value is the
    label; the signal type goes in `extra["signal_type"]`. Signal types that are not file hashes
    (URLs, text) are skipped with a warning, as are values that are not hex of the right length.
    """

    name: ClassVar[str] = "threatexchange"
    description: ClassVar[str] = "ThreatExchange signal file: `<signal_type> <value>` lines"

    def sniff(self, head: bytes) -> bool:
        types = []
        for line in head_lines(head):
            match = _LINE.fullmatch(line)
            if match is None:
                return False
            types.append(match["type"])
        known = HASH_SIGNALS.keys() | OTHER_SIGNALS
        return (
            bool(types) and all(t in known for t in types) and any(t in HASH_SIGNALS for t in types)
        )

    def read(self, stream: BinaryIO) -> Iterator[HashRecord | HashListWarning]:
        extras: dict[str, dict[str, ExtraValue]] = {}
        for number, text in text_lines(stream):
            if text is None:
                yield HashListWarning(number, f"line longer than {MAX_LINE_BYTES} bytes skipped")
                continue
            line = text.strip()
            if not line or line.startswith("#"):
                continue
            match = _LINE.fullmatch(line)
            if match is None:
                yield HashListWarning(number, f"not a `<signal_type> <value>` line: {line[:80]!r}")
                continue
            signal_type = match["type"]
            algorithm = HASH_SIGNALS.get(signal_type)
            if algorithm is None:
                yield HashListWarning(
                    number, f"signal type {signal_type[:40]!r} is not a file hash; skipped"
                )
                continue
            value = clean_digest(algorithm, match["value"])
            if value is None:
                yield HashListWarning(
                    number, f"{signal_type} value {digest_problem(algorithm, match['value'])}"
                )
                continue
            # One shared, read-only extra per signal type rather than one dict per line.
            extra = extras.setdefault(signal_type, {"signal_type": signal_type})
            yield HashRecord(
                algorithm, value, number, label=clean_text(match["label"]), extra=extra
            )
