"""The contract every hash-list format implements: records, warnings, and the format base class.

A format reads a list from a binary stream and yields `HashRecord`s and `HashListWarning`s. It
streams: memory stays bounded whatever the size of the list (real lists hold millions of hashes),
so no format reads a whole file, builds a whole JSON or XML tree, or keeps what it has yielded. It
never writes to the database: `suraksha.hashing.banks` stores what it yields.

What goes wrong is reported at the smallest unit that can be skipped:

- a line or record that cannot be read (bad hex, a missing column, a yes/no field saying "maybe") is
  a `HashListWarning` naming its line or record number; reading goes on;
- a document whose structure breaks (JSON or XML that is not well-formed or is truncated, an
  unreadable SQLite database) raises `FormatError`, because every import is a full snapshot of its
  bank: stopping quietly half-way would mark every hash after the break as removed;
- a document that tries something dangerous raises `HostileInputError`: an XML DTD (the carrier of
  entity bombs and external-file reads) before anything is yielded, nesting built to exhaust a
  reader when it is met.

Nothing else is ever raised, whatever the bytes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO, ClassVar

# The values `HashRecord.extra` may hold: what JSON can carry, immutable so records stay frozen.
ExtraValue = str | int | bool | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HashRecord:
    """One hash from a list, normalised, with what the list says about it.

    - `algorithm` is one of `values.ALGORITHMS` (md5, sha1, sha256, pdq) and `value` its lower-case
      hex of the right length. PhotoDNA is never a record: it is stored in `extra["photodna"]` as
      given, because matching it needs Microsoft's licence and its 144 bytes do not fit a bank entry.
      The one exception is `algorithm == "entry_id"`, which only comes with `removed=True`: the
      list withdraws an entry by its own id (NCMEC `<deletedImage>` names no hash), and `value` is
      that id as the list wrote it; the bank removes the entries it stored with that `label`.
    - `line` is the line number in text formats and the 1-based record number in the others
      (VICS media, XML entries, EnCase records, SQLite rows), so a warning and a record can be
      found again in the source.
    - `category` is the list's own category code (VICS "1", NCMEC "A1"); the scheme that gives it
      meaning belongs to the bank.
    - `label` is the list's name for the item: a file name or the list's media id.
    - `quality` is PDQ's own 0–100 quality score when the list gives one; the bank decides what
      too low means (the PDQ reference drops quality < 50).
    - `removed` is True when the list withdraws this hash (NCMEC deletions): the bank removes it
      instead of adding it.
    - `extra` keeps everything else the list says (series, victim identified, PhotoDNA, …) under
      snake_case keys; formats document their keys in docs/hash-lists.md. It is read-only and is
      not part of the record's hash.
    """

    algorithm: str
    value: str
    line: int
    category: str | None = None
    label: str | None = None
    quality: int | None = None
    removed: bool = False
    extra: Mapping[str, ExtraValue] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class HashListWarning:
    """A line or record that could not be read (`line` as in `HashRecord`), and why."""

    line: int
    message: str


class HashListFormat(ABC):
    """Base class of hash-list formats; see the module docstring for the contract.

    `snapshot` tells the bank how to read a list: True (every format but one) means the list is the
    whole bank, so hashes it lacks are removed; False means it is a delta (an NCMEC hash-sharing
    page) that only adds what it lists and removes what it marks `removed`.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    snapshot: ClassVar[bool] = True

    @abstractmethod
    def sniff(self, head: bytes) -> bool:
        """True when the first bytes of a file (up to `registry.SNIFF_BYTES`) look like this format.

        Never raises; the registry asks formats in order, so a sniff may stay loose only where a
        format earlier in `registry.FORMATS` has already claimed what it would wrongly accept.
        """

    @abstractmethod
    def read(self, stream: BinaryIO) -> Iterator[HashRecord | HashListWarning]:
        """Yield the list's hashes in order, streaming, as the module docstring describes."""
