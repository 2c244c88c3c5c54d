"""The second factor: TOTP (RFC 6238) secrets, provisioning URIs, and codes checked once only.

Six digits every 30 seconds with SHA-1, which every authenticator app understands. A code is
accepted one step either side of the server's clock (phones drift), and never twice: the step
of the last accepted code is stored, and a code from that step or an earlier one is refused, so
a code read over a shoulder or from a proxy log cannot be replayed within its window.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

import pyotp
import segno
from pyotp.exceptions import OTPVerificationError

ISSUER: Final = "Suraksha"
"""The name authenticator apps show above the code."""
VALID_WINDOW: Final = 1
"""Steps of 30 s accepted before and after the server's."""
SECRET_CHARACTERS: Final = 32
"""Base32 characters: 160 bits, the length RFC 4226 §4 recommends."""


def new_secret() -> str:
    """A fresh random secret (base32) from the operating system's CSPRNG."""
    return pyotp.random_base32(length=SECRET_CHARACTERS)


def provisioning_uri(secret: str, account: str) -> str:
    """The `otpauth://` URI an authenticator app scans (as a QR code) or accepts pasted.

    It contains the secret: show it to the account's owner once, never store or log it.
    """
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def provisioning_qr(uri: str) -> str:
    """The otpauth:// URI as a QR code for an authenticator app's camera: an SVG `data:` URI, drawn
    on the server (no script, no request leaves the unit: the secret is in the picture)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def code_at(secret: str, at: datetime) -> str:
    """The code an authenticator shows at instant `at` (for tests and for the enrolment page)."""
    return pyotp.TOTP(secret).at(at)


def accepted_step(secret: str, code: str, at: datetime, *, last_step: int | None) -> int | None:
    """The time step `code` belongs to when it is valid at `at` and newer than `last_step`.

    None when the code is malformed, wrong, out of the window, or already used. Spaces that
    apps show in the middle of codes ("123 456") are ignored.
    """
    digits = "".join(code.split())
    if len(digits) != 6 or not digits.isascii() or not digits.isdigit():
        return None
    try:
        step = pyotp.TOTP(secret).verify_and_get_timecode(
            digits, for_time=at, valid_window=VALID_WINDOW
        )
    except OTPVerificationError:
        return None
    if last_step is not None and step <= last_step:
        return None
    return step
