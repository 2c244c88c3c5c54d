"""Device identifiers (IMEI, IMSI, ICCID, MEID, Android ID, advertising ids, MAC) in canonical form.

Every canonical value is `<id type>:<value>`, so an IMEI and an IMSI that happen to share digits never
compare equal. Check digits are verified where the standard defines one (IMEI and ICCID use the Luhn
algorithm), and the well-known placeholder values that many devices report at once are rejected,
because equal placeholders would link strangers.
"""

from __future__ import annotations

import re
import unicodedata
import uuid

from suraksha.identity.names import fold, is_masked, is_placeholder

# How platforms spell the id type → the canonical type name.
_TYPE_ALIASES: dict[str, str] = {
    **dict.fromkeys(("imei", "imei1", "imei2", "imeisv", "imeinumber"), "imei"),
    "imsi": "imsi",
    **dict.fromkeys(("iccid", "simserial", "simserialnumber", "simid"), "iccid"),
    "meid": "meid",
    **dict.fromkeys(("androidid", "android", "ssaid"), "android_id"),
    "idfa": "idfa",
    "idfv": "idfv",
    # Google's advertising id has three names; it is one value space.
    **dict.fromkeys(("gaid", "aaid", "adid", "advertisingid", "googleadvertisingid"), "gaid"),
    **dict.fromkeys(
        ("mac", "macaddress", "wifimac", "wifimacaddress", "bluetoothmac", "btmac"), "mac"
    ),
}
_UNQUALIFIED = "device"
_SEPARATORS = re.compile(r"[\s\-./:]")

# Android 2.2 shipped many devices with this same ANDROID_ID (a platform bug).
_ANDROID_ID_PLACEHOLDERS = frozenset({"9774d56d682e549c"})
# Since Android 6 and iOS 7 apps read this constant instead of the real Wi-Fi MAC.
_MAC_PLACEHOLDERS = frozenset({"000000000000", "ffffffffffff", "020000000000"})


def id_type(qualifier: str | None) -> str:
    """Canonical id type for a qualifier: "IMEI" → "imei", "Serial Number" → "serialnumber"."""
    if qualifier is None:
        return _UNQUALIFIED
    compact = "".join(char for char in fold(qualifier) if char.isalnum())
    return _TYPE_ALIASES.get(compact, compact) or _UNQUALIFIED


def luhn_check_digit(body: str) -> str:
    """The Luhn check digit for a string of ASCII digits (ISO/IEC 7812, used by IMEI and ICCID)."""
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char)
        if position % 2 == 0:  # doubled: the rightmost body digit sits left of the check digit
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str((10 - total % 10) % 10)


def _is_ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _repeated(text: str) -> bool:
    """One character over and over ("000000000000000"): a placeholder, never a real id."""
    return len(set(text)) <= 1


def _imei(digits: str) -> str | None:
    """An IMEI from 14 digits (no check digit), 15 (checked) or 16 (IMEISV).

    The IMEISV replaces the check digit with a 2-digit software version that changes with updates,
    so its first 14 digits (type allocation code + serial) are kept and the check digit recomputed:
    the same handset reported before and after an update then links.
    """
    if not _is_ascii_digits(digits) or len(digits) not in (14, 15, 16):
        return None
    body = digits[:14]
    if _repeated(body):
        return None
    check = luhn_check_digit(body)
    if len(digits) == 15 and digits[14] != check:
        return None  # a mistyped or invented IMEI
    return f"imei:{body}{check}"


def _meid(compact: str) -> str | None:
    """An MEID as 14 lower-case hex digits; decimal-only MEIDs are IMEIs without a check digit.

    MEIDs in the decimal range (first two digits 00–99) are administered as IMEIs, and dual-mode
    phones report the first 14 digits of their IMEI as MEID, so those become `imei:`. The 18-digit
    decimal form (10 digits manufacturer code, 8 digits serial) is converted to hex first.
    """
    if _is_ascii_digits(compact) and len(compact) == 18:
        maker, serial = int(compact[:10]), int(compact[10:])
        if maker >= 1 << 32 or serial >= 1 << 24:
            return None
        compact = f"{maker:08x}{serial:06x}"
    if len(compact) == 15:
        compact = compact[:14]  # drop the check character
    if len(compact) != 14 or not re.fullmatch(r"[0-9a-f]+", compact) or _repeated(compact):
        return None
    return _imei(compact) if compact.isdigit() else f"meid:{compact}"


def _other(kind: str, text: str) -> str | None:
    """Any other id type: trimmed, spaces collapsed, lower-cased when it is hex-like."""
    value = " ".join(text.split())
    if re.fullmatch(r"[0-9A-Fa-f:\-]+", value):
        value = value.lower()
    if is_placeholder(value) or _repeated(_SEPARATORS.sub("", value).lower()):
        return None
    return f"{kind}:{value}"


def clean_device_id(raw: str, qualifier: str | None = None) -> str | None:
    """Return `<id type>:<canonical value>` for a device id, or None when it cannot identify one."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if is_masked(raw):
        return None
    kind = id_type(qualifier)
    if kind == "meid" and fold(text[:5]) == "imei:":
        kind = "imei"  # a decimal MEID cleaned earlier: see `_meid`
    if fold(text[: len(kind) + 1]) == fold(f"{kind}:"):  # already canonical: cleaning is a no-op
        text = text[len(kind) + 1 :].strip()
    compact = _SEPARATORS.sub("", text).lower()
    if kind == "imei":
        return _imei(compact)
    if kind == "meid":
        return _meid(compact)
    if kind in ("imsi", "iccid"):
        if kind == "iccid":
            compact = compact.rstrip("f")  # SIM readers pad odd-length ICCIDs with F
        lengths = (14, 15) if kind == "imsi" else (19, 20)
        if not _is_ascii_digits(compact) or len(compact) not in lengths or _repeated(compact):
            return None
        if kind == "iccid" and luhn_check_digit(compact[:-1]) != compact[-1]:
            return None
        return f"{kind}:{compact}"
    if kind == "android_id":
        if not re.fullmatch(r"[0-9a-f]{14,16}", compact):
            return None
        value = compact.zfill(16)  # read as a 64-bit number, leading zeros are often lost
        bad = value in _ANDROID_ID_PLACEHOLDERS or _repeated(value)
        return None if bad else f"android_id:{value}"
    if kind in ("idfa", "idfv", "gaid"):
        try:
            advertising_id = uuid.UUID(text.strip("{}"))
        except ValueError:
            return None
        # Opted-out users' advertising ids read as all zeros on both iOS and Android.
        return None if advertising_id.int == 0 else f"{kind}:{advertising_id}"
    if kind == "mac":
        if not re.fullmatch(r"[0-9a-f]{12}", compact) or compact in _MAC_PLACEHOLDERS:
            return None
        return "mac:" + ":".join(compact[i : i + 2] for i in range(0, 12, 2))
    return _other(kind, text)
