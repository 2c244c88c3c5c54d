"""Blurred greyscale thumbnails for the opt-in preview mode of a scan report; never a clear picture.

    file still in the scanned folder ─► same SHA-256 as scanned? ─► canonical decode (bomb guard)
        ─► greyscale ─► at most 64 px ─► Gaussian blur ─► PNG ─► data: URI in the HTML

Only files of a *folder* source can be previewed, read where they were scanned: the file must
still be there, inside the folder, not a link, and with the SHA-256 the scan recorded (a swapped
file would put another picture beside this file's hashes). Files of disk images and archives are
"not available": re-extracting evidence to show it is not what a report is for. Videos are never
previewed. Nothing is written to disk; the caller records every preview (`audit.record_preview`)
before the thumbnails leave memory.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PIL import Image, ImageFilter

from suraksha.errors import FormatError
from suraksha.hashing.digests import digest_file
from suraksha.hashing.pdq import load_canonical

THUMBNAIL_SIDE: Final = 64
"""The longer side of a thumbnail in pixels: enough to tell a document from a photograph."""

BLUR_RADIUS: Final = 4.0
"""Gaussian blur radius at thumbnail size: shapes and tones survive, faces and text do not."""


@dataclass(frozen=True, slots=True)
class Preview:
    """A thumbnail (`data_uri`, a greyscale PNG) or, when there is none, why (`unavailable`)."""

    data_uri: str | None
    unavailable: str | None = None


def preview_of(source_kind: str, source_path: str, path: str, sha256: str | None) -> Preview:
    """The blurred greyscale thumbnail of the scanned file at `path` of a source, if it can be had.

    `source_kind` and `source_path` are the scan's; `sha256` the digest the scan recorded.
    """
    if source_kind != "folder":
        inside = "an archive" if source_kind == "archive" else "a disk image"
        return Preview(None, f"not available: the file is inside {inside}, not re-extracted")
    if "!/" in path:
        return Preview(None, "not available: the file was inside an archive")
    if sha256 is None:
        return Preview(None, "not available: the file was not read by the scan")
    root = Path(source_path)
    file = root / path
    try:
        if file.is_symlink() or not file.resolve().is_relative_to(root.resolve()):
            return Preview(None, "not available: the path now leads outside the scanned folder")
        if not file.is_file():
            return Preview(None, "not available: the file is no longer in the scanned folder")
        if digest_file(file).sha256 != sha256:
            return Preview(None, "not available: the file changed since the scan (SHA-256)")
        image = load_canonical(file)
    except FormatError as err:
        return Preview(None, f"not available: {str(err).replace(file.name, 'the image')}")
    except OSError as err:
        return Preview(None, f"not available: the file could not be read ({err.strerror or err})")
    if image is None:
        return Preview(None, "not available: not an image this preview decodes")
    return Preview(blurred_thumbnail(image))


def blurred_thumbnail(image: Image.Image) -> str:
    """`image` as a greyscale, at most `THUMBNAIL_SIDE`-pixel, blurred PNG `data:` URI."""
    grey = image.convert("L")
    grey.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.BOX)
    blurred = grey.filter(ImageFilter.GaussianBlur(BLUR_RADIUS))
    out = io.BytesIO()
    blurred.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")
