"""Signing in and out: password, then a TOTP code (or enrolment) where the account needs one.

    GET/POST /signin         name + password  ─► signed in, or ─► /signin/code, /signin/enrol
    GET/POST /signin/code    the code of an enrolled authenticator
    GET/POST /signin/enrol   a TOTP role without a secret: the secret is shown once, confirm a code
    POST     /signout        deletes the session

security/signin.py decides (rate of failures, lockout, equal time for unknown names) and audits
every sign-in and refusal; this module keeps the state between the two steps on the server (a
pending session, security/sessions.py), throttles by client address, and chooses where to go
next. `next` is only ever a local path: anything else (another host, `//host`, a scheme) is
replaced by the dashboard, so a link cannot turn the sign-in page into an open redirect.
"""

from __future__ import annotations

from typing import Annotated, Final
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from suraksha.security import audit
from suraksha.security.models import User
from suraksha.security.secrets import SecretBox
from suraksha.security.sessions import (
    Stage,
    close_session,
    find_session,
    open_session,
    purge_expired,
)
from suraksha.security.signin import REFUSAL, Outcome, authenticate, complete_second_factor
from suraksha.security.totp import provisioning_qr
from suraksha.security.users import enrol_totp, find_user, pending_enrolment
from suraksha.web.csrf import SESSION_COOKIE
from suraksha.web.deps import (
    Db,
    clear_session_cookie,
    client_address,
    current,
    set_session_cookie,
    settings_of,
)
from suraksha.web.templating import flash, render

router = APIRouter()

HOME: Final = "/"
SIGN_OUT: Final = "user.sign_out"
THROTTLED: Final = "Too many sign-in attempts from this address: wait a few minutes and retry."


def _box(request: Request) -> SecretBox:
    """The box that seals and opens TOTP secrets with the application's key."""
    return SecretBox.from_settings(settings_of(request))


def safe_next(target: str | None) -> str:
    """`target` when it is a path on this site, else the dashboard (no open redirect)."""
    if not target or len(target) > 2000:
        return HOME
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return HOME
    if any(ord(char) < 0x21 or ord(char) == 0x7F for char in target):
        return HOME
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return HOME
    if parts.path.startswith(("/signin", "/signout")):
        return HOME
    return target


def _with_next(path: str, target: str) -> str:
    return path if target == HOME else f"{path}?next={quote(target, safe='/')}"


def _throttled(request: Request) -> Response | None:
    address = client_address(request)
    if not request.app.state.throttle.blocked(address):
        return None
    retry = request.app.state.throttle.retry_after(address)
    response = render(request, "signin.html", {"error": THROTTLED, "next": HOME}, 429)
    response.headers["Retry-After"] = str(retry)
    return response


def _signed_in_redirect(request: Request, session: Session, user_id: int, target: str) -> Response:
    """Replace whatever session the browser had by a new signed-in one (no fixation)."""
    close_session(session, request.cookies.get(SESSION_COOKIE))
    purge_expired(session)
    opened = open_session(session, user_id, Stage.SIGNED_IN, address=client_address(request))
    response = RedirectResponse(safe_next(target), status_code=303)
    set_session_cookie(response, request, opened.token)
    return response


def _pending(request: Request, session: Session, stage: Stage) -> User | None:
    found = find_session(session, request.cookies.get(SESSION_COOKIE))
    if found is None or found[0].stage != stage:
        return None
    return found[1]


@router.get("/signin")
def signin_page(request: Request, session: Db, next: str | None = None) -> Response:
    """The sign-in form (or, when already signed in, where `next` points)."""
    target = safe_next(next)
    if current(request, session) is not None:
        return RedirectResponse(target, status_code=303)
    return render(request, "signin.html", {"next": target})


@router.post("/signin")
def signin(
    request: Request,
    session: Db,
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = HOME,
) -> Response:
    """Check the name and password; go on to the second factor when the account needs one."""
    target = safe_next(next)
    if (refused := _throttled(request)) is not None:
        return refused
    result = authenticate(session, name, password, box=_box(request))
    if result.outcome is Outcome.SIGNED_IN and result.user_id is not None:
        return _signed_in_redirect(request, session, result.user_id, target)
    if result.outcome is Outcome.REFUSED or result.user_id is None:
        request.app.state.throttle.failed(client_address(request))
        # The name typed is not echoed back: people type passwords into the name field.
        return render(request, "signin.html", {"error": REFUSAL, "next": target}, 401)
    if result.outcome is Outcome.ENROLMENT_NEEDED:
        user = find_user(session, name)
        if user is None:  # cannot happen: authenticate just found it
            return render(request, "signin.html", {"error": REFUSAL, "next": target}, 401)
        # Enrolled by the person themself, at the moment their password was proven.
        enrol_totp(session, user, by=f"signin:{user.name}", box=_box(request))
        stage, page = Stage.ENROLMENT, "/signin/enrol"
    else:
        stage, page = Stage.SECOND_FACTOR, "/signin/code"
    close_session(session, request.cookies.get(SESSION_COOKIE))
    opened = open_session(session, result.user_id, stage, address=client_address(request))
    response = RedirectResponse(_with_next(page, target), status_code=303)
    set_session_cookie(response, request, opened.token)
    return response


@router.get("/signin/code")
def code_page(request: Request, session: Db, next: str | None = None) -> Response:
    """The second step: a code from the person's authenticator app."""
    if _pending(request, session, Stage.SECOND_FACTOR) is None:
        return RedirectResponse("/signin", status_code=303)
    return render(request, "signin_code.html", {"next": safe_next(next)})


@router.get("/signin/enrol")
def enrol_page(request: Request, session: Db, next: str | None = None) -> Response:
    """Enrolment: the new secret as a QR code, an otpauth:// URI and text, to enter in an app."""
    user = _pending(request, session, Stage.ENROLMENT)
    enrolment = None if user is None else pending_enrolment(user, _box(request))
    if enrolment is None:
        return RedirectResponse("/signin", status_code=303)
    context = {
        "next": safe_next(next),
        "uri": enrolment.uri,
        "qr": provisioning_qr(enrolment.uri),
        "secret": enrolment.secret,
        "account": enrolment.account,
    }
    return render(request, "signin_enrol.html", context)


@router.post("/signin/code")
@router.post("/signin/enrol")
def second_factor(
    request: Request,
    session: Db,
    code: Annotated[str, Form(max_length=32)],
    next: Annotated[str, Form(max_length=2000)] = HOME,
) -> Response:
    """Check the code; a right one completes the sign-in (and confirms a new enrolment)."""
    target = safe_next(next)
    if (refused := _throttled(request)) is not None:
        return refused
    enrolling = request.url.path.endswith("/enrol")
    stage = Stage.ENROLMENT if enrolling else Stage.SECOND_FACTOR
    user = _pending(request, session, stage)
    if user is None:
        flash(request, "The sign-in took too long: start again.", "error")
        return RedirectResponse(_with_next("/signin", target), status_code=303)
    box = _box(request)
    result = complete_second_factor(session, user.id, code, box=box)
    if result.outcome is Outcome.SIGNED_IN:
        return _signed_in_redirect(request, session, user.id, target)
    request.app.state.throttle.failed(client_address(request))
    if enrolling and (enrolment := pending_enrolment(user, box)) is not None:
        context = {
            "next": target,
            "error": REFUSAL,
            "uri": enrolment.uri,
            "secret": enrolment.secret,
            "account": enrolment.account,
        }
        return render(request, "signin_enrol.html", context, 401)
    return render(request, "signin_code.html", {"next": target, "error": REFUSAL}, 401)


@router.post("/signout")
def signout(request: Request, session: Db) -> Response:
    """End the session: the row is deleted, so the cookie is worthless even if kept."""
    who = current(request, session)
    token = request.cookies.get(SESSION_COOKIE)
    if who is not None:
        audit.record(session, who.actor, SIGN_OUT, "user", who.user.user_id)
    close_session(session, token)
    response = RedirectResponse("/signin", status_code=303)
    clear_session_cookie(response, request)
    flash(request, "You have signed out.", "success")
    return response
