"""Headers on every response, CSRF on every unsafe request, and nothing secret in URLs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from suraksha.config import Settings
from suraksha.errors import UserInputError
from suraksha.security.models import User
from suraksha.storage.session import reading
from suraksha.web import routes as route_modules
from suraksha.web.app import ROUTERS
from suraksha.web.headers import CONTENT_SECURITY_POLICY
from suraksha.web.serve import check_binding, is_loopback
from suraksha.workspace import open_engine
from tests.commands import suraksha
from tests.web.conftest import csrf_of, make_user, sign_in

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def _users(settings: Settings) -> int:
    engine = open_engine(settings)
    try:
        with reading(engine) as session:
            return int(session.scalar(select(func.count()).select_from(User)) or 0)
    finally:
        engine.dispose()


def test_the_policy_is_the_documented_one() -> None:
    assert CONTENT_SECURITY_POLICY == EXPECTED_CSP
    assert ROUTERS[:4] == ("auth", "dashboard", "admin", "audit")


def test_every_route_module_is_listed_once() -> None:
    folder = Path(route_modules.__file__).parent
    modules = {path.stem for path in folder.glob("*.py")} - {"__init__"}
    assert sorted(ROUTERS) == sorted(modules) and len(set(ROUTERS)) == len(ROUTERS)


def test_every_kind_of_response_carries_the_headers(
    client: TestClient, app_settings: Settings
) -> None:
    make_user(app_settings, "root", "admin", totp=False)
    responses = {
        "page": client.get("/signin"),
        "redirect": client.get("/"),
        "not found": client.get("/no-such-page"),
        "api": client.get("/api/no-such-thing"),
        "static": client.get("/static/style.css"),
        "refused post": client.post("/signin", data={"name": "x", "password": "y"}),
    }
    for kind, response in responses.items():
        headers = response.headers
        assert headers["content-security-policy"] == EXPECTED_CSP, kind
        assert headers["x-content-type-options"] == "nosniff", kind
        assert headers["referrer-policy"] == "no-referrer", kind
        assert headers["x-frame-options"] == "DENY", kind
        if kind != "static":
            assert headers["cache-control"] == "no-store", kind
    assert responses["redirect"].status_code == 303
    assert responses["refused post"].status_code == 403
    assert responses["api"].status_code in (401, 404)


def test_pages_have_no_inline_script_or_style(client: TestClient, app_settings: Settings) -> None:
    make_user(app_settings, "asha.nair", "district_officer", "KERALA", "ERNAKULAM")
    pages = [client.get("/signin").text]
    sign_in(client, "asha.nair")
    pages.append(client.get("/").text)
    for text in pages:
        assert "<script>" not in text and "<style" not in text and " style=" not in text
        assert " onclick=" not in text and "javascript:" not in text
        assert '<script src="/static/htmx.min.js" defer></script>' in text


def test_the_sign_in_form_itself_needs_its_token(
    client: TestClient, app_settings: Settings
) -> None:
    make_user(app_settings, "asha.nair", "district_officer", "KERALA", "ERNAKULAM")
    client.get("/signin")
    form = {"name": "asha.nair", "password": "monsoon ferry tamarind"}
    assert client.post("/signin", data=form).status_code == 403
    assert client.post("/signin", data=form | {"csrf_token": "forged"}).status_code == 403
    assert "suraksha_session" not in client.cookies


@pytest.mark.parametrize("how", ["missing", "wrong", "another session's"])
def test_a_post_without_the_right_token_changes_nothing(
    client: TestClient, app_settings: Settings, how: str
) -> None:
    make_user(app_settings, "root", "admin")
    other = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    make_user(app_settings, "ravi", "admin")
    sign_in(other, "ravi")  # enrolment needed: a pending session, with its own token
    foreign = csrf_of(other.get("/signin/enrol"))
    _sign_in_admin(client, app_settings)
    before = _users(app_settings)
    form = {
        "name": "intruder",
        "role": "admin",
        "password": "a long enough password",
    }
    token = {"missing": None, "wrong": "0" * 64, "another session's": foreign}[how]
    data = form if token is None else form | {"csrf_token": token}
    answer = client.post("/admin/users", data=data)
    assert answer.status_code == 403
    assert "out of date" in answer.text
    assert _users(app_settings) == before
    # The same request with the page's token goes through.
    page = client.get("/admin")
    assert client.post("/admin/users", data=form | {"csrf_token": csrf_of(page)}).status_code == 303
    assert _users(app_settings) == before + 1


def test_htmx_and_api_requests_send_the_token_as_a_header(
    client: TestClient, app_settings: Settings
) -> None:
    make_user(app_settings, "asha.nair", "district_officer", "KERALA", "ERNAKULAM")
    sign_in(client, "asha.nair")
    token = csrf_of(client.get("/"))
    assert client.post("/signout", headers={"X-CSRF-Token": "bad"}).status_code == 403
    assert client.post("/signout", headers={"X-CSRF-Token": token}).status_code == 303


def test_api_answers_401_json_without_a_session(client: TestClient) -> None:
    answer = client.get("/api/subjects")
    assert answer.status_code in (401, 404)
    if answer.status_code == 401:
        assert answer.json() == {"error": "sign in first"}


def test_htmx_request_without_a_session_is_told_where_to_go(client: TestClient) -> None:
    answer = client.get("/admin", headers={"HX-Request": "true"})
    assert answer.status_code == 401 and answer.headers["hx-redirect"] == "/signin?next=/admin"


def test_a_fragment_without_a_session_sends_back_to_its_page_not_to_itself(
    client: TestClient,
) -> None:
    """A dashboard panel that loads after the session ended (signed out, expired) sends the
    browser to sign in and then back to the page it was on, never to the bare fragment."""
    panel = {"HX-Request": "true", "HX-Current-URL": "http://testserver/cases?order=deadline"}
    answer = client.get("/cases/alerts", headers=panel)
    assert answer.status_code == 401
    assert answer.headers["hx-redirect"] == "/signin?next=/cases%3Forder%3Ddeadline"
    on_dashboard = {"HX-Request": "true", "HX-Current-URL": "http://testserver/"}
    assert client.get("/cases/alerts", headers=on_dashboard).headers["hx-redirect"] == "/signin"


def test_no_secret_in_a_url(client: TestClient, app_settings: Settings) -> None:
    make_user(app_settings, "root", "admin")
    first = sign_in(client, "root")
    assert "secret" not in first.headers["location"] and "code" not in first.headers["location"]
    for response in [first]:
        assert "token" not in response.headers.get("location", "")


def _sign_in_admin(client: TestClient, settings: Settings) -> None:
    answer = sign_in(client, "root")
    assert answer.headers["location"] == "/signin/enrol"
    page = client.get("/signin/enrol")
    secret = page.text.split('id="totp-secret">')[1].split("<")[0]
    done = client.post(
        "/signin/enrol", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(page)}
    )
    assert done.status_code == 303


def test_serve_refuses_clear_cookies_beyond_loopback(
    app_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    for host in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        assert is_loopback(host), host
        check_binding(app_settings, host)
    for host in ("0.0.0.0", "192.168.1.20", "::", "example.org"):  # noqa: S104
        assert not is_loopback(host), host
        with pytest.raises(UserInputError, match="SURAKSHA_COOKIE_SECURE=false"):
            check_binding(app_settings, host)
        check_binding(dataclasses.replace(app_settings, cookie_secure=True), host)
    monkeypatch.setenv("SURAKSHA_COOKIE_SECURE", "false")
    refused = suraksha(app_settings, "serve", "--host", "0.0.0.0")  # noqa: S104
    assert refused.returncode == 1 and "HTTPS reverse proxy" in refused.stderr
    monkeypatch.setenv("SURAKSHA_COOKIE_SECURE", "maybe")
    bad = suraksha(app_settings, "serve")
    assert bad.returncode == 1 and "give true or false" in bad.stderr


def test_values_the_database_refuses_are_a_400_not_a_500(
    client: TestClient, app_settings: Settings
) -> None:
    make_user(app_settings, "ravi.audit", "auditor")
    sign_in(client, "ravi.audit")
    page = client.get("/audit")
    answer = client.post("/audit", data={"actor": "a\x00b", "csrf_token": csrf_of(page)})
    # SQLite stores NUL characters; PostgreSQL refuses them in text.
    assert answer.status_code == (200 if app_settings.is_sqlite else 400)
    assert client.get("/audit").status_code == 200  # the session is usable afterwards
