"""Documents from the case page, on SQLite and PostgreSQL: the forms each role is offered, a PDF
made and downloaded (checked against the register, audited), refusals shown on the page."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from suraksha.cases.documents.files import documents_folder
from suraksha.cases.documents.registry import DocumentKind
from suraksha.cases.documents.render import DocumentRequest, list_documents, make_document
from suraksha.cases.workflow import open_case
from suraksha.config import Settings
from suraksha.security.audit import events
from suraksha.storage.session import transaction
from suraksha.workspace import open_engine
from tests.web.conftest import BASE_URL, csrf_of, make_user, sign_in
from tests.web.people import people

CLI = "cli:tester"
_LINK = re.compile(r'href="(/cases/[^"]+/documents/(\d+)/pdf)"')


@dataclass(frozen=True)
class World:
    """Signed-in clients and a case in each of two districts of one state."""

    clients: dict[str, TestClient]
    settings: Settings
    home_case: str
    away_case: str


def _open(settings: Settings, subject: str, district: str) -> str:
    engine = open_engine(settings)
    try:
        with transaction(engine) as session:
            opened = open_case(
                session, CLI, district=district, reason="synthetic lead", subjects=[subject]
            )
        return opened.summary.case_id
    finally:
        engine.dispose()


@pytest.fixture
def world(
    client: TestClient, app_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    root = tmp_path_factory.getbasetemp() / "web-corpus"
    names = ("admin.root", "do.home")
    with people(client.app, app_settings, root, names) as (places, clients):  # type: ignore[arg-type]
        home = _open(app_settings, places.home_subject, places.home)
        away = _open(app_settings, places.away_subject, places.away)
        yield World(clients, app_settings, home, away)


def _register(settings: Settings, case_id: str) -> list[tuple[str, str, str]]:
    engine = open_engine(settings)
    try:
        with transaction(engine) as session:
            return [(d.kind, d.made_by, d.sha256) for d in list_documents(session, CLI, case_id)]
    finally:
        engine.dispose()


def _audited(settings: Settings, action: str) -> list[tuple[str, str]]:
    engine = open_engine(settings)
    try:
        with transaction(engine) as session:
            return [(e.actor, e.object_id) for e in events(session, action=action)]
    finally:
        engine.dispose()


def test_a_document_is_made_from_the_page_and_downloaded(world: World) -> None:
    officer = world.clients["do.home"]
    ref = world.home_case
    page = officer.get(f"/cases/{ref}")
    forms = re.findall(r'name="kind" value="([a-z0-9-]+)"', page.text)
    assert forms == [kind.value for kind in DocumentKind]  # case.write in the district: all
    made = officer.post(
        f"/cases/{ref}/documents", data={"kind": "case-summary", "csrf_token": csrf_of(page)}
    )
    assert made.status_code == 303 and made.headers["location"] == f"/cases/{ref}#documents"
    [(kind, by, sha256)] = _register(world.settings, ref)
    assert (kind, by) == ("case-summary", "do.home")
    shown = officer.get(f"/cases/{ref}").text
    assert f"SHA-256 {sha256}" in shown  # the flash names what was made
    [(link, document_id)] = _LINK.findall(shown)
    pdf = officer.get(link)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == (
        f'attachment; filename="{ref}-case-summary-1.pdf"'
    )
    assert pdf.headers["cache-control"] == "no-store"
    assert pdf.content.startswith(b"%PDF") and hashlib.sha256(pdf.content).hexdigest() == sha256
    stored = documents_folder(world.settings.home, ref) / f"{ref}-case-summary-1.pdf"
    assert stored.read_bytes() == pdf.content
    assert _audited(world.settings, "document.make") == [("do.home", ref)]
    assert _audited(world.settings, "document.download") == [("do.home", ref)]
    assert document_id.isdigit()


def test_refusals_are_told_on_the_page_and_store_nothing(world: World) -> None:
    officer = world.clients["do.home"]
    ref = world.home_case
    token = csrf_of(officer.get(f"/cases/{ref}"))
    tries = {
        "unknown kind": ({"kind": "summons"}, "is not a document kind"),
        "no exhibit": ({"kind": "certificate-63"}, "has no exhibit"),
        "platform": ({"kind": "notice-94", "platform": "Nowhere"}, "has no reported account on"),
        "account": ({"kind": "notice-94", "account": "acct-x"}, "is not a reported account"),
    }
    for name, (form, message) in tries.items():
        answer = officer.post(f"/cases/{ref}/documents", data=form | {"csrf_token": token})
        assert answer.status_code == 303, name
        page = officer.get(f"/cases/{ref}")
        assert page.status_code == 200 and message in page.text, name
    assert _register(world.settings, ref) == []
    assert not documents_folder(world.settings.home, ref).exists() or not any(
        documents_folder(world.settings.home, ref).iterdir()
    )
    assert _audited(world.settings, "document.make") == []


def test_another_districts_case_is_not_found_through_documents(world: World) -> None:
    admin, officer = world.clients["admin.root"], world.clients["do.home"]
    away = world.away_case
    page = admin.get(f"/cases/{away}")
    assert (
        admin.post(
            f"/cases/{away}/documents", data={"kind": "case-summary", "csrf_token": csrf_of(page)}
        ).status_code
        == 303
    )
    [(link, _)] = _LINK.findall(admin.get(f"/cases/{away}").text)
    token = csrf_of(officer.get(f"/cases/{world.home_case}"))
    made = officer.post(
        f"/cases/{away}/documents", data={"kind": "case-summary", "csrf_token": token}
    )
    assert made.status_code == 404
    assert officer.get(link).status_code == 404
    assert officer.post(f"/cases/{away}/documents", data={"kind": "case-summary"}).status_code == (
        403  # no CSRF token: refused before anything else
    )
    assert len(_register(world.settings, away)) == 1


def test_a_prosecutor_is_offered_the_summary_only(world: World) -> None:
    make_user(world.settings, "pp.home", "prosecutor")
    admin = world.clients["admin.root"]
    token = csrf_of(admin.get(f"/cases/{world.home_case}"))
    assigned = admin.post(
        f"/cases/{world.home_case}/officers", data={"officer": "pp.home", "csrf_token": token}
    )
    assert assigned.status_code == 303
    with TestClient(admin.app, base_url=BASE_URL, follow_redirects=False) as prosecutor:
        assert sign_in(prosecutor, "pp.home").status_code == 303
        page = prosecutor.get(f"/cases/{world.home_case}")
        assert re.findall(r'name="kind" value="([a-z0-9-]+)"', page.text) == ["case-summary"]
        refused = prosecutor.post(
            f"/cases/{world.home_case}/documents",
            data={"kind": "notice-94", "csrf_token": csrf_of(page)},
        )
        assert refused.status_code == 403 and "case.write" in refused.text
        made = prosecutor.post(
            f"/cases/{world.home_case}/documents",
            data={"kind": "case-summary", "csrf_token": csrf_of(page)},
        )
        assert made.status_code == 303
    assert [(k, by) for k, by, _ in _register(world.settings, world.home_case)] == [
        ("case-summary", "pp.home")
    ]


def test_a_changed_or_absent_pdf_is_not_sent(world: World, tmp_path: Path) -> None:
    officer = world.clients["do.home"]
    ref = world.home_case
    token = csrf_of(officer.get(f"/cases/{ref}"))
    officer.post(f"/cases/{ref}/documents", data={"kind": "case-summary", "csrf_token": token})
    engine = open_engine(world.settings)
    try:
        with transaction(engine) as session:  # made by the command line, into its own folder
            make_document(
                session,
                CLI,
                ref,
                DocumentRequest(kind=DocumentKind.CASE_SUMMARY),
                tmp_path / "letters",
            )
    finally:
        engine.dispose()
    page = officer.get(f"/cases/{ref}").text
    assert "written by the command line" in page
    [(link, web_id)] = _LINK.findall(page)  # only the web's copy has a link
    stored = documents_folder(world.settings.home, ref) / f"{ref}-case-summary-1.pdf"
    stored.write_bytes(stored.read_bytes() + b"\n% appended")
    changed = officer.get(link)
    assert changed.status_code == 303
    assert "no longer has the SHA-256" in officer.get(f"/cases/{ref}").text
    absent = officer.get(f"/cases/{ref}/documents/{int(web_id) + 1}/pdf")
    assert absent.status_code == 303
    assert "not in the workspace" in officer.get(f"/cases/{ref}").text
    assert _audited(world.settings, "document.download") == []
