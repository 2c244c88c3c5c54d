"""Rendering pages: `render(request, template, context)` and one-shot `flash` messages.

Every page gets `signed_in` (or None), `csrf_token`, `nav` (the links the person's role may
open) and `flashes` (messages left by the previous request, typically before a redirect).
Templates are autoescaped Jinja2 in templates/; they contain no inline script or style (the
Content-Security-Policy forbids both, headers.py).

Flashes travel in a short-lived HttpOnly cookie (`suraksha_flash`) that the next page consumes:
they say what happened ("User asha.nair added"), never a secret.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any, Final

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.background import BackgroundTask
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from suraksha.security.policy import Permission, scope_of
from suraksha.security.policy import Scope as Reach
from suraksha.web.csrf import PRESESSION_COOKIE, csrf_token
from suraksha.web.deps import SignedIn, settings_of

TEMPLATES: Final = Path(__file__).parent / "templates"
FLASH_COOKIE: Final = "suraksha_flash"
MAX_FLASH_BYTES: Final = 2048


@dataclass(frozen=True, slots=True)
class NavItem:
    """A link of the navigation bar, shown to roles whose `permission` reaches anything."""

    path: str
    label: str
    permission: Permission


NAV: Final = (
    NavItem("/", "Dashboard", Permission.SUBJECT_READ),
    NavItem("/subjects", "Subjects", Permission.SUBJECT_READ),
    NavItem("/groups", "Groups", Permission.SUBJECT_READ),
    NavItem("/tips", "Tips", Permission.SUBJECT_READ),
    NavItem("/cases", "Cases", Permission.CASE_READ),
    NavItem("/statistics", "Statistics", Permission.CASE_READ),
    NavItem("/banks", "Hash banks", Permission.SUBJECT_READ),
    NavItem("/scans", "Scans", Permission.CASE_READ),
    NavItem("/quarantine", "Quarantine", Permission.SUBJECT_READ),
    NavItem("/victims", "Victims", Permission.VICTIM_READ),
    NavItem("/admin", "Admin", Permission.USER_MANAGE),
    NavItem("/audit", "Audit log", Permission.AUDIT_READ),
)
"""Every page of the application's navigation bar, in order."""

templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.autoescape = True


def nav_for(who: SignedIn | None) -> list[NavItem]:
    """The navigation links `who` may open (none when signed out)."""
    if who is None:
        return []
    return [item for item in NAV if scope_of(who.actor.role, item.permission) is not Reach.NONE]


def flash(request: Request, message: str, kind: str = "info") -> None:
    """Leave `message` for the next page the browser shows (kind: info, success, error)."""
    pending: list[dict[str, str]] = getattr(request.state, "flashes_out", [])
    pending.append({"kind": kind, "message": message})
    request.state.flashes_out = pending


def flashes(request: Request) -> list[dict[str, str]]:
    """The messages left for this page (consumed: the cookie is cleared on the response)."""
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    request.state.flashes_consumed = True
    try:
        value = json.loads(base64.urlsafe_b64decode(raw.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        return []
    if not isinstance(value, list):
        return []
    return [
        {"kind": str(item.get("kind", "info")), "message": str(item.get("message", ""))}
        for item in value
        if isinstance(item, dict)
    ]


def encode_flashes(items: list[dict[str, str]]) -> str:
    """The cookie value for `items` (trimmed to `MAX_FLASH_BYTES`)."""
    while items:
        raw = base64.urlsafe_b64encode(json.dumps(items).encode("utf-8")).decode("ascii")
        if len(raw) <= MAX_FLASH_BYTES:
            return raw
        items = items[:-1]
    return ""


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    status_code: int = 200,
    *,
    background: BackgroundTask | None = None,
) -> HTMLResponse:
    """The page `template` with `context` plus signed_in, csrf_token, nav and flashes."""
    who: SignedIn | None = getattr(request.state, "signed_in", None)
    full = {
        "signed_in": who,
        "csrf_token": who.csrf_token if who is not None else csrf_token(request),
        "nav": nav_for(who),
        "flashes": flashes(request),
        "path": request.url.path,
        **context,
    }
    response = templates.TemplateResponse(
        request, template, full, status_code=status_code, background=background
    )
    new_presession: str | None = getattr(request.state, "new_presession", None)
    if new_presession and who is None:
        response.set_cookie(
            PRESESSION_COOKIE,
            new_presession,
            path="/",
            secure=settings_of(request).cookie_secure,
            httponly=True,
            samesite="strict",
        )
    return response


class FlashCookies:
    """ASGI middleware: writes the flashes a request left, and clears the ones a page showed."""

    def __init__(self, app: ASGIApp, *, secure: bool) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                pending = state.get("flashes_out") or []
                value = encode_flashes(list(pending)) if pending else ""
                if value or state.get("flashes_consumed"):
                    cookie = SimpleCookie()
                    cookie[FLASH_COOKIE] = value
                    morsel = cookie[FLASH_COOKIE]
                    morsel["path"] = "/"
                    morsel["httponly"] = True
                    morsel["samesite"] = "Strict"
                    morsel["max-age"] = 300 if value else 0
                    if self.secure:
                        morsel["secure"] = True
                    headers = MutableHeaders(scope=message)
                    headers.append("set-cookie", morsel.OutputString())
            await send(message)

        await self.app(scope, receive, send_with_cookie)
