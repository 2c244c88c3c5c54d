"""Administration (role `admin`, permission `user.manage`): accounts and the synthetic demo.

    GET  /admin                      the accounts: role, jurisdiction, status, second factor
    POST /admin/users                add an account
    POST /admin/users/{name}/lock    · /unlock · /totp (a new secret, shown once on the answer)
    GET  /admin/demo · POST /admin/demo   load the synthetic demo data (in a background thread)

Every change goes through security.users, which audits it with the admin as actor; locking an
account or replacing its second factor also ends its open sessions.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Annotated, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from suraksha.errors import UserInputError
from suraksha.intel.gazetteer import district_named, state_named
from suraksha.security import audit
from suraksha.security.policy import Actor, Permission, Role, require
from suraksha.security.secrets import SecretBox
from suraksha.security.sessions import close_sessions_of
from suraksha.security.users import (
    TOTP_ROLES,
    add_user,
    enrol_totp,
    get_user,
    list_users,
    lock_user,
    unlock_user,
)
from suraksha.storage.base import utcnow
from suraksha.synthetic.demo import DemoLoaded, load_demo
from suraksha.web.deps import Db, Who, engine_of, settings_of
from suraksha.web.templating import flash, render

router = APIRouter(prefix="/admin")

DEMO_ACTION: Final = "workspace.demo_load"
DEMO_PERSONS: Final = 300
MAX_DEMO_PERSONS: Final = 5000


def _admin(actor: Actor) -> None:
    require(actor, Permission.USER_MANAGE)


@dataclass(slots=True)
class DemoStatus:
    """The background demo load of one application (one at a time)."""

    state: str = "idle"  # idle, running, done, failed
    step: str = ""
    message: str = ""
    started_by: str = ""
    loaded: DemoLoaded | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def demo_status(request: Request) -> DemoStatus:
    """The application's demo status (created on first use)."""
    status: DemoStatus | None = getattr(request.app.state, "demo", None)
    if status is None:
        status = DemoStatus()
        request.app.state.demo = status
    return status


@router.get("")
def users_page(request: Request, session: Db, who: Who) -> Response:
    """Every account, and the form to add one."""
    _admin(who.actor)
    context = {"users": list_users(session), "roles": list(Role), "now": utcnow()}
    return render(request, "admin/users.html", context)


@router.post("/users")
def add(
    request: Request,
    session: Db,
    who: Who,
    name: Annotated[str, Form(max_length=64)],
    role: Annotated[str, Form(max_length=32)],
    password: Annotated[str, Form(max_length=1024)],
    state: Annotated[str, Form(max_length=100)] = "",
    district: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Create an account (the password is given to the person in person)."""
    _admin(who.actor)
    place_state, place_district = _jurisdiction(state.strip() or None, district.strip() or None)
    user = add_user(
        session,
        name,
        role,
        by=who.actor,
        state=place_state,
        district=place_district,
        password=password,
    )
    message = f"User {user.name} added as {user.role}."
    if Role(user.role) in TOTP_ROLES:
        message += " They enrol a second factor at their first sign-in, or use “Reset TOTP”."
    flash(request, message, "success")
    return RedirectResponse("/admin", status_code=303)


@router.post("/users/{name}/lock")
def lock(
    request: Request,
    session: Db,
    who: Who,
    name: str,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Stop an account from signing in; its open sessions end."""
    _admin(who.actor)
    user = get_user(session, name)
    if user.id == who.user.user_id:
        raise UserInputError("You cannot lock your own account; ask another admin.")
    lock_user(session, user, by=who.actor, reason=reason)
    close_sessions_of(session, user.id)
    flash(request, f"User {user.name} is locked.", "success")
    return RedirectResponse("/admin", status_code=303)


@router.post("/users/{name}/unlock")
def unlock(
    request: Request,
    session: Db,
    who: Who,
    name: str,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Let an account sign in again (ends a lockout after failures too)."""
    _admin(who.actor)
    user = get_user(session, name)
    unlock_user(session, user, by=who.actor, reason=reason)
    flash(request, f"User {user.name} can sign in again.", "success")
    return RedirectResponse("/admin", status_code=303)


@router.post("/users/{name}/totp")
def reset_totp(request: Request, session: Db, who: Who, name: str) -> Response:
    """A new TOTP secret for a lost phone: shown once, on this answer only (never stored in a
    URL, a flash or a log); the account's open sessions end."""
    _admin(who.actor)
    user = get_user(session, name)
    box = SecretBox.from_settings(settings_of(request))
    enrolment = enrol_totp(session, user, by=who.actor, box=box)
    close_sessions_of(session, user.id)
    context = {"account": enrolment.account, "uri": enrolment.uri, "secret": enrolment.secret}
    return render(request, "admin/totp.html", context)


@router.get("/demo")
def demo_page(request: Request, who: Who) -> Response:
    """The demo loader and how far it got."""
    _admin(who.actor)
    context = {"status": demo_status(request), "persons": DEMO_PERSONS, "most": MAX_DEMO_PERSONS}
    return render(request, "admin/demo.html", context)


@router.post("/demo")
def start_demo(
    request: Request,
    session: Db,
    who: Who,
    persons: Annotated[int, Form(ge=1, le=MAX_DEMO_PERSONS)] = DEMO_PERSONS,
) -> Response:
    """Start loading the synthetic demo in a background thread (about a minute)."""
    _admin(who.actor)
    status = demo_status(request)
    with status.lock:
        if status.state == "running":
            flash(request, "The demo data is already loading.", "info")
            return RedirectResponse("/admin/demo", status_code=303)
        status.state, status.step, status.message = "running", "starting", ""
        status.started_by, status.loaded = who.user.name, None
    audit.record(session, who.actor, DEMO_ACTION, "workspace", "demo", {"persons": persons})
    engine, settings = engine_of(request), settings_of(request)

    def work() -> None:
        try:
            loaded = load_demo(engine, settings, persons=persons, progress=_StepShown(status))
        except Exception as err:  # shown to the admin; the thread must not die silently
            status.state, status.message = "failed", f"{type(err).__name__}: {err}"
            return
        status.loaded, status.state, status.step = loaded, "done", ""

    threading.Thread(target=work, name="suraksha-demo", daemon=True).start()
    flash(request, "Loading the synthetic demo data: this page shows its progress.", "info")
    return RedirectResponse("/admin/demo", status_code=303)


class _StepShown:
    """Shows the demo's current step on the status page (`synthetic.demo.DemoProgress`)."""

    def __init__(self, status: DemoStatus) -> None:
        self._status = status

    def begin(self, step: str, total: int) -> None:
        self._status.step = step

    def advance(self, amount: int = 1) -> None:
        pass


def _jurisdiction(state: str | None, district: str | None) -> tuple[str | None, str | None]:
    """State and district in routing's spelling ("Kerala"/"KL" → KERALA), or UserInputError."""
    if state is None:
        if district is not None:
            raise UserInputError("Give the state too: district names recur across states.")
        return None, None
    canonical = state_named(state)
    if canonical is None:
        raise UserInputError(f"{state!r} is not a state or union territory known to Suraksha.")
    if district is None:
        return canonical, None
    named = district_named(canonical, district)
    if named is None:
        raise UserInputError(f"{district!r} is not a district of {canonical} known to routing.")
    return canonical, named.district
