"""The one place hash values, yes/no fields and counts from hash lists are normalised."""

from __future__ import annotations

import base64
import re

# Hex digits per algorithm. Lists disagree on case (VICS writes MD5 upper-case, md5sum lower-case);
# banks store lower-case so that one value has one spelling.
ALGORITHMS: dict[str, int] = {"md5": 32, "sha1": 40, "sha256": 64, "pdq": 64}
# Not a hash: a list's own id for an entry it withdraws (see `HashRecord`). Bank entries hold at
# most 64 characters, so a longer id cannot name one.
ENTRY_ID = "entry_id"
MAX_ENTRY_ID = 64

_HEX = re.compile(r"[0-9a-fA-F]+")
_BASE32_SHA1 = re.compile(r"[A-Z2-7]{32}")
_TRUE = frozenset({"true", "yes", "y", "1", "t"})
_FALSE = frozenset({"false", "no", "n", "0", "f"})
_COUNT = re.compile(r"[0-9]{1,18}")


_ARTICLED = {"md5": "an MD5", "sha1": "a SHA-1", "sha256": "a SHA-256", "pdq": "a PDQ"}


def digest_problem(algorithm: str, raw: object) -> str:
    """The warning text for a value that `clean_digest` refused."""
    return (
        f"{str(raw)[:80]!r} is not {_ARTICLED[algorithm]} hash ({ALGORITHMS[algorithm]} hex digits)"
    )


def clean_digest(algorithm: str, raw: str) -> str | None:
    """`raw` as lower-case hex if it is a digest of `algorithm`, else None.

    Surrounding whitespace is ignored. A SHA-1 may also be given in base 32 (32 characters, as
    some forensic tools and older VICS exporters write it); it is converted to hex.
    """
    text = raw.strip()
    length = ALGORITHMS[algorithm]
    if len(text) == length and _HEX.fullmatch(text):
        return text.lower()
    if algorithm == "sha1" and _BASE32_SHA1.fullmatch(text.upper()):
        # 32 base-32 characters are exactly 20 bytes, so the pattern admits only valid input.
        return base64.b32decode(text.upper()).hex()
    return None


def parse_flag(raw: object) -> bool | None:
    """A yes/no field as a bool, or None when it says neither.

    Lists write booleans as JSON booleans, 0/1, or strings ("true", "False", "Yes", "1"), so all
    are read; anything else is None and the caller warns.
    """
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        text = raw.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return None


def parse_count(raw: object) -> int | None:
    """A non-negative whole number (an int or its decimal text), or None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if raw >= 0 else None
    if isinstance(raw, str) and _COUNT.fullmatch(raw.strip()):
        return int(raw.strip())
    return None


def clean_text(raw: object, limit: int = 1024) -> str | None:
    """A short text field stripped, or None when empty or not text-like.

    Numbers are kept as their decimal text (VICS writes MediaID as a number, ICSE as text). Text
    longer than `limit` is cut: labels are for people to read, not a place to store a payload.
    """
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int | float):
        raw = str(raw)
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    return text[:limit] or None
