"""`suraksha documents …`: a case's notices, requests, certificates and summary, as PDFs.

The command line is the trusted channel (docs/security.md): documents are made and listed as
`cli:<login name>` and audited under that name (`document.make`, `document.list`).
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from suraksha.cases.documents.files import CARRIER_POOLS_FILE, carrier_pools
from suraksha.cases.documents.registry import DOCUMENTS, DocumentKind
from suraksha.cases.documents.render import DocumentRequest, list_documents, make_document
from suraksha.cases.workflow import ist_text
from suraksha.cli.console import cli_actor, console, engine, settings
from suraksha.storage.session import transaction

documents_app = typer.Typer(
    help="Documents of a case as PDFs from editable templates, every value from the database: "
    + ", ".join(d.kind for d in DOCUMENTS)
    + ". See docs/documents.md.",
    no_args_is_help=True,
)


class ListFormat(StrEnum):
    """How the register prints."""

    TABLE = "table"
    JSON = "json"


def register(app: typer.Typer) -> None:
    """Add the `documents` group to the application."""
    app.add_typer(documents_app, name="documents")


@documents_app.command("make")
def make_command(
    kind: DocumentKind = typer.Argument(..., help="Which document to make."),
    case: str = typer.Option(..., "--case", help="Case reference or FIR number."),
    out: Path = typer.Option(
        Path("."), "--out", help="Folder to write the PDF (and a certificate's hash lists) into."
    ),
    account: list[str] = typer.Option(
        [],
        "--account",
        help="An account id of the case's subjects to name (default: all); repeat for several.",
    ),
    platform: str | None = typer.Option(
        None,
        "--platform",
        help="Only the accounts on this platform (a notice or preservation request goes to one).",
    ),
    operator: str | None = typer.Option(
        None,
        "--operator",
        help="subscriber-request, preservation: to this operator, with only the addresses in its "
        "configured carrier pools.",
    ),
    exhibit: str | None = typer.Option(
        None, "--exhibit", help="certificate-63: only this exhibit (default: every exhibit)."
    ),
    carrier_pools_file: Path | None = typer.Option(
        None,
        "--carrier-pools",
        help=f"Carrier pools TOML (default: $SURAKSHA_HOME/{CARRIER_POOLS_FILE} when present).",
    ),
) -> None:
    """Make a document of a case as a PDF, with every value taken from the database, and record
    it in the case's register with its template version and SHA-256.

    Example: `suraksha documents make subscriber-request --case KL-ERN-2026-0001 --out letters/`
    """
    request = DocumentRequest(
        kind=kind,
        accounts=tuple(account),
        platform=platform,
        operator=operator,
        exhibit=exhibit,
        pools=carrier_pools(settings().home, carrier_pools_file),
    )
    with transaction(engine()) as session:
        made = make_document(session, cli_actor(), case, request, out)
    console.print(
        f"{escape(str(made.pdf))}: {made.view.kind}, template version "
        f"{made.view.template_version}, {made.view.size:,} bytes, SHA-256 {made.view.sha256}"
    )
    for path in made.enclosures:
        console.print(f"enclosed: {escape(str(path))}")


@documents_app.command("list")
def list_command(
    case: str = typer.Option(..., "--case", help="Case reference or FIR number."),
    output: ListFormat = typer.Option(ListFormat.TABLE, "--format", help="table or json."),
) -> None:
    """List the documents made for a case: kind, template version, who, when, the PDF's SHA-256.

    Example: `suraksha documents list --case KL-ERN-2026-0001`
    """
    with transaction(engine()) as session:
        views = list_documents(session, cli_actor(), case)
    if output is ListFormat.JSON:
        typer.echo(json.dumps([v.as_dict() for v in views], indent=2))
        return
    if not views:
        console.print("No document made yet: `suraksha documents make KIND --case …`.")
        return
    table = Table("id", "kind", "version", "made by", "made at", "file", "SHA-256")
    for v in views:
        table.add_row(
            str(v.id),
            v.kind,
            str(v.template_version),
            escape(v.made_by),
            ist_text(v.made_at),
            escape(v.file_name),
            v.sha256,
        )
    console.print(table)
