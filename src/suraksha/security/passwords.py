"""Passwords: argon2id hashing with its parameters in one place, and what a password must be.

Parameters are RFC 9106's second recommendation ("low memory": argon2id, 3 passes, 64 MiB,
4 lanes), which is also argon2-cffi's default. The RFC's first choice (2 GiB) would let a few
simultaneous sign-ins exhaust a unit's server; OWASP's floor (19 MiB, 2 passes) is weaker than
a stolen database deserves. Each hash records its own parameters, so when these constants change
a stored hash keeps verifying and is replaced at the next successful sign-in
(`users.verify_password`).

What a password must be follows NIST SP 800-63B §5.1.1.2: long enough (`MIN_LENGTH`), any
characters, no composition rules, no expiry; not the account name. A long passphrase beats
"P@ssw0rd1".
"""

from __future__ import annotations

from functools import cache
from typing import Final

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from suraksha.errors import UserInputError

PARAMETERS: Final = profiles.RFC_9106_LOW_MEMORY
HASHER: Final = PasswordHasher.from_parameters(PARAMETERS)
MIN_LENGTH: Final = 12
"""Characters; 800-63B asks for at least 8, and officers protect children's records."""
MAX_LENGTH: Final = 1024
"""Characters; only to bound the work one sign-in request can ask of the server."""


def check_password(password: str, *, name: str) -> None:
    """Raise UserInputError when `password` may not be used for the account `name`."""
    if len(password) < MIN_LENGTH:
        raise UserInputError(
            f"A password needs at least {MIN_LENGTH} characters; a few words make a good one "
            '("monsoon ferry tamarind lantern").'
        )
    if len(password) > MAX_LENGTH:
        raise UserInputError(f"A password may have at most {MAX_LENGTH} characters.")
    if not password.strip():
        raise UserInputError("A password cannot be only spaces.")
    if password.strip().casefold() == name.strip().casefold():
        raise UserInputError("A password cannot be the account name.")


def hash_password(password: str, *, hasher: PasswordHasher = HASHER) -> str:
    """The argon2id hash to store (salted; it embeds its parameters)."""
    return hasher.hash(password)


def password_matches(stored: str, password: str, *, hasher: PasswordHasher = HASHER) -> bool:
    """True when `password` gives `stored`; argon2 compares in constant time.

    A stored value that is not an argon2 hash (corrupt, or from elsewhere) never matches.
    """
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str, *, hasher: PasswordHasher = HASHER) -> bool:
    """True when `stored` was made with other parameters than `hasher`'s."""
    try:
        return hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return True


def spend_equal_time(password: str, *, hasher: PasswordHasher = HASHER) -> None:
    """Do the work of a verification that fails, for an unknown or locked account.

    Without it, "no such user" answers in microseconds and "wrong password" in a tenth of a
    second, which tells an attacker which names exist.
    """
    password_matches(_dummy_hash(hasher), password, hasher=hasher)


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("not a password of anyone")
