"""PDQ hash lists: one 64-hex PDQ hash a line, with its quality (0–100) and a label.

A list of bare 64-hex lines is ambiguous: SHA-256 and PDQ look alike. The registry reads such a list
as SHA-256 (`md5sum`) unless the user names this format; a quality column is what makes a list PDQ
on sight, because no digest list has one. That is the layout of the PDQ reference hasher's output,
`hash,quality,filename`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO, ClassVar

from suraksha.hashing.formats.interface import HashListFormat, HashListWarning, HashRecord
from suraksha.hashing.formats.lines import MAX_LINE_BYTES, head_lines, text_lines
from suraksha.hashing.formats.values import clean_text

_HEX64 = re.compile(r"[0-9A-Fa-f]{64}")
# What sniffing accepts: hash, separator, quality, then optionally the same separator and a label.
# A single space is a separator but two are not: `sha256sum` writes `<hex>  <name>`, and a file
# named "87" must not turn a SHA-256 list into PDQ with quality 87.
_SNIFF_LINE = re.compile(
    r"[0-9A-Fa-f]{64}(?:(?P<sep> ?, ?|\t| (?! |\*))(?:100|[1-9]?[0-9])(?:(?P=sep).*)?)$"
)
_HEADER = re.compile(r"(?i)^\s*\"?(pdq|hash|signal)\w*\"?\s*[,\t ]\s*\"?quality")
_QUALITY = re.compile(r"[0-9]{1,3}")


class PdqFormat(HashListFormat):
    """PDQ perceptual hashes, one a line: `hex[,quality[,label]]`.

    Fields are separated by commas, tabs or single spaces. The quality (PDQ's own 0–100 score of
    how much detail the image had) is optional when the format is named; a quality outside 0–100
    is a warning. With whitespace separators a non-numeric second field is the label. A header line
    (`hash,quality,…`), blank lines and `#` comments are skipped.
    """

    name: ClassVar[str] = "pdq"
    description: ClassVar[str] = "PDQ hashes, one a line: 64 hex, quality 0-100, label"

    def sniff(self, head: bytes) -> bool:
        lines = head_lines(head)
        if lines and _HEADER.match(lines[0]):
            lines = lines[1:]
        return bool(lines) and all(_SNIFF_LINE.fullmatch(line) for line in lines)

    def read(self, stream: BinaryIO) -> Iterator[HashRecord | HashListWarning]:
        first = True
        for number, text in text_lines(stream):
            if text is None:
                yield HashListWarning(number, f"line longer than {MAX_LINE_BYTES} bytes skipped")
                continue
            line = text.strip()
            if not line or line.startswith("#"):
                continue
            if first and _HEADER.match(line):
                first = False
                continue
            first = False
            yield _parse(line, number)


def _parse(line: str, number: int) -> HashRecord | HashListWarning:
    value, rest = line[:64], line[64:]
    if not _HEX64.fullmatch(value) or (rest and rest[0] not in ",\t "):
        return HashListWarning(number, f"not a PDQ line (64 hex digits first): {line[:80]!r}")
    if not rest:
        return HashRecord("pdq", value.lower(), number)
    if rest[0] in ",\t":
        fields = rest[1:].split(rest[0], 1)
        quality_text, label = fields[0].strip(), fields[1] if len(fields) > 1 else None
    else:
        fields = rest.split(None, 1)
        quality_text, label = fields[0], fields[1] if len(fields) > 1 else None
        if not _QUALITY.fullmatch(quality_text):
            quality_text, label = "", rest
    quality: int | None = None
    if quality_text:
        if not _QUALITY.fullmatch(quality_text) or int(quality_text) > 100:
            return HashListWarning(number, f"quality {quality_text[:20]!r} is not 0–100")
        quality = int(quality_text)
    return HashRecord("pdq", value.lower(), number, label=clean_text(label), quality=quality)
