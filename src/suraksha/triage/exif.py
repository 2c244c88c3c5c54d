"""The EXIF facts triage groups pictures by: camera make, model and body serial, capture time, GPS.

Read with Pillow from the image's header only (no pixel is decoded). Values are what the camera
wrote, cleaned of padding; the capture time stays the camera's local time, with its offset only
when the camera recorded one (EXIF 2.31 `OffsetTimeOriginal`): converting it to UTC would invent a
time zone. A damaged EXIF block yields what could be read, never an error.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any, Final

from PIL import Image, UnidentifiedImageError

from suraksha.hashing.pdq import ACCEPTED_FORMATS

MAX_TEXT: Final = 200  # longer "serial numbers" are junk or an attempt to bloat the record

# EXIF tag numbers (CIPA DC-008).
_MAKE, _MODEL = 0x010F, 0x0110
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATE_TIME_ORIGINAL, _OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
_BODY_SERIAL = 0xA431
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 1, 2, 3, 4
_GPS_ALT_REF, _GPS_ALT = 5, 6

_EXIF_TIME = re.compile(r"(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"[+-]\d{2}:\d{2}")
_ERRORS = (OSError, ValueError, SyntaxError, EOFError, struct.error, TypeError, KeyError)


def exif_of(path: Path) -> dict[str, Any]:
    """The camera facts in the image at `path`: `make`, `model`, `body_serial`, `captured_at`,
    `gps` (`lat`, `lon`, and `alt` in metres), each present only when the image has it.

    The caller has checked that the image is within the pixel limit (`hashing.pdq` refuses
    bombs before this is called).
    """
    try:
        with Image.open(path, formats=ACCEPTED_FORMATS) as image:
            exif = image.getexif()
            facts = _camera(exif)
            facts |= _capture(exif.get_ifd(_EXIF_IFD))
            gps = _gps(exif.get_ifd(_GPS_IFD))
    except (UnidentifiedImageError, *_ERRORS):
        return {}
    if gps:
        facts["gps"] = gps
    return facts


def _camera(exif: Image.Exif) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for key, tag in (("make", _MAKE), ("model", _MODEL)):
        if text := _text(exif.get(tag)):
            facts[key] = text
    if serial := _text(exif.get_ifd(_EXIF_IFD).get(_BODY_SERIAL)):
        facts["body_serial"] = serial
    return facts


def _capture(ifd: dict[int, Any]) -> dict[str, Any]:
    written = _text(ifd.get(_DATE_TIME_ORIGINAL))
    found = _EXIF_TIME.match(written or "")
    if not found:
        return {}
    year, month, day, hour, minute, second = found.groups()
    captured = f"{year}-{month}-{day}T{hour}:{minute}:{second}"
    offset = _text(ifd.get(_OFFSET_TIME_ORIGINAL)) or ""
    return {"captured_at": captured + offset if _OFFSET.fullmatch(offset) else captured}


def _gps(ifd: dict[int, Any]) -> dict[str, float]:
    lat = _degrees(ifd.get(_GPS_LAT), ifd.get(_GPS_LAT_REF), "S")
    lon = _degrees(ifd.get(_GPS_LON), ifd.get(_GPS_LON_REF), "W")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return {}
    gps = {"lat": round(lat, 7), "lon": round(lon, 7)}
    altitude = _number(ifd.get(_GPS_ALT))
    if altitude is not None:
        below = ifd.get(_GPS_ALT_REF) in (1, b"\x01")  # 1: below sea level
        gps["alt"] = round(-altitude if below else altitude, 2)
    return gps


def _degrees(value: Any, ref: Any, negative: str) -> float | None:
    if not isinstance(value, tuple) or len(value) != 3:
        return None
    parts = [_number(part) for part in value]
    if any(part is None for part in parts):
        return None
    degrees, minutes, seconds = (float(part or 0) for part in parts)
    total = degrees + minutes / 60 + seconds / 3600
    return -total if _text(ref) == negative else total


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if number == number else None  # NaN from a 0/0 rational


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return None
    cleaned = "".join(char for char in value if char.isprintable()).strip()
    return cleaned[:MAX_TEXT] or None
