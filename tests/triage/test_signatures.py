"""The indexed signature search answers exactly as puremagic does, on media, containers and noise."""

from __future__ import annotations

import io
import random
import tarfile
import zipfile

import puremagic
import pytest
from PIL import Image

from suraksha.triage.signatures import magic_string


def _samples() -> list[bytes]:
    samples: list[bytes] = []
    for image_format in ("JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP"):
        out = io.BytesIO()
        Image.new("RGB", (32, 24), (10, 20, 30)).save(out, image_format)
        samples.append(out.getvalue())
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("a.txt", "a")
    samples.append(archive.getvalue())
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w") as tarred:
        info = tarfile.TarInfo("a.txt")
        info.size = 1
        tarred.addfile(info, io.BytesIO(b"a"))
    samples.append(tar.getvalue())
    samples += [
        b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
        b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64,
        b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00" * 64,
        b"\x1aE\xdf\xa3\x9f\x42\x86\x81\x01" + b"\x00" * 64,
        b"RIFF\x00\x00\x00\x00AVI LIST" + b"\x00" * 64,
        b"MZ\x90\x00\x03" + b"\x00" * 200,
        b"plain words\n" * 20,
        b"\x00" * 40_000,
    ]
    rng = random.Random(3)
    samples += [rng.randbytes(rng.choice((10, 600, 37_400))) for _ in range(200)]
    return samples


@pytest.mark.parametrize("sample", _samples(), ids=lambda s: s[:6].hex())
def test_same_answer_as_puremagic(sample: bytes) -> None:
    try:
        expected = puremagic.magic_string(sample)
    except puremagic.PureError:
        with pytest.raises(puremagic.PureError):
            magic_string(sample)
        return
    found = magic_string(sample)
    # Multi-part matches come out of a set in both: compare the order of everything else.
    assert sorted(map(repr, found)) == sorted(map(repr, expected))
    assert [(m.confidence, m.byte_match) for m in found] == [
        (m.confidence, m.byte_match) for m in expected
    ]
