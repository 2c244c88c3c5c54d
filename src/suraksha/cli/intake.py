"""`suraksha ingest`: read tip files and folders into the workspace."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from suraksha.cli.console import ExitCode, console, engine, errors, progress
from suraksha.intake.pipeline import IngestResult, ingest, plan
from suraksha.intake.registry import FORMATS

_FORMAT_HELP = "Force a format instead of detecting it: " + ", ".join(f.name for f in FORMATS) + "."


def register(app: typer.Typer) -> None:
    """Add the intake commands to the application."""
    app.command("ingest")(ingest_command)


def ingest_command(
    paths: list[Path] = typer.Argument(..., help="Tip files or folders (searched recursively)."),
    format_name: str | None = typer.Option(None, "--format", help=_FORMAT_HELP),
) -> None:
    """Ingest tips: NCMEC ESP XML report folders (`<reportId>/report.xml` + `files/*.xml`) and
    law-enforcement CyberTipline JSON (`<reportId>.json`), detected automatically.

    Ingest is idempotent: a document seen before changes nothing, and a changed document for a
    known report becomes its next version. Unreadable tips are quarantined with the reason; exit
    code 2 says some were.

    Example: `suraksha ingest ./tips/2026-11 ./more-tips/123456789.json`
    """
    db = engine()
    units = plan(paths, format_name)
    with progress() as bar:
        task = bar.add_task("Ingesting tips", total=len(units))
        result = ingest(db, units, on_unit=lambda _unit: bar.advance(task))
    print_result(result)
    if result.quarantined:
        raise typer.Exit(ExitCode.PARTIAL)


def print_result(result: IngestResult) -> None:
    """Print an ingest run's counts, its quarantined units and skipped files."""
    table = Table(title=f"Ingest run {result.run_id}", show_header=False)
    for label, value in (
        ("new tips", result.added),
        ("new versions of known tips", result.new_versions),
        ("unchanged (seen before)", result.unchanged),
        ("quarantined", len(result.quarantined)),
        ("skipped (not a tip format)", len(result.skipped)),
        ("format warnings", result.warnings),
        ("files named in new tips", result.files),
        ("of which match a bank", result.matched_files),
    ):
        table.add_row(label, f"{value:,}")
    console.print(table)
    for origin, reason in result.quarantined[:20]:
        errors.print(f"[yellow]quarantined[/] {origin}: {reason}")
    if len(result.quarantined) > 20:
        errors.print(f"… and {len(result.quarantined) - 20} more (see the quarantine table)")
    for origin in result.skipped[:10]:
        errors.print(f"[dim]skipped[/] {origin}: no tip format claims it")
    if len(result.skipped) > 10:
        errors.print(f"… and {len(result.skipped) - 10} more skipped")
