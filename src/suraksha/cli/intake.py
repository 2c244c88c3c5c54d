"""`suraksha ingest` and `suraksha intake ...`: read tips into the workspace, review the quarantine."""

from __future__ import annotations

import json
import tempfile
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from suraksha.cli.console import ExitCode, console, engine, errors, progress, settings
from suraksha.intake.pipeline import DEFAULT_BATCH, IngestResult, count_units, ingest, plan
from suraksha.intake.quarantine import quarantine_records
from suraksha.intake.registry import FORMATS
from suraksha.parallel import default_workers
from suraksha.storage.session import reading

# Below this many units, starting worker processes (a second or so) costs more than it saves.
AUTO_WORKERS_FROM = 2_000

_FORMAT_HELP = "Force a format instead of detecting it: " + ", ".join(f.name for f in FORMATS) + "."

intake_app = typer.Typer(help="Intake housekeeping: the quarantine.", no_args_is_help=True)


class ListFormat(StrEnum):
    """How listings print."""

    TABLE = "table"
    JSONL = "jsonl"


def register(app: typer.Typer) -> None:
    """Add the intake commands to the application."""
    app.command("ingest")(ingest_command)
    app.add_typer(intake_app, name="intake")


def ingest_command(
    paths: list[Path] = typer.Argument(..., help="Tip files or folders (searched recursively)."),
    format_name: str | None = typer.Option(None, "--format", help=_FORMAT_HELP),
    as_json: bool = typer.Option(
        False, "--json", help="Print a machine-readable summary only (counts; first 1,000 cases)."
    ),
    batch_size: int = typer.Option(
        DEFAULT_BATCH, "--batch-size", min=1, max=100_000, help="Tips per transaction."
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        min=0,
        max=64,
        help="Processes reading and parsing tips while this one writes; 0 reads in this process. "
        f"Default: one per core for {AUTO_WORKERS_FROM:,} units or more, else 0.",
    ),
) -> None:
    """Ingest tips: NCMEC ESP XML report folders (`<reportId>/report.xml` + `files/*.xml`),
    law-enforcement CyberTipline JSON (`<reportId>.json`) and state hand-off spreadsheets (a folder
    with `suraksha-mapping.toml`), detected automatically.

    Zip and tar deliveries are unpacked safely (no path traversal, links or bombs) and the tips
    inside ingested, each recorded with where it was in the archive.

    Ingest is idempotent: a document seen before changes nothing, and a changed document for a
    known report becomes its next version, with what changed recorded. Unreadable tips are
    quarantined with the reason and location (see `suraksha intake quarantine`); exit code 2 says
    some were. A run that is interrupted can simply be run again.

    Example: `suraksha ingest ./tips/2026-11 ./more-tips/123456789.json --json --workers 2`
    """
    db = engine()
    total = count_units(paths, format_name)
    if workers is None:
        workers = default_workers() if total >= AUTO_WORKERS_FROM else 0
    # Archives are unpacked inside the workspace (not /tmp: evidence stays where it is governed),
    # and removed once their tips are stored; the raw documents are kept in the database.
    scratch_root = settings().ensure_home() / "scratch"
    scratch_root.mkdir(exist_ok=True)
    with (
        tempfile.TemporaryDirectory(dir=scratch_root, prefix="ingest-") as scratch,
        progress(transient=as_json) as bar,
    ):
        task = bar.add_task("Ingesting tips", total=total)
        result = ingest(
            db,
            plan(paths, format_name, scratch=Path(scratch)),
            batch_size=batch_size,
            workers=workers,
            on_unit=lambda _unit: bar.advance(task),
        )
    if as_json:
        summary = result.counts() | {
            "quarantined_documents": [
                {"origin": origin, "reason": reason} for origin, reason in result.quarantined
            ],
            "skipped_files": result.skipped,
        }
        typer.echo(json.dumps(summary, ensure_ascii=False, sort_keys=True))
    else:
        print_result(result)
    if result.quarantined_total:
        raise typer.Exit(ExitCode.PARTIAL)


def print_result(result: IngestResult) -> None:
    """Print an ingest run's counts, its quarantined documents and skipped files."""
    table = Table(title=f"Ingest run {result.run_id}", show_header=False)
    for label, value in (
        ("new tips", result.added),
        ("new versions of known tips", result.new_versions),
        ("unchanged (seen before)", result.unchanged),
        ("quarantined", result.quarantined_total),
        ("earlier quarantine fixed", result.resolved),
        ("skipped (not a tip format)", result.skipped_total),
        ("format warnings", result.warnings),
        ("files named in new tips", result.files),
        ("of which match a known or viral bank", result.matched_files),
        ("ignorable files (NSRL etc.; not counted above)", result.ignorable_files),
        ("new tips repeating a file set", result.bundled),
    ):
        table.add_row(label, f"{value:,}")
    console.print(table)
    for origin, reason in result.quarantined[:20]:
        errors.print(f"[yellow]quarantined[/] {origin}: {reason}")
    if result.quarantined_total > 20:
        errors.print(f"… and {result.quarantined_total - 20:,} more: `suraksha intake quarantine`")
    for origin in result.skipped[:10]:
        errors.print(f"[dim]skipped[/] {origin}: no tip format claims it")
    if result.skipped_total > 10:
        errors.print(f"… and {result.skipped_total - 10:,} more skipped")


@intake_app.command("quarantine")
def quarantine_command(
    include_resolved: bool = typer.Option(
        False, "--all", help="Also list records that a later run fixed."
    ),
    output: ListFormat = typer.Option(ListFormat.TABLE, "--format", help="Output format."),
) -> None:
    """List quarantined documents: where each was (file, row or element), why it was refused,
    and its content digest. Fix the document and ingest it again: the record is then marked
    resolved by that run.

    Example: `suraksha intake quarantine --format jsonl`
    """
    with reading(engine()) as session:
        records = quarantine_records(session, include_resolved=include_resolved)
    if output is ListFormat.JSONL:
        for record in records:
            typer.echo(json.dumps(record.as_dict(), ensure_ascii=False, sort_keys=True))
        return
    if not records:
        console.print("The quarantine is empty.")
        return
    table = Table("id", "run", "origin", "where", "reason", "resolved by run")
    for record in records:
        table.add_row(
            str(record.id),
            str(record.run_id),
            record.origin,
            record.location or "-",
            record.reason,
            str(record.resolved_run_id or "-"),
        )
    console.print(table)
