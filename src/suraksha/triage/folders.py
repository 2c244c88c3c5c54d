"""A folder tree as a source: a mounted image, a phone dump, a copied drive."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from suraksha.hashing.digests import FileDigests
from suraksha.triage.sources import FileTimes, LocalFile, SourceEntry, from_timestamp


class FolderSource:
    """Every regular file under a folder, in sorted order; symbolic links are never followed.

    A link could point outside the evidence (to the examiner's own disk) or in a loop, so links,
    devices and pipes are listed by nothing. Paths are relative to the folder, "/"-separated.
    """

    kind = "folder"

    def __init__(self, path: Path) -> None:
        self.path = path

    def digest(self, on_bytes: Callable[[int], None] | None = None) -> FileDigests | None:
        """A folder has no digest of its own; each file's digests are recorded instead."""
        return None

    def size(self) -> int | None:
        """A folder has no size of its own."""
        return None

    def facts(self) -> dict[str, Any]:
        """Nothing beyond the path."""
        return {}

    def entries(self) -> Iterator[SourceEntry]:
        """Every regular file, depth first in name order."""
        yield from self._walk(self.path, "")

    def _walk(self, folder: Path, prefix: str) -> Iterator[SourceEntry]:
        try:
            with os.scandir(folder) as listing:
                children = sorted(listing, key=lambda child: child.name)
        except OSError as err:
            yield SourceEntry(
                path=prefix.rstrip("/") or ".",
                locator=None,
                size=None,
                error=f"this folder could not be listed: {err.strerror or err}",
            )
            return
        for child in children:
            relative = f"{prefix}{child.name}"
            try:
                info = child.stat(follow_symlinks=False)
            except OSError as err:
                yield SourceEntry(relative, None, None, error=f"cannot stat: {err.strerror}")
                continue
            if stat.S_ISDIR(info.st_mode):
                yield from self._walk(Path(child.path), f"{relative}/")
            elif stat.S_ISREG(info.st_mode):
                yield SourceEntry(
                    path=relative,
                    locator=LocalFile(Path(child.path)),
                    size=info.st_size,
                    inode=info.st_ino,
                    times=FileTimes(
                        modified=from_timestamp(info.st_mtime),
                        accessed=from_timestamp(info.st_atime),
                        changed=from_timestamp(info.st_ctime),
                        created=from_timestamp(getattr(info, "st_birthtime", None)),
                    ),
                )
