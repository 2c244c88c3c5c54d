"""Screenshots of the main pages for the README, on synthetic demo data (scripts/screenshots).

Loads the synthetic demo into a temporary workspace, creates an admin (with a second factor) and
a district officer, starts `suraksha serve`, signs in with headless Chromium and saves PNGs in
docs/screenshots/. Synthetic data only; the application never shows media.

    python -m tests.e2e.screenshots [--out docs/screenshots] [--persons 300]
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path

import pyotp
from playwright.sync_api import Page, sync_playwright

from suraksha.config import Settings
from suraksha.intel.dashboard import dashboard
from suraksha.security.users import actor_of, get_user
from suraksha.storage.session import transaction
from suraksha.synthetic.demo import load_demo
from suraksha.workspace import open_engine
from tests.e2e.conftest import CHROMIUM
from tests.e2e.server import running_server
from tests.web.conftest import PASSWORD, make_user

REPO = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 1360, 900


class _Printed:
    """Prints each step of the demo as it begins (`synthetic.demo.DemoProgress`)."""

    def begin(self, step: str, total: int) -> None:
        print(" ", step, flush=True)

    def advance(self, amount: int = 1) -> None:
        pass


def _prepare(home: Path, persons: int) -> tuple[Settings, str, tuple[str, str]]:
    settings = Settings(
        home=home, database_url=f"sqlite:///{home / 'suraksha.sqlite3'}", cookie_secure=False
    )
    engine = open_engine(settings, migrate=True)
    try:
        print(f"Loading the synthetic demo ({persons} persons)…", flush=True)
        load_demo(engine, settings, persons=persons, progress=_Printed())
    finally:
        engine.dispose()
    secret = make_user(settings, "root", "admin", totp=True)
    assert secret is not None
    place = _busiest_district(settings)
    make_user(settings, "asha.nair", "district_officer", *place)
    return settings, secret, place


def _busiest_district(settings: Settings) -> tuple[str, str]:
    engine = open_engine(settings)
    try:
        with transaction(engine) as session:
            admin = get_user(session, "root")
            board = dashboard(session, actor_of(admin))
            top = next(c for c in board.districts if c.state and c.district)
            assert top.state is not None and top.district is not None
            session.rollback()  # the dashboard's audit event is not part of the demo
            return top.state, top.district
    finally:
        engine.dispose()


def _sign_in(page: Page, name: str, code: Callable[[], str] | None = None) -> None:
    page.goto("/signin")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    if code is not None:
        page.wait_for_url("**/signin/code")
        page.fill("#code", code())
        page.click("button[type=submit]")
    page.wait_for_url("**/")


def _open_largest_group(page: Page) -> bool:
    """The largest group's page, its graph drawn and its strongest edge's evidence shown; False
    when the workspace has no group."""
    page.goto("/groups")
    links = page.locator("table.groups tbody a")
    if links.count() == 0:
        return False
    links.first.click()
    page.wait_for_function("() => window.surakshaGraph !== undefined")
    page.evaluate(
        "() => { const cy = window.surakshaGraph.cy;"
        " const edges = cy.edges().sort((a, b) => b.data('weight') - a.data('weight'));"
        " if (edges.length) { edges[0].emit('tap'); } }"
    )
    return True


def take(out: Path, persons: int) -> list[Path]:
    """Take the screenshots into `out`; returns the files written."""
    if not CHROMIUM.is_file():
        raise SystemExit(f"Screenshots need Chromium at {CHROMIUM} (Debian package `chromium`).")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="suraksha-shots-") as scratch:
        settings, secret, _place = _prepare(Path(scratch) / "workspace", persons)
        with (
            running_server(settings, Path(scratch) / "server.log") as base,
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
            context = browser.new_context(
                base_url=base, viewport={"width": WIDTH, "height": HEIGHT}
            )
            page = context.new_page()

            def shot(name: str, path: str | None = None, *, full: bool = True) -> None:
                if path is not None:
                    page.goto(path)
                target = out / f"{name}.png"
                page.screenshot(path=str(target), full_page=full)
                written.append(target)
                print(f"  {target.relative_to(REPO) if target.is_relative_to(REPO) else target}")

            page.goto("/signin")
            shot("signin", full=False)
            _sign_in(page, "root", code=lambda: pyotp.TOTP(secret).now())
            shot("dashboard-admin")
            for name, path in (
                ("subjects", "/subjects"),
                ("tips", "/tips"),
                ("groups", "/groups"),
                ("admin-users", "/admin"),
                ("audit-log", "/audit"),
            ):
                response = page.goto(path)
                if response is not None and response.ok:
                    shot(name)
            if _open_largest_group(page):
                shot("group")
            page.click("text=Sign out")
            _sign_in(page, "asha.nair")
            shot("dashboard-district-officer")
            browser.close()
    return written


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--persons", type=int, default=300)
    arguments = parser.parse_args()
    take(arguments.out, arguments.persons)


if __name__ == "__main__":
    main()
