"""What every command shares: the Rich consoles, progress bars, exit codes and workspace opening."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from enum import IntEnum

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text
from sqlalchemy import Engine

from suraksha.config import Settings
from suraksha.workspace import open_engine

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


def cli_actor() -> str:
    """Who runs the command line, as the audit log names them: `cli:<login>` (the command line is
    the trusted channel of docs/security.md; the web application names signed-in users)."""
    try:
        login = getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers and services
        login = "unknown"
    return f"cli:{login}"


class ExitCode(IntEnum):
    """Exit codes (a stable contract: scripts depend on them)."""

    OK = 0
    USER_ERROR = 1  # the message says what was wrong and how to fix it
    PARTIAL = 2  # some inputs were quarantined; counts were printed


def settings() -> Settings:
    """Settings from the environment."""
    return Settings.from_env()


def engine(*, migrate: bool = False) -> Engine:
    """The workspace engine; commands other than `init` and `demo` require a current schema."""
    return open_engine(settings(), migrate=migrate)


class RateColumn(ProgressColumn):
    """Items per second, so an operator can judge how long a large delivery will take."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f}/s", style="progress.data.speed")


@contextmanager
def progress(*, transient: bool = False) -> Iterator[Progress]:
    """A progress display with counts, elapsed and remaining time (to stderr, so stdout stays data)."""
    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=errors,
        transient=transient,
    ) as bar:
        yield bar
