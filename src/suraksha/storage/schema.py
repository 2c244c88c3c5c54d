"""Creating and upgrading the database schema through the Alembic history.

Most migrations need only the connection. One that must encrypt or decrypt data (0013 seals the
TOTP secrets) finds the workspace's sealer in the Alembic config's attributes under
`SEALER_ATTRIBUTE`: `workspace.open_engine` passes `security.secrets.SecretBox` for its settings
(storage itself imports no domain, so it knows the sealer only by the `SecretSealer` protocol).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final, Protocol

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData
from sqlalchemy.exc import OperationalError

from suraksha.errors import StorageError

MIGRATIONS = Path(__file__).parent / "migrations"
SEALER_ATTRIBUTE: Final = "secret_sealer"


class SecretSealer(Protocol):
    """Encrypts secrets for storage and decrypts them (security.secrets.SecretBox)."""

    def seal(self, text: str) -> str:
        """`text` encrypted, as text to store."""
        ...

    def open(self, token: str) -> str:
        """The text a `seal` made."""
        ...


def alembic_config(metadata: MetaData | None = None) -> Config:
    """An Alembic configuration pointing at the packaged history (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["target_metadata"] = metadata
    return config


@cache
def head_revision() -> str | None:
    """The newest revision this version of Suraksha ships (read once: the history is packaged)."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as err:
        raise StorageError(f"Cannot open the database: {err.orig}.") from err


def upgrade(engine: Engine, *, sealer: SecretSealer | None = None) -> tuple[str | None, str | None]:
    """Bring the database to the head revision; returns (revision before, revision after).

    `sealer` is for migrations that encrypt stored secrets; without it, such a migration
    refuses to run when there is something to encrypt.
    """
    before = current_revision(engine)
    if before == head_revision():
        return before, before  # nothing to run: Alembic would still load every migration script
    config = alembic_config()
    config.attributes[SEALER_ATTRIBUTE] = sealer
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return before, head_revision()


def require_current(engine: Engine) -> None:
    """Refuse to work on a database that is missing or behind, saying how to fix it."""
    current = current_revision(engine)
    if current != head_revision():
        state = "empty" if current is None else f"at revision {current}"
        raise StorageError(
            f"The database is {state}, but this version needs {head_revision()}. "
            "Run `suraksha init` to create or upgrade it."
        )
