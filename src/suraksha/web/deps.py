"""FastAPI dependencies: the request's database session, the signed-in person, the CSRF check.

    db           one SQLAlchemy session per request on the app's engine. `Transactions`
                 (installed by create_app) commits it just before the response starts, or rolls
                 it back when the route raised (an error page, a refusal, a crash): what a
                 person saw succeed is committed, and nothing of a refused request remains.
    signed_in    the `SignedIn` person of the request's session cookie. A page request without
                 one is redirected to /signin?next=<path> (303); an /api/ request gets 401 JSON.
    require_csrf the synchroniser-token check (csrf.py); every router already has it.

Routes pass `signed_in.actor` to domain functions, which check role and jurisdiction
(security.policy) and audit; the web layer adds no rule of its own.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Final

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar
from fastapi import Depends, Request, Response
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from suraksha.cases.workflow import assigned_case_ids
from suraksha.config import Settings
from suraksha.security.policy import Actor
from suraksha.security.sessions import Stage, csrf_token_of, find_session
from suraksha.security.users import UserView, actor_of
from suraksha.storage.session import session_factory
from suraksha.web.csrf import PRESESSION_COOKIE, SESSION_COOKIE, require_csrf

__all__ = [
    "Db",
    "SignInRequired",
    "SignedIn",
    "Transactions",
    "Who",
    "clear_session_cookie",
    "client_address",
    "current",
    "db",
    "engine_of",
    "is_api",
    "mark_rollback",
    "require_csrf",
    "set_session_cookie",
    "settings_of",
    "signed_in",
]

_DB_KEY: Final = "suraksha_db"
_ROLLBACK_KEY: Final = "suraksha_rollback"
API_PREFIX: Final = "/api/"


class SignInRequired(Exception):
    """No live signed-in session: a page redirects to /signin, the API answers 401."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The person behind a request: what may be shown about them and the `Actor` they act as."""

    user: UserView
    actor: Actor
    session_id: int
    csrf_token: str


class _Holder:
    """The request's database session, opened on first use."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.session: Session | None = None

    def open(self) -> Session:
        if self.session is None:
            self.session = session_factory(self.engine)()
        return self.session


class Transactions:
    """ASGI middleware: commits the request's session before the response starts.

    It rolls back instead when an error handler marked the request (`mark_rollback`) or the
    route raised. A commit that fails turns into a 500 before anything was sent.
    """

    def __init__(self, app: ASGIApp, engine: Engine) -> None:
        self.app = app
        self.engine = engine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        holder = _Holder(self.engine)
        state: dict[str, Any] = scope.setdefault("state", {})
        state[_DB_KEY] = holder

        async def finish_then_send(message: Message) -> None:
            if message["type"] == "http.response.start" and holder.session is not None:
                session = holder.session
                if state.get(_ROLLBACK_KEY):
                    await anyio.to_thread.run_sync(session.rollback)
                else:
                    await anyio.to_thread.run_sync(session.commit)
            await send(message)

        try:
            async with _admission():
                await self.app(scope, receive, finish_then_send)
        except BaseException:
            if holder.session is not None:
                holder.session.rollback()
            raise
        finally:
            if holder.session is not None:
                holder.session.close()


# Requests let into the application at once, per event loop: see `_admission`.
_ADMITTED: RunVar[anyio.CapacityLimiter] = RunVar("suraksha_admitted")


def _admission() -> anyio.CapacityLimiter:
    """At most one request fewer than the worker threads inside the application at once.

    A request's database work takes several trips to a worker thread (dependencies, the route,
    the response's validation, the commit), and it holds locks across them: on SQLite the write
    lock from its first statement, on PostgreSQL the audit chain's head once it appended an
    event. The requests waiting for such a lock each hold a thread while they wait; were every
    thread taken so, the holder could not get one for its next trip, and nothing would move
    again (PostgreSQL) or every waiting request would fail after the busy timeout (SQLite).
    Each request admitted holds at most one thread at a time, so with fewer admitted than
    threads one is always free; the others wait here, without a thread
    (tests/web/test_concurrency.py).
    """
    threads = anyio.to_thread.current_default_thread_limiter().total_tokens
    room = threads if threads == math.inf else max(1, int(threads) - 1)
    try:
        admitted = _ADMITTED.get()
    except LookupError:
        admitted = anyio.CapacityLimiter(room)
        _ADMITTED.set(admitted)
    if admitted.total_tokens != room:  # the thread limit was changed since
        admitted.total_tokens = room
    return admitted


def mark_rollback(request: Request) -> None:
    """Make `Transactions` roll the request's work back (error handlers call this)."""
    request.state.suraksha_rollback = True


def db(request: Request) -> Iterator[Session]:
    """The request's database session (one per request, shared by every dependency).

    Committed by `Transactions` just before the response, rolled back on an error.
    """
    holder: _Holder | None = getattr(request.state, _DB_KEY, None)
    if holder is None:  # an app without the middleware would silently never commit
        raise RuntimeError("web.deps.db needs create_app's Transactions middleware")
    yield holder.open()


Db = Annotated[Session, Depends(db)]
"""`session: Db` in a route's parameters."""


def engine_of(request: Request) -> Engine:
    """The application's engine (for work that needs its own transactions, like the demo)."""
    engine: Engine = request.app.state.engine
    return engine


def settings_of(request: Request) -> Settings:
    """The application's settings."""
    settings: Settings = request.app.state.settings
    return settings


def is_api(request: Request) -> bool:
    """True for the JSON API (errors as JSON, 401 instead of a redirect)."""
    return request.url.path.startswith(API_PREFIX) or request.url.path == API_PREFIX.rstrip("/")


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy: uvicorn --proxy-headers)."""
    return request.client.host if request.client else "unknown"


def current(request: Request, session: Session) -> SignedIn | None:
    """The signed-in person of the request, or None; sets `request.state.signed_in`."""
    known: SignedIn | None = getattr(request.state, "signed_in", None)
    if known is not None:
        return known
    token = request.cookies.get(SESSION_COOKIE)
    found = find_session(session, token)
    if found is None or token is None or found[0].stage != Stage.SIGNED_IN:
        return None
    row, user = found
    who = SignedIn(
        user=UserView.of(user),
        # The `cases` scope (investigating officers, prosecutors) reaches the cases assigned now.
        actor=actor_of(user, assigned_case_ids(session, user.name)),
        session_id=row.id,
        csrf_token=csrf_token_of(token),
    )
    request.state.signed_in = who
    return who


def signed_in(request: Request, session: Db) -> SignedIn:
    """The signed-in person, or SignInRequired (a redirect to /signin, or 401 for the API)."""
    who = current(request, session)
    if who is None:
        raise SignInRequired()
    return who


Who = Annotated[SignedIn, Depends(signed_in)]
"""`who: Who` in a route's parameters."""


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    """Put a session token in the browser: HttpOnly, SameSite=Strict, Secure unless configured
    off for loopback HTTP; and drop the pre-session cookie.

    No max-age: the browser forgets it when it closes (shared station computers); the server
    ends it anyway after security.sessions.IDLE / ABSOLUTE."""
    secure = settings_of(request).cookie_secure
    response.set_cookie(
        SESSION_COOKIE,
        token,
        path="/",
        secure=secure,
        httponly=True,
        samesite="strict",
    )
    response.delete_cookie(PRESESSION_COOKIE, path="/", secure=secure, httponly=True)


def clear_session_cookie(response: Response, request: Request) -> None:
    """Remove the session cookie from the browser (after signing out)."""
    secure = settings_of(request).cookie_secure
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=secure, httponly=True, samesite="strict"
    )
