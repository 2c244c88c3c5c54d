"""In a real browser: an admin loads the synthetic demo; htmx polls its progress (under the
Content-Security-Policy) until the dashboard has subjects."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.web.conftest import PASSWORD, code_for, make_user

LOAD_TIMEOUT_MS = 240_000


def test_admin_loads_the_demo_and_watches_it(browser_page: Page, live_server: LiveServer) -> None:
    secret = make_user(live_server.settings, "root", "admin", totp=True)
    assert secret is not None
    page = browser_page
    page.goto("/signin")
    page.fill("#name", "root")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.fill("#code", code_for(secret))
    page.click("button[type=submit]")
    expect(page.locator(".empty")).to_contain_text("No subjects yet")

    page.click("text=synthetic demo data")
    expect(page).to_have_url(live_server.url("/admin/demo"))
    page.fill("#persons", "20")
    page.click("text=Load the synthetic demo data")
    expect(page.locator("#demo-status strong")).to_have_text("running")
    # The status block is replaced by htmx every 2 s, without reloading the page.
    page.evaluate("window.suraksha_marker = 1")
    expect(page.locator("#demo-status strong")).to_have_text("done", timeout=LOAD_TIMEOUT_MS)
    assert page.evaluate("window.suraksha_marker") == 1
    expect(page.locator("#demo-status")).to_contain_text(re.compile(r"\d+ reports → \d+ subjects"))

    page.click("#demo-status >> text=Open the dashboard")
    expect(page.locator(".scope")).to_contain_text("everywhere")
    assert page.locator("table >> nth=0 >> tbody tr").count() > 1
    assert live_server.errors == []
