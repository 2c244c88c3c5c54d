"""The limits on one extraction, and the run that counts members and bytes against them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from suraksha.intake.archives.extraction import Extraction
from suraksha.intake.formats.interface import MAX_PART_BYTES


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """How far `extract` goes into one delivery; see the package docstring for the picture.

    The defaults let a real delivery (thousands of tip folders, a few GiB) through whole and stop
    an archive built to exhaust the disk, memory or time of the unit's one workstation.
    """

    max_depth: int = 3  # archives opened one inside another, counting the delivery itself
    max_members: int = 200_000  # entries (files, folders, refused ones) over all the archives
    max_total_bytes: int = 8 << 30  # bytes written to scratch over all the archives
    max_member_bytes: int = MAX_PART_BYTES  # a bigger member could not be read as a part anyway
    max_ratio: float = 100  # uncompressed / compressed, per member and per archive
    ratio_floor_bytes: int = 1 << 20  # output below this never counts as a bomb


DEFAULT_LIMITS: Final = ArchiveLimits()


class Refused(Exception):
    """This member is refused; the rest of the archive goes on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Stopped(Refused):
    """This member is refused and nothing after it is read: a limit of the whole was reached."""


class Unreadable(Exception):
    """A member's bytes could not be read: corrupt, truncated, or not what its header says."""


@dataclass(slots=True)
class Run:
    """One `extract` call's count of members and bytes over all its archives, and its record."""

    limits: ArchiveLimits
    extraction: Extraction
    members: int = 0
    written: int = 0
    stopped: bool = False

    def refuse(self, label: str, reason: str) -> None:
        self.extraction.refused.append((label, reason))

    def stop(self, label: str, reason: str) -> None:
        self.stopped = True
        self.refuse(label, reason)

    def count_member(self) -> None:
        if self.members >= self.limits.max_members:
            raise Stopped(
                f"the archives hold more than {self.limits.max_members:,} members in all; "
                "this one and everything after it were not extracted"
            )
        self.members += 1

    def check_declared(self, declared: int, compressed: int | None = None) -> None:
        """Refuse by the header's sizes: the member's own limit, its ratio, then the total."""
        limits = self.limits
        if declared > limits.max_member_bytes:
            raise Refused(
                f"declares {declared:,} bytes; a member may be at most "
                f"{limits.max_member_bytes:,} bytes"
            )
        if compressed is not None and expands(declared, compressed, limits):
            raise Refused(
                f"declares {declared:,} bytes from {compressed:,} compressed, more than "
                f"{limits.max_ratio:g}×: a decompression bomb"
            )
        if self.written + declared > limits.max_total_bytes:
            raise Stopped(total_reason(limits))


@dataclass(slots=True)
class Progress:
    """One archive's size on disk and the bytes extracted from it so far (its overall ratio)."""

    size: int
    written: int = 0


def total_reason(limits: ArchiveLimits) -> str:
    """Why a member was refused and extraction stopped at `max_total_bytes`."""
    return (
        f"extracting it would pass {limits.max_total_bytes:,} bytes in all; it and everything "
        "after it were not extracted"
    )


def expands(output: int, compressed: int, limits: ArchiveLimits) -> bool:
    """Whether `output` bytes from `compressed` pass the ratio limit (above its floor)."""
    return output > limits.ratio_floor_bytes and output > limits.max_ratio * max(compressed, 1)
