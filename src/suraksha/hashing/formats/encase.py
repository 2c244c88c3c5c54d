"""EnCase legacy `.hash` hash sets: a fixed binary header, then 18-byte records led by an MD5."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO, ClassVar

from suraksha.errors import FormatError
from suraksha.hashing.formats.interface import (
    ExtraValue,
    HashListFormat,
    HashListWarning,
    HashRecord,
)

MAGIC = b"HASH\x0d\x0a\xff\x00"
# Layout of the legacy format as forensic tools that interoperate with it read it.
NAME_OFFSET = 1032
RECORDS_OFFSET = 1152
RECORD_BYTES = 18
# Records are read this many at a time: a few hundred KiB whatever the size of the set.
_BATCH = 16 * 1024
_EMPTY = bytes(16)


class EncaseFormat(HashListFormat):
    """EnCase (versions before 7) `.hash` files: MD5s only.

    After the 8-byte magic, the set's name is UTF-16LE at offset 1032 (up to the first NUL); from
    offset 1152 each 18-byte record holds an MD5 in its first 16 bytes (the last two bytes are
    EnCase's own flags and are not kept). `line` is the record number, from 1. The set name goes in
    `extra["set_name"]`. An all-zero MD5 is padding, not a hash, and a short last record means a
    truncated file: both are warnings. A file without the magic and the whole header raises
    `FormatError`.
    """

    name: ClassVar[str] = "encase"
    description: ClassVar[str] = "EnCase legacy .hash binary hash set (MD5)"

    def sniff(self, head: bytes) -> bool:
        return head.startswith(MAGIC)

    def read(self, stream: BinaryIO) -> Iterator[HashRecord | HashListWarning]:
        header = _read_exactly(stream, RECORDS_OFFSET)
        if not header.startswith(MAGIC) or len(header) < RECORDS_OFFSET:
            # Reading on would give an empty list, and an empty snapshot would empty the bank.
            raise FormatError(
                "This is not an EnCase .hash set: it does not start with the EnCase magic and a "
                f"{RECORDS_OFFSET}-byte header."
            )
        extra: dict[str, ExtraValue] = {}
        set_name = _set_name(header[NAME_OFFSET:RECORDS_OFFSET])
        if set_name:
            extra["set_name"] = set_name
        number = 0
        pending = b""
        for chunk in iter(lambda: stream.read(RECORD_BYTES * _BATCH), b""):
            # A pipe may return fewer bytes than asked: carry a partial record to the next chunk.
            block = pending + chunk
            whole = len(block) - len(block) % RECORD_BYTES
            pending = block[whole:]
            for start in range(0, whole, RECORD_BYTES):
                number += 1
                digest = block[start : start + 16]
                if digest == _EMPTY:
                    yield HashListWarning(number, "all-zero MD5 (padding) skipped")
                else:
                    yield HashRecord("md5", digest.hex(), number, extra=extra)
        if pending:
            yield HashListWarning(
                number + 1, f"last record has {len(pending)} of {RECORD_BYTES} bytes (truncated?)"
            )


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    """`size` bytes, or fewer only at the end of the stream, however short each read is."""
    parts: list[bytes] = []
    wanted = size
    while wanted:
        part = stream.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def _set_name(raw: bytes) -> str:
    """The UTF-16LE name up to its first NUL character, printable characters only."""
    text = raw.decode("utf-16-le", errors="replace").split("\x00", 1)[0]
    return "".join(char for char in text if char.isprintable()).strip()
