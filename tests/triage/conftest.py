"""Generated evidence for triage tests: benign scenes, a PNG bomb, and small disk images.

Nothing here is real media: pictures are `suraksha.synthetic.images` scenes, and disk images are
made in the test with e2fsprogs (`mkfs.ext4 -d`, `debugfs`) and, for E01, `ewfacquire`.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from PIL import Image

from suraksha.synthetic.images import scene


def write_scene(path: Path, seed: int | str, image_format: str = "JPEG") -> Path:
    """A benign generated scene saved at `path` (whatever its extension says)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scene(seed).save(path, image_format)
    return path


def write_camera_scene(
    path: Path,
    seed: int | str,
    *,
    make: str | None = None,
    model: str | None = None,
    serial: str | None = None,
    captured: str | None = None,
    gps: tuple[float, float] | None = None,
    quality: int = 95,
) -> Path:
    """A benign scene saved as a JPEG with the given (made-up) camera EXIF.

    `captured` is EXIF's "YYYY:MM:DD HH:MM:SS"; `gps` is (lat, lon) in the northern and eastern
    hemispheres, written as degrees, minutes and seconds.
    """
    exif = Image.Exif()
    if make:
        exif[0x010F] = make
    if model:
        exif[0x0110] = model
    detail = exif.get_ifd(0x8769)
    if serial:
        detail[0xA431] = serial
    if captured:
        detail[0x9003] = captured
    if gps:
        place = exif.get_ifd(0x8825)
        place.update({1: "N", 2: _dms(gps[0]), 3: "E", 4: _dms(gps[1])})
    path.parent.mkdir(parents=True, exist_ok=True)
    scene(seed).save(path, "JPEG", quality=quality, exif=exif)
    return path


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return (float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 4))


def write_rotated(source: Path, path: Path) -> Path:
    """A copy of the image at `source` turned 90° (new pixels, new digests)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as image:
        image.transpose(Image.Transpose.ROTATE_90).save(path, "PNG")
    return path


def png_bomb(path: Path, side: int = 40_000) -> Path:
    """A tiny PNG that declares `side` × `side` pixels: a decompression bomb by its header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    data = zlib.compress(b"\x00" * (side + 1) * 4)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )
    return path


def require_tools(*names: str) -> None:
    """Skip, saying which Debian package to install, when a disk-image tool is missing."""
    packages = {"mkfs.ext4": "e2fsprogs", "debugfs": "e2fsprogs", "ewfacquire": "ewf-tools"}
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        wanted = sorted({packages.get(name, name) for name in missing})
        pytest.skip(f"{', '.join(missing)} not installed (apt-get install {' '.join(wanted)})")


def ext4_image(folder: Path, image: Path, *, delete: list[str]) -> Path:
    """An ext4 image holding the files under `folder`, then with the files `delete` deleted.

    debugfs `rm` frees the inode and blocks but leaves their content and extent tree in place,
    as a quick delete on a seized device does: The Sleuth Kit can still read it.
    """
    require_tools("mkfs.ext4", "debugfs")
    with image.open("wb") as handle:
        handle.truncate(8 << 20)
    subprocess.run(
        ["mkfs.ext4", "-q", "-F", "-d", str(folder), str(image)], check=True, capture_output=True
    )
    for name in delete:
        subprocess.run(
            ["debugfs", "-w", "-R", f"rm {name}", str(image)], check=True, capture_output=True
        )
    return image


def e01_of(raw: Path, target: Path) -> Path:
    """An E01 acquisition of the raw image `raw` (written as `target`.E01)."""
    require_tools("ewfacquire")
    subprocess.run(
        ["ewfacquire", "-u", "-q", "-t", str(target), "-f", "encase6", "-c", "none", str(raw)],
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    return target.with_suffix(".E01")
