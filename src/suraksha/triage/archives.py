"""Zip and tar archives met on a device (or given as the source), entered through intake's safe,
bounded extraction (`suraksha.intake.archives`), with limits sized for seized media.

An archive is itself a scanned file (its digests may be in a bank) and its members are scanned
files named in the provenance form "DCIM/trip.zip!/img/001.jpg". Members are extracted into a
scratch folder of the workspace, scanned, and the folder removed once the archive's own entry is
stored, which the scanner does last: a stored archive means all its members are stored, so a
resumed scan never opens it again.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from suraksha.errors import FormatError
from suraksha.hashing.digests import FileDigests
from suraksha.intake.archives import HEAD, ArchiveLimits, extract, is_archive, magic_of, provenance
from suraksha.triage.disks import open_image_file
from suraksha.triage.sources import ImageFile, LocalFile, SourceEntry, digest_files

TRIAGE_LIMITS: Final = ArchiveLimits(
    max_depth=3,
    max_members=200_000,
    max_total_bytes=16 << 30,
    # Intake's 64 MiB is for tip documents; a device's archives hold videos.
    max_member_bytes=4 << 30,
    max_ratio=100,
    ratio_floor_bytes=1 << 20,
)
"""How far an archive on a device is entered: three archives deep, 16 GiB and 200,000 members in
all, 4 GiB a member, and no member or archive expanding more than 100× (a decompression bomb)."""

_COPY_CHUNK: Final = 1 << 20


class ArchiveSource:
    """A zip or tar archive given as the source itself (a phone dump delivered zipped)."""

    kind = "archive"

    def __init__(self, path: Path) -> None:
        self.path = path

    @staticmethod
    def accepts(path: Path) -> bool:
        """Whether the file at `path` is a zip or tar archive, judged by its bytes."""
        return is_archive(path)

    def size(self) -> int | None:
        """The archive file's size in bytes."""
        return self.path.stat().st_size

    def digest(self, on_bytes: Callable[[int], None] | None = None) -> FileDigests:
        """The archive file's digests."""
        return digest_files([self.path], on_bytes)

    def facts(self) -> dict[str, Any]:
        """Nothing beyond the digests."""
        return {}

    def entries(self) -> Iterator[SourceEntry]:
        """The archive itself; the scanner enters it like any archive found on a device."""
        stat = self.path.stat()
        yield SourceEntry(self.path.name, LocalFile(self.path), stat.st_size)


@dataclass(slots=True)
class Expansion:
    """An archive entered: its members to scan, then the archive's own entry, then `folder` removed.

    `archive` may differ from the entry given: it reads from the local copy of an archive taken
    out of a disk image, and carries why the archive could not be opened, if it could not.
    """

    archive: SourceEntry
    folder: Path
    members: list[SourceEntry] = field(default_factory=list)

    def remove(self) -> None:
        """Delete the extracted members (only folders and regular files were ever created)."""
        shutil.rmtree(self.folder, ignore_errors=True)


def looks_like_archive(entry: SourceEntry) -> bool:
    """Whether the entry's first bytes announce a zip, tar, gzip, bzip2 or xz file."""
    locator = entry.locator
    try:
        if isinstance(locator, LocalFile):
            with locator.path.open("rb") as handle:
                head = handle.read(HEAD)
        elif isinstance(locator, ImageFile):
            with open_image_file(locator) as handle:
                head = handle.read(HEAD)
        else:
            return False
    except OSError:
        return False  # the scanner's read of the file records the error
    return magic_of(head) is not None


def expand(
    entry: SourceEntry, scratch: Path, limits: ArchiveLimits = TRIAGE_LIMITS
) -> Expansion | None:
    """Enter the archive of `entry` into a new folder under `scratch`; None if not an archive.

    A damaged or hostile archive is not an error of the scan: the archive's entry carries why it
    was not opened (and is still digested and matched as a file), and nothing under it is listed.
    """
    folder = Path(tempfile.mkdtemp(prefix="archive-", dir=scratch))
    expansion = Expansion(archive=entry, folder=folder)
    try:
        local = _local_copy(entry, folder, limits)
        if local is None or not is_archive(local):
            expansion.remove()
            return None
        if isinstance(entry.locator, ImageFile):
            expansion.archive = replace(entry, locator=LocalFile(local))
        extraction = extract(local, folder / "members", limits)
    except FormatError as err:  # HostileInputError included
        expansion.archive = replace(expansion.archive, error=f"archive not opened: {err}")
        return expansion
    except OSError as err:
        expansion.archive = replace(expansion.archive, error=f"archive not opened: {err}")
        return expansion
    parent = entry.path.rpartition("/")[0]
    prefix = f"{parent}/" if parent else ""
    members: dict[str, SourceEntry] = {}
    for path in extraction.files:
        name = prefix + provenance(extraction, path)
        members[name] = SourceEntry(name, LocalFile(path), path.stat().st_size)
    for label, reason in extraction.refused:
        name = f"{entry.path}!/{label}"
        if name in members:  # a nested archive kept unopened: it is scanned as a file
            members[name] = replace(members[name], error=reason)
        else:
            members[name] = SourceEntry(name, None, None, error=f"not extracted: {reason}")
    expansion.members = list(members.values())
    return expansion


def _local_copy(entry: SourceEntry, folder: Path, limits: ArchiveLimits) -> Path | None:
    """The archive as a file on this machine: itself, or copied out of the disk image."""
    locator = entry.locator
    if isinstance(locator, LocalFile):
        return locator.path
    if not isinstance(locator, ImageFile):
        return None
    if (entry.size or 0) > limits.max_total_bytes:
        raise FormatError(
            f"it holds {entry.size:,} bytes, more than the {limits.max_total_bytes:,} that "
            "triage extracts; examine it by hand"
        )
    name = entry.path.rpartition("/")[2] or "archive"
    copy = folder / name
    with open_image_file(locator) as source, copy.open("xb") as out:
        while chunk := source.read(_COPY_CHUNK):
            out.write(chunk)
    return copy
