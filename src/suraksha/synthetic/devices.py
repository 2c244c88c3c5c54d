"""Synthetic handsets: IMEIs with a valid Luhn check digit, and the make and model EXIF would carry."""

from __future__ import annotations

import random

# Type allocation codes (first 8 digits) in the style of handsets common in India; the serial and
# check digit are synthetic.
_TACS = ("86769504", "86446305", "35391511", "86220005", "35732610", "86891503", "35467211")

HANDSETS: tuple[tuple[str, str], ...] = (
    ("Xiaomi", "Redmi Note 10"),
    ("Xiaomi", "Redmi 9A"),
    ("samsung", "SM-M215F"),
    ("samsung", "SM-A515F"),
    ("vivo", "vivo 1906"),
    ("OPPO", "CPH2239"),
    ("realme", "RMX3261"),
    ("OnePlus", "AC2001"),
    ("Apple", "iPhone 11"),
)


def luhn_check_digit(body: str) -> str:
    """The Luhn digit that makes `body + digit` pass the check (IMEI's 15th digit)."""
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = int(char)
        if index % 2 == 0:  # every second digit from the right of the body is doubled
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    """True when a digit string passes the Luhn check."""
    return number.isdigit() and luhn_check_digit(number[:-1]) == number[-1]


def make_imei(rng: random.Random) -> str:
    """A 15-digit IMEI: a handset-style TAC, a random serial and the Luhn check digit."""
    body = rng.choice(_TACS) + "".join(str(rng.randrange(10)) for _ in range(6))
    return body + luhn_check_digit(body)
