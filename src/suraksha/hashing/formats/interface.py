"""The contract every hash-list format implements.

A format reads a list as a stream of text lines or bytes and yields `HashRecord`s and `HashListWarning`s;
it never loads the whole list (real lists have millions of lines) and never writes to the database:
`suraksha.hashing.banks` stores what it yields. A line it cannot read is a warning naming the line,
never an exception and never a silent drop.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, ClassVar


@dataclass(frozen=True, slots=True)
class HashRecord:
    """One hash from a list: algorithm (md5, sha1, sha256, pdq), lower-case value, and labels."""

    algorithm: str
    value: str
    line: int
    category: str | None = None
    label: str | None = None  # a file name or media id the list gives


@dataclass(frozen=True, slots=True)
class HashListWarning:
    """A line that could not be read, and why."""

    line: int
    message: str


class HashListFormat(ABC):
    """Base class of hash-list formats; see the module docstring for the contract."""

    name: ClassVar[str]
    description: ClassVar[str]

    @abstractmethod
    def sniff(self, head: bytes) -> bool:
        """True when the first bytes of a file look like this format."""

    @abstractmethod
    def read(self, stream: BinaryIO) -> Iterator[HashRecord | HashListWarning]:
        """Yield the list's hashes in order, streaming."""
