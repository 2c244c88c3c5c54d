"""`suraksha victim …`: restricted victim records, the age-proof checklist and support tracking.

The command line is the trusted channel (docs/security.md): it is not limited by role, and every
read and change is audited as `cli:<login name>`. Still, a child's identity is never an argument
(it would stay in the shell history and show in `ps`): `victim add` reads it from a prompt or,
with `--identity-stdin`, as a JSON object on standard input. `victim show` prints it only with
`--reveal`, which is audited as `victim.reveal`. Everything else names the child by label.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import StrEnum
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from suraksha.cases.deadlines import IST, Status
from suraksha.cases.workflow import parse_instant
from suraksha.cli.console import cli_actor, console, engine
from suraksha.errors import UserInputError
from suraksha.storage.session import transaction
from suraksha.victims.age_proof import proof_kind, record_proof
from suraksha.victims.dossier import read_victim
from suraksha.victims.records import add_victim, list_victims, reveal_identity, update_victim
from suraksha.victims.support import record_support, support_event

victim_app = typer.Typer(
    help="Victim records (restricted: POCSO s.23, s.33(7); JJ Act s.74): add a child victim to "
    "a case, record proofs of age and support events, list and show records by label. "
    "See docs/victims.md.",
    no_args_is_help=True,
)

IDENTITY_KEYS = ("name", "born", "age", "gender", "guardian", "address", "school")
STATUS_STYLE = {
    Status.MISSED: "bold red",
    Status.DUE_SOON: "yellow",
    Status.UPCOMING: "",
    Status.MET: "green",
}


class ShowFormat(StrEnum):
    """How records print."""

    TABLE = "table"
    JSON = "json"


def register(app: typer.Typer) -> None:
    """Add the `victim` group to the application."""
    app.add_typer(victim_app, name="victim")


def _day(text: str | None, what: str) -> date | None:
    if text is None or not str(text).strip():
        return None
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError as err:
        raise UserInputError(f"{what} {text!r} is not a date: write YYYY-MM-DD.") from err


def _identity(from_stdin: bool, *, partial: bool = False) -> dict[str, Any]:
    """The identity fields, from standard input (JSON) or prompts; never from arguments.

    With `partial`, only the keys given on standard input are returned (for `victim update`).
    """
    if from_stdin:
        try:
            given = json.loads(sys.stdin.read() or "{}")
        except json.JSONDecodeError as err:
            raise UserInputError(
                f"--identity-stdin expects a JSON object ({', '.join(IDENTITY_KEYS)}): {err}"
            ) from err
        if not isinstance(given, dict):
            raise UserInputError("--identity-stdin expects a JSON object.")
        unknown = sorted(set(given) - set(IDENTITY_KEYS))
        if unknown:
            raise UserInputError(
                f"Unknown identity fields {', '.join(unknown)}: use {', '.join(IDENTITY_KEYS)}."
            )
    else:
        given = {"name": typer.prompt("Child's name")}
        for key in IDENTITY_KEYS[1:]:
            given[key] = typer.prompt(f"{key} (blank if unknown)", default="", show_default=False)
    age_text = str(given.get("age") or "").strip()
    if age_text and not age_text.isdigit():
        raise UserInputError(f"age {age_text!r} is not a whole number of years.")
    fields = {
        "name": str(given.get("name") or ""),
        "claimed_dob": _day(given.get("born"), "born"),
        "claimed_age": int(age_text) if age_text else None,
        **{k: (str(given[k]) if given.get(k) else None) for k in IDENTITY_KEYS[3:]},
    }
    if not partial:
        return fields
    renamed = {"born": "claimed_dob", "age": "claimed_age"}
    keys = [renamed.get(str(key), str(key)) for key in given]
    return {key: fields[key] for key in keys}


@victim_app.command("add")
def add_command(
    case: str = typer.Option(..., "--case", help="Case reference or FIR number."),
    district: str | None = typer.Option(
        None, "--district", help="The child's district (default: the case's)."
    ),
    state: str | None = typer.Option(
        None, "--state", help="The child's state (default: the case's)."
    ),
    tip: list[str] = typer.Option(
        [], "--tip", help="A tip (report number or tip id) naming the child; repeat for several."
    ),
    identity_stdin: bool = typer.Option(
        False,
        "--identity-stdin",
        help="Read the identity as a JSON object on standard input (keys: name, born, age, "
        "gender, guardian, address, school); otherwise it is asked for.",
    ),
) -> None:
    """Add a child victim to a case. The identity stays in the victim tables; everything else
    (audit log, lists, documents, exports) names the child by the label printed here,
    V-<case>-<n>. The child's district decides which support person reaches the record.

    Example: `printf '{"name": "Synthchild Testname", "born": "2012-04-01"}' | suraksha victim add --case KL-ERN-2026-0001 --district Ernakulam --tip 184611873 --identity-stdin`
    """
    identity = _identity(identity_stdin)
    with transaction(engine()) as session:
        added = add_victim(
            session, cli_actor(), case, district=district, state=state, tips=tip, **identity
        )
    console.print(
        f"Added victim [bold]{added.label}[/] to case {added.case_id} ({added.district}, "
        f"{added.state}); {len(added.tip_ids)} tip(s) linked."
    )


@victim_app.command("update")
def update_command(
    label: str = typer.Argument(..., help="The victim's label (V-KL-ERN-2026-0001-1)."),
) -> None:
    """Correct identity fields of a record: a JSON object on standard input with only the keys to
    change (name, born, age, gender, guardian, address, school; an empty string clears one). The
    audit event names the fields changed, never their values.

    Example: `printf '{"school": "Synthetic Test School 001"}' | suraksha victim update V-KL-ERN-2026-0001-1`
    """
    changes = _identity(True, partial=True)
    if not changes:
        raise UserInputError("Give the fields to change as a JSON object on standard input.")
    with transaction(engine()) as session:
        update_victim(session, cli_actor(), label, changes)
    console.print(f"Updated {escape(label)}: {', '.join(sorted(changes))}.")


@victim_app.command("show")
def show_command(
    label: str = typer.Argument(..., help="The victim's label (V-KL-ERN-2026-0001-1)."),
    reveal: bool = typer.Option(
        False, "--reveal", help="Also print who the child is (audited as victim.reveal)."
    ),
    output: ShowFormat = typer.Option(ShowFormat.TABLE, "--format", help="Output format."),
) -> None:
    """Show a victim record: case, tips, the age-proof checklist's finding, support events and
    the 30-day compensation payment clocks. The read is audited; the identity is printed only
    with --reveal, which is audited too.

    Example: `suraksha victim show V-KL-ERN-2026-0001-1`

    Example: `suraksha victim show V-KL-ERN-2026-0001-1 --reveal`
    """
    with transaction(engine()) as session:
        found = read_victim(session, cli_actor(), label)
        identity = reveal_identity(session, cli_actor(), label) if reveal else None
    f = found.finding
    if output is ShowFormat.JSON:
        data: dict[str, Any] = {
            **found.summary.as_dict(),
            "age": {
                "holds": f.holds.kind.value if f.holds else None,
                "clause": f.clause,
                "child": f.child,
                "missing": [k.value for k in f.missing],
                "outcome": f.outcome,
                "only_it_act_67b": f.only_it_act_67b,
            },
            "support": [
                {"event": e.kind.value, "at": e.at.isoformat(), "reference": e.reference}
                for e in found.support
            ],
            "deadlines": [
                {"clock": d.clock.name, "due": d.due.isoformat(), "status": d.status.value}
                for d in found.deadlines
            ],
        }
        if identity is not None:
            data["identity"] = {
                "name": identity.name,
                "claimed_dob": str(identity.claimed_dob or ""),
                "claimed_age": identity.claimed_age,
                "proven_dob": str(identity.proven_dob or ""),
                "gender": identity.gender,
                "guardian": identity.guardian,
                "address": identity.address,
                "school": identity.school,
            }
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    s = found.summary
    console.rule(f"[bold]{s.label}[/]  case {s.case_id}  {s.district}, {s.state}")
    console.print(f"Tips: {', '.join(s.tip_ids) or 'none linked'}")
    if identity is not None:
        console.print(f"[bold]Identity (audited):[/] {escape(identity.name)}")
        for key in (
            "claimed_dob",
            "claimed_age",
            "proven_dob",
            "gender",
            "guardian",
            "address",
            "school",
        ):
            value = getattr(identity, key)
            if value is not None:
                console.print(f"  {key.replace('_', ' ')}: {escape(str(value))}")
    console.print(f"[bold]Age:[/] {escape(f.outcome)}")
    for conflict in f.conflicts:
        console.print(f"[yellow]Conflict:[/] {escape(conflict)}")
    if found.proofs:
        proofs = Table("kind", "rank", "document", "date of birth / range", title="Proofs of age")
        for p in found.proofs:
            given = str(p.date_of_birth) if p.date_of_birth else f"{p.age_low}–{p.age_high} years"
            proofs.add_row(p.kind.value, str(p.rank), escape(p.document_ref), given)
        console.print(proofs)
    if found.support:
        events = Table("when (IST)", "event", "reference", "rule", title="Support")
        for e in found.support:
            events.add_row(
                e.at.astimezone(IST).strftime("%d %b %Y %H:%M"),
                e.kind.value,
                escape(e.reference),
                e.basis,
            )
        console.print(events)
    for d in found.deadlines:
        console.print(f"[{STATUS_STYLE[d.status] or 'default'}]{escape(d.explanation)}[/]")


@victim_app.command("proof")
def proof_command(
    label: str = typer.Argument(..., help="The victim's label."),
    kind: str = typer.Argument(
        ...,
        help="school_certificate, matriculation_certificate, birth_certificate (corporation, "
        "municipal or panchayat) or medical_age_estimation (ossification).",
    ),
    document_ref: str = typer.Option(
        ..., "--document-ref", help="The document's register number, exhibit or file reference."
    ),
    born: str | None = typer.Option(None, "--born", help="Date of birth it gives, YYYY-MM-DD."),
    age_low: int | None = typer.Option(None, "--age-low", help="Medical estimate: lowest age."),
    age_high: int | None = typer.Option(None, "--age-high", help="Medical estimate: highest age."),
    note: str = typer.Option("", "--note", help="A short note (never the child's name)."),
) -> None:
    """Record a proof of the child's age and print the checklist's finding: which proof holds in
    the order of JJ Act 2015 s.94(2), what to seek, and whether only IT Act s.67B can stand.

    Example: `suraksha victim proof V-KL-ERN-2026-0001-1 school_certificate --document-ref "GHSS Adm. Reg. 2018/114" --born 2012-04-01`

    Example: `suraksha victim proof V-KL-ERN-2026-0001-1 ossification --document-ref "MC/RAD/2026/88" --age-low 14 --age-high 16`
    """
    with transaction(engine()) as session:
        finding = record_proof(
            session,
            cli_actor(),
            label,
            proof_kind(kind),
            document_ref=document_ref,
            date_of_birth=_day(born, "--born"),
            age_low=age_low,
            age_high=age_high,
            note=note,
        )
    console.print(f"Recorded. [bold]Age:[/] {escape(finding.outcome)}")


@victim_app.command("support")
def support_command(
    label: str = typer.Argument(..., help="The victim's label."),
    event: str = typer.Argument(
        ...,
        help="cwc_referral, cwc_order, support_person_appointed, support_person_ended, "
        "statement_police, statement_magistrate, medical_examination, "
        "interim_compensation_ordered, interim_compensation_paid, final_compensation_ordered, "
        "final_compensation_paid or counselling.",
    ),
    at: str = typer.Option(..., "--at", help="When, ISO 8601 (no zone: IST)."),
    ref: str = typer.Option("", "--ref", help="Order number or reference (orders need one)."),
    person: str = typer.Option(
        "", "--person", help="Support person or counsellor (an adult professional's name)."
    ),
    amount: int | None = typer.Option(None, "--amount", help="Rupees ordered or paid."),
    note: str = typer.Option("", "--note", help="A short note (never the child's name)."),
) -> None:
    """Record a support event: CWC referral and order, support person, statements (POCSO s.24,
    s.25 / BNSS s.183), medical examination (POCSO s.27), compensation orders and payments
    (POCSO Rules 2020 r.9: payment within 30 days of the order) and counselling.

    Example: `suraksha victim support V-KL-ERN-2026-0001-1 interim_compensation_ordered --at 2026-11-02 --ref "Spl.SC 12/2026 order" --amount 100000`

    Example: `suraksha victim support V-KL-ERN-2026-0001-1 support_person_appointed --at 2026-11-03T11:00 --person "DCPU Ernakulam, case worker 7" --ref "CWC/EKM/2026/51"`
    """
    with transaction(engine()) as session:
        view = record_support(
            session,
            cli_actor(),
            label,
            support_event(event),
            at=parse_instant(at),
            reference=ref,
            person=person,
            amount=amount,
            note=note,
        )
    when = view.at.astimezone(IST).strftime("%d %b %Y %H:%M IST")
    console.print(f"{escape(label)}: {view.kind.value} on {when} recorded ({view.basis}).")


@victim_app.command("list")
def list_command(
    case: str | None = typer.Option(None, "--case", help="Only the victims of this case."),
    output: ShowFormat = typer.Option(ShowFormat.TABLE, "--format", help="Output format."),
) -> None:
    """List victim records by label: case, district, tips. No identity is ever listed.

    Example: `suraksha victim list --case KL-ERN-2026-0001`
    """
    with transaction(engine()) as session:
        found = list_victims(session, cli_actor(), case_ref=case)
    if output is ShowFormat.JSON:
        typer.echo(json.dumps([v.as_dict() for v in found], ensure_ascii=False, indent=2))
        return
    table = Table("label", "case", "district, state", "tips")
    for v in found:
        table.add_row(v.label, v.case_id, f"{v.district}, {v.state}", str(len(v.tip_ids)))
    console.print(table if found else "No victim records.")
