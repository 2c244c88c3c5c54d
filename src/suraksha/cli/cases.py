"""`suraksha case …`, `suraksha deadlines` and `suraksha evidence …`: cases, their statutory
clocks, and the evidence register with its chain of custody.

The command line is the trusted channel (docs/security.md): whoever runs it already holds the
database, so it is not limited by role or jurisdiction, and every read and change is audited as
made by `cli:<login name>`. Officers signed in to the web application act as themselves, within
their role and jurisdiction, through the same domain functions. Times given with `--at` are ISO
8601; without a zone they are read as IST. Everything is stored in UTC and shown in IST.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from suraksha.cases.casefile import list_cases, open_deadlines, read_case
from suraksha.cases.charges import add_charge, set_chargesheet_days, suggest
from suraksha.cases.deadlines import IST, EventKind, Status
from suraksha.cases.evidence import (
    CustodyKind,
    ItemKind,
    ItemView,
    add_item,
    evidence_of,
    link_scan,
    record_custody,
)
from suraksha.cases.law import ActCode, EvidenceKind
from suraksha.cases.workflow import (
    CaseSummary,
    advance,
    assign,
    open_case,
    outcome_named,
    parse_instant,
    record_event,
    stage_named,
    transfer,
)
from suraksha.cli.console import cli_actor, console, engine
from suraksha.errors import UserInputError
from suraksha.storage.session import transaction

case_app = typer.Typer(
    help="Cases: open one from subjects and tips, move it through its stages, record dated "
    "events and charges, show it with its deadlines and evidence. See docs/cases.md.",
    no_args_is_help=True,
)
evidence_app = typer.Typer(
    help="The evidence register: seized devices, seizure memos, custody steps with digests. "
    "See docs/cases.md.",
    no_args_is_help=True,
)


class ListFormat(StrEnum):
    """How lists print."""

    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"


STATUS_STYLE = {
    Status.MISSED: "bold red",
    Status.DUE_SOON: "yellow",
    Status.UPCOMING: "",
    Status.MET: "green",
}


def register(app: typer.Typer) -> None:
    """Add the `case` and `evidence` groups and the `deadlines` command to the application."""
    app.add_typer(case_app, name="case")
    app.add_typer(evidence_app, name="evidence")
    app.command("deadlines")(deadlines_command)


def _ist(moment: Any) -> str:
    return str(moment.astimezone(IST).strftime("%d %b %Y %H:%M IST"))


@case_app.command("open")
def open_command(
    district: str = typer.Option(..., "--district", help="District of the owning unit."),
    reason: str = typer.Option(..., "--reason", help="Why the case is opened."),
    subject: list[str] = typer.Option(
        [], "--subject", help="A subject id (`suraksha subjects`); repeat for several."
    ),
    tip: list[str] = typer.Option(
        [], "--tip", help="A tip's report number (its resolved subjects join); repeat for several."
    ),
    identifier: list[str] = typer.Option(
        [],
        "--identifier",
        help="KIND:VALUE the case also holds (phone:+919876543210, email:…, device_id:…, "
        "platform_user_id:SERVICE:ID); repeat for several.",
    ),
    state: str | None = typer.Option(
        None, "--state", help="State of the district (default: the subject's routed state)."
    ),
    unit: str | None = typer.Option(
        None, "--unit", help="Owning unit (default: the state and district code, KL-ERN)."
    ),
    officer: list[str] = typer.Option(
        [], "--officer", help="User name of an assigned officer; repeat for several."
    ),
    at: str | None = typer.Option(
        None,
        "--at",
        help="When the case was opened, ISO 8601 (no zone: IST); default now. Give it when "
        "entering an older case, so that its later stages can be dated.",
    ),
) -> None:
    """Open a case at stage `lead` on subjects, tips and identifiers, owned by a unit in a
    district. The reference is STATE-DISTRICT-YEAR-NUMBER (KL-ERN-2026-0001). The tips'
    earliest incident and receipt are recorded as the offence and report-received events. If
    another district's or unit's open case already holds one of the subjects, tips or
    identifiers, a warning names that unit and its case reference, and nothing more.

    Example: `suraksha case open --subject subject-0a1b2c3d4e5f60718293 --district Ernakulam --state Kerala --reason "NCMEC tips 184611873, 184719642: possession" --officer ravi.menon`
    """
    pairs: list[tuple[str, str]] = []
    for text in identifier:
        kind, sep, value = text.partition(":")
        if not sep or not value:
            raise UserInputError(f"--identifier {text!r}: write KIND:VALUE (phone:+919876543210).")
        pairs.append((kind.strip().lower(), value.strip()))
    with transaction(engine()) as session:
        opened = open_case(
            session,
            cli_actor(),
            district=district,
            state=state,
            reason=reason,
            subjects=subject,
            tips=tip,
            identifiers=pairs,
            unit=unit,
            officers=officer,
            at=parse_instant(at) if at else None,
        )
    summary = opened.summary
    console.print(
        f"Opened case [bold]{summary.case_id}[/] ({escape(summary.unit)}, {summary.district}, "
        f"{summary.state}) at stage lead."
    )
    for conflict in opened.conflicts:
        console.print(f"[bold yellow]Deconfliction:[/] {escape(conflict.describe())}.")


@case_app.command("advance")
def advance_command(
    ref: str = typer.Argument(..., help="Case reference or FIR number."),
    stage: str = typer.Argument(
        ...,
        help="lead, enquiry, fir, searches, device_examination, chargesheet, trial, verdict or "
        "closure.",
    ),
    reason: str = typer.Option(..., "--reason", help="Why (required, also when going back)."),
    at: str | None = typer.Option(
        None, "--at", help="When it happened, ISO 8601 (no zone: IST); default now."
    ),
    fir_number: str | None = typer.Option(
        None, "--fir-number", help="The FIR number, when moving to fir."
    ),
    outcome: str | None = typer.Option(
        None,
        "--outcome",
        help="The verdict's outcome, when moving to verdict (required then): convicted, "
        "acquitted or partly_convicted.",
    ),
    charge: list[str] = typer.Option(
        [],
        "--charge",
        help="A charge the verdict convicted on, as ACT:SECTION (POCSO:15(1)) or its id; repeat "
        "for several (required for convicted and partly_convicted).",
    ),
) -> None:
    """Move a case to another stage. Only the moves in docs/cases.md are allowed; going back
    (further investigation, a closure not accepted) needs a reason like any move and is marked.
    Moving to enquiry, fir, chargesheet, trial or verdict also records the dated event its
    deadlines run from. A move to verdict records its outcome (--outcome) and, for a
    conviction, the case's charges it convicted on (--charge).

    Example: `suraksha case advance KL-ERN-2026-0001 fir --fir-number 1234/2026 --at 2026-11-20T10:30 --reason "Prima facie case: FIR registered at Kalamassery PS"`

    Example: `suraksha case advance KL-ERN-2026-0001 verdict --outcome convicted --charge POCSO:15(1) --reason "Special Court judgment"`
    """
    when = parse_instant(at) if at else None
    verdict = outcome_named(outcome) if outcome is not None else None
    with transaction(engine()) as session:
        done = advance(
            session,
            cli_actor(),
            ref,
            stage_named(stage),
            reason=reason,
            at=when,
            fir_number=fir_number,
            outcome=verdict,
            charges=charge,
        )
    back = " (back)" if done.backwards else ""
    console.print(
        f"Case {escape(ref)}: {done.from_stage} → {done.to_stage}{back} on {_ist(done.at)}"
        f"{escape(_outcome_text(done.outcome, done.convicted))}."
    )


def _outcome_text(outcome: Any, convicted: tuple[str, ...]) -> str:
    """ ", acquitted" or ", convicted on POCSO s.15(1)" after a verdict; "" otherwise."""
    if outcome is None:
        return ""
    name = str(outcome.value).replace("_", " ")
    return f", {name}" + (f" on {', '.join(convicted)}" if convicted else "")


@case_app.command("chargesheet-period")
def chargesheet_period_command(
    ref: str = typer.Argument(..., help="Case reference or FIR number."),
    days: int = typer.Option(..., "--days", help="The charge-sheet period: 60 or 90 days."),
    reason: str = typer.Option(..., "--reason", help="Why (the prosecutor's reading)."),
) -> None:
    """Settle a case's charge-sheet period (default bail, BNSS s.187(3) / CrPC s.167(2)) at 60 or
    90 days: a prosecutor's decision when the charges do not settle it (a minimum term and no
    maximum, as POCSO s.14(1) since 2019). The deadline moves with it; the change is audited.

    Example: `suraksha case chargesheet-period KL-ERN-2026-0001 --days 90 --reason "APP: s.14(1) punishable with imprisonment up to life"`
    """
    with transaction(engine()) as session:
        set_chargesheet_days(session, cli_actor(), ref, days, reason=reason)
    console.print(f"Case {escape(ref)}: the charge-sheet period is {days} days.")


@case_app.command("event")
def event_command(
    ref: str = typer.Argument(..., help="Case reference or FIR number."),
    kind: EventKind = typer.Argument(..., help="The event (arrest, first_remand, …)."),
    at: str = typer.Option(..., "--at", help="When, ISO 8601 (no zone: IST)."),
    note: str = typer.Option("", "--note", help="A short note (never a victim's identity)."),
) -> None:
    """Record a dated event of a case: the statutory and evidence clocks run from these (first
    remand starts the charge-sheet clock of 60 or 90 days, arrest the 24 hours to production,
    and so on; docs/law.md). `offence` sets the offence date, which decides the law version.

    Example: `suraksha case event KL-ERN-2026-0001 first_remand --at 2026-11-21T16:00`
    """
    with transaction(engine()) as session:
        event = record_event(session, cli_actor(), ref, kind, at=parse_instant(at), note=note)
    console.print(f"Case {escape(ref)}: {event.kind.value} on {_ist(event.at)} recorded.")


@case_app.command("charge")
def charge_command(
    ref: str = typer.Argument(..., help="Case reference or FIR number."),
    suggest_: bool = typer.Option(
        False, "--suggest", help="Add the charges the law module suggests for --evidence."
    ),
    evidence: list[EvidenceKind] = typer.Option(
        [], "--evidence", help="What the evidence shows (with --suggest); repeat for several."
    ),
    add: str | None = typer.Option(
        None, "--add", help="ACT:SECTION to add by hand (pocso:15(1), it_act:67B(b), bns:294)."
    ),
    reason: str = typer.Option("", "--reason", help="Why (for --add)."),
) -> None:
    """Add charges: suggested from what the evidence shows (`--suggest --evidence possession`),
    or by hand (`--add ACT:SECTION`). The section's text in force on the case's offence date is
    chosen; warnings (for example, not to add IPC 292 / BNS 294 for electronic material) are
    kept with the charges and shown by `case show`. Suggestions, not decisions.

    Example: `suraksha case charge KL-ERN-2026-0001 --suggest --evidence possession --evidence distribution`

    Example: `suraksha case charge KL-ERN-2026-0001 --add it_act:67B(b) --reason "downloads found"`
    """
    if suggest_ == (add is not None):
        raise UserInputError("Give either --suggest (with --evidence) or --add ACT:SECTION.")
    with transaction(engine()) as session:
        if add is not None:
            act_text, sep, section = add.partition(":")
            try:
                act_code = ActCode(act_text.strip().lower())
            except ValueError as err:
                raise UserInputError(
                    f"--add {add!r}: write ACT:SECTION with ACT one of "
                    f"{', '.join(a.value for a in ActCode)}."
                ) from err
            if not sep or not section.strip():
                raise UserInputError(f"--add {add!r}: write ACT:SECTION (pocso:15(1)).")
            views = [add_charge(session, cli_actor(), ref, act_code, section, reason=reason)]
        else:
            views = suggest(session, cli_actor(), ref, evidence)
    if not views:
        console.print("No charge added (already charged, or nothing fits: see `case show`).")
    for view in views:
        console.print(f"Charged {view.label} ({view.version} text): {escape(view.reason)}")
        for warning in view.warnings:
            console.print(f"  [yellow]warning:[/] {escape(str(warning['message']))}")


@case_app.command("assign")
def assign_command(
    ref: str = typer.Argument(..., help="Case reference or FIR number."),
    officer: str = typer.Argument(..., help="The officer's user name."),
) -> None:
    """Assign an officer to a case: an investigating officer or prosecutor sees only the cases
    assigned to them.

    Example: `suraksha case assign KL-ERN-2026-0001 ravi.menon`
    """
    with transaction(engine()) as session:
        assign(session, cli_actor(), ref, officer)
    console.print(f"{escape(officer)} assigned to case {escape(ref)}.")


@case_app.command("transfer")
def transfer_command(
    ref: str = typer.Argument(..., help="Case reference or FIR number."),
    district: str = typer.Option(..., "--district", help="The receiving district."),
    state: str = typer.Option(..., "--state", help="Its state."),
    reason: str = typer.Option(..., "--reason", help="Why the case moves."),
    unit: str | None = typer.Option(None, "--unit", help="The receiving unit."),
) -> None:
    """Transfer a case to another district or unit; where it was stays in its history.

    Example: `suraksha case transfer KL-ERN-2026-0001 --state Kerala --district Thrissur --reason "Subject lives in Thrissur"`
    """
    with transaction(engine()) as session:
        view = transfer(
            session, cli_actor(), ref, state=state, district=district, unit=unit, reason=reason
        )
    console.print(f"Case {escape(ref)} transferred: {view.from_place} → {view.to_place}.")


@case_app.command("show")
def show_command(ref: str = typer.Argument(..., help="Case reference or FIR number.")) -> None:
    """Show a case: stages with dates and reasons, events, charges with their warnings, the
    deadlines (statutory and evidence clocks), the evidence register with custody and digest
    alerts, and deconfliction notes. The read is audited.

    Example: `suraksha case show KL-ERN-2026-0001`
    """
    with transaction(engine()) as session:
        case = read_case(session, cli_actor(), ref)
        items = evidence_of(session, cli_actor(), ref)
    s = case.summary
    console.rule(
        f"[bold]{s.reference}[/]  {s.stage.value}  {escape(s.unit)}, {s.district}, {s.state}"
    )
    console.print(f"Opened {_ist(s.opened_at)} by {escape(case.opened_by)}: {escape(case.reason)}")
    console.print(f"Officers: {', '.join(s.officers) or 'none assigned'}")
    offence = f"{case.offence_date:%d %b %Y}" if case.offence_date else "not recorded"
    console.print(f"Offence date: {offence}. Law: {escape(case.law)}")
    for conflict in case.conflicts:
        console.print(f"[bold yellow]Deconfliction:[/] {escape(conflict.describe())}")
    stages = Table("when (IST)", "from", "to", "by", "reason", title="Stages")
    for t in case.transitions:
        to = f"{t.to_stage.value} (back)" if t.backwards else t.to_stage.value
        to += _outcome_text(t.outcome, t.convicted)
        stages.add_row(
            _ist(t.at),
            t.from_stage.value if t.from_stage else "-",
            escape(to),
            t.by,
            escape(t.reason),
        )
    console.print(stages)
    if case.events:
        events = Table("when (IST)", "event", "by", "note", title="Events")
        for e in case.events:
            events.add_row(_ist(e.at), e.kind.value, e.by, escape(e.note))
        console.print(events)
    if case.charges:
        charges = Table("charge", "text", "how", "why", title="Charges")
        for c in case.charges:
            charges.add_row(c.label, c.version, c.origin, escape(c.reason))
        console.print(charges)
        seen: set[str] = set()
        for c in case.charges:
            for w in c.warnings:
                if w["code"] not in seen:
                    seen.add(w["code"])
                    console.print(f"[yellow]Warning:[/] {escape(str(w['message']))}")
                    console.print(f"  why: {escape(str(w['reason']))}", style="dim")
    for moved in case.transfers:
        console.print(
            f"Transferred {_ist(moved.at)}: {escape(moved.from_place)} → "
            f"{escape(moved.to_place)} by {moved.by}: {escape(moved.reason)}"
        )
    console.print(_deadline_table([(s, d) for d in case.deadlines], with_case=False))
    for item in items:
        _print_item(item)
    if not items:
        console.print("Evidence: none registered (`suraksha evidence add`).")


@case_app.command("list")
def list_command(
    district: str | None = typer.Option(None, "--district", help="Only cases of this district."),
    stage: str | None = typer.Option(None, "--stage", help="Only cases at this stage."),
    output: ListFormat = typer.Option(ListFormat.TABLE, "--format", help="Output format."),
) -> None:
    """List cases, newest first: reference, FIR number, unit, district, stage, officers.

    Example: `suraksha case list --district Ernakulam --stage fir --format jsonl`
    """
    with transaction(engine()) as session:
        cases = list_cases(
            session, cli_actor(), district=district, stage=stage_named(stage) if stage else None
        )
    if output is ListFormat.JSONL:
        for case in cases:
            typer.echo(json.dumps(case.as_dict(), ensure_ascii=False, sort_keys=True))
        return
    if output is ListFormat.JSON:
        typer.echo(json.dumps([c.as_dict() for c in cases], ensure_ascii=False, indent=2))
        return
    table = Table("case", "FIR", "unit", "district, state", "stage", "officers", "opened (IST)")
    table.columns[0].no_wrap = True
    for case in cases:
        table.add_row(
            case.case_id,
            case.fir_number or "-",
            escape(case.unit),
            f"{case.district}, {case.state}",
            case.stage.value,
            ", ".join(case.officers) or "-",
            _ist(case.opened_at),
        )
    console.print(table if cases else "No cases.")


def deadlines_command(
    district: str | None = typer.Option(None, "--district", help="Only cases of this district."),
    within: int | None = typer.Option(
        None, "--within", min=0, help="Only deadlines due within this many days (missed included)."
    ),
    include_met: bool = typer.Option(False, "--met", help="Also list deadlines already met."),
    output: ListFormat = typer.Option(ListFormat.TABLE, "--format", help="Output format."),
) -> None:
    """List the deadlines of every open case, soonest first: statutory clocks (production within
    24 hours, charge sheet within 60 or 90 days of remand, POCSO's report within 24 hours, …)
    and evidence clocks. Missed ones are flagged. See docs/law.md for each rule.

    Example: `suraksha deadlines --district Ernakulam --within 14`
    """
    with transaction(engine()) as session:
        found = open_deadlines(
            session, cli_actor(), district=district, within_days=within, include_met=include_met
        )
    if output is ListFormat.JSONL:
        for item in found:
            typer.echo(json.dumps(item.as_dict(), ensure_ascii=False, sort_keys=True))
        return
    if output is ListFormat.JSON:
        typer.echo(json.dumps([i.as_dict() for i in found], ensure_ascii=False, indent=2))
        return
    if not found:
        console.print("No open deadlines.")
        return
    console.print(_deadline_table([(i.case, i.deadline) for i in found], with_case=True))


def _deadline_table(rows: list[tuple[CaseSummary, Any]], *, with_case: bool) -> Table:
    table = Table(
        *(["case"] if with_case else []),
        "due (IST)",
        "clock",
        "status",
        "days left",
        "why",
        title="Deadlines",
    )
    for column in table.columns[: 3 if with_case else 2]:
        column.no_wrap = True  # the case id, the due date and the clock's name are never cut
    for summary, d in rows:
        status = d.status.value.replace("_", " ") + ("" if d.settled else " (period unsettled)")
        style = STATUS_STYLE[d.status]
        cells = [
            _ist(d.due),
            d.clock.name,
            f"[{style}]{status.upper() if d.status is Status.MISSED else status}[/]"
            if style
            else status,
            str(d.days_left),
            escape(d.explanation),
        ]
        table.add_row(*([summary.case_id] if with_case else []), *cells)
    return table


# --- evidence ------------------------------------------------------------------------------------


@evidence_app.command("add")
def evidence_add_command(
    ref: str = typer.Argument(..., help="Case reference or FIR number."),
    label: str = typer.Argument(..., help="The exhibit's label in the seizure memo (MO-1)."),
    kind: ItemKind = typer.Option(ItemKind.PHONE, "--kind", help="What was seized."),
    seized_at: str = typer.Option(..., "--seized-at", help="When, ISO 8601 (no zone: IST)."),
    place: str = typer.Option(..., "--place", help="Where it was seized."),
    seized_by: str | None = typer.Option(None, "--by", help="Who seized it (default: you)."),
    make: str | None = typer.Option(None, "--make", help="Make (Samsung)."),
    model: str | None = typer.Option(None, "--model", help="Model (Galaxy M31)."),
    imei: list[str] = typer.Option([], "--imei", help="An IMEI (checked); repeat for two."),
    serial: str | None = typer.Option(None, "--serial", help="Serial number."),
    witness: list[str] = typer.Option([], "--witness", help="A memo witness's name; repeat."),
    seal: list[str] = typer.Option([], "--seal", help="A seal number; repeat."),
    video: str | None = typer.Option(
        None, "--video", help="Reference of the audio-video recording of the seizure (BNSS s.105)."
    ),
    digest: str | None = typer.Option(
        None, "--digest", help="Digest taken at seizure (hex SHA-256 preferred)."
    ),
    scan: int | None = typer.Option(
        None,
        "--scan",
        help="The triage scan of this exhibit (`suraksha scans list`), when it was scanned "
        "without its IMEI or serial (--device-id).",
    ),
) -> None:
    """Register a seized device with its seizure memo (time, place, witnesses, seals, the
    BNSS s.105 recording). Records the `seized` custody step and the case's device_seized event.
    Triage scans of the case given the same IMEI or serial (or named by --scan) appear in its
    custody as `examined` steps, their source digests compared with the seizure digest.

    Example: `suraksha evidence add KL-ERN-2026-0001 MO-1 --kind phone --seized-at 2026-11-22T11:15 --place "Residence, Kakkanad" --make Samsung --model "Galaxy M31" --imei 490154203237518 --witness "K. Suresh" --witness "P. Latha" --seal KL-ERN-S-101 --video VID-2026-11-22-01`
    """
    with transaction(engine()) as session:
        item = add_item(
            session,
            cli_actor(),
            ref,
            label=label,
            kind=kind,
            seized_at=parse_instant(seized_at),
            seized_place=place,
            seized_by=seized_by,
            make=make,
            model=model,
            imeis=imei,
            serial=serial,
            witnesses=witness,
            seal_numbers=seal,
            videography_ref=video,
            digest=digest,
            scan_id=scan,
        )
    console.print(f"Exhibit {escape(item.label)} registered in case {item.case_id}.")
    for found in item.scan_ids:
        console.print(f"  Examined by triage scan {found}.")
    for alert in item.alerts:
        console.print(f"  [bold red]ALERT:[/] {escape(alert)}")
    for warning in item.warnings:
        console.print(f"  [yellow]warning:[/] {escape(warning)}")


@evidence_app.command("custody")
def evidence_custody_command(
    ref: str = typer.Argument(..., help="Case reference or FIR number."),
    label: str = typer.Argument(..., help="The exhibit's label."),
    step: CustodyKind = typer.Argument(..., help="The custody step."),
    at: str = typer.Option(..., "--at", help="When, ISO 8601 (no zone: IST)."),
    by: str = typer.Option(..., "--by", help="Who handled the exhibit."),
    place: str = typer.Option(..., "--place", help="Where."),
    digest: str | None = typer.Option(
        None, "--digest", help="The image or device digest taken at this step (hex)."
    ),
    note: str = typer.Option("", "--note", help="A short note (lab docket, court exhibit no.)."),
) -> None:
    """Record a custody step of an exhibit (sealed, sent_to_lab, received_at_lab, examined,
    returned, produced_in_court) with who, when, where and the digest taken. A digest that
    differs from the first one recorded raises an alert, stored, shown and audited.

    Example: `suraksha evidence custody KL-ERN-2026-0001 MO-1 received_at_lab --at 2026-11-24T10:00 --by "Dr. A. Varghese, FSL" --place "FSL Thiruvananthapuram" --digest 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08`
    """
    with transaction(engine()) as session:
        done, alert = record_custody(
            session,
            cli_actor(),
            ref,
            label,
            step,
            at=parse_instant(at),
            handler=by,
            place=place,
            digest=digest,
            note=note,
        )
    console.print(f"Exhibit {escape(label)}: {done.kind.value} on {_ist(done.at)} recorded.")
    if alert:
        console.print(f"[bold red]ALERT:[/] {escape(alert)}")
        raise typer.Exit(2)


@evidence_app.command("link-scan")
def evidence_link_scan_command(
    ref: str = typer.Argument(..., help="Case reference or FIR number."),
    label: str = typer.Argument(..., help="The exhibit's label."),
    scan_id: int = typer.Argument(..., help="The triage scan id (`suraksha scans list`)."),
) -> None:
    """Name the triage scan of an exhibit's image, for a scan made without its IMEI or serial;
    the scan then appears in its custody as an `examined` step, its source digest compared with
    the exhibit's first digest.

    Example: `suraksha evidence link-scan KL-ERN-2026-0001 MO-1 3`
    """
    with transaction(engine()) as session:
        item = link_scan(session, cli_actor(), ref, label, scan_id)
    console.print(f"Exhibit {escape(item.label)} linked to scan {item.scan_id}.")
    for alert in item.alerts:
        console.print(f"[bold red]ALERT:[/] {escape(alert)}")


@evidence_app.command("show")
def evidence_show_command(
    ref: str = typer.Argument(..., help="Case reference or FIR number."),
    output: ListFormat = typer.Option(ListFormat.TABLE, "--format", help="Output format."),
) -> None:
    """Show a case's exhibits: seizure memo, custody steps with digests, alerts, warnings.

    Example: `suraksha evidence show KL-ERN-2026-0001 --format json`
    """
    with transaction(engine()) as session:
        items = evidence_of(session, cli_actor(), ref)
    if output is ListFormat.JSONL:
        for item in items:
            typer.echo(json.dumps(item.as_dict(), ensure_ascii=False, sort_keys=True))
        return
    if output is ListFormat.JSON:
        typer.echo(json.dumps([i.as_dict() for i in items], ensure_ascii=False, indent=2))
        return
    for item in items:
        _print_item(item)
    if not items:
        console.print("No exhibits registered.")


def _print_item(item: ItemView) -> None:
    what = " ".join(p for p in (item.make, item.model) if p) or "-"
    console.print(
        f"[bold]Exhibit {escape(item.label)}[/] ({item.kind.value}, {escape(what)}) "
        f"IMEI {', '.join(i.removeprefix('imei:') for i in item.imeis) or '-'}, "
        f"serial {escape(item.serial or '-')}"
    )
    seized = _ist(item.seized_at) if item.seized_at else "-"
    console.print(
        f"  Seized {seized} at {escape(item.seized_place or '-')}; witnesses: "
        f"{escape(', '.join(item.witnesses) or '-')}; seals: {escape(', '.join(item.seal_numbers) or '-')}; "
        f"recording (BNSS s.105): {escape(item.videography_ref or '-')}"
    )
    if item.scan_ids:
        console.print(f"  Triage scans: {', '.join(str(i) for i in item.scan_ids)}")
    table = Table("when (IST)", "step", "by", "where", "digest", "check")
    for step in item.steps:
        check = {None: "", True: "matches", False: "[bold red]MISMATCH[/]"}[step.digest_matches]
        table.add_row(
            _ist(step.at),
            step.kind.value,
            escape(step.handler),
            escape(step.place),
            step.digest or "",
            check,
        )
    console.print(table)
    for alert in item.alerts:
        console.print(f"  [bold red]ALERT:[/] {escape(alert)}")
    for warning in item.warnings:
        console.print(f"  [yellow]warning:[/] {escape(warning)}")
