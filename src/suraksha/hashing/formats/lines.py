"""Bounded reading of text hash lists: numbered lines, and rows of CSV lists with a header."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from typing import BinaryIO

from suraksha.errors import FormatError
from suraksha.hashing.formats.interface import HashListWarning

# A line longer than this is not a hash-list line; reading it whole would let one line fill memory.
MAX_LINE_BYTES = 16 * 1024
_BOM = "\ufeff"
_NOT_NAME = re.compile(r"[^0-9a-z]")


def text_lines(stream: BinaryIO, limit: int = MAX_LINE_BYTES) -> Iterator[tuple[int, str | None]]:
    """Each line as (number, text without its line ending), reading at most `limit` bytes at a time.

    A longer line is skipped to its end and given as (number, None) for the caller to warn about.
    Text is UTF-8; a line that is not is read as Windows-1252, which is what the Windows tools that
    write most CSV hash lists (HashKeeper, ICSE exports opened in Excel) use, so names survive.
    A UTF-8 byte-order mark on the first line is dropped.
    """
    for number, raw in enumerate(iter(lambda: stream.readline(limit + 1), b""), 1):
        if len(raw) > limit:
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(limit + 1)
            yield number, None
            continue
        raw = raw.rstrip(b"\r\n")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        if number == 1:
            text = text.removeprefix(_BOM)
        yield number, text


def head_lines(head: bytes, limit: int = 50) -> list[str]:
    """The first `limit` complete lines of a sniffed head, stripped, without blanks and `#` comments.

    The head is cut at a fixed size, so a last line without its line ending may be cut short and
    is left out (unless it is the only line).
    """
    text = head.decode("utf-8", errors="replace").lstrip(_BOM)
    lines = text.splitlines()
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines.pop()
    stripped = (line.strip() for line in lines[:limit])
    return [line for line in stripped if line and not line.startswith("#")]


def column_key(header: str) -> str:
    """A header cell reduced to lower-case letters and digits: "SHA-1" and "sha1" are one column."""
    return _NOT_NAME.sub("", header.strip().strip('"').lower())


def split_row(text: str, delimiter: str) -> list[str]:
    """One CSV line split into fields, quotes removed.

    Each line is split on its own: hash lists never put a line break inside a field, and a stray
    quote must spoil one line, not swallow the rest of the file into a single field.
    """
    if '"' not in text:
        return text.split(delimiter)
    try:
        return next(csv.reader((text,), delimiter=delimiter), [])
    except csv.Error:
        # A carriage return inside a field: split plainly and let the values be judged.
        return [field.strip('"') for field in text.split(delimiter)]


def csv_rows(
    stream: BinaryIO,
    *,
    delimiter: str,
    columns: Mapping[str, tuple[str, ...]],
    required: tuple[str, ...],
    format_label: str,
) -> Iterator[tuple[int, dict[str, str]] | HashListWarning]:
    """Rows of a CSV list whose first non-blank line is a header, as (line, {column: value}).

    `columns` maps each wanted column to the header spellings that name it (compared through
    `column_key`), so any column order is read. A header lacking a `required` column raises
    `FormatError`: the file is not this format, and reading nothing from it would empty the bank.
    A row too short to hold every column found is a warning; blank lines are skipped.
    """
    positions: dict[str, int] | None = None
    width = 0
    for number, text in text_lines(stream):
        if text is None:
            yield HashListWarning(number, f"line longer than {MAX_LINE_BYTES} bytes skipped")
            continue
        if not text.strip():
            continue
        fields = split_row(text, delimiter)
        if positions is None:
            positions = _header(fields, columns)
            missing = [name for name in required if name not in positions]
            if missing:
                raise FormatError(
                    f"This file does not read as {format_label}: its header (line {number}) has "
                    f"no {', '.join(missing)} column."
                )
            width = max(positions.values()) + 1
            continue
        if len(fields) < width:
            yield HashListWarning(
                number, f"{len(fields)} fields where the header has at least {width}"
            )
            continue
        yield number, {name: fields[index].strip() for name, index in positions.items()}


def _header(fields: list[str], columns: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    keys = [column_key(field) for field in fields]
    positions: dict[str, int] = {}
    for name, spellings in columns.items():
        for spelling in spellings:
            if spelling in keys:
                positions[name] = keys.index(spelling)
                break
    return positions
