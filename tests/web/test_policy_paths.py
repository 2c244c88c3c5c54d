"""Every path that shows a subject, a tip, a case or a group (page, API, CSV export, document
download, graph data) obeys role and jurisdiction, on both databases.

Choice (intel/worklist.py, intake/inbox.py): an object outside the person's jurisdiction
answers **404**, exactly as one that does not exist, on pages and in the API, so that a district
officer cannot learn that another district's subject or tip exists. A role that reaches no subject at all (an auditor)
gets 403: that reveals nothing about any object. Reads that succeed are audited (`subject.read`,
`tip.read`); refused ones leave no read event.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Final

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from suraksha.cases.documents.files import documents_folder
from suraksha.cases.documents.registry import DocumentKind
from suraksha.cases.documents.render import DocumentRequest, make_document
from suraksha.cases.workflow import open_case
from suraksha.config import Settings
from suraksha.identity.models import Judgement
from suraksha.intel.models import PriorityOverride
from suraksha.intel.networks.grouping import group_network
from suraksha.intel.networks.views import list_groups
from suraksha.security import audit
from suraksha.security.policy import Actor, Role
from suraksha.storage.session import reading, transaction
from suraksha.workspace import open_engine
from tests.web.conftest import csrf_of
from tests.web.corpus import Places
from tests.web.people import people

SUBJECT_READS: Final = ("/subjects/{id}", "/api/subjects/{id}")
TIP_READS: Final = ("/tips/{id}", "/api/tips/{id}")
REACH: Final[dict[str, set[str] | None]] = {
    # which of the corpus' objects each account reaches; None: the role reaches no subject (403)
    "admin.root": {"home", "away", "other", "victim"},
    "sa.state": {"home", "away"},
    "sa.other": {"other"},
    "do.home": {"home"},
    "do.away": {"away"},
    "audit.only": None,
}

World = tuple[Places, dict[str, TestClient]]


@pytest.fixture
def world(
    client: TestClient, app_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """The corpus loaded and every test account signed in."""
    root = tmp_path_factory.getbasetemp() / "web-corpus"
    with people(client.app, app_settings, root) as found:  # type: ignore[arg-type]
        yield found


def _subjects(places: Places) -> dict[str, str]:
    return {
        "home": places.home_subject,
        "away": places.away_subject,
        "other": places.other_state_subject,
    }


def _tips(places: Places) -> dict[str, str]:
    return {
        "home": places.home_tip,
        "away": places.away_tip,
        "other": places.other_state_tip,
        "victim": places.victim_tip,
    }


def _expected(name: str, key: str) -> int:
    reach = REACH[name]
    return 403 if reach is None else 200 if key in reach else 404


def _read_events(settings: Settings, action: str) -> set[tuple[str, str]]:
    engine = open_engine(settings)
    try:
        with reading(engine) as session:
            return {
                (event.actor, event.object_id)
                for event in audit.events(session, limit=10_000, action=action)
            }
    finally:
        engine.dispose()


def test_every_read_path_obeys_jurisdiction_and_is_audited(
    world: World, app_settings: Settings
) -> None:
    places, clients = world
    for name, browser in clients.items():
        for key, subject_id in _subjects(places).items():
            for path in SUBJECT_READS:
                answer = browser.get(path.format(id=subject_id))
                assert answer.status_code == _expected(name, key), (name, path, key)
        for key, tip_id in _tips(places).items():
            for path in TIP_READS:
                answer = browser.get(path.format(id=tip_id))
                assert answer.status_code == _expected(name, key), (name, path, key)

    assert _read_events(app_settings, "subject.read") == {
        (name, subject_id)
        for name, reach in REACH.items()
        for key, subject_id in _subjects(places).items()
        if reach and key in reach
    }
    assert _read_events(app_settings, "tip.read") == {
        (name, tip_id)
        for name, reach in REACH.items()
        for key, tip_id in _tips(places).items()
        if reach and key in reach
    }


def test_a_refusal_looks_like_a_missing_object_and_tells_nothing(world: World) -> None:
    places, clients = world
    officer = clients["do.home"]
    refused = officer.get(f"/api/subjects/{places.away_subject}")
    missing = officer.get("/api/subjects/subject-000000000000000000000")
    assert refused.status_code == missing.status_code == 404
    assert refused.json()["detail"].replace(places.away_subject, "X") == missing.json()[
        "detail"
    ].replace("subject-000000000000000000000", "X")
    assert places.away not in refused.text and places.state not in refused.text
    page = officer.get(f"/subjects/{places.away_subject}")
    assert page.status_code == 404 and "Not found" in page.text
    assert places.away not in page.text.split("<main>")[1]
    tip = officer.get(f"/api/tips/{places.away_tip}")
    assert tip.status_code == 404 and "detail" in tip.json()
    denied = clients["audit.only"].get("/api/subjects")
    assert denied.status_code == 403 and "does not allow subject.read" in denied.json()["detail"]


def test_lists_and_exports_hold_only_the_jurisdiction(world: World, app_settings: Settings) -> None:
    places, clients = world
    for name, browser in clients.items():
        reach = REACH[name]
        subjects = browser.get("/api/subjects", params={"limit": 100})
        tips = browser.get("/api/tips", params={"limit": 100})
        export = browser.get("/subjects.csv")
        if reach is None:
            assert subjects.status_code == tips.status_code == 403
            assert browser.get("/subjects").status_code == 403
            assert browser.get("/tips").status_code == 403
            assert export.status_code == 403
            continue
        listed = {item["subject_id"] for item in subjects.json()["items"]}
        assert subjects.json()["total"] == len(listed)  # one page holds the whole corpus
        assert export.headers["content-disposition"] == 'attachment; filename="subjects.csv"'
        assert {row["subject_id"] for row in csv.DictReader(io.StringIO(export.text))} == listed
        for key, subject_id in _subjects(places).items():
            assert (subject_id in listed) == (key in reach), (name, key)
        places_seen = {(item["state"], item["district"]) for item in subjects.json()["items"]}
        if name == "do.home":
            assert places_seen == {(places.state, places.home)}
        if name == "sa.state":
            assert {state for state, _ in places_seen} == {places.state}
        tip_ids: set[str] = set()
        offset: int | None = 0
        while offset is not None:
            page = browser.get("/api/tips", params={"limit": 100, "offset": offset}).json()
            tip_ids |= {item["tip_id"] for item in page["items"]}
            offset = page["next_offset"]
        for key, tip_id in _tips(places).items():
            assert (tip_id in tip_ids) == (key in reach), (name, key)
        page_text = browser.get("/subjects", params={"limit": 100}).text
        assert (places.home_subject in page_text) == ("home" in reach)
        assert (places.away_subject in page_text) == ("away" in reach)
        tips_text = browser.get("/tips", params={"limit": 100}).text
        assert (places.home_tip in tips_text) == ("home" in reach)
        assert (places.away_tip in tips_text) == ("away" in reach)
    assert _read_events(app_settings, "subject.export") == {
        (name, "subjects.csv") for name, reach in REACH.items() if reach
    }


def _count(settings: Settings, model: type[Judgement] | type[PriorityOverride]) -> int:
    engine = open_engine(settings)
    try:
        with reading(engine) as session:
            return len(list(session.scalars(select(model))))
    finally:
        engine.dispose()


def test_writes_need_csrf_and_jurisdiction(world: World, app_settings: Settings) -> None:
    places, clients = world
    officer = clients["do.home"]
    token = csrf_of(officer.get(f"/subjects/{places.home_subject}"))
    form = {"other": places.home_second, "decision": "unsure", "reason": "same photo"}
    body = {"other": places.home_second, "decision": "unsure", "reason": "same photo"}
    home, away = places.home_subject, places.away_subject

    # Without the CSRF token: refused, whatever the jurisdiction.
    assert officer.post(f"/subjects/{home}/judgements", data=form).status_code == 403
    assert officer.post(f"/api/subjects/{home}/judgements", json=body).status_code == 403
    wrong = {"X-CSRF-Token": "not-the-token"}
    assert (
        officer.post(f"/api/subjects/{home}/judgements", json=body, headers=wrong).status_code
        == 403
    )
    assert officer.post(f"/subjects/{home}/overrides", data={"mode": "add"}).status_code == 403

    # Another district's subject, on either side of the judgement: 404.
    signed = {"X-CSRF-Token": token}
    assert (
        officer.post(f"/subjects/{away}/judgements", data=form | {"csrf_token": token}).status_code
        == 404
    )
    assert (
        officer.post(
            f"/subjects/{home}/judgements", data=form | {"other": away, "csrf_token": token}
        ).status_code
        == 404
    )
    assert (
        officer.post(f"/api/subjects/{away}/judgements", json=body, headers=signed).status_code
        == 404
    )
    assert (
        officer.post(
            f"/api/subjects/{home}/judgements", json=body | {"other": away}, headers=signed
        ).status_code
        == 404
    )
    override = {"mode": "add", "points": "10", "reason": "in custody", "csrf_token": token}
    assert officer.post(f"/subjects/{away}/overrides", data=override).status_code == 404
    assert (
        clients["audit.only"]
        .post(
            f"/api/subjects/{home}/judgements",
            json=body,
            headers={"X-CSRF-Token": csrf_of(clients["audit.only"].get("/audit"))},
        )
        .status_code
        == 403
    )
    assert _count(app_settings, Judgement) == 0
    assert _count(app_settings, PriorityOverride) == 0

    # Within the jurisdiction, with the token: recorded and audited.
    answer = officer.post(f"/subjects/{home}/judgements", data=form | {"csrf_token": token})
    assert answer.status_code == 303
    api = officer.post(
        f"/api/subjects/{home}/judgements",
        json=body | {"decision": "different", "reason": "different ages"},
        headers=signed,
    )
    assert api.status_code == 201, api.text
    assert officer.post(f"/subjects/{home}/overrides", data=override).status_code == 303
    assert _count(app_settings, Judgement) == 2
    assert _count(app_settings, PriorityOverride) == 1
    assert _read_events(app_settings, "subject.judge") == {("do.home", home)}
    assert _read_events(app_settings, "subject.override") == {("do.home", home)}


CASE_REACH: Final[dict[str, set[str] | None]] = {
    # which of the two cases (home and away district of one state) each account reaches
    "admin.root": {"home", "away"},
    "sa.state": {"home", "away"},
    "sa.other": set(),
    "do.home": {"home"},
    "do.away": {"away"},
    "audit.only": None,
}


def _cases(settings: Settings, places: Places) -> dict[str, tuple[str, int]]:
    """A case in the home and in the away district, each with a document in the workspace."""
    engine = open_engine(settings)
    made: dict[str, tuple[str, int]] = {}
    try:
        for key, subject, district in (
            ("home", places.home_subject, places.home),
            ("away", places.away_subject, places.away),
        ):
            with transaction(engine) as session:
                case_id = open_case(
                    session, "cli:test", district=district, reason="synthetic", subjects=[subject]
                ).summary.case_id
                document = make_document(
                    session,
                    "cli:test",
                    case_id,
                    DocumentRequest(kind=DocumentKind.CASE_SUMMARY),
                    documents_folder(settings.home, case_id),
                )
            made[key] = (case_id, document.view.id)
    finally:
        engine.dispose()
    return made


def test_every_case_path_obeys_jurisdiction(world: World, app_settings: Settings) -> None:
    places, clients = world
    cases = _cases(app_settings, places)
    for name, browser in clients.items():
        reach = CASE_REACH[name]
        for key, (case_id, document_id) in cases.items():
            expected = 403 if reach is None else 200 if key in reach else 404
            for path in (
                f"/cases/{case_id}",
                f"/api/cases/{case_id}",
                f"/cases/{case_id}/documents/{document_id}/pdf",
            ):
                assert browser.get(path).status_code == expected, (name, path)
            if reach is not None and key not in reach:
                answer = browser.get(f"/api/cases/{case_id}")
                assert places.away not in answer.text and places.home not in answer.text
                token = csrf_of(browser.get("/cases"))
                posted = browser.post(
                    f"/cases/{case_id}/documents",
                    data={"kind": "case-summary", "csrf_token": token},
                )
                assert posted.status_code == 404, (name, case_id)
        listed = browser.get("/api/cases", params={"limit": 100})
        deadlines = browser.get("/api/deadlines", params={"limit": 100})
        if reach is None:
            assert listed.status_code == deadlines.status_code == 403, name
            continue
        wanted = {cases[key][0] for key in reach}
        assert {item["case_id"] for item in listed.json()["items"]} == wanted, name
        assert listed.json()["total"] == len(wanted)
        assert {item["case_id"] for item in deadlines.json()["items"]} <= wanted, name
        if wanted:
            assert deadlines.json()["total"] > 0, name  # the tips' evidence clocks run
    reads = {(actor, case) for actor, case in _read_events(app_settings, "case.read")}
    assert {read for read in reads if not read[0].startswith("cli:")} == {
        (name, cases[key][0]) for name, reach in CASE_REACH.items() if reach for key in reach
    }
    assert _read_events(app_settings, "document.download") == {
        (name, cases[key][0]) for name, reach in CASE_REACH.items() if reach for key in reach
    }


GROUP_READS: Final = ("/groups/{id}", "/groups/{id}/graph.json", "/api/groups/{id}")
Place = tuple[str | None, str | None]


def _grouped(settings: Settings, places: Places) -> tuple[str, dict[str, Place]]:
    """Group the corpus' network; the group holding the home subject, and its members' places."""
    engine = open_engine(settings)
    try:
        with transaction(engine) as session:
            group_network(session)
            groups = list_groups(session, Actor(0, "cli:test", Role.ADMIN))
    finally:
        engine.dispose()
    view = next(v for v in groups if places.home_subject in v.subject_ids)
    return view.group_id, {m.subject_id: (m.state, m.district) for m in view.members}


def _reaches(name: str, place: Place, places: Places) -> bool:
    state, district = place
    return {
        "admin.root": True,
        "sa.state": state == places.state,
        "sa.other": state == places.other_state,
        "do.home": (state, district) == (places.state, places.home),
        "do.away": (state, district) == (places.state, places.away),
    }.get(name, False)


def test_every_group_path_obeys_jurisdiction_and_hides_members_out_of_reach(
    world: World, app_settings: Settings
) -> None:
    places, clients = world
    shared, members = _grouped(app_settings, places)
    # The synthetic corpus puts a home and an away district subject in one group.
    assert places.away_subject in members
    for name, browser in clients.items():
        visible = {s for s, place in members.items() if _reaches(name, place, places)}
        expected = 403 if REACH[name] is None else 200 if visible else 404
        for path in GROUP_READS:
            assert browser.get(path.format(id=shared)).status_code == expected, (name, path)
        listed = browser.get("/api/groups")
        if REACH[name] is None:
            assert listed.status_code == 403
            assert browser.get("/groups").status_code == 403
            continue
        assert listed.status_code == 200
        rows = {item["group_id"]: item for item in listed.json()["items"]}
        assert (shared in rows) == bool(visible), name
        if not visible:
            continue
        assert set(rows[shared]["subject_ids"]) == visible, name
        assert rows[shared]["hidden_members"] == len(members) - len(visible), name
        api = browser.get(f"/api/groups/{shared}").json()
        assert {m["subject_id"] for m in api["members"]} == visible, name
        graph = browser.get(f"/groups/{shared}/graph.json").json()
        assert {n["data"]["id"] for n in graph["nodes"]} == visible, name
        assert all({e["data"]["source"], e["data"]["target"]} <= visible for e in graph["edges"]), (
            name
        )
        texts = [browser.get(f"/groups/{shared}").text, browser.get("/groups").text, str(api)]
        for subject in set(members) - visible:
            assert all(subject not in text for text in texts), (name, subject)
        if name == "do.home":
            assert all(places.away not in text for text in texts)
    reads = _read_events(app_settings, "group.read")
    assert {actor for actor, group in reads if group == shared} == {
        name for name in REACH if any(_reaches(name, place, places) for place in members.values())
    }
