"""In a real browser: a district officer opens a case from a subject, moves it to FIR, records
the first remand and sees the charge-sheet deadline it starts, makes the prosecutor's summary and
downloads its PDF; the dashboard's alerts panel and the statistics page load without breaking the
Content-Security-Policy."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from suraksha.cases.deadlines import IST
from tests.e2e.conftest import LiveServer
from tests.web.conftest import PASSWORD, make_user
from tests.web.corpus import load_corpus


def test_officer_opens_a_case_and_sees_the_chargesheet_deadline(
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
    expect(page.locator("#case-alerts")).to_contain_text("No case deadline is missed or due soon")

    page.goto(f"/cases/new?subject={places.home_subject}")
    form = page.locator('form[aria-label="Open a case"]')
    expect(form.locator('input[name="subject"]')).to_have_value(places.home_subject)
    form.locator('textarea[name="reason"]').fill("NCMEC tips: possession")
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("at stage lead")
    expect(page.locator("#case-stage")).to_have_text("lead")

    move = page.locator('form[aria-label="Move the case"]')
    move.locator('select[name="stage"]').select_option("fir")
    move.locator('input[name="fir_number"]').fill("1234/2026")
    move.locator('textarea[name="reason"]').fill("prima facie case")
    move.locator("button[type=submit]").click()
    expect(page.locator("#case-stage")).to_have_text("fir")
    expect(page.locator("h1")).to_contain_text("FIR 1234/2026")
    expect(page.locator("#stages tr.transition").last).to_contain_text("prima facie case")

    remand = (datetime.now(IST) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    event = page.locator('form[aria-label="Record an event"]')
    event.locator('select[name="kind"]').select_option("first_remand")
    event.locator('input[name="at"]').fill(remand)
    event.locator("button[type=submit]").click()
    row = page.locator('#deadlines tr[data-clock="chargesheet_default_bail"]')
    expect(row).to_have_count(1)
    expect(row).to_contain_text("charge sheet before default bail")
    expect(row).to_contain_text("upcoming")

    summary = page.locator('form[aria-label="Make case-summary"]')
    summary.locator("button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("template version")
    with page.expect_download() as made:
        page.locator("#documents a[download]").first.click()
    assert made.value.suggested_filename.endswith("-case-summary-1.pdf")

    page.click("nav >> text=Statistics")
    expect(page.locator("h1")).to_have_text("Statistics")
    expect(page.locator("svg").first).to_be_visible()
    page.click("nav >> text=Cases")
    expect(page.locator("table.cases")).to_contain_text("FIR 1234/2026")
    assert live_server.errors == []
