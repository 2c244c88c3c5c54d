"""Signing in and out through the web form: sessions, TOTP, lockout, open redirects, audit."""

from __future__ import annotations

import html
from datetime import timedelta

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from suraksha.config import Settings
from suraksha.security import audit
from suraksha.security.sessions import WebSession, token_hash
from suraksha.security.signin import MAX_FAILED_SIGN_INS, REFUSAL
from suraksha.security.totp import provisioning_qr
from suraksha.storage.base import utcnow
from suraksha.storage.session import reading, transaction
from suraksha.web.csrf import SESSION_COOKIE
from suraksha.workspace import open_engine
from tests.web.conftest import PASSWORD, code_for, csrf_of, make_user, sign_in, user_row


def _sessions(settings: Settings) -> list[WebSession]:
    engine = open_engine(settings)
    try:
        with transaction(engine) as session:
            return list(session.scalars(select(WebSession)))
    finally:
        engine.dispose()


def _actions(settings: Settings) -> list[str]:
    engine = open_engine(settings)
    try:
        with reading(engine) as session:
            return [event.action for event in reversed(audit.events(session, limit=200))]
    finally:
        engine.dispose()


def test_a_page_redirects_to_sign_in_and_back(client: TestClient, app_settings: Settings) -> None:
    make_user(app_settings, "asha.nair", "district_officer", "KERALA", "ERNAKULAM")
    answer = client.get("/admin?x=1")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signin?next=/admin%3Fx%3D1"
    page = client.get(answer.headers["location"])
    assert 'name="next" value="/admin?x=1"' in page.text
    signed = client.post(
        "/signin",
        data={
            "name": "asha.nair",
            "password": PASSWORD,
            "next": "/admin?x=1",
            "csrf_token": csrf_of(page),
        },
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/admin?x=1"


def test_sign_in_stores_only_a_hash_and_sign_out_deletes_the_session(
    client: TestClient, app_settings: Settings
) -> None:
    make_user(app_settings, "asha.nair", "district_officer", "KERALA", "ERNAKULAM")
    answer = sign_in(client, "asha.nair")
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = answer.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    token = client.cookies[SESSION_COOKIE]
    (stored,) = _sessions(app_settings)
    assert stored.token_hash == token_hash(token) and token not in stored.token_hash
    assert stored.stage == "signed_in" and stored.address == "testclient"
    assert stored.expires_at - stored.created_at == timedelta(hours=12)

    home = client.get("/")
    assert home.status_code == 200 and "asha.nair" in home.text
    out = client.post("/signout", data={"csrf_token": csrf_of(home)})
    assert out.status_code == 303 and out.headers["location"] == "/signin"
    assert _sessions(app_settings) == []
    # The old cookie is worthless even if the browser kept it.
    client.cookies.set(SESSION_COOKIE, token, domain="testserver.local")
    assert client.get("/").status_code == 303
    assert _actions(app_settings)[-3:] == ["user.sign_in", "subject.list", "user.sign_out"]


def test_cookie_is_secure_by_default(app_settings: Settings) -> None:
    import dataclasses

    from suraksha.web.app import create_app

    secure = dataclasses.replace(app_settings, cookie_secure=True)
    make_user(secure, "asha.nair", "district_officer", "KERALA", "ERNAKULAM")
    app = create_app(secure)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        answer = sign_in(client, "asha.nair")
        assert answer.status_code == 303
        assert "Secure" in answer.headers["set-cookie"]
    app.state.engine.dispose()


def test_a_new_session_id_at_every_sign_in(client: TestClient, app_settings: Settings) -> None:
    make_user(app_settings, "asha.nair", "district_officer", "KERALA", "ERNAKULAM")
    planted = "attacker-chosen-token"
    client.cookies.set(SESSION_COOKIE, planted, domain="testserver.local")
    sign_in(client, "asha.nair")
    token = client.cookies[SESSION_COOKIE]
    assert token != planted
    home = client.get("/")
    again = client.post(
        "/signin", data={"name": "asha.nair", "password": PASSWORD, "csrf_token": csrf_of(home)}
    )
    assert again.status_code == 303
    assert client.cookies[SESSION_COOKIE] != token
    assert len(_sessions(app_settings)) == 1  # the earlier session was replaced, not kept


def test_refusals_look_alike_and_are_audited(client: TestClient, app_settings: Settings) -> None:
    make_user(app_settings, "asha.nair", "district_officer", "KERALA", "ERNAKULAM")
    unknown = sign_in(client, "nobody", "whatever password")
    wrong = sign_in(client, "asha.nair", "wrong password here")
    for answer in (unknown, wrong):
        assert answer.status_code == 401 and REFUSAL in answer.text
        assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")
    assert "nobody" not in unknown.text  # what was typed as a name is not echoed back
    assert _actions(app_settings).count("user.sign_in_refused") == 2
    assert "nobody" not in str(_events_detail(app_settings))


def _events_detail(settings: Settings) -> list[object]:
    engine = open_engine(settings)
    try:
        with reading(engine) as session:
            return [(e.object_id, e.detail) for e in audit.events(session, limit=200)]
    finally:
        engine.dispose()


def test_lockout_after_repeated_failures(client: TestClient, app_settings: Settings) -> None:
    make_user(app_settings, "asha.nair", "district_officer", "KERALA", "ERNAKULAM")
    for _ in range(MAX_FAILED_SIGN_INS):
        assert sign_in(client, "asha.nair", "wrong password here").status_code == 401
    locked = sign_in(client, "asha.nair")
    assert locked.status_code == 401 and REFUSAL in locked.text
    assert user_row(app_settings, "asha.nair").locked_until is not None
    assert "user.lockout" in _actions(app_settings)


def test_address_throttle_counts_failures_only(client: TestClient, app_settings: Settings) -> None:
    make_user(app_settings, "asha.nair", "district_officer", "KERALA", "ERNAKULAM")
    client.app.state.throttle.failures = 3  # type: ignore[attr-defined]
    for _ in range(4):  # colleagues behind one address sign in as often as they need
        client.cookies.clear()
        assert sign_in(client, "asha.nair").status_code == 303
    client.cookies.clear()
    for _ in range(3):
        assert sign_in(client, "nobody", "whatever password").status_code == 401
    throttled = sign_in(client, "asha.nair")  # even the right password is not checked now
    assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) > 0
    assert "Too many sign-in attempts" in throttled.text


def test_admin_with_enrolled_totp_signs_in_with_a_code(
    client: TestClient, app_settings: Settings
) -> None:
    secret = make_user(app_settings, "root", "admin", totp=True)
    assert secret is not None
    first = sign_in(client, "root")
    assert first.status_code == 303 and first.headers["location"] == "/signin/code"
    pending = client.cookies[SESSION_COOKIE]
    assert client.get("/").status_code == 303  # a password alone opens nothing
    step = client.get("/signin/code")
    wrong = client.post("/signin/code", data={"code": "000000", "csrf_token": csrf_of(step)})
    assert wrong.status_code == 401 and REFUSAL in wrong.text
    done = client.post("/signin/code", data={"code": code_for(secret), "csrf_token": csrf_of(step)})
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert client.cookies[SESSION_COOKIE] != pending
    assert client.get("/").status_code == 200


def test_admin_without_totp_must_enrol_at_first_sign_in(
    client: TestClient, app_settings: Settings
) -> None:
    make_user(app_settings, "root", "admin")
    first = sign_in(client, "root")
    assert first.headers["location"] == "/signin/enrol"
    page = client.get("/signin/enrol")
    assert page.status_code == 200
    secret = page.text.split('id="totp-secret">')[1].split("<")[0]
    assert "otpauth://totp/Suraksha:root?secret=" + secret in page.text
    uri = html.unescape(page.text.split('id="totp-uri" class="wrap">')[1].split("<")[0])
    qr = page.text.split('id="totp-qr" class="qr" src="')[1].split('"')[0]
    assert html.unescape(qr) == provisioning_qr(uri)  # the code of this very link, for the camera
    assert "img-src 'self' data:" in page.headers["content-security-policy"]
    assert secret not in page.url.query.decode() if hasattr(page.url.query, "decode") else True
    done = client.post(
        "/signin/enrol",
        data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(page)},
    )
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert user_row(app_settings, "root").totp_confirmed_at is not None
    assert {"user.totp_enrol", "user.totp_confirm", "user.sign_in"} <= set(_actions(app_settings))


def test_next_is_a_local_path_only(client: TestClient, app_settings: Settings) -> None:
    make_user(app_settings, "asha.nair", "district_officer", "KERALA", "ERNAKULAM")
    for hostile in (
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/%0d%0aLocation: https://evil.example",
        "/signin",
    ):
        page = client.get("/signin", params={"next": hostile})
        answer = client.post(
            "/signin",
            data={
                "name": "asha.nair",
                "password": PASSWORD,
                "next": hostile,
                "csrf_token": csrf_of(page),
            },
        )
        assert answer.status_code == 303
        location = answer.headers["location"]
        assert location == "/" or (location.startswith("/") and not location.startswith("//")), (
            hostile
        )
        assert "evil" not in location or hostile.startswith("/%0d"), hostile
        client.post("/signout", data={"csrf_token": csrf_of(client.get("/"))})


def test_an_idle_session_expires(client: TestClient, app_settings: Settings) -> None:
    make_user(app_settings, "asha.nair", "district_officer", "KERALA", "ERNAKULAM")
    sign_in(client, "asha.nair")
    engine = open_engine(app_settings)
    try:
        with transaction(engine) as session:
            row = session.scalar(select(WebSession))
            assert row is not None
            row.last_seen_at = utcnow() - timedelta(minutes=31)
        assert client.get("/").status_code == 303
        with reading(engine) as session:
            assert session.scalar(select(func.count()).select_from(WebSession)) == 0
    finally:
        engine.dispose()
