"""`suraksha resolve`, `suraksha subjects` and `suraksha subject`: from accounts to subjects."""

from __future__ import annotations

import csv
import getpass
import io
import json
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from suraksha.cli.console import cli_actor, console, engine, progress, settings
from suraksha.errors import UserInputError
from suraksha.identity.ips import NO_POOLS, CarrierPools
from suraksha.identity.judgements import (
    Decision,
    JudgementView,
    judgements_touching,
    pair_history,
    record_judgement,
)
from suraksha.identity.linker import READ_APART_FROM, ResolveResult, resolve
from suraksha.identity.subjects import LinkView, refused_links_of, subjects_of_accounts
from suraksha.intel.assessment import assess_configured
from suraksha.intel.briefing import SubjectBrief, subject_briefs, subject_dossier
from suraksha.intel.networks.grouping import STEPS as GROUPING_STEPS
from suraksha.intel.networks.grouping import group_configured
from suraksha.intel.networks.views import groups_of_subject
from suraksha.intel.worklist import record_export, record_profile_read
from suraksha.spreadsheets import defuse
from suraksha.storage.session import reading, transaction

CARRIER_POOLS_FILE = "carrier-pools.toml"


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
    app.command("judge")(judge_command)


def resolve_command(
    full: bool = typer.Option(
        False,
        "--full",
        help="Recompute every subject, not only those new tips or judgements touch.",
    ),
    carrier_pools: Path | None = typer.Option(
        None,
        "--carrier-pools",
        help='TOML file of mobile carrier-grade NAT pools ([pools] operator = ["CIDR", ...]); '
        f"default: {CARRIER_POOLS_FILE} in the workspace, when present.",
    ),
    probabilistic: bool = typer.Option(
        True,
        "--probabilistic/--no-probabilistic",
        help="Also link on weak evidence (names, dates of birth, handles, places) scored by the "
        "probabilistic model, after every deterministic rule; --no-probabilistic turns it off.",
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        min=0,
        max=1,
        help="1: a full run reads strong identifiers and scores weak evidence in worker processes "
        "while this one links IP captures (same subjects, a shorter run on two cores or more); "
        f"0: all in this process. Default: 1 from {READ_APART_FROM:,} accounts on two cores or "
        "more, else 0.",
    ),
) -> None:
    """Link reported accounts into subjects on strong identifiers (e-mail, phone, platform user
    id, device id) and on IP captures that name one line at one second (a shared CGNAT or carrier
    pool address only with the same source port), then on weak evidence that a probabilistic
    model scores high (unless --no-probabilistic), obeying analysts' judgements; then score each
    subject's priority and route it to a district; the offender network's groups are found again
    in between (docs/networks.md). Every link, refusal, factor and routing decision
    keeps its evidence. Incremental: only accounts that new tips or judgements can affect are
    recomputed, with the same result as `--full`. See docs/identity.md.

    Example: `suraksha resolve --carrier-pools carrier-pools.toml`
    """
    pools = _carrier_pools(carrier_pools)
    db = engine()
    with progress() as bar, transaction(db) as session:
        step = bar.add_task("Linking accounts", total=4 if probabilistic else 3)
        result = resolve(
            session,
            pools=pools,
            full=full,
            probabilistic=probabilistic,
            on_step=lambda _name: bar.advance(step),
            workers=workers,
        )
        grouping = bar.add_task("Grouping the network", total=len(GROUPING_STEPS))
        grouped = group_configured(session, settings(), on_step=lambda _s: bar.advance(grouping))
        task = bar.add_task("Assessing subjects", total=result.subjects)
        assessed = assess_configured(session, settings(), on_subject=lambda: bar.advance(task))
    console.print(
        f"{result.accounts:,} reported accounts → {result.subjects:,} subjects "
        f"({result.linked_accounts:,} accounts joined by {result.links:,} links; "
        f"{result.kept_ids:,} subject ids kept, {result.new_ids:,} new). "
        f"{grouped.groups:,} groups of {grouped.members:,} members. "
        f"{assessed.routed:,} subjects routed to a district."
    )
    _print_run(result)


def _carrier_pools(path: Path | None) -> CarrierPools:
    """The pools given, else the workspace's file when present, else none."""
    if path is not None:
        if not path.is_file():
            raise UserInputError(f"No carrier pools file at {path}.")
        return CarrierPools.load(path)
    default = settings().home / CARRIER_POOLS_FILE
    return CarrierPools.load(default) if default.is_file() else NO_POOLS


def _print_run(result: ResolveResult) -> None:
    if result.mode == "incremental":
        console.print(
            f"Incremental: {result.recomputed:,} accounts recomputed, "
            f"{result.ip_captures:,} IP captures read, "
            f"{result.weak_scored:,} accounts scored for weak evidence."
        )
    else:
        console.print(f"Full resolution ({result.full_reason}).")
    for failed in result.apart_failed:
        console.print(f"[yellow]read again in this process[/]: {escape(failed)}")
    for kind, value, holders in result.too_common:
        console.print(
            f"[yellow]not used to link[/] {kind} {escape(value)}: held by {holders} accounts"
        )
    for line, accounts in result.busy_lines:
        console.print(
            f"[yellow]treated as shared[/] {line}: used by {accounts} accounts, so it links only "
            "with the same source port"
        )
    for link in result.blocked:
        console.print(
            f"[yellow]refused[/] {link.rule} {escape(link.value)} between {link.account_a} and "
            f"{link.account_b}: blocked by judgement {link.judgement}"
        )
    for refusal in result.shared_lines:
        console.print(
            f"[yellow]refused[/] {refusal.rule} {escape(refusal.value)} between "
            f"{refusal.account_a} and {refusal.account_b}: {escape(refusal.reason)}"
        )
    for left, right in result.weak_refused:
        console.print(
            f"[yellow]refused[/] probabilistic link between {left} and {right}: their strong "
            "identifiers (e-mail, phone, device) say two people"
        )
    for same, different in result.conflicts:
        console.print(
            f"[red]conflict[/] judgement {same} (same) cannot join what judgement {different} "
            "(different) keeps apart; `different` wins. Judge one of the pairs again to settle it."
        )


def judge_command(
    first: str = typer.Argument(..., metavar="A", help="An account id or a subject id."),
    second: str = typer.Argument(..., metavar="B", help="An account id or a subject id."),
    decision: Decision = typer.Argument(..., metavar="DECISION", help="same, different or unsure."),
    reason: str = typer.Option(..., "--reason", help="Why: what you compared and found."),
    analyst: str | None = typer.Option(
        None, "--analyst", help="Who decides (default: your login name)."
    ),
) -> None:
    """Record an analyst's judgement that A and B are the same person, different persons, or
    unsure. A and B are account ids (listed by `suraksha subject ID`) or subject ids; a subject
    stands for all of its accounts as they are now, and accounts are what is stored, because they
    never change id. `same` joins them and `different` keeps them apart on every later `resolve`,
    whatever the identifiers say; `unsure` changes nothing. A later judgement on the same pair
    supersedes the earlier one, which stays in the history. Takes effect at the next `resolve`.

    Example: `suraksha judge subject-0a1b2c3d4e5f60718293 account-9f8e7d6c5b4a39281706 different --reason "same family phone; different names and districts"`
    """
    who = analyst if analyst is not None else _login_name()
    with transaction(engine()) as session:
        judgement = record_judgement(session, first, second, decision, reason=reason, analyst=who)
        history = pair_history(session, judgement)
    console.print(f"Recorded {judgement.describe()}: {escape(judgement.reason)}")
    earlier = [j for j in history if j.id != judgement.id]
    if earlier:
        console.print(f"It supersedes judgement {earlier[-1].id} ({earlier[-1].decision.value}).")
    console.print("It takes effect at the next `suraksha resolve`.")


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError) as err:
        raise UserInputError("Cannot tell who you are: pass --analyst NAME.") from err


def subjects_command(
    district: str | None = typer.Option(
        None, "--district", help="Only subjects routed to this district."
    ),
    min_priority: float | None = typer.Option(
        None, "--min-priority", help="Only subjects with at least this priority score."
    ),
    due_within: int | None = typer.Option(
        None,
        "--due-within",
        min=0,
        help="Only subjects with a freshness deadline (preservation, logs, device wipe) "
        "within this many days.",
    ),
    limit: int | None = typer.Option(None, "--limit", min=1, help="At most this many subjects."),
    output: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", help="Output format."),
) -> None:
    """List subjects by priority, highest first, with their district and top factors.
    `--format jsonl` prints one JSON object per subject (subject_id, report_ids, priority,
    factors, state, district, police_station, routing_confidence, routing_status,
    routing_reason, identifiers, accounts, weights).

    Example: `suraksha subjects --district ERNAKULAM --limit 20 --format jsonl`

    Example: `suraksha subjects --min-priority 100 --due-within 30` (evidence about to be lost)
    """
    due_by = date.today() + timedelta(days=due_within) if due_within is not None else None
    exporting = output is not OutputFormat.TABLE  # a file that can leave the application
    with transaction(engine()) if exporting else reading(engine()) as session:
        briefs = subject_briefs(
            session, district=district, min_priority=min_priority, due_by=due_by, limit=limit
        )
        if exporting:
            filters = {"district": district, "min_priority": min_priority}
            filters |= {"due_within": due_within, "limit": limit}
            record_export(session, cli_actor(), f"subjects.{output.value}", len(briefs), filters)
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
    """Show one subject: priority and its factors, routing and why, identifiers, accounts (with
    the account ids `suraksha judge` takes) by report, the links that joined them with their rule
    and the identifiers behind each, links an analyst's judgement refused, every judgement
    touching its accounts (current or superseded), and bank matches of the reported files.

    Example: `suraksha subject subject-0a1b2c3d4e5f60718293`
    """
    with transaction(engine()) as session:  # writing: the read is audited
        dossier = subject_dossier(session, subject_id)
        record_profile_read(session, cli_actor(), dossier, channel="cli")
        account_ids = [view.account_id for view in dossier.accounts]
        refused = refused_links_of(session, account_ids)
        judged = judgements_touching(session, account_ids)
        groups = groups_of_subject(session, subject_id)
        elsewhere = subjects_of_accounts(
            session, [x for link in refused for x in (link.account_a, link.account_b)]
        )
    brief = dossier.brief
    console.rule(f"[bold]{brief.subject_id}[/]  priority {brief.priority:g}")
    station = f"{brief.police_station} police station, " if brief.police_station else ""
    console.print(
        f"Routing ({brief.routing_status}): {station}{brief.district or '-'}, "
        f"{brief.state or '-'} (confidence {brief.routing_confidence:.2f}) — "
        f"{brief.routing_reason}"
    )
    if len(dossier.candidates) > 1 or brief.routing_status == "conflict":
        console.print(_candidates_table(dossier.candidates))
    factors = Table(
        "factor",
        "value",
        "points",
        "deadline",
        "source",
        "why",
        title=f"Priority factors (weights: {brief.weights or 'packaged'})",
    )
    for factor in brief.factors:
        factors.add_row(
            factor["factor"],
            str(factor["value"]),
            f"{factor['weight']:g}",
            str(factor.get("deadline") or ""),
            ", ".join(factor["source"][:4]) + ("…" if len(factor["source"]) > 4 else ""),
            factor["note"],
        )
    console.print(factors)
    if any(factor["factor"] == "officer_override" for factor in brief.factors):
        console.print(f"  Overrides, with who and why: `suraksha priority history {subject_id}`")
    accounts = Table("account", "report", "service", "identifiers", title="Accounts")
    accounts.columns[0].no_wrap = True  # copied into `suraksha judge`
    for view in dossier.accounts:
        accounts.add_row(
            view.account_id,
            view.report_id,
            view.service or "-",
            "; ".join(f"{kind}: {raw}" for kind, raw, _ in view.identifiers),
        )
    console.print(accounts)
    links = Table(
        "rule",
        "value",
        "identifiers as reported (report)",
        title="Why these accounts are one subject",
    )
    for link in dossier.links:
        links.add_row(link.rule, escape(link.value), _evidence(link))
    console.print(links if dossier.links else "A single account: nothing links it to others yet.")
    if refused:
        cut = Table("rule", "value", "other account (subject)", "refused by", title="Links refused")
        mine = set(account_ids)
        for link in refused:
            other = link.account_b if link.account_a in mine else link.account_a
            cut.add_row(
                link.rule,
                escape(link.value),
                f"{other} ({elsewhere.get(other, '-')})",
                escape(link.refused_by),
            )
        console.print(cut)
    if judged:
        console.print(_judgement_table(judged))
    matched = sum(1 for views in dossier.matches.values() if views)
    files = sum(len(tip.files) for tip in dossier.tips)
    console.print(f"Files: {files} named in {len(dossier.tips)} report(s), {matched} match a bank.")
    for group_id, roles, producing in groups:
        parts = [str(role["role"]).replace("_", " ") for role in roles]
        what = f" as {', '.join(parts)}" if parts else ""
        new = "; its members bring in never-seen material" if producing else ""
        console.print(
            f"Network: member of group {group_id}{what}{new} (`suraksha group {group_id}`)."
        )


def _evidence(link: LinkView) -> str:
    """The identifiers behind a link as reported, with their reports; an analyst's name and reason."""
    if "judgement" in link.evidence:
        return (
            f"{link.evidence.get('analyst', '?')}: {escape(str(link.evidence.get('reason', '')))}"
        )
    items = link.evidence.get("identifiers", [])
    return escape("; ".join(f"{item['raw']} ({item['report_id']})" for item in items))


def _candidates_table(candidates: list[dict[str, Any]]) -> Table:
    """Every place routing evidence points to, so that a conflict is seen, never hidden."""
    table = Table(
        "place", "fits decision", "support", "confidence", "evidence", title="Routing candidates"
    )
    for candidate in candidates:
        place = ", ".join(
            part
            for part in (
                candidate.get("police_station"),
                candidate.get("district"),
                candidate.get("state"),
            )
            if part
        )
        evidence = "; ".join(
            f"{item['source']} {item['value']} ({item['report_id']})"
            for item in candidate.get("evidence", [])[:4]
        )
        table.add_row(
            place,
            "yes" if candidate.get("agrees") else "no",
            f"{candidate.get('support', 0):.2f}",
            f"{candidate.get('confidence', 0):.2f}",
            evidence,
        )
    return table


def _judgement_table(judged: list[JudgementView]) -> Table:
    table = Table(
        "judgement", "A", "decision", "B", "analyst, when", "reason", "status", title="Judgements"
    )
    for item in judged:
        table.add_row(
            str(item.id),
            item.given_a,
            item.decision.value,
            item.given_b,
            f"{item.analyst}, {item.created_at:%Y-%m-%d %H:%M} UTC",
            escape(item.reason),
            "current" if item.current else f"superseded by {item.superseded_by}",
        )
    return table


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
                defuse(" ".join(v for values in brief.identifiers.values() for v in values)),
            ]
        )
    return buffer.getvalue()
