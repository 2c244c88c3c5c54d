"""Settings, read once from `SURAKSHA_*` environment variables into an immutable object.

`SURAKSHA_HOME` is the workspace (default `./suraksha-data`): the SQLite database, logs and
generated material live there. `SURAKSHA_DATABASE_URL` overrides the database (for example
`postgresql+psycopg://user@127.0.0.1:5432/suraksha`); by default it is a SQLite file in the home.
`SURAKSHA_PRIORITY_WEIGHTS` names a state's priority weights file (TOML, docs/priority.md) laid
over the packaged weights; unset, the packaged weights apply.
Routing reads two optional files the unit supplies (docs/routing.md): `SURAKSHA_GEOIP_DB`, one or
more MaxMind-format GeoIP databases separated by the path separator (":" on Linux), and
`SURAKSHA_STATIONS`, the state's pincode/locality → police station mapping (CSV).
`SURAKSHA_COOKIE_SECURE` (default true) marks the web application's cookies Secure, so browsers
send them over HTTPS only; set it to false only to serve plain HTTP on the loopback address.
`SURAKSHA_SECRET_KEY` is the key that seals the TOTP secrets in the database (security/secrets.py):
a Fernet key (URL-safe base64 of 32 bytes), or several separated by commas while rotating — the
first seals, every one opens. Unset, a key generated on first need is kept in
`SURAKSHA_HOME/secret.key` (mode 0600), which keeps the quick start to two commands; a unit sets
the variable, so that its app servers share the key and its database backups do not carry it.
Secrets (database passwords, the key) come only from the environment and are never printed.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from suraksha.errors import ConfigurationError

DEFAULT_HOME = "suraksha-data"
SQLITE_FILE = "suraksha.sqlite3"
_BOOLEANS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
KEY_BYTES = 32
"""A Fernet key is 32 random bytes (16 for HMAC-SHA256, 16 for AES-128), URL-safe base64."""
MAKE_KEY = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)
"""The command that prints a new key (cryptography is installed with Suraksha)."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable about one Suraksha workspace."""

    home: Path
    database_url: str
    priority_weights: Path | None = None
    geoip_databases: tuple[Path, ...] = ()
    stations: Path | None = None
    cookie_secure: bool = True
    # Never in a repr: settings may be printed while debugging, the key must not be.
    secret_keys: tuple[str, ...] = field(default=(), repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from the environment (or the mapping given, for tests)."""
        env = os.environ if environ is None else environ
        home = Path(env.get("SURAKSHA_HOME") or DEFAULT_HOME).expanduser().absolute()
        url = env.get("SURAKSHA_DATABASE_URL") or f"sqlite:///{home / SQLITE_FILE}"
        geoip = tuple(
            Path(part).expanduser().absolute()
            for part in (env.get("SURAKSHA_GEOIP_DB") or "").split(os.pathsep)
            if part.strip()
        )
        stations = env.get("SURAKSHA_STATIONS") or None
        weights = env.get("SURAKSHA_PRIORITY_WEIGHTS") or None
        secure = (env.get("SURAKSHA_COOKIE_SECURE") or "true").strip().lower()
        if secure not in _BOOLEANS:
            raise ConfigurationError(
                f"SURAKSHA_COOKIE_SECURE is {secure!r}; give true or false (false only for plain "
                "HTTP on the loopback address)."
            )
        keys = env.get("SURAKSHA_SECRET_KEY") or ""
        return cls(
            home=home,
            database_url=url,
            priority_weights=Path(weights).expanduser().absolute() if weights else None,
            geoip_databases=geoip,
            stations=Path(stations).expanduser().absolute() if stations else None,
            cookie_secure=_BOOLEANS[secure],
            secret_keys=parse_secret_keys(keys, "SURAKSHA_SECRET_KEY") if keys else (),
        )

    @property
    def is_sqlite(self) -> bool:
        """True when the database is the embedded SQLite default (or any SQLite file)."""
        return self.database_url.startswith("sqlite")

    def ensure_home(self) -> Path:
        """Create the workspace if needed and prove it writable, or say how to fix it."""
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            probe = self.home / ".write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as err:
            raise ConfigurationError(
                f"The workspace {self.home} is not writable ({err.strerror or err}). "
                "Set SURAKSHA_HOME to a folder you can write to, or fix its permissions."
            ) from err
        return self.home

    def redacted_database_url(self) -> str:
        """The database URL with any password replaced, safe to print."""
        from sqlalchemy.engine import make_url

        return make_url(self.database_url).render_as_string(hide_password=True)


def parse_secret_keys(text: str, source: str) -> tuple[str, ...]:
    """The Fernet keys in `text` (comma- or line-separated), or ConfigurationError.

    `source` names where they came from ("SURAKSHA_SECRET_KEY", a key file) for the message,
    which says which key is wrong by its position only: a key is never put in a message.
    """
    keys = tuple(part.strip() for part in text.replace("\n", ",").split(",") if part.strip())
    if not keys:
        raise ConfigurationError(f"{source} holds no key; make one with `{MAKE_KEY}`.")
    for number, key in enumerate(keys, start=1):
        try:  # strict: Python's lenient decoder would take "KEY,KEY" run together as KEY
            raw = base64.b64decode(key.encode("ascii"), altchars=b"-_", validate=True)
        except (UnicodeEncodeError, binascii.Error):
            raw = b""
        if len(raw) != KEY_BYTES:
            raise ConfigurationError(
                f"Key {number} of {len(keys)} in {source} is not a Fernet key (URL-safe base64 of "
                f"{KEY_BYTES} bytes, 44 characters); make one with `{MAKE_KEY}`."
            )
    return keys
