"""EXIF facts read from generated pictures: camera, serial, capture time, GPS."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from suraksha.synthetic.images import scene
from suraksha.triage.exif import exif_of


def test_camera_time_and_gps(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x010F] = "BenignCam\x00"
    exif[0x0110] = "Model X"
    detail = exif.get_ifd(0x8769)
    detail[0x9003] = "2025:12:31 23:59:58"
    detail[0x9011] = "+05:30"
    detail[0xA431] = "SN-0042"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (28.0, 36.0, 50.0), 3: "E", 4: (77.0, 12.0, 36.0), 5: b"\x00", 6: 216.0})
    path = tmp_path / "cam.jpg"
    scene(5).save(path, "JPEG", exif=exif)

    assert exif_of(path) == {
        "make": "BenignCam",
        "model": "Model X",
        "body_serial": "SN-0042",
        "captured_at": "2025-12-31T23:59:58+05:30",
        "gps": {"lat": 28.6138889, "lon": 77.21, "alt": 216.0},
    }


def test_no_exif_and_southern_western_gps(tmp_path: Path) -> None:
    plain = tmp_path / "plain.png"
    scene(6).save(plain, "PNG")
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps.update({1: "S", 2: (33.0, 52.0, 0.0), 3: "W", 4: (70.0, 30.0, 0.0)})
    south = tmp_path / "south.jpg"
    scene(7).save(south, "JPEG", exif=exif)

    assert exif_of(plain) == {}
    assert exif_of(south) == {"gps": {"lat": -33.8666667, "lon": -70.5}}
