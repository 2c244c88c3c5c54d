"""Safe, bounded extraction of zip and tar deliveries into a scratch folder.

Tip deliveries arrive as archives, and an archive is hostile input until proven otherwise: it can
name paths outside the folder it is unpacked into, carry links and device files, or expand a few
kilobytes into terabytes. `extract` unpacks one with the stdlib readers only (`zipfile`, `tarfile`)
and never their `extract*` methods: every member is checked, created and streamed here, under these
limits (`ArchiveLimits`, defaults in parentheses):

    scratch/
     └── delivery.zip/                     depth 1 ─┐  max_members entries in all (200,000)
          ├── 2026-11/123456789/report.xml           │  max_total_bytes written in all (8 GiB)
          ├── batch.tar.gz/                depth 2   │
          │    └── old.zip/                depth 3   │  max_depth archives deep (3)
          │         └── older.zip          depth 4: kept as a file, unopened, and refused
          └── ...

    each member     ≤ max_member_bytes, declared and streamed (MAX_PART_BYTES, 64 MiB)
    each member  ┐  ≤ max_ratio × its compressed size while streaming (100×), once its
    each archive ┘    output passes ratio_floor_bytes (1 MiB): small text compresses well

A member that breaks a limit of its own is refused and the rest go on; passing a limit of the whole
(members, total bytes, the archive's ratio) refuses that member and stops, with "the rest" refused.
Links, hard links, devices and FIFOs are never created; names that are absolute, carry a drive
letter or `..`, or resolve outside the folder are refused; encrypted zip members are refused. An
archive whose structure cannot be read (truncated, corrupt) raises `FormatError`, and what had been
unpacked is removed: the caller quarantines the archive whole.

A nested archive (found by its magic bytes, whatever its name) is opened after its parent, into a
folder that takes its place and name, so `provenance` can say where a file came from:
"delivery.zip!/batch.tar.gz!/2026-11/123456789/report.xml".

The modules, each importing only those above it:

    magic        formats by their first bytes, decompressors, what damaged input raises
    extraction   `Extraction`, `provenance`
    limits       `ArchiveLimits`, and the run that counts members and bytes against them
    names        member names checked: traversal, drive letters, disguising characters
    writing      folders and files created, members streamed to disk under the limits
    zips, tars   one archive read member by member
    unpacking    `extract`, `is_archive`, nested archives opened after their parent
"""

from __future__ import annotations

from suraksha.intake.archives.extraction import Extraction, provenance
from suraksha.intake.archives.limits import DEFAULT_LIMITS, ArchiveLimits
from suraksha.intake.archives.magic import HEAD, magic_of
from suraksha.intake.archives.unpacking import extract, is_archive

__all__ = [
    "DEFAULT_LIMITS",
    "HEAD",
    "ArchiveLimits",
    "Extraction",
    "extract",
    "is_archive",
    "magic_of",
    "provenance",
]
