"""CSRF protection: a synchroniser token bound to the browser's session, on every unsafe method.

The token is derived from the session cookie's token (security.sessions.csrf_token_of), so it
changes at sign-in and sign-out and needs no storage. Before sign-in, the browser holds a random
pre-session cookie and the token is derived from it (so the sign-in form itself is protected
against login CSRF). Pages put the token in a hidden `csrf_token` field; HTMX and scripts send it
as the `X-CSRF-Token` header (static/app.js reads it from the page's `<meta name="csrf-token">`).

Every router of the application is included with `enforce_csrf` as a dependency (app.py), so a
route cannot forget it; `require_csrf` is the same check for a route that wants to say so.
"""

from __future__ import annotations

import hmac
from typing import Final

from fastapi import Request

from suraksha.security.sessions import csrf_token_of, new_token

SESSION_COOKIE: Final = "suraksha_session"
PRESESSION_COOKIE: Final = "suraksha_presession"
FIELD: Final = "csrf_token"
HEADER: Final = "X-CSRF-Token"
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_FORM_TYPES: Final = ("application/x-www-form-urlencoded", "multipart/form-data")


class CsrfRefused(Exception):
    """An unsafe request without the page's CSRF token: refused with 403, nothing changed."""


def csrf_base(request: Request) -> str:
    """The cookie token the request's CSRF token is derived from.

    The session cookie when there is one, else the pre-session cookie, else a new pre-session
    token that `render` sets as a cookie on the page it returns.
    """
    state = request.state
    base: str | None = getattr(state, "csrf_base", None)
    if base:
        return base
    base = request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRESESSION_COOKIE)
    if not base:
        base = new_token()
        state.new_presession = base
    state.csrf_base = base
    return base


def csrf_token(request: Request) -> str:
    """The CSRF token the page for `request` must send back."""
    return csrf_token_of(csrf_base(request))


async def enforce_csrf(request: Request) -> None:
    """Refuse (CsrfRefused → 403) an unsafe request whose token is missing or wrong."""
    if request.method in SAFE_METHODS:
        return
    cookie = request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRESESSION_COOKIE)
    sent = request.headers.get(HEADER)
    if not sent and request.headers.get("content-type", "").startswith(_FORM_TYPES):
        value = (await request.form()).get(FIELD)
        sent = value if isinstance(value, str) else None
    if not cookie or not sent or not hmac.compare_digest(sent, csrf_token_of(cookie)):
        raise CsrfRefused()


require_csrf = enforce_csrf
"""The check as a route dependency (`dependencies=[Depends(require_csrf)]`); already applied to
every router by `create_app`."""
