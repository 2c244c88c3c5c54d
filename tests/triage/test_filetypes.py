"""Types by content: the signatures a seized device's media and containers carry."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from suraksha.triage.filetypes import EMPTY, TEXT, UNKNOWN, FileType, file_type


def _saved(image_format: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 20, 30)).save(out, image_format)
    return out.getvalue()


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.txt", "a")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_saved("JPEG"), FileType("image/jpeg", "image")),
        (_saved("PNG"), FileType("image/png", "image")),
        (_saved("GIF"), FileType("image/gif", "image")),
        (_saved("WEBP"), FileType("image/webp", "image")),
        (
            b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(64),
            FileType("video/mp4", "video"),
        ),
        (
            b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + bytes(64),
            FileType("video/quicktime", "video"),
        ),
        (_zip(), FileType("application/zip", None)),
        (b"%PDF-1.7\n" + b"x" * 100 + b"\n%%EOF\n", FileType("application/pdf", None)),
        ("नमस्ते, a note\n".encode(), FileType(TEXT, None)),
        (bytes(range(256)) * 4, FileType(UNKNOWN, None)),
        (b"", FileType(EMPTY, None)),
    ],
    ids=["jpeg", "png", "gif", "webp", "mp4", "mov", "zip", "pdf", "text", "binary", "empty"],
)
def test_type_by_content(data: bytes, expected: FileType) -> None:
    assert file_type(data[:36_870], data[-516:], len(data)) == expected
