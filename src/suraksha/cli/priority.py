"""`suraksha priority`: officers' overrides of a subject's priority, and the weights in force."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer
from rich.table import Table

from suraksha.cli.console import console, engine, settings
from suraksha.errors import UserInputError
from suraksha.intel.overrides import (
    OverrideView,
    override_history,
    record_override,
    withdraw_override,
)
from suraksha.intel.weights import load_weights
from suraksha.storage.session import reading, transaction

priority_app = typer.Typer(
    help="Priority: override a subject's score with a reason, see the history, check weights.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the `priority` command group to the application."""
    app.add_typer(priority_app, name="priority")


@priority_app.command("override")
def override_command(
    subject_id: str = typer.Argument(..., help="A subject id from `suraksha subjects`."),
    score: float | None = typer.Option(None, "--score", help="Set the score to this number."),
    add: float | None = typer.Option(
        None, "--add", help="Add these points to the computed score (negative lowers it)."
    ),
    reason: str = typer.Option(..., "--reason", help="Why: required, kept with the decision."),
    officer: str | None = typer.Option(
        None, "--officer", help="Who decides (default: your login name)."
    ),
) -> None:
    """Set a subject's priority score (`--score`) or add points to it (`--add`), with a reason.
    The decision becomes the factor `officer_override` of the subject's priority, replaces any
    earlier override of the subject, and stays in its history; `suraksha resolve` keeps
    applying it.

    Example: `suraksha priority override subject-0a1b2c3d4e5f60718293 --add 25 --reason "Child in
    the report identified at a local school; DCPU informed"`
    """
    who = officer or _login_name()
    with transaction(engine()) as session:
        decision = record_override(
            session, subject_id, score=score, add=add, reason=reason, officer=who
        )
        history = override_history(session, subject_id)
    console.print(
        f"Override {decision.override_id} on {subject_id}: "
        f"{_effect(decision)} by {decision.officer} — {decision.reason}"
    )
    if len(history) > 1:
        console.print(f"It replaces override {history[-2].override_id}; history is kept.")


@priority_app.command("withdraw")
def withdraw_command(
    subject_id: str = typer.Argument(..., help="A subject id with a standing override."),
    reason: str = typer.Option(..., "--reason", help="Why the override ends: required."),
    officer: str | None = typer.Option(
        None, "--officer", help="Who decides (default: your login name)."
    ),
) -> None:
    """End a subject's standing override, with a reason: the computed score applies again. The
    withdrawal is recorded in the subject's override history.

    Example: `suraksha priority withdraw subject-0a1b2c3d4e5f60718293 --reason "Subject arrested"`
    """
    who = officer or _login_name()
    with transaction(engine()) as session:
        decision = withdraw_override(session, subject_id, reason=reason, officer=who)
    console.print(
        f"Override withdrawn on {subject_id} (record {decision.override_id}) by "
        f"{decision.officer} — {decision.reason}"
    )


@priority_app.command("history")
def history_command(
    subject_id: str = typer.Argument(..., help="A subject id (also one merged away since)."),
) -> None:
    """Show every override decision on a subject, in the order made: what, who, when, why, and
    which decision replaced it.

    Example: `suraksha priority history subject-0a1b2c3d4e5f60718293`
    """
    with reading(engine()) as session:
        history = override_history(session, subject_id)
    if not history:
        console.print(f"No override has been recorded on {subject_id}.")
        return
    table = Table("#", "when (UTC)", "decision", "officer", "reason", "reports", "replaced by")
    for view in history:
        table.add_row(
            str(view.override_id),
            f"{view.created_at:%Y-%m-%d %H:%M}",
            _effect(view),
            view.officer,
            view.reason,
            ", ".join(view.report_ids),
            str(view.superseded_by)
            if view.superseded_by
            else ("standing" if view.standing else "-"),
        )
    console.print(table)


@priority_app.command("weights")
def weights_command(
    path: Path | None = typer.Argument(
        None,
        help="A state's weights file to check (default: SURAKSHA_PRIORITY_WEIGHTS, else the "
        "packaged weights).",
    ),
) -> None:
    """Check a weights file and show the weights it puts in force (merged over the packaged
    ones), with the label and digest every score records. An unknown key or a value that is not
    a number is an error naming the file and the key. See docs/priority.md.

    Example: `suraksha priority weights kerala-weights.toml`
    """
    weights = load_weights(path or settings().priority_weights)
    console.print(f"[bold]{weights.label}[/] from {weights.origin}; digest {weights.digest}")
    table = Table("factor", "points", title="Factors")
    for name, points in weights.factors.items():
        table.add_row(name, f"{points:g}")
    for code, points in weights.industry.items():
        table.add_row(f"severity.industry.{code}", f"{points:g}")
    for key, points in weights.bank.items():
        table.add_row(f"severity.bank.{key}", f"{points:g}")
    console.print(table)
    clocks = Table("clock", "days", "urgent within", "points open → urgent", title="Clocks")
    for name, clock in weights.clocks.items():
        clocks.add_row(
            name,
            str(clock.days),
            f"{clock.urgent_days} days",
            f"{clock.open_points:g} → {clock.urgent_points:g}",
        )
    console.print(clocks)
    console.print("Access to children terms: " + ", ".join(weights.access_terms))


def _effect(view: OverrideView) -> str:
    if view.mode == "set":
        return f"score set to {view.points:g}"
    if view.mode == "add":
        return f"{view.points:+g} points"
    return "withdrawn"


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError) as err:  # no login name in some containers and services
        raise UserInputError("Name the officer deciding with --officer NAME.") from err
