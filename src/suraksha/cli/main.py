"""The `suraksha` application: assembles the command groups and turns errors into exit codes."""

from __future__ import annotations

import sys

import typer

from suraksha import __version__
from suraksha.cli import (
    audit,
    cases,
    demo,
    documents,
    groups,
    hashes,
    intake,
    priority,
    scan,
    scans,
    serve,
    subjects,
    synth,
    users,
    victims,
    workspace,
)
from suraksha.cli.console import ExitCode, errors
from suraksha.errors import SurakshaError

app = typer.Typer(
    name="suraksha",
    help=(
        "Suraksha turns child-exploitation tipline reports and hash banks into explained, "
        "prioritised, district-routed subjects.\n\n"
        "Start with `suraksha demo` (synthetic data), or `suraksha init` then `suraksha ingest`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)

workspace.register(app)
demo.register(app)
synth.register(app)
intake.register(app)
hashes.register(app)
scan.register(app)
scans.register(app)
subjects.register(app)
groups.register(app)
cases.register(app)
documents.register(app)
victims.register(app)
priority.register(app)
users.register(app)
audit.register(app)
serve.register(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"suraksha {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Suraksha command line."""


def run() -> None:
    """Console-script entry point: known errors become a message and exit code 1, never a trace."""
    try:
        code = app(standalone_mode=False)
    except SurakshaError as err:
        errors.print(f"[bold red]Error:[/] {err}")
        sys.exit(ExitCode.USER_ERROR)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        errors.print("Aborted.")
        sys.exit(ExitCode.USER_ERROR)
    except typer.TyperException as err:
        # Usage errors (unknown option, missing argument) are user errors too: exit 1, not 2,
        # because 2 means "partial" in Suraksha's contract.
        errors.print(f"[bold red]Error:[/] {err.format_message()}")
        errors.print("Run `suraksha --help`, or `suraksha COMMAND --help` for a command's options.")
        sys.exit(ExitCode.USER_ERROR)
    sys.exit(code if isinstance(code, int) else ExitCode.OK)
