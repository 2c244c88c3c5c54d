"""`suraksha hashes`: import hash lists into banks and list the banks."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from suraksha.cli.console import console, engine, errors, progress
from suraksha.errors import UserInputError
from suraksha.hashing.banks import BankKind, diff_versions, import_list, list_banks
from suraksha.hashing.categories import SCHEMES
from suraksha.hashing.exports import ExportFormat, export_bank
from suraksha.hashing.fingerprints import files_under, fingerprint
from suraksha.hashing.formats.vpdq import HEADER as VPDQ_HEADER
from suraksha.hashing.matcher import MatchView, lookup
from suraksha.hashing.registry import FORMATS
from suraksha.intake.tips import rematch_files
from suraksha.storage.session import reading, transaction
from suraksha.triage.filetypes import file_type_of

hashes_app = typer.Typer(
    help="Hash banks and file hashes: import, list, compute, look up.", no_args_is_help=True
)
_FORMATS = ", ".join(["auto", *(f.name for f in FORMATS)])
_SCHEMES = ", ".join(scheme.name for scheme in SCHEMES)


def register(app: typer.Typer) -> None:
    """Add the `hashes` command group to the application."""
    app.add_typer(hashes_app, name="hashes")


@hashes_app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="The hash list to import."),
    bank: str = typer.Option(..., "--bank", help="Bank to import into (created if new)."),
    kind: BankKind = typer.Option(BankKind.KNOWN, "--kind", help="What a match means."),
    format_name: str = typer.Option("auto", "--format", help=f"List format: {_FORMATS}."),
    scheme: str | None = typer.Option(
        None,
        "--scheme",
        help=f"Category scheme of the list: {_SCHEMES} (default: the bank's, or what the list "
        "declares).",
    ),
) -> None:
    """Import a hash list as the next version of a bank, then match every tip file against the
    banks again. Each import is a full snapshot: hashes missing from it are marked removed.
    Importing the same file twice changes nothing. Entries whose category the bank's scheme
    does not define are imported and reported.

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
            category_scheme=scheme,
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
    if result.unknown_categories:
        errors.print(
            f"{result.unknown_categories:,} entries have a category the "
            f"{result.category_scheme} scheme does not define (imported as listed):"
        )
        for warning in result.category_warnings[:10]:
            errors.print(f"[yellow]line {warning.line}[/]: {warning.message}")


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


class ComputeFormat(StrEnum):
    """How `hashes compute` prints."""

    TABLE = "table"
    JSONL = "jsonl"
    VPDQ = "vpdq"


@hashes_app.command("compute")
def compute_command(
    paths: list[Path] = typer.Argument(..., help="Files or folders (searched recursively)."),
    output: ComputeFormat = typer.Option(ComputeFormat.TABLE, "--format", help="Output format."),
) -> None:
    """Compute MD5, SHA-1 and SHA-256 of files (one streamed read each) and, for images, the
    PDQ perceptual hash with its quality, using the canonical preprocessing; for videos (told by
    their content), vPDQ: the PDQ of one frame a second. Never shows pixels.
    `--format jsonl` prints one object per file: path, size, md5, sha1, sha256, and pdq,
    quality, pdq_preprocessing for images, vpdq (frames) for videos. `--format vpdq` prints the
    videos' frame hashes as a vPDQ list, ready for `hashes import --format vpdq`.

    Example: `suraksha hashes compute ./exhibit-3/DCIM --format jsonl > exhibit-3.jsonl`

    Example: `suraksha hashes compute ./known-videos --format vpdq > known-videos.vpdq`
    """
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise UserInputError(f"Not found: {', '.join(missing)}. Give files or folders to hash.")
    files = list(files_under(paths))
    table = Table("path", "size", "md5", "sha256", "pdq", "quality")
    if output is ComputeFormat.VPDQ:
        typer.echo(VPDQ_HEADER)
    with progress(transient=True) as bar:
        task = bar.add_task("Hashing files", total=len(files))
        for path in files:
            kind = file_type_of(path)
            result = fingerprint(path, kind.mime if kind.media == "video" else None)
            bar.advance(task)
            if output is ComputeFormat.VPDQ:
                for line in result.vpdq_lines():
                    typer.echo(line)
            elif output is ComputeFormat.JSONL:
                typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, sort_keys=True))
            else:
                table.add_row(
                    str(path),
                    f"{result.digests.size:,}",
                    result.digests.md5,
                    result.digests.sha256,
                    result.pdq.hex
                    if result.pdq
                    else (f"vPDQ, {len(result.video.frames)} frames" if result.video else "-"),
                    str(result.pdq.quality) if result.pdq else "-",
                )
            if result.refused:
                what = "a video" if kind.media == "video" else "an image"
                errors.print(f"[yellow]not hashed as {what}[/] {path}: {result.refused}")
    if output is ComputeFormat.TABLE:
        console.print(table)


@hashes_app.command("lookup")
def lookup_command(
    values: list[str] = typer.Argument(..., help="MD5, SHA-1, SHA-256 or PDQ values (hex)."),
) -> None:
    """Look hash values up in every bank: exact for MD5, SHA-1 and SHA-256; a PDQ value also
    matches entries within each bank's threshold, with the distance.

    Example: `suraksha hashes lookup 9e107d9d372bb6826bd81d3542a419d6`
    """
    with reading(engine()) as session:
        found = {value: lookup(session, value) for value in values}
    table = Table("value", "bank", "kind", "version", "algorithm", "distance", "category")
    for value, views in found.items():
        if not views:
            table.add_row(value, "[dim]no match[/]", "", "", "", "", "")
        for view in views:
            table.add_row(value, view.bank, view.bank_kind, str(view.bank_version),
                          view.algorithm, str(view.distance), _category(view))  # fmt: skip
    console.print(table)


def _category(view: MatchView) -> str:
    """A match's category: the code and, where the bank's scheme defines it, its label."""
    if view.category is None:
        return "-"
    label = view.category_label
    return view.category if label == view.category else f"{view.category} ({label})"


@hashes_app.command("export")
def export_command(
    bank: str = typer.Argument(..., help="The bank to export."),
    format_name: ExportFormat = typer.Option(..., "--format", help="vics (2.0) or md5sum."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="File to write (default: stdout)."
    ),
) -> None:
    """Export a bank's active entries as a VICS 2.0 hash set or an md5sum list, for another
    agency's tools. Both round-trip through `hashes import`. PDQ entries fit neither format and
    are counted as left out.

    Example: `suraksha hashes export project-vic --format vics -o project-vic.json`
    """
    with reading(engine()) as session:
        if output is None:
            result = export_bank(session, bank, format_name, sys.stdout)
        else:
            with output.open("w", encoding="utf-8") as handle:
                result = export_bank(session, bank, format_name, handle)
    errors.print(
        f"{result.written:,} entries written; {result.left_out:,} left out (no place in {format_name})."
    )


@hashes_app.command("diff")
def diff_command(
    bank: str = typer.Argument(..., help="The bank to compare versions of."),
    since: int | None = typer.Option(
        None, "--since", min=0, help="From after this version (default: the one before --until)."
    ),
    until: int | None = typer.Option(
        None, "--until", min=1, help="Up to this version (default: the current one)."
    ),
    output: ComputeFormat = typer.Option(ComputeFormat.TABLE, "--format", help="Output format."),
) -> None:
    """Show what entries were added to and removed from a bank between two versions.

    Example: `suraksha hashes diff project-vic --since 3 --format jsonl`
    """
    with reading(engine()) as session:
        changes = diff_versions(session, bank, since=since, until=until)
    if output is ComputeFormat.JSONL:
        for change in changes:
            typer.echo(json.dumps(asdict(change), ensure_ascii=False, sort_keys=True))
        return
    table = Table("change", "version", "algorithm", "value", "label", "category")
    for change in changes:
        table.add_row(change.change, str(change.version), change.algorithm, change.value,
                      change.label or "-", change.category or "-")  # fmt: skip
    console.print(table if changes else "No entries changed between those versions.")
