"""The contract every tip format implements.

A format recognises its own input units (`claims`), reads their bytes within size limits (`load`) and
turns them into a `ParsedTip` (`parse`). It never writes to the database: the pipeline does, in one
transaction, so a format cannot leave half a tip behind.

What a format must do:
- `claims(path)` is cheap (a name check and at most a few KiB sniffed) and never raises.
- `load(path)` returns every byte that makes up the tip, so that the content digest covers it all;
  it raises `FormatError` for an unreadable or oversized unit. A unit that holds many tips (a
  spreadsheet, one tip a row) overrides `documents(path)` instead, yielding one document per tip
  with its `location` in the unit.
- `parse(document)` raises `FormatError` (or `HostileInputError`) for input it cannot accept; anything
  it can read past becomes an `IngestWarning`. It never raises anything else, whatever the bytes.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from suraksha.intake.records import ParsedTip

# One report document above this size is refused, not parsed: real reports are kilobytes, and a
# multi-gigabyte "report" is an attack or a mistake. Raised in a later issue if units need it.
MAX_PART_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class TipDocument:
    """The raw bytes of one input unit, each part named relative to the unit."""

    origin: Path
    parts: tuple[tuple[str, bytes], ...]
    location: str | None = None  # where in the unit, when a unit holds many tips ("row 17")
    digest: str = field(init=False)
    """SHA-256 over every part's name and bytes, in name order: the unit's identity."""

    def __post_init__(self) -> None:
        hasher = hashlib.sha256()
        for name, data in sorted(self.parts):
            hasher.update(f"{name}\x00{len(data)}\x00".encode())
            hasher.update(data)
        object.__setattr__(self, "digest", hasher.hexdigest())  # computed once: it is read often

    @property
    def size(self) -> int:
        """Total bytes over all parts."""
        return sum(len(data) for _, data in self.parts)


class TipFormat(ABC):
    """Base class of tip formats; see the module docstring for the contract."""

    name: ClassVar[str]  # registry key, used by `--format`
    record_kind: ClassVar[str]  # namespaced record kind, e.g. "ncmec:cybertip:esp-xml"
    description: ClassVar[str]  # one line for `--help` and docs

    @abstractmethod
    def claims(self, path: Path) -> bool:
        """True when `path` (a file or folder) is one input unit of this format."""

    @abstractmethod
    def load(self, path: Path) -> TipDocument:
        """Read the unit's bytes, refusing parts over `MAX_PART_BYTES`."""

    def documents(self, path: Path) -> Iterator[TipDocument]:
        """The tip documents of the unit: by default the one that `load` reads."""
        yield self.load(path)

    @abstractmethod
    def parse(self, document: TipDocument) -> ParsedTip:
        """Turn the bytes into a tip record, or raise `FormatError` saying what is wrong."""


def read_part(path: Path, name: str) -> tuple[str, bytes]:
    """Read one part of a unit with the size limit every format applies.

    The size is checked before reading, and again on what was read: a file that grows between
    the two (or lies through a special file) is refused all the same. Only what the file holds is
    allocated, never the limit itself.
    """
    from suraksha.errors import FormatError, HostileInputError

    def too_big(size: int) -> HostileInputError:
        return HostileInputError(
            f"{path} is {size:,} bytes; a report part may be at most {MAX_PART_BYTES:,} bytes."
        )

    try:
        size = path.stat().st_size
        if size > MAX_PART_BYTES:
            raise too_big(size)
        with path.open("rb") as handle:
            data = handle.read(size + 1)
            if len(data) > size:  # grew since the stat: read on, to the limit, then judge
                data += handle.read(MAX_PART_BYTES + 1 - len(data))
        if len(data) > MAX_PART_BYTES:
            raise too_big(len(data))
        return name, data
    except OSError as err:
        raise FormatError(f"Cannot read {path}: {err.strerror or err}.") from err
