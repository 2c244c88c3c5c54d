"""In a real browser: a district officer opens a group from the list; cytoscape.js draws its graph
into a canvas; selecting an edge shows its evidence in the side panel; the graph's filters hide
what does not match; members of other districts are never named. No page breaks the
Content-Security-Policy (the graph's data is a JSON block, its code a static file)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.intel.networks.circle import GROUP, load_circle
from tests.web.conftest import PASSWORD, make_user


def test_officer_opens_a_group_and_reads_an_edges_evidence(
    browser_page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    circle = load_circle(live_server.settings, tmp_path / "circle")
    make_user(live_server.settings, "asha.nair", "district_officer", "KARNATAKA", "BENGALURU URBAN")
    away = [s for s, d in circle.district_of.items() if d != "BENGALURU URBAN"]
    page = browser_page
    page.goto("/signin")
    page.fill("#name", "asha.nair")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Dashboard")

    page.click("nav >> text=Groups")
    expect(page.locator("h1")).to_have_text("Groups")
    page.click(f'a[href="/groups/{circle.group_id}"]')
    expect(page.locator("h1")).to_contain_text(circle.group_id)
    expect(page.locator("p.scope")).to_contain_text("2 more outside it")

    # cytoscape.js draws into canvases inside the container, with the page's two members.
    page.wait_for_function("() => window.surakshaGraph !== undefined")
    expect(page.locator("#group-graph canvas").first).to_be_visible()
    assert page.evaluate("() => window.surakshaGraph.cy.nodes().length") == 2
    assert page.evaluate("() => window.surakshaGraph.cy.edges().length") == 1
    expect(page.locator("#graph-count")).to_have_text("2 of 2 members, 1 of 1 edges shown")

    page.evaluate("() => window.surakshaGraph.cy.edges()[0].emit('tap')")
    panel = page.locator("#evidence-panel")
    expect(panel.locator(".evidence-list li")).to_have_count(2)
    expect(panel).to_contain_text("platform group")
    expect(panel).to_contain_text(GROUP)
    expect(panel).to_contain_text("880001")
    expect(panel).to_contain_text("880002")
    expect(page.locator("#evidence-hint")).to_be_hidden()

    # Filters hide what does not match; "any" shows it again.
    page.select_option("#graph-kind", "file")
    expect(page.locator("#graph-count")).to_have_text("2 of 2 members, 1 of 1 edges shown")
    bridges = page.evaluate(
        "() => window.surakshaGraph.cy.nodes().filter(n => n.data('roles').includes('bridge'))"
        ".length"
    )
    page.select_option("#graph-role", "bridge")
    expect(page.locator("#graph-count")).to_contain_text(f"{bridges} of 2 members")
    page.select_option("#graph-role", label="any")
    expect(page.locator("#graph-count")).to_have_text("2 of 2 members, 1 of 1 edges shown")

    main = page.locator("main")
    for subject in away:
        expect(main).not_to_contain_text(subject)
    assert page.locator("img").count() == 0
    assert live_server.errors == []
