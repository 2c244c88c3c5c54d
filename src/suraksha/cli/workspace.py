"""`suraksha init`: create or upgrade the workspace and its database."""

from __future__ import annotations

import typer

from suraksha.cli.console import console, settings
from suraksha.storage import schema
from suraksha.workspace import open_engine


def register(app: typer.Typer) -> None:
    """Add the workspace commands to the application."""
    app.command("init")(init)


def init() -> None:
    """Create the workspace (SURAKSHA_HOME, default ./suraksha-data) and bring its database schema
    up to date. Safe to run again: an up-to-date database is left as it is.

    Example: `SURAKSHA_HOME=/srv/suraksha suraksha init`
    """
    current = settings()
    current.ensure_home()
    engine = open_engine(current, migrate=True)
    revision = schema.current_revision(engine)
    console.print(f"Workspace [bold]{current.home}[/]")
    console.print(f"Database  {current.redacted_database_url()} at revision {revision}")
