"""In a real browser: an admin signs in with a second factor, sees the dashboard and signs out;
a district officer signs in with a password; no page breaks the Content-Security-Policy."""

from __future__ import annotations

import pyotp
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.web.conftest import PASSWORD, make_user


def test_admin_enrols_signs_in_and_out(browser_page: Page, live_server: LiveServer) -> None:
    make_user(live_server.settings, "root", "admin")
    page = browser_page
    page.goto("/admin")
    expect(page).to_have_url(live_server.url("/signin?next=/admin"))
    page.fill("#name", "root")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")

    expect(page.locator("h1")).to_have_text("Set up your second factor")
    secret = page.locator("#totp-secret").inner_text().strip()
    assert page.locator("#totp-uri").inner_text().startswith("otpauth://totp/Suraksha:root?")
    assert secret not in page.url
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("button[type=submit]")

    expect(page).to_have_url(live_server.url("/admin"))
    expect(page.locator("h1")).to_have_text("Accounts")
    page.click("nav >> text=Dashboard")
    expect(page.locator("h1")).to_have_text("Dashboard")
    expect(page.locator(".scope")).to_contain_text("everywhere")
    expect(page.locator("#case-alerts ul")).to_be_visible()  # the panel loaded: no request left
    cookies = page.context.cookies()
    session = next(c for c in cookies if c["name"] == "suraksha_session")
    assert session["httpOnly"] and session["sameSite"] == "Strict"

    page.click("text=Sign out")
    expect(page).to_have_url(live_server.url("/signin"))
    expect(page.locator(".flash")).to_have_text("You have signed out.")
    page.goto("/")
    expect(page).to_have_url(live_server.url("/signin"))
    assert live_server.errors == []


def test_officer_signs_in_and_sees_only_their_pages(
    browser_page: Page, live_server: LiveServer
) -> None:
    make_user(live_server.settings, "asha.nair", "district_officer", "KERALA", "ERNAKULAM")
    page = browser_page
    page.goto("/signin")
    page.fill("#name", "asha.nair")
    page.fill("#password", "not the password")
    page.click("button[type=submit]")
    expect(page.locator(".error")).to_contain_text("The name, password or code is wrong")
    expect(page.locator("#name")).to_have_value("")  # what was typed is not shown back
    page.fill("#name", "asha.nair")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Dashboard")
    expect(page.locator(".scope")).to_contain_text("district ERNAKULAM, KERALA")
    expect(page.locator("nav >> text=Admin")).to_have_count(0)
    response = page.goto("/admin")
    assert response is not None and response.status == 403
    assert live_server.errors == []
