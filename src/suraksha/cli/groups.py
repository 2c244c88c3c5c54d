"""`suraksha groups`, `suraksha group` and `suraksha membership`: the offender networks."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from suraksha.cli.console import cli_actor, console, engine, progress, settings
from suraksha.errors import UserInputError
from suraksha.intel.networks.exports import ExportFormat, export_groups
from suraksha.intel.networks.grouping import STEPS, GroupingResult, group_configured
from suraksha.intel.networks.memberships import judge_membership, parse_membership
from suraksha.intel.networks.referral import referral_packet, write_referral
from suraksha.intel.networks.views import GroupFilters, GroupView, list_groups, read_group
from suraksha.storage.session import reading, transaction


class GroupFormat(StrEnum):
    """How `groups` prints."""

    TABLE = "table"
    JSONL = "jsonl"
    JSON = "json"


def register(app: typer.Typer) -> None:
    """Add the network commands to the application."""
    app.command("groups")(groups_command)
    app.command("group")(group_command)
    app.command("membership")(membership_command)


def groups_command(
    refresh: bool = typer.Option(
        False,
        "--refresh",
        help="Find the groups again from the whole workspace first (`suraksha resolve` does this "
        "too), applying analysts' membership judgements.",
    ),
    district: str | None = typer.Option(
        None, "--district", help="Only groups with a member routed to this district."
    ),
    role: str | None = typer.Option(
        None,
        "--role",
        help="Only groups with a member in this role: distributor, bridge, possible_producer.",
    ),
    kind: str | None = typer.Option(
        None,
        "--kind",
        help="Only groups held together by this evidence: platform_group, file, device, "
        "connection, contact.",
    ),
    inactive: bool = typer.Option(
        False, "--inactive", help="Also list groups the last run no longer found."
    ),
    output: GroupFormat = typer.Option(GroupFormat.TABLE, "--format", help="Output format."),
    export: ExportFormat | None = typer.Option(
        None,
        "--export",
        help="Write the listed groups for other tools instead: graphml (Gephi, yEd), csv (a folder "
        "with nodes.csv and edges.csv; i2 imports), maltego (a table for Maltego's import "
        "wizard). Needs --out. Audited.",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Where --export writes: a file (graphml, maltego) or a folder (csv)."
    ),
) -> None:
    """List the groups of the offender network, largest first: subjects joined by a platform
    group, rare files held in common, a shared device or connection, or one sending to another's
    account, found as communities of that network (see docs/networks.md). `--format jsonl`
    prints one object per group: group_id, subject_ids, report_ids, size, reasons, roles (role →
    subject ids), edge_kinds, platform_groups, abroad, hidden_members, active.

    Example: `suraksha groups --refresh --role possible_producer`

    Example: `suraksha groups --format jsonl > groups.jsonl`

    Example: `suraksha groups --role possible_producer --export graphml --out producers.graphml`
    """
    if export is not None and out is None:
        raise UserInputError("--export needs --out: the file (or, for csv, the folder) to write")
    if refresh:
        result = _refresh()
        console.print(_result_line(result))
    exporting = output is not GroupFormat.TABLE
    filters = GroupFilters(district=district, role=role, kind=kind, include_inactive=inactive)
    if export is not None and out is not None:
        with transaction(engine()) as session:
            ids = [g.group_id for g in list_groups(session, cli_actor(), filters)]
            if not ids:
                raise UserInputError("no group matches: nothing to export")
            written = export_groups(session, cli_actor(), ids, export, out)
        console.print(
            f"Wrote {len(written.groups):,} groups ({written.nodes:,} subjects, "
            f"{written.edges:,} edges) as {written.format.value}: "
            + ", ".join(str(p) for p in written.paths)
        )
        return
    with transaction(engine()) if exporting else reading(engine()) as session:
        groups = list_groups(session, cli_actor(), filters)
        if exporting:
            from suraksha.security import audit

            audit.record(
                session,
                cli_actor(),
                "group.export",
                "group",
                "*",
                {"format": output.value, "groups": len(groups), "filters": _filters(filters)},
            )
    if output is GroupFormat.JSONL:
        for group in groups:
            typer.echo(json.dumps(group.as_record(), ensure_ascii=False, sort_keys=True))
    elif output is GroupFormat.JSON:
        records = [g.as_record() for g in groups]
        typer.echo(json.dumps(records, ensure_ascii=False, indent=2, sort_keys=True))
    else:
        console.print(_table(groups))
        if not groups:
            console.print("No groups. Run `suraksha resolve` (or `suraksha groups --refresh`).")


def group_command(
    group_id: str = typer.Argument(..., help="A group id from `suraksha groups` (NG-…)."),
    referral: Path | None = typer.Option(
        None,
        "--referral",
        help="Also write the Interpol / foreign-agency referral packet (JSON and PDF) of the "
        "group's members placed abroad into this folder: identifiers, report numbers, file "
        "digests; never media, victims or names. Audited.",
    ),
) -> None:
    """Show one group: why it holds together, each member with its roles and the measures behind
    them, readings that place members abroad, the edges with every piece of evidence (artefact,
    how many subjects hold it, the reports on each side), and analysts' judgements. The read is
    audited.

    Example: `suraksha group NG-96E4B957D1`

    Example: `suraksha group NG-96E4B957D1 --referral referrals/`
    """
    with transaction(engine()) as session:  # writing: the read is audited
        view = read_group(session, cli_actor(), group_id, channel="cli")
        packet = referral_packet(session, cli_actor(), group_id) if referral else None
    if packet is not None and referral is not None:
        files = write_referral(packet, referral)
        console.print(f"Referral packet: {files.json} and {files.pdf}")
    state = "" if view.active else " [yellow](inactive: the last run did not find it)[/]"
    console.rule(f"[bold]{view.group_id}[/]  {view.size} members{state}")
    for reason in view.reasons:
        console.print(f"  {escape(reason)}")
    for label in view.summary.get("platform_groups", []):
        console.print(f"  platform group: {escape(str(label))}")
    members = Table("subject", "district", "priority", "roles", "measures", "abroad")
    for member in view.members:
        members.add_row(
            member.subject_id + (f" ({member.source})" if member.source != "found" else ""),
            member.district or "-",
            f"{member.priority:g}" if member.priority is not None else "-",
            "\n".join(f"{r['role']}: {r['why']}" for r in member.roles) or "-",
            ", ".join(f"{k} {v}" for k, v in member.measures.items() if k != "outside" and v),
            "\n".join(
                f"{a['country']} ({a['kind']}: {a['value']}, report {a['report']})"
                for a in member.abroad
            )
            or "-",
        )
    console.print(members)
    edges = Table("between", "score", "evidence")
    for edge in view.edges:
        edges.add_row(
            f"{edge.subject_a}\n{edge.subject_b}",
            f"{edge.weight:.2f}",
            "\n".join(
                f"{e['kind']}: {escape(str(e['artefact']))} (held by {e['holders']}; reports "
                f"{', '.join(e['reports_a'])} / {', '.join(e['reports_b'])})"
                for e in edge.evidence
            ),
        )
    console.print(edges)
    for judged in view.judgements:
        console.print(
            f"judgement {judged.id}: {judged.subject_id} {judged.decision.value} by "
            f"{escape(judged.analyst)} on {judged.created_at:%Y-%m-%d} — {escape(judged.reason)}"
        )


def membership_command(
    group_id: str = typer.Argument(..., help="A group id (NG-…)."),
    subject_id: str = typer.Argument(..., help="A subject id."),
    decision: str = typer.Argument(..., help="member or not-member."),
    reason: str = typer.Option(..., "--reason", help="Why (kept with the judgement)."),
) -> None:
    """Record that a subject is, or is not, a member of a group. Judgements outrank the
    algorithm on every later run and are never deleted; a later one on the same pair supersedes
    it. Regroups at once so the decision shows.

    Example: `suraksha membership NG-96E4B957D1 subject-0a1b2c3d4e5f60718293 not-member
    --reason "a customer of the shop, not a trader"`
    """
    chosen = parse_membership(decision)
    with transaction(engine()) as session:
        judged = judge_membership(session, cli_actor(), group_id, subject_id, chosen, reason)
    console.print(
        f"Recorded judgement {judged.id}: {subject_id} {chosen.value.replace('_', ' ')} of "
        f"{group_id}."
    )
    console.print(_result_line(_refresh()))


def _refresh() -> GroupingResult:
    with progress() as bar, transaction(engine()) as session:
        task = bar.add_task("Grouping the network", total=len(STEPS))
        return group_configured(session, settings(), on_step=lambda _s: bar.advance(task))


def _result_line(result: GroupingResult) -> str:
    line = (
        f"{result.groups:,} groups of {result.members:,} members from {result.edges:,} edges "
        f"({result.kept_ids:,} ids kept, {result.new_ids:,} new, {result.retired:,} retired)."
    )
    if result.too_common:
        line += f" {len(result.too_common):,} artefacts set aside as too common to join anyone."
    return line


def _table(groups: list[GroupView]) -> Table:
    table = Table("group", "members", "why", "roles", "abroad")
    for group in groups:
        hidden = f" (+{group.hidden_members} out of reach)" if group.hidden_members else ""
        table.add_row(
            group.group_id,
            f"{len(group.members)}{hidden}",
            "\n".join(escape(r) for r in group.reasons[:3]),
            "\n".join(f"{role}: {len(ids)}" for role, ids in group.roles.items()) or "-",
            str(sum(1 for m in group.members if m.abroad)) or "-",
        )
    return table


def _filters(filters: GroupFilters) -> dict[str, object]:
    return {
        "district": filters.district,
        "role": filters.role,
        "kind": filters.kind,
        "inactive": filters.include_inactive,
    }
