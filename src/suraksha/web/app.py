"""`create_app(settings)`: the FastAPI application, built by a factory and never at import time.

    request ─► SecurityHeaders ─► FlashCookies ─► Transactions ─► router (CSRF check) ─► route
                (CSP, no-store)    (one-shot msgs)  (commit before the response, or roll back)

Routers are listed in `ROUTERS`, one module per domain under web/routes/, each exposing
`router: APIRouter`; every one is included with the CSRF check (csrf.py) as a dependency.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Final
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from suraksha.config import Settings
from suraksha.errors import AccessDenied, UserInputError
from suraksha.web.csrf import CsrfRefused, enforce_csrf
from suraksha.web.deps import SignInRequired, Transactions, is_api, mark_rollback
from suraksha.web.headers import SecurityHeaders
from suraksha.web.templating import FlashCookies, render
from suraksha.web.throttle import AddressThrottle
from suraksha.workspace import open_engine

STATIC: Final = Path(__file__).parent / "static"
ROUTERS: Final = (
    "auth",
    "dashboard",
    "admin",
    "audit",
    "subjects",
    "tips",
    "banks",
    "scans",
    "quarantine",
    "cases",
    "statistics",
    "victims",
    "groups",
    "api",
    "api_cases",
    "api_groups",
)
"""The modules `suraksha.web.routes.<name>` whose `router` the application includes, in order."""


def create_app(settings: Settings) -> FastAPI:
    """The web application on the workspace of `settings` (its database must be current:
    `suraksha init` creates or upgrades it)."""
    engine = open_engine(settings)
    app = FastAPI(
        title="Suraksha",
        summary="Subjects, tips and cases for child-protection units (synthetic data in demos).",
        docs_url=None,  # the interactive docs load scripts from a CDN: refused by the CSP
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.throttle = AddressThrottle()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for name in ROUTERS:
        module = importlib.import_module(f"suraksha.web.routes.{name}")
        app.include_router(module.router, dependencies=[Depends(enforce_csrf)])
    _install_error_pages(app)
    # Added innermost first: Transactions runs closest to the routes.
    app.add_middleware(Transactions, engine=engine)
    app.add_middleware(FlashCookies, secure=settings.cookie_secure)
    app.add_middleware(SecurityHeaders)
    return app


def _sign_in_at(path: str, query: str) -> str:
    """The sign-in page, coming back to `path?query` after it (to the dashboard: plain)."""
    target = (path or "/") + (f"?{query}" if query else "")
    return "/signin" if target == "/" else f"/signin?next={quote(target, safe='/')}"


def _install_error_pages(app: FastAPI) -> None:
    """Error responses: JSON under /api/, a page elsewhere; each rolls the request back (except
    the sign-in redirect, raised before any route ran)."""

    def failure(request: Request, status: int, message: str) -> Response:
        mark_rollback(request)
        if is_api(request):
            return JSONResponse({"error": message}, status_code=status)
        return render(request, "error.html", {"status": status, "message": message}, status)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _exc: SignInRequired) -> Response:
        # Committed, not rolled back: raised before the route ran, and the lookup may have
        # deleted an expired session, which must stay deleted.
        if is_api(request):
            return JSONResponse({"error": "sign in first"}, status_code=401)
        if request.headers.get("HX-Request"):
            # A fragment (a dashboard panel) is no page to come back to: the page it was loaded
            # into is (htmx names it; without it, the request's own). Only its path and query
            # are taken, so `next` stays on this site.
            page = urlsplit(request.headers.get("HX-Current-URL") or str(request.url))
            return Response(
                status_code=401, headers={"HX-Redirect": _sign_in_at(page.path, page.query)}
            )
        return RedirectResponse(_sign_in_at(request.url.path, request.url.query), status_code=303)

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, _exc: CsrfRefused) -> Response:
        return failure(
            request, 403, "The form was out of date or not sent from this site: reload and retry."
        )

    @app.exception_handler(AccessDenied)
    async def _denied(request: Request, exc: AccessDenied) -> Response:
        return failure(request, 403, str(exc))

    @app.exception_handler(UserInputError)
    async def _user_error(request: Request, exc: UserInputError) -> Response:
        return failure(request, 400, str(exc))

    @app.exception_handler(DataError)
    async def _bad_data(request: Request, _exc: DataError) -> Response:
        # The database refused a value taken from the request (PostgreSQL refuses NUL
        # characters in text): the request was wrong, not the server.
        return failure(
            request, 400, "The request holds characters or values that cannot be stored."
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        mark_rollback(request)
        if is_api(request):
            return JSONResponse(
                {"error": "invalid request", "detail": jsonable_encoder(exc.errors())}, 422
            )
        return failure(request, 422, "Some fields were missing or invalid.")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        mark_rollback(request)
        if is_api(request):
            return JSONResponse(
                {"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers
            )
        return failure(request, exc.status_code, str(exc.detail))
