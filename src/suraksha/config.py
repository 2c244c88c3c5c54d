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
Secrets (database passwords) come only from the environment and are never printed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from suraksha.errors import ConfigurationError

DEFAULT_HOME = "suraksha-data"
SQLITE_FILE = "suraksha.sqlite3"
_BOOLEANS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable about one Suraksha workspace."""

    home: Path
    database_url: str
    priority_weights: Path | None = None
    geoip_databases: tuple[Path, ...] = ()
    stations: Path | None = None
    cookie_secure: bool = True

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
        return cls(
            home=home,
            database_url=url,
            priority_weights=Path(weights).expanduser().absolute() if weights else None,
            geoip_databases=geoip,
            stations=Path(stations).expanduser().absolute() if stations else None,
            cookie_secure=_BOOLEANS[secure],
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
