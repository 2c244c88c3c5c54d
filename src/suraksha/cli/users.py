"""`suraksha users`: create accounts (the first admin too), list, lock, reset passwords, enrol TOTP,
re-seal the TOTP secrets after a key change.

The command line is the trusted channel: whoever can run it against the workspace already holds
the database. Changes are recorded in the audit log as made by "cli:<login name>". A password is
never taken as an argument (it would stay in the shell history and show in `ps`): it is typed at
a hidden prompt, or read from standard input with `--password-stdin`.
"""

from __future__ import annotations

import sys
from datetime import datetime

import typer
from rich.markup import escape
from rich.table import Table

from suraksha.cli.console import cli_actor, console, engine, errors, settings
from suraksha.errors import UserInputError
from suraksha.intel.gazetteer import district_named, state_named
from suraksha.security.policy import Role
from suraksha.security.secrets import SecretBox
from suraksha.security.users import (
    TOTP_ROLES,
    UserView,
    add_user,
    enrol_totp,
    get_user,
    list_users,
    lock_user,
    reseal_totp_secrets,
    set_password,
    unlock_user,
)
from suraksha.storage.base import utcnow
from suraksha.storage.session import reading, transaction

users_app = typer.Typer(
    help="User accounts: add (the first admin too), list, lock, unlock, reset a password, enrol "
    "a second factor (TOTP), re-seal TOTP secrets with a new key. See docs/security.md.",
    no_args_is_help=True,
)

STDIN_HELP = (
    "Read the password from the first line of standard input instead of prompting (for "
    "scripts: `printf '%s\\n' \"$PW\" | suraksha users …`)."
)

SECOND_FACTOR = {
    "confirmed": "confirmed",
    "issued": "issued, not yet used",
    "missing": "missing (required)",
}
"""How `users list` words `UserView.second_factor`."""


def register(app: typer.Typer) -> None:
    """Add the `users` command group to the application."""
    app.add_typer(users_app, name="users")


@users_app.command("add")
def add_command(
    name: str = typer.Argument(..., help="Account name: lower-case letters, digits, . _ -"),
    role: Role = typer.Option(..., "--role", help="What the person may do (docs/security.md)."),
    state: str | None = typer.Option(
        None,
        "--state",
        help="State (name or code: Kerala, KL); required for state and district roles.",
    ),
    district: str | None = typer.Option(
        None,
        "--district",
        help="District of --state; required for district_officer and victim_support.",
    ),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=STDIN_HELP),
) -> None:
    """Create a user account with a role and, for state and district roles, a jurisdiction. The
    password is asked for twice at a hidden prompt (at least 12 characters; a few words make a
    good one). admin and state_analyst must also enrol a second factor: `suraksha users totp
    NAME`.

    Example: `suraksha users add asha.nair --role district_officer --state Kerala --district
    Ernakulam`
    """
    place_state, place_district, how = _jurisdiction(state, district)
    password = _password(password_stdin)
    with transaction(engine()) as session:
        user = add_user(
            session,
            name,
            role,
            by=cli_actor(),
            state=place_state,
            district=place_district,
            password=password,
        )
        summary = f"User {user.name} added as {user.role}{_where(user.state, user.district)}{how}."
    console.print(escape(summary))
    if role in TOTP_ROLES:
        console.print(
            f"As {role}, {user.name} must sign in with a second factor: run `suraksha users "
            f"totp {user.name}` and hand the URI it prints over in person."
        )


@users_app.command("list")
def list_command() -> None:
    """List every account: role, jurisdiction, whether it can sign in, its second factor and
    its last sign-in. No password or secret is ever shown.

    Example: `suraksha users list`
    """
    with reading(engine()) as session:
        users = list_users(session)
    if not users:
        console.print("No user accounts yet: create the first admin with `suraksha users add`.")
        return
    table = Table("name", "role", "state", "district", "status", "second factor", "last sign-in")
    now = utcnow()
    for user in users:
        table.add_row(
            escape(user.name),
            user.role.value,
            escape(user.state or "-"),
            escape(user.district or "-"),
            _status(user, now),
            SECOND_FACTOR.get(user.second_factor, user.second_factor),
            _when(user.last_sign_in_at),
        )
    console.print(table)


@users_app.command("lock")
def lock_command(
    name: str = typer.Argument(..., help="The account to lock."),
    reason: str = typer.Option("", "--reason", help="Why (recorded in the audit log)."),
) -> None:
    """Stop an account from signing in until `suraksha users unlock` (a transfer, a departure,
    a suspicion). Accounts are never deleted, so the audit log keeps naming the person.

    Example: `suraksha users lock asha.nair --reason "Transferred to Thrissur"`
    """
    with transaction(engine()) as session:
        user = get_user(session, name)
        lock_user(session, user, by=cli_actor(), reason=reason)
    console.print(f"User {escape(user.name)} is locked and cannot sign in.")


@users_app.command("unlock")
def unlock_command(
    name: str = typer.Argument(..., help="The account to unlock."),
    reason: str = typer.Option("", "--reason", help="Why (recorded in the audit log)."),
) -> None:
    """Let an account sign in again: ends a lock and any lockout after failed sign-ins.

    Example: `suraksha users unlock asha.nair --reason "Identity confirmed by phone"`
    """
    with transaction(engine()) as session:
        user = get_user(session, name)
        unlock_user(session, user, by=cli_actor(), reason=reason)
    console.print(f"User {escape(user.name)} can sign in again.")


@users_app.command("password")
def password_command(
    name: str = typer.Argument(..., help="The account whose password to set."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=STDIN_HELP),
) -> None:
    """Set a new password for an account (a forgotten one, a suspected leak). It does not end
    a lockout: `suraksha users unlock` does.

    Example: `suraksha users password asha.nair`
    """
    password = _password(password_stdin)
    with transaction(engine()) as session:
        user = get_user(session, name)
        set_password(session, user, password, by=cli_actor())
    console.print(f"Password of {escape(user.name)} changed.")


@users_app.command("totp")
def totp_command(
    name: str = typer.Argument(..., help="The account to enrol."),
    replace: bool = typer.Option(
        False, "--replace", help="Replace an existing second factor (a lost or changed phone)."
    ),
) -> None:
    """Give an account a new TOTP secret and print its `otpauth://` URI once, to be entered
    (or shown as a QR code) in the person's authenticator app. It is printed only now and is
    as secret as a password: hand it over in person, do not e-mail or save it. The first
    sign-in with a code from it confirms it.

    Example: `suraksha users totp ravi.menon`
    """
    box = SecretBox.from_settings(settings())
    with transaction(engine()) as session:
        user = get_user(session, name)
        if user.totp_sealed is not None and not replace:
            raise UserInputError(
                f"{user.name} already has a second factor; give --replace to issue a new one "
                "(the old one stops working)."
            )
        uri = enrol_totp(session, user, by=cli_actor(), box=box).uri
    errors.print(
        "Shown once. Enter this in the authenticator app of "
        f"{escape(user.name)} now; it is as secret as a password:"
    )
    # Plain print: no markup, no wrapping, so that the URI can be copied or piped into a QR tool.
    print(uri)


@users_app.command("rotate-key")
def rotate_key_command() -> None:
    """Seal every account's TOTP secret again with the first key of SURAKSHA_SECRET_KEY, so
    that the keys after it can be dropped. Rotate in three steps: set SURAKSHA_SECRET_KEY to
    "NEW,OLD" everywhere (every secret still opens), run this, then set it to "NEW" alone. To
    move from the workspace's secret.key to the variable, give its contents as OLD. All
    secrets are re-sealed or, if one opens with none of the keys, none are; each account
    re-sealed is audited. Confirmed authenticators keep working: the secrets do not change.

    Example: `SURAKSHA_SECRET_KEY="$NEW_KEY,$OLD_KEY" suraksha users rotate-key`
    """
    box = SecretBox.from_settings(settings())
    with transaction(engine()) as session:
        count = reseal_totp_secrets(session, by=cli_actor(), box=box)
    if count == 0:
        console.print("No account has a TOTP secret: nothing to re-seal.")
        return
    console.print(f"{count} TOTP secret{'s' if count != 1 else ''} re-sealed with the first key.")
    if box.source == "SURAKSHA_SECRET_KEY" and box.key_count > 1:
        console.print(
            "Every secret now opens with the first key alone: set SURAKSHA_SECRET_KEY to it "
            "and drop the others."
        )


def _jurisdiction(state: str | None, district: str | None) -> tuple[str | None, str | None, str]:
    """The state and district in routing's spelling, and how the district was recognised."""
    if state is None:
        if district is not None:
            raise UserInputError("Give --state too: district names recur across states.")
        return None, None, ""
    canonical = state_named(state)
    if canonical is None:
        raise UserInputError(
            f"{state!r} is not a state or union territory known to Suraksha; give its name or "
            "code (Kerala, KL)."
        )
    if district is None:
        return canonical, None, ""
    named = district_named(canonical, district)
    if named is None:
        raise UserInputError(
            f"{district!r} is not a district of {canonical} known to routing; give the district "
            "as docs/routing.md names it."
        )
    how = "" if named.how == "district name" else f" ({named.how})"
    return canonical, named.district, how


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line.removesuffix("\n").removesuffix("\r")
        if not password:
            raise UserInputError("--password-stdin read no password: give it on the first line.")
        return password
    if not sys.stdin.isatty():
        raise UserInputError(
            "No terminal to ask for the password: give --password-stdin and the password on "
            "standard input."
        )
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def _where(state: str | None, district: str | None) -> str:
    if district:
        return f", district {district}, {state}"
    if state:
        return f", state {state}"
    return ""


def _status(user: UserView, now: datetime) -> str:
    if not user.active:
        return "locked"
    if user.locked_until is not None and user.locked_until > now:
        return f"locked out until {user.locked_until:%H:%M} UTC"
    if not user.has_password:
        return "no password"
    return "active"


def _when(at: datetime | None) -> str:
    return "-" if at is None else f"{at:%Y-%m-%d %H:%M} UTC"
