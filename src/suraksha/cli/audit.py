"""`suraksha audit`: verify the hash-chained audit log, and list its newest events.

`verify` exits 0 when the chain is intact and 2 when it is broken (the first broken event and
why are printed), so a scheduled job can alert on it. It prints the head as an anchor
(`SEQ:HASH`): keep anchors outside the database, and `verify --anchor` proves later that the
chain still passes through them (docs/security.md).
"""

from __future__ import annotations

import json
from typing import Final

import typer
from rich.markup import escape
from rich.table import Table

from suraksha.cli.console import console, engine, errors
from suraksha.errors import UserInputError
from suraksha.security.audit import Anchor, events, verify
from suraksha.storage.session import reading

CHAIN_BROKEN: Final = 2
"""Exit code of `verify` on a broken chain: the contract's 2, "not everything checked out"."""

audit_app = typer.Typer(
    help="The audit log: verify its hash chain, list its newest events. See docs/security.md.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the `audit` command group to the application."""
    app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify_command(
    anchor: str | None = typer.Option(
        None,
        "--anchor",
        help="SEQ:HASH printed by an earlier verify; the chain must still pass through it.",
    ),
) -> None:
    """Re-check every event of the audit log against its hash, the one before it and the head:
    an edited, inserted or deleted event is found. Exit 0 when intact; 2 with the first broken
    event and why. Prints the head as an anchor to keep outside the database.

    Example: `suraksha audit verify --anchor 1042:3f5a…` (the full SEQ:HASH from an earlier run)
    """
    expected = _anchor(anchor)
    with reading(engine()) as session:
        check = verify(session, anchor=expected)
    if not check.intact:
        errors.print(f"[bold red]Audit chain broken at event {check.broken_seq}:[/] {check.reason}")
        errors.print(f"Events intact before it: {check.events}.")
        raise typer.Exit(CHAIN_BROKEN)
    if check.head is None or check.events == 0:
        console.print("The audit log is empty: nothing has been recorded yet.")
        return
    console.print(f"Audit chain intact: {check.events} events.")
    if expected is not None:
        console.print(f"It passes through the anchor {expected}.")
    console.print(f"Anchor (keep it outside the database): {check.head}")


@audit_app.command("list")
def list_command(
    limit: int = typer.Option(
        50, "--limit", min=1, max=10000, help="How many events, newest first."
    ),
    actor: str | None = typer.Option(None, "--actor", help="Only this actor's events."),
    action: str | None = typer.Option(None, "--action", help="Only this action (user.sign_in)."),
    kind: str | None = typer.Option(None, "--kind", help="Only events on this kind of object."),
    object_id: str | None = typer.Option(None, "--object", help="Only events on this object id."),
) -> None:
    """List the newest audit events: when, who (and as what role), what, on which object, and
    the detail recorded. For auditors checking who read which subject or victim record.

    Example: `suraksha audit list --kind subject --object subject-0a1b2c3d4e5f60718293`
    """
    with reading(engine()) as session:
        rows = events(
            session, limit=limit, actor=actor, action=action, kind=kind, object_id=object_id
        )
    if not rows:
        console.print("No audit events match.")
        return
    table = Table("seq", "when (UTC)", "actor", "role", "action", "object", "detail")
    for event in rows:
        table.add_row(
            str(event.seq),
            f"{event.at:%Y-%m-%d %H:%M:%S}",
            escape(event.actor),
            event.actor_role or "-",
            event.action,
            escape(f"{event.object_kind} {event.object_id}"),
            escape(json.dumps(event.detail, ensure_ascii=False, sort_keys=True)),
        )
    console.print(table)


def _anchor(text: str | None) -> Anchor | None:
    if text is None:
        return None
    try:
        return Anchor.parse(text)
    except ValueError as err:
        raise UserInputError(f"--anchor: {err}.") from err
