"""`suraksha resolve`, `suraksha subjects` and `suraksha subject`: from accounts to subjects."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum

import typer
from rich.table import Table

from suraksha.cli.console import console, engine, progress
from suraksha.identity.linker import resolve
from suraksha.intel.assessment import assess_all
from suraksha.intel.briefing import SubjectBrief, subject_briefs, subject_dossier
from suraksha.storage.session import reading, transaction


class OutputFormat(StrEnum):
    """How `subjects` prints."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"


def register(app: typer.Typer) -> None:
    """Add the identity and intel commands to the application."""
    app.command("resolve")(resolve_command)
    app.command("subjects")(subjects_command)
    app.command("subject")(subject_command)


def resolve_command() -> None:
    """Link reported accounts into subjects on strong identifiers (e-mail, phone, platform user
    id, device id), then score each subject's priority and route it to a district. Every link,
    factor and routing decision keeps its evidence.

    Example: `suraksha resolve`
    """
    db = engine()
    with progress() as bar, transaction(db) as session:
        step = bar.add_task("Linking accounts", total=3)
        result = resolve(session, on_step=lambda _name: bar.advance(step))
        task = bar.add_task("Assessing subjects", total=result.subjects)
        assessed = assess_all(session, on_subject=lambda: bar.advance(task))
    console.print(
        f"{result.accounts:,} reported accounts → {result.subjects:,} subjects "
        f"({result.linked_accounts:,} accounts joined by {result.links:,} links; "
        f"{result.kept_ids:,} subject ids kept, {result.new_ids:,} new). "
        f"{assessed.routed:,} subjects routed to a district."
    )
    for kind, value, holders in result.too_common:
        console.print(f"[yellow]not used to link[/] {kind} {value}: held by {holders} accounts")


def subjects_command(
    district: str | None = typer.Option(
        None, "--district", help="Only subjects routed to this district."
    ),
    limit: int | None = typer.Option(None, "--limit", min=1, help="At most this many subjects."),
    output: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", help="Output format."),
) -> None:
    """List subjects by priority, highest first, with their district and top factors.
    `--format jsonl` prints one JSON object per subject (subject_id, report_ids, priority,
    factors, state, district, identifiers).

    Example: `suraksha subjects --district ERNAKULAM --limit 20 --format jsonl`
    """
    with reading(engine()) as session:
        briefs = subject_briefs(session, district=district, limit=limit)
    if output is OutputFormat.JSONL:
        for brief in briefs:
            typer.echo(json.dumps(brief.as_dict(), ensure_ascii=False, sort_keys=True))
    elif output is OutputFormat.JSON:
        typer.echo(json.dumps([b.as_dict() for b in briefs], ensure_ascii=False, indent=2))
    elif output is OutputFormat.CSV:
        typer.echo(_csv(briefs), nl=False)
    else:
        console.print(_table(briefs))


def subject_command(
    subject_id: str = typer.Argument(..., help="A subject id from `suraksha subjects`."),
) -> None:
    """Show one subject: priority and its factors, routing and why, identifiers, accounts by
    report, the links that joined them, and bank matches of the reported files.

    Example: `suraksha subject subject-0a1b2c3d4e5f60718293`
    """
    with reading(engine()) as session:
        dossier = subject_dossier(session, subject_id)
    brief = dossier.brief
    console.rule(f"[bold]{brief.subject_id}[/]  priority {brief.priority:g}")
    console.print(
        f"Routing: {brief.district or '-'}, {brief.state or '-'} "
        f"(confidence {brief.routing_confidence:.2f}) — {brief.routing_reason}"
    )
    factors = Table("factor", "value", "points", "source", "why", title="Priority factors")
    for factor in brief.factors:
        factors.add_row(
            factor["factor"],
            str(factor["value"]),
            f"{factor['weight']:g}",
            ", ".join(factor["source"][:4]) + ("…" if len(factor["source"]) > 4 else ""),
            factor["note"],
        )
    console.print(factors)
    accounts = Table("report", "service", "identifiers", title="Accounts")
    for view in dossier.accounts:
        accounts.add_row(
            view.report_id,
            view.service or "-",
            "; ".join(f"{kind}: {raw}" for kind, raw, _ in view.identifiers),
        )
    console.print(accounts)
    links = Table("rule", "value", "accounts (reports)", title="Why these accounts are one subject")
    for link in dossier.links:
        reports = sorted({item["report_id"] for item in link.evidence.get("identifiers", [])})
        links.add_row(link.rule, link.value, ", ".join(reports))
    console.print(links if dossier.links else "A single account: nothing links it to others yet.")
    matched = sum(1 for views in dossier.matches.values() if views)
    files = sum(len(tip.files) for tip in dossier.tips)
    console.print(f"Files: {files} named in {len(dossier.tips)} report(s), {matched} match a bank.")


def print_ranked(briefs: list[SubjectBrief]) -> None:
    """Print subjects as numbered two-line entries: whole ids at any terminal width, then why."""
    for rank, brief in enumerate(briefs, 1):
        place = ", ".join(p for p in (brief.district, brief.state) if p) or "no district yet"
        console.print(
            f"{rank:>3}  [bold]{brief.subject_id}[/]  priority {brief.priority:g}  {place}  "
            f"{len(brief.report_ids)} report(s)",
            soft_wrap=True,
        )
        top = sorted(brief.factors, key=lambda f: -f["weight"])[:4]
        console.print("     " + " · ".join(f"{f['factor']} {f['value']}" for f in top), style="dim")


def _table(briefs: list[SubjectBrief]) -> Table:
    table = Table("subject", "priority", "district, state", "reports", "first factor")
    # Ids are copied into `suraksha subject ID`: never cut them.
    table.columns[0].no_wrap = True
    table.columns[0].min_width = max((len(b.subject_id) for b in briefs), default=7)
    for brief in briefs:
        top = sorted(brief.factors, key=lambda f: -f["weight"])[:1]
        table.add_row(
            brief.subject_id,
            f"{brief.priority:g}",
            ", ".join(p for p in (brief.district, brief.state) if p) or "-",
            str(len(brief.report_ids)),
            top[0]["factor"] if top else "-",
        )
    return table


def _csv(briefs: list[SubjectBrief]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["subject_id", "priority", "state", "district", "report_ids", "factors", "identifiers"]
    )
    for brief in briefs:
        writer.writerow(
            [
                brief.subject_id,
                brief.priority,
                brief.state or "",
                brief.district or "",
                " ".join(brief.report_ids),
                " ".join(f["factor"] for f in brief.factors),
                _defuse(" ".join(v for values in brief.identifiers.values() for v in values)),
            ]
        )
    return buffer.getvalue()


def _defuse(cell: str) -> str:
    """Neutralise spreadsheet formula injection: a cell that starts like a formula gets a quote."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
