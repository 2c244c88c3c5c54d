"""The web application under test: a TestClient of `create_app` on SQLite and on PostgreSQL.

app_settings   the parametrised `settings` (SQLite file, PostgreSQL), migrated, with cookies
               allowed over the TestClient's plain HTTP
client         a `TestClient` of create_app(app_settings)
sign_in(...)   signs a client in through the real form (with a TOTP code when given)
make_user(...) an account made through security.users (as the command line makes them)
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Iterator
from datetime import datetime

import pyotp
import pytest
from httpx import Response

with warnings.catch_warnings():
    # Starlette 1.x prefers the `httpx2` fork for its TestClient and warns when it finds only
    # httpx; the lock file has httpx (FastAPI's documented test dependency). Imported once here.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from suraksha.config import Settings
from suraksha.security.models import User
from suraksha.security.policy import Role
from suraksha.security.secrets import SecretBox
from suraksha.security.users import add_user, enrol_totp, find_user
from suraksha.storage.session import transaction
from suraksha.web.app import create_app
from suraksha.workspace import open_engine

PASSWORD = "monsoon ferry tamarind"  # noqa: S105 (synthetic accounts')
BASE_URL = "http://testserver"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app_settings(settings: Settings) -> Settings:
    """Workspace settings on a migrated, empty database; cookies not marked Secure (the
    TestClient speaks plain HTTP, as a loopback server would)."""
    engine = open_engine(settings, migrate=True)
    engine.dispose()
    return dataclasses.replace(settings, cookie_secure=False)


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    """A client of the application; it does not follow redirects, so tests see them."""
    app = create_app(app_settings)
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as test_client:
        yield test_client
    app.state.engine.dispose()


def make_user(
    settings: Settings,
    name: str,
    role: Role | str,
    state: str | None = None,
    district: str | None = None,
    password: str = PASSWORD,
    *,
    totp: bool = False,
) -> str | None:
    """Create an account (by "cli:test"); with `totp`, also enrol it and return the secret."""
    engine = open_engine(settings)
    try:
        with transaction(engine) as session:
            user = add_user(
                session,
                name,
                role,
                by="cli:test",
                state=state,
                district=district,
                password=password,
            )
            if totp:
                box = SecretBox.from_settings(settings)
                return enrol_totp(session, user, by="cli:test", box=box).secret
            return None
    finally:
        engine.dispose()


def user_row(settings: Settings, name: str) -> User:
    """The account's row as stored now (detached; for assertions)."""
    engine = open_engine(settings)
    try:
        with transaction(engine) as session:
            user = find_user(session, name)
            assert user is not None
            return user
    finally:
        engine.dispose()


def csrf_of(page: Response) -> str:
    """The CSRF token in a page's first form."""
    found = _CSRF.search(page.text)
    assert found is not None, "the page has no CSRF field"
    return found.group(1)


def code_for(secret: str, at: datetime | None = None) -> str:
    """The TOTP code an authenticator shows now (or at `at`)."""
    totp = pyotp.TOTP(secret)
    return totp.at(at) if at is not None else totp.now()


def sign_in(
    client: TestClient, name: str, password: str = PASSWORD, code: str | None = None
) -> Response:
    """Sign in through the form; returns the last response (a 303 to the dashboard on success).

    With `code`, answers the second-factor step (or the enrolment step) with it.
    """
    page = client.get("/signin")
    answer: Response = client.post(
        "/signin",
        data={"name": name, "password": password, "csrf_token": csrf_of(page)},
    )
    location = answer.headers.get("location", "")
    if code is None or not location.startswith(("/signin/code", "/signin/enrol")):
        return answer
    step = client.get(location)
    done: Response = client.post(
        location.split("?")[0],
        data={"code": code, "csrf_token": csrf_of(step)},
    )
    return done
