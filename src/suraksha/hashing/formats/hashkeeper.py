"""HashKeeper hash sets: quoted CSV with a `"file_id","hashset_id",…,"hash",…` header (MD5)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO, ClassVar

from suraksha.hashing.formats.interface import (
    ExtraValue,
    HashListFormat,
    HashListWarning,
    HashRecord,
)
from suraksha.hashing.formats.lines import column_key, csv_rows, split_row
from suraksha.hashing.formats.values import clean_digest, clean_text, parse_count

# The header HashKeeper writes; its first five columns identify the format.
_SIGNATURE = ("fileid", "hashsetid", "filename", "directory", "hash")
_COLUMNS = {
    "file_id": ("fileid",),
    "hashset_id": ("hashsetid",),
    "file_name": ("filename",),
    "directory": ("directory",),
    "hash": ("hash",),
    "file_size": ("filesize",),
}


class HashkeeperFormat(HashListFormat):
    """HashKeeper (US NDIC) hash sets: one MD5 per row in the `hash` column.

    Columns are found by their header names, so extra or reordered columns are read. The file name
    becomes the label; hash-set id, directory and file size are kept in `extra`.
    """

    name: ClassVar[str] = "hashkeeper"
    description: ClassVar[str] = 'HashKeeper CSV: "file_id","hashset_id","file_name",…,"hash" (MD5)'

    def sniff(self, head: bytes) -> bool:
        first = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n").split("\n", 1)[0]
        keys = [column_key(cell) for cell in split_row(first.rstrip("\r"), ",")]
        return tuple(keys[: len(_SIGNATURE)]) == _SIGNATURE

    def read(self, stream: BinaryIO) -> Iterator[HashRecord | HashListWarning]:
        rows = csv_rows(
            stream, delimiter=",", columns=_COLUMNS, required=("hash",), format_label="HashKeeper"
        )
        for row in rows:
            if isinstance(row, HashListWarning):
                yield row
                continue
            number, fields = row
            value = clean_digest("md5", fields["hash"])
            if value is None:
                yield HashListWarning(number, f"hash {fields['hash'][:80]!r} is not an MD5")
                continue
            yield HashRecord(
                "md5",
                value,
                number,
                label=clean_text(fields.get("file_name")),
                extra=_extra(fields),
            )


def _extra(fields: dict[str, str]) -> dict[str, ExtraValue]:
    extra: dict[str, ExtraValue] = {}
    for key in ("hashset_id", "directory", "file_id"):
        text = clean_text(fields.get(key))
        if text is not None:
            extra[key] = text
    size = parse_count(fields.get("file_size"))
    if size is not None:
        extra["file_size"] = size
    return extra
