"""Running the command line on a test workspace, as an analyst would.

`suraksha()` runs the console script's own entry point (`suraksha.cli.main.run`: argument parsing,
the command, the database, error messages and exit codes) in this process, with its own standard
input, output, error and environment, as datasette and Click test their command lines. Starting
`python -m suraksha` costs 1.4–2 s of imports per command, and the suite runs hundreds.
`suraksha_process()` starts the real process, for what only a process shows: the `python -m`
entry point and the exit status scripts see (tests/cli/test_end_to_end.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine, event
from typer.testing import CliRunner

from suraksha.cli import console as cli_console
from suraksha.cli.main import run
from suraksha.config import Settings

# Wide enough that tables and messages are not folded in the middle of what tests look for.
TERMINAL_COLUMNS = 200


@dataclass(frozen=True)
class Completed:
    """What one run of the command line left: its exit code and its two output streams."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def environment(settings: Settings) -> dict[str, str]:
    """The variables a command sees: the workspace and database of `settings`, a wide terminal."""
    return {
        "SURAKSHA_HOME": str(settings.home),
        "SURAKSHA_DATABASE_URL": settings.database_url,
        "COLUMNS": str(TERMINAL_COLUMNS),
    }


def suraksha(settings: Settings, *args: str, input: str | None = None) -> Completed:
    """Run the command line with `args` on the workspace and database of `settings`, with `input`
    as standard input when given (`--password-stdin`).

    An exception that escapes the entry point (a crash, which a process would print as a
    traceback and exit 1 on) fails the test with that exception.
    """
    runner = CliRunner()
    argv = sys.argv
    with (
        _engines_disposed(),
        _terminal_width(TERMINAL_COLUMNS),
        runner.isolation(input=input, env=environment(settings)) as (out, err, _mixed),
    ):
        sys.argv = ["suraksha", *args]
        try:
            run()
            code: object = 0  # `run` always exits; this is only for the type checker
        except SystemExit as done:
            code = done.code
        finally:
            sys.argv = argv
            sys.stdout.flush()
            sys.stderr.flush()
        stdout, stderr = out.getvalue(), err.getvalue()
    return Completed(
        args=("suraksha", *args),
        returncode=_exit_code(code),
        stdout=stdout.decode(),
        stderr=stderr.decode(errors="backslashreplace"),
    )


def suraksha_process(settings: Settings, *args: str, input: str | None = None) -> Completed:
    """Run `python -m suraksha` with `args` as a real process, otherwise as `suraksha()`."""
    done = subprocess.run(
        [sys.executable, "-m", "suraksha", *args],
        input=input,
        capture_output=True,
        text=True,
        env={**os.environ, **environment(settings)},
        timeout=300,
        check=False,
    )
    return Completed(
        args=("suraksha", *args), returncode=done.returncode, stdout=done.stdout, stderr=done.stderr
    )


def ok(result: Completed) -> str:
    """The output of a run that must have succeeded (its output is shown when it did not)."""
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _exit_code(code: object) -> int:
    """`sys.exit`'s argument as a process's exit status: None is 0, a message is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return int(code)
    return 1


@contextmanager
def _engines_disposed() -> Iterator[None]:
    """Dispose every engine that connects inside the block, as the end of a process would close
    its connections (a command opens its engine and leaves it to the process's exit)."""
    opened: list[Engine] = []

    def remember(connection: object) -> None:
        engine = getattr(connection, "engine", None)
        if isinstance(engine, Engine) and all(engine is not seen for seen in opened):
            opened.append(engine)

    event.listen(Engine, "engine_connect", remember)
    try:
        yield
    finally:
        event.remove(Engine, "engine_connect", remember)
        for engine in opened:
            engine.dispose()


@contextmanager
def _terminal_width(columns: int) -> Iterator[None]:
    """The command line's consoles `columns` wide, as `COLUMNS` makes them in a new process.

    Rich reads `COLUMNS` when a console is made, at import, and pytest-xdist's workers set it to
    80; so the width is set on the consoles themselves, and restored after.
    """
    consoles = (cli_console.console, cli_console.errors)
    widths = [console._width for console in consoles]  # None: follow the terminal
    for console in consoles:
        console.width = columns
    try:
        yield
    finally:
        for console, width in zip(consoles, widths, strict=True):
            console._width = width
