"""Secrets sealed at rest: the TOTP seeds, encrypted with a key the database does not hold.

    SURAKSHA_SECRET_KEY="new,old"   keys: the first seals, every one opens (rotation)
    (unset)                         SURAKSHA_HOME/secret.key, one key made on the first seal,
                                    mode 0600, refused when others may read it

A sealed secret is a Fernet token (cryptography): AES-128-CBC with a random IV, authenticated
by HMAC-SHA256, URL-safe base64 text (about 140 characters for a TOTP seed). A dump or backup of
the database alone no longer lets anyone make codes; with several keys, `MultiFernet` opens a
token with whichever key made it, so the keys can be rotated without a moment when sign-in
fails (`suraksha users rotate-key`).

The key file keeps the README's two-command quick start working. It protects copies of the
database made without the workspace folder; beside a SQLite database on the same disk it adds
little, and several app servers would each make their own. A unit's installation sets
`SURAKSHA_SECRET_KEY` from its secret store instead (docs/security.md).

Keys never appear in a message, a log line or a `repr`: errors name where the key came from
and what to do, never the key.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from suraksha.config import Settings, parse_secret_keys
from suraksha.errors import ConfigurationError

KEY_FILE: Final = "secret.key"
"""The key file's name in the workspace, used when SURAKSHA_SECRET_KEY is not set."""
KEY_FILE_MODE: Final = 0o600
WRONG_KEY: Final = (
    "The TOTP secrets were encrypted with another key: set SURAKSHA_SECRET_KEY to the key in use "
    "(or a list with it)."
)


class SecretBox:
    """Seals short secrets for storage and opens them again, with the workspace's keys.

    Keys are read when first needed, not when the box is made, so building one per request or
    command costs nothing and a workspace without TOTP users never gets a key file.
    """

    __slots__ = ("_fernet", "_key_file", "_keys", "_lock")

    def __init__(self, keys: Sequence[str] = (), *, key_file: Path | None = None) -> None:
        """A box over `keys` (first seals, all open), or over the keys in `key_file`."""
        if not keys and key_file is None:
            raise ValueError("a SecretBox needs keys or a key file")
        self._keys = tuple(keys)
        self._key_file = None if keys else key_file
        self._fernet: MultiFernet | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        """The workspace's box: SURAKSHA_SECRET_KEY's keys, or else SURAKSHA_HOME/secret.key."""
        if settings.secret_keys:
            return cls(settings.secret_keys)
        return cls(key_file=settings.home / KEY_FILE)

    @property
    def source(self) -> str:
        """Where the keys come from, as a person would look for them (for messages)."""
        return "SURAKSHA_SECRET_KEY" if self._key_file is None else str(self._key_file)

    @property
    def key_count(self) -> int:
        """How many keys open tokens (reads the key file when not yet read)."""
        self._cipher(create=False)
        return len(self._keys)

    def seal(self, text: str) -> str:
        """`text` encrypted with the first key, as ASCII text to store."""
        return self._cipher(create=True).encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, token: str) -> str:
        """The text sealed in `token`, or ConfigurationError when no key opens it."""
        try:
            return self._cipher(create=False).decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise ConfigurationError(WRONG_KEY) from None

    def reseal(self, token: str) -> str:
        """`token`'s text sealed again with the first key (rotation), never leaving the box."""
        try:
            return self._cipher(create=False).rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError):
            raise ConfigurationError(WRONG_KEY) from None

    def __repr__(self) -> str:
        return f"SecretBox(source={self.source!r})"

    def _cipher(self, *, create: bool) -> MultiFernet:
        with self._lock:
            if self._fernet is None:
                if self._key_file is not None:
                    self._keys = _read_key_file(self._key_file, create=create)
                self._fernet = MultiFernet([Fernet(key) for key in self._keys])
            return self._fernet


def _read_key_file(path: Path, *, create: bool) -> tuple[str, ...]:
    """The keys in the workspace's key file, made first when `create` and it does not exist."""
    if create and not path.exists():
        _write_new_key(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ConfigurationError(
            f"There is no key to open the TOTP secrets: {path} is missing. Restore it from the "
            "unit's copy, or set SURAKSHA_SECRET_KEY to the key in use."
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise ConfigurationError(f"The key file {path} is not a regular file; restore it.")
    if info.st_mode & 0o077:
        mode = stat.S_IMODE(info.st_mode)
        raise ConfigurationError(
            f"The key file {path} may be read by others (mode {mode:04o}); restrict it with "
            f"`chmod 600 {path}`, or set SURAKSHA_SECRET_KEY instead."
        )
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except OSError as err:
        raise ConfigurationError(
            f"The key file {path} cannot be read ({err.strerror or err}); fix its owner, or set "
            "SURAKSHA_SECRET_KEY instead."
        ) from None
    return parse_secret_keys(text, f"the key file {path}")


def _write_new_key(path: Path) -> None:
    """Write a fresh key to `path`, atomically: a process starting at the same moment either
    finds no file or the whole key, and the first writer's key wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.urandom(8).hex()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(Fernet.generate_key() + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process got there first: keep theirs
            os.link(draft, path)
    finally:
        draft.unlink(missing_ok=True)
