"""End-to-end fixtures: a real `suraksha serve` in a subprocess and Debian's Chromium, headless.

    live_server   starts `python -m suraksha serve` on a free loopback port against a fresh
                  SQLite workspace (cookies allowed over loopback HTTP); yields a `LiveServer`
                  with the base URL and the workspace `Settings` (add users and data with them)
    browser_page  a new Playwright page in /usr/bin/chromium; CSP violations and script errors
                  the page reports are collected in `live_server.errors` (tests assert it empty)

Skips, saying why, only when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from suraksha.config import Settings
from suraksha.workspace import open_engine
from tests.e2e.server import ServerFailed, running_server

CHROMIUM = Path("/usr/bin/chromium")


@dataclass
class LiveServer:
    """A running server: where it listens and the workspace it serves."""

    base_url: str
    settings: Settings
    log: Path
    errors: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        """The absolute URL of `path`."""
        return self.base_url + path


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """`suraksha serve` on a fresh SQLite workspace, stopped after the test."""
    home = tmp_path / "workspace"
    settings = Settings(
        home=home, database_url=f"sqlite:///{home / 'suraksha.sqlite3'}", cookie_secure=False
    )
    open_engine(settings, migrate=True).dispose()
    log = tmp_path / "server.log"
    try:
        with running_server(settings, log) as base:
            yield LiveServer(base, settings, log)
    except ServerFailed as err:
        pytest.fail(str(err))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium for one test module.

    Not for the session: while Playwright's synchronous API is open it holds an asyncio loop as
    the running loop of this thread, so a later test in the same worker that calls
    `asyncio.run` (tests/web/test_bench.py) would fail, depending on the order xdist chose.
    """
    if not CHROMIUM.is_file():
        pytest.skip(f"end-to-end tests need Chromium at {CHROMIUM} (Debian package `chromium`)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def browser_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser context and page; console errors go to `live_server.errors`."""
    context = browser.new_context(base_url=live_server.base_url)
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        # A page answered 401/403 on purpose is logged as a failed resource: not an error here.
        expected = re.match(r"Failed to load resource: .* status of 40[13]\b", message.text)
        if message.type == "error" and not expected:
            live_server.errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: live_server.errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
