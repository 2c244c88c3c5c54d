"""The hash-list formats Suraksha reads, listed explicitly."""

from __future__ import annotations

from suraksha.errors import UserInputError
from suraksha.hashing.formats.interface import HashListFormat
from suraksha.hashing.formats.md5sum import Md5sumFormat

FORMATS: tuple[HashListFormat, ...] = (Md5sumFormat(),)

SNIFF_BYTES = 64 * 1024


def format_named(name: str) -> HashListFormat:
    """The format registered under `name`, or a UserInputError listing the valid names."""
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    valid = ", ".join(fmt.name for fmt in FORMATS)
    raise UserInputError(f"Unknown hash-list format {name!r}. Use one of: auto, {valid}.")


def detect(head: bytes) -> HashListFormat | None:
    """The first format whose sniff accepts the file's first bytes."""
    return next((fmt for fmt in FORMATS if fmt.sniff(head)), None)
