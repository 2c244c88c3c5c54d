"""Telling what kind of source a path is, by its bytes: folder, archive, or disk image."""

from __future__ import annotations

from pathlib import Path

from suraksha.errors import UserInputError
from suraksha.triage.archives import ArchiveSource
from suraksha.triage.disks import DiskSource, disk_format
from suraksha.triage.folders import FolderSource
from suraksha.triage.sources import Source


def open_source(path: Path) -> Source:
    """The source at `path`: a folder, a zip/tar archive, or a raw or E01 disk image.

    Raises UserInputError, saying what was found, for anything else.
    """
    if not path.exists():
        raise UserInputError(f"{path} does not exist. Give the seized device's folder or image.")
    if path.is_dir():
        return FolderSource(path)
    if not path.is_file():
        raise UserInputError(f"{path} is neither a folder nor a file; give a folder or an image.")
    if ArchiveSource.accepts(path):
        return ArchiveSource(path)
    image_format = disk_format(path)
    if image_format is not None:
        return DiskSource(path, image_format)
    raise UserInputError(
        f"{path} is not a folder, a zip or tar archive, or a disk image with a file system that "
        "The Sleuth Kit can read (raw/dd or E01). Mount or convert the image, or scan the folder "
        "where its files are."
    )
