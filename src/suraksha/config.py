"""Settings, read once from `SURAKSHA_*` environment variables into an immutable object.

`SURAKSHA_HOME` is the workspace (default `./suraksha-data`): the SQLite database, logs and
generated material live there. `SURAKSHA_DATABASE_URL` overrides the database (for example
`postgresql+psycopg://user@127.0.0.1:5432/suraksha`); by default it is a SQLite file in the home.
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


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable about one Suraksha workspace."""

    home: Path
    database_url: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from the environment (or the mapping given, for tests)."""
        env = os.environ if environ is None else environ
        home = Path(env.get("SURAKSHA_HOME") or DEFAULT_HOME).expanduser().absolute()
        url = env.get("SURAKSHA_DATABASE_URL") or f"sqlite:///{home / SQLITE_FILE}"
        return cls(home=home, database_url=url)

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
