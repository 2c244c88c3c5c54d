"""In a real browser: a district officer goes from the tip inbox to a tip, to its subject, judges
it against another subject of the district and sees the judgement on the profile; another
district's subject is "not found". No page breaks the Content-Security-Policy."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.web.conftest import PASSWORD, make_user
from tests.web.corpus import load_corpus


def test_officer_goes_from_a_tip_to_a_judgement(
    browser_page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    places = load_corpus(live_server.settings, tmp_path / "corpus")
    make_user(live_server.settings, "asha.nair", "district_officer", places.state, places.home)
    page = browser_page
    page.goto("/signin")
    page.fill("#name", "asha.nair")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Dashboard")

    page.click("nav >> text=Tips")
    expect(page.locator("h1")).to_have_text("Tips")
    expect(page.locator(f'a[href="/tips/{places.away_tip}"]')).to_have_count(0)
    page.click(f'a[href="/tips/{places.home_tip}"]')
    expect(page.locator("h1")).to_contain_text("Tip ")
    expect(page.locator("#files-h")).to_have_text("Files (hashes and metadata only)")
    assert page.locator("img").count() == 0

    page.click(f'a[href="/subjects/{places.home_subject}"]')
    expect(page.locator("h1")).to_have_text(places.home_subject)
    form = page.locator('form[aria-label="Record a judgement"]')
    form.locator('input[name="other"]').fill(places.home_second)
    form.locator('select[name="decision"]').select_option("different")
    form.locator('textarea[name="reason"]').fill("different ages and devices")
    form.locator("button[type=submit]").click()

    expect(page.locator(".flash")).to_contain_text("Recorded judgement 1")
    row = page.locator("#judgements tr.judgement")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("different")
    expect(row).to_contain_text("different ages and devices")
    expect(row).to_contain_text("asha.nair")

    assert live_server.errors == []

    page.goto(f"/subjects/{places.away_subject}")
    expect(page.locator("h1")).to_have_text("Not found")
    expect(page.locator("main")).not_to_contain_text(places.away)
    page.goto(f"/tips/{places.away_tip}")
    expect(page.locator("h1")).to_have_text("Not found")
    # The browser logs each 404 document it was served; nothing else may appear.
    assert all("status of 404" in error for error in live_server.errors), live_server.errors
