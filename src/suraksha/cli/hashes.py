"""`suraksha hashes`: import hash lists into banks and list the banks."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from suraksha.cli.console import console, engine, errors, progress
from suraksha.hashing.banks import BankKind, import_list, list_banks
from suraksha.hashing.registry import FORMATS
from suraksha.intake.tips import rematch_files
from suraksha.storage.session import reading, transaction

hashes_app = typer.Typer(help="Hash banks: import lists, list banks.", no_args_is_help=True)
_FORMATS = ", ".join(["auto", *(f.name for f in FORMATS)])


def register(app: typer.Typer) -> None:
    """Add the `hashes` command group to the application."""
    app.add_typer(hashes_app, name="hashes")


@hashes_app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="The hash list to import."),
    bank: str = typer.Option(..., "--bank", help="Bank to import into (created if new)."),
    kind: BankKind = typer.Option(BankKind.KNOWN, "--kind", help="What a match means."),
    format_name: str = typer.Option("auto", "--format", help=f"List format: {_FORMATS}."),
) -> None:
    """Import a hash list as the next version of a bank, then match every tip file against the
    banks again. Each import is a full snapshot: hashes missing from it are marked removed.
    Importing the same file twice changes nothing.

    Example: `suraksha hashes import known-hashes.md5 --bank project-vic --kind known`
    """
    db = engine()
    with progress(transient=True) as bar, transaction(db) as session:
        task = bar.add_task(
            f"Importing {file.name}", total=file.stat().st_size if file.is_file() else None
        )
        result = import_list(
            session,
            file,
            bank=bank,
            kind=kind,
            format_name=format_name,
            on_bytes=lambda n: bar.advance(task, n),
        )
        rematched = 0 if result.already_imported else rematch_files(session)
    if result.already_imported:
        console.print(f"{file} is already bank {bank!r} version {result.version}; nothing changed.")
        return
    console.print(
        f"Bank [bold]{bank}[/] version {result.version} ({result.format_name}): "
        f"{result.added:,} added, {result.removed:,} removed, {result.unchanged:,} unchanged, "
        f"{len(result.warnings):,} lines rejected. {rematched:,} tip files now match a bank."
    )
    for warning in result.warnings[:10]:
        errors.print(f"[yellow]line {warning.line}[/]: {warning.message}")
    if len(result.warnings) > 10:
        errors.print(f"… and {len(result.warnings) - 10} more rejected lines")


@hashes_app.command("list")
def list_command() -> None:
    """List the banks with their kind, current version and number of active entries.

    Example: `suraksha hashes list`
    """
    with reading(engine()) as session:
        banks = list_banks(session)
    table = Table("bank", "kind", "version", "entries", "category scheme", "PDQ threshold")
    for summary in banks:
        table.add_row(
            summary.name,
            summary.kind,
            str(summary.version),
            f"{summary.entries:,}",
            summary.category_scheme or "-",
            str(summary.pdq_threshold),
        )
    console.print(table if banks else "No banks yet. Import one with `suraksha hashes import`.")
