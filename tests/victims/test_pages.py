"""The victim pages through the real application (TestClient), on SQLite and PostgreSQL: who sees
the list and a record, 404 for another district's child, 403 for roles without victim access,
the reveal form, and the proof and support forms."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Final

import pytest

from suraksha.cases.workflow import assign
from suraksha.config import Settings
from suraksha.security.audit import events
from suraksha.security.policy import Role
from suraksha.storage.session import transaction
from suraksha.workspace import open_engine
from tests.victims.conftest import CHILD_NAME, CLI, SECRETS, add_child, open_on_phone
from tests.web.conftest import BASE_URL, code_for, csrf_of, make_user, sign_in

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ACCOUNTS: Final = {
    "vs.home": (Role.VICTIM_SUPPORT, "KERALA", "ERNAKULAM"),
    "io.case": (Role.INVESTIGATING_OFFICER, None, None),
    "root": (Role.ADMIN, None, None),
    "do.home": (Role.DISTRICT_OFFICER, "KERALA", "ERNAKULAM"),
}
World = tuple[str, str, dict[str, TestClient]]


@pytest.fixture
def world(client: TestClient, app_settings: Settings) -> Iterator[World]:
    """Two children — one of an Ernakulam case, one of a Thrissur case — and signed-in people."""
    engine = open_engine(app_settings)
    try:
        home_case = open_on_phone(engine)
        away_case = open_on_phone(engine, district="Thrissur", phone="+919812345678")
        home = add_child(engine, home_case)
        away = add_child(engine, away_case, name="Awaytest Synthchild")
        with transaction(engine) as session:
            assign(session, CLI, home_case, "io.case")
    finally:
        engine.dispose()
    clients: dict[str, TestClient] = {}
    with ExitStack() as stack:
        for name, (role, state, district) in ACCOUNTS.items():
            secret = make_user(app_settings, name, role, state, district, totp=role is Role.ADMIN)
            person = stack.enter_context(
                TestClient(client.app, base_url=BASE_URL, follow_redirects=False)
            )
            answer = sign_in(person, name, code=code_for(secret) if secret else None)
            assert answer.status_code == 303, answer.text
            clients[name] = person
        yield home, away, clients


def test_support_person_sees_own_district_only(world: World) -> None:
    home, away, clients = world
    page = clients["vs.home"].get("/victims")
    assert page.status_code == 200
    assert home in page.text and away not in page.text
    assert 'href="/victims"' in page.text  # the navigation offers the page
    record = clients["vs.home"].get(f"/victims/{home}")
    assert record.status_code == 200
    assert "Reveal identity" in record.text
    assert not [s for s in SECRETS if s in record.text]
    assert clients["vs.home"].get(f"/victims/{away}").status_code == 404
    assert clients["vs.home"].get("/victims/V-KL-ERN-2026-0001-9").status_code == 404


def test_case_officer_sees_the_case_child_and_others_are_refused(world: World) -> None:
    home, away, clients = world
    assert clients["io.case"].get(f"/victims/{home}").status_code == 200
    assert clients["io.case"].get(f"/victims/{away}").status_code == 404
    for name in ("root", "do.home"):
        assert clients[name].get("/victims").status_code == 403
        assert clients[name].get(f"/victims/{home}").status_code == 403
        assert 'href="/victims"' not in clients[name].get("/").text


def test_reveal_is_a_posted_form_and_is_audited(world: World, app_settings: Settings) -> None:
    home, _, clients = world
    person = clients["vs.home"]
    page = person.get(f"/victims/{home}")
    assert person.post(f"/victims/{home}/reveal").status_code == 403  # no CSRF token
    shown = person.post(f"/victims/{home}/reveal", data={"csrf_token": csrf_of(page)})
    assert shown.status_code == 200 and CHILD_NAME in shown.text
    engine = open_engine(app_settings)
    try:
        with transaction(engine) as session:
            reveals = events(session, action="victim.reveal")
    finally:
        engine.dispose()
    assert [(e.actor, e.object_id) for e in reveals] == [("vs.home", home)]


def test_proof_and_support_forms(world: World) -> None:
    home, away, clients = world
    person = clients["vs.home"]
    token = csrf_of(person.get(f"/victims/{home}"))
    proof = person.post(
        f"/victims/{home}/proofs",
        data={
            "csrf_token": token,
            "kind": "birth_certificate",
            "document_ref": "MUN/EKM/2012/0001",
            "born": "2012-04-01",
        },
    )
    assert proof.status_code == 303 and proof.headers["location"] == f"/victims/{home}#age"
    support = person.post(
        f"/victims/{home}/support",
        data={
            "csrf_token": token,
            "event": "interim_compensation_ordered",
            "at": "2026-02-01T11:00",
            "reference": "Spl.SC 1/2026",
            "amount": "100000",
        },
    )
    assert support.status_code == 303
    page = person.get(f"/victims/{home}").text
    assert "JJ Act 2015 s.94(2)(ii)" in page and "Seek first" in page
    assert "interim compensation to be paid" in page
    bad = person.post(
        f"/victims/{home}/support",
        data={"csrf_token": token, "event": "interim_compensation_ordered", "at": "2026-02-01"},
    )
    assert bad.status_code == 400 and "--ref" in bad.text
    refused = person.post(
        f"/victims/{away}/proofs",
        data={"csrf_token": token, "kind": "school", "document_ref": "X", "born": "2012-01-01"},
    )
    assert refused.status_code == 404
