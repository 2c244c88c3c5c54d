"""The group pages (web/routes/groups.py) and the group API (web/routes/api_groups.py) on a small
circle of synthetic tips, two of whose members readings place abroad, on both databases."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from suraksha.config import Settings
from suraksha.security import audit
from suraksha.storage.session import reading
from suraksha.web.routes.groups import data_block
from suraksha.workspace import open_engine
from tests.intel.networks.circle import GROUP, RECIPIENT_ID, VICTIM_NAME, Circle, load_circle
from tests.web.conftest import BASE_URL, code_for, csrf_of, make_user, sign_in

HOME = ("KARNATAKA", "BENGALURU URBAN")
ACCOUNTS = {
    # name: (role, state, district)
    "admin.root": ("admin", None, None),
    "do.home": ("district_officer", *HOME),
    "do.mysuru": ("district_officer", "KARNATAKA", "MYSURU"),
    "audit.only": ("auditor", None, None),
}
_DATA_BLOCK = re.compile(
    r'<script type="application/json" id="group-graph-data">(.*?)</script>', re.S
)
World = tuple[Circle, dict[str, TestClient]]


@pytest.fixture
def world(client: TestClient, app_settings: Settings, tmp_path: Path) -> Iterator[World]:
    """The circle grouped, and each account of `ACCOUNTS` signed into its own client."""
    circle = load_circle(app_settings, tmp_path)
    clients: dict[str, TestClient] = {}
    with ExitStack() as stack:
        for name, (role, state, district) in ACCOUNTS.items():
            secret = make_user(app_settings, name, role, state, district, totp=role == "admin")
            browser = stack.enter_context(
                TestClient(client.app, base_url=BASE_URL, follow_redirects=False)
            )
            answer = sign_in(browser, name, code=code_for(secret) if secret else None)
            assert answer.status_code == 303, answer.text
            clients[name] = browser
        yield circle, clients


def _home(circle: Circle) -> set[str]:
    return {s for s, district in circle.district_of.items() if district == HOME[1]}


def test_the_group_list_filters_by_district_role_and_evidence(world: World) -> None:
    circle, clients = world
    admin = clients["admin.root"]
    page = admin.get("/groups")
    assert page.status_code == 200
    assert f'href="/groups/{circle.group_id}"' in page.text
    assert 'href="/groups"' in page.text  # the navigation bar links the list
    for query, listed in (
        ({"kind": "platform_group"}, True),
        ({"kind": "device"}, False),
        ({"district": "bengaluru urban"}, True),
        ({"district": "MYSURU"}, False),
    ):
        answer = admin.get("/groups", params=query)
        assert answer.status_code == 200
        assert (circle.group_id in answer.text) == listed, query
    assert admin.get("/groups", params={"role": "kingpin"}).status_code == 400
    assert admin.get("/groups", params={"kind": "media"}).status_code == 400
    assert circle.group_id not in clients["do.mysuru"].get("/groups").text
    assert clients["audit.only"].get("/groups").status_code == 403


def test_the_group_page_shows_members_abroad_and_carries_its_graph(world: World) -> None:
    circle, clients = world
    page = clients["admin.root"].get(f"/groups/{circle.group_id}")
    assert page.status_code == 200
    text = page.text
    for subject in circle.subject_of.values():
        assert f"/subjects/{subject}" in text
    assert "+971501234567" in text and "Dubai, Dubai, AE" in text
    assert GROUP in text  # the platform group, in the edges' evidence
    assert VICTIM_NAME not in text and RECIPIENT_ID not in text
    # No inline script: the graph's data is a JSON block, its code a static file.
    scripts = re.findall(r"<script([^>]*)>", text)
    assert all('src="/static/' in s or 'type="application/json"' in s for s in scripts)
    assert '<script src="/static/cytoscape.min.js" defer></script>' in text
    assert '<script src="/static/groups.js" defer></script>' in text
    block = _DATA_BLOCK.search(text)
    assert block is not None
    data = json.loads(block.group(1))
    assert {n["data"]["id"] for n in data["nodes"]} == set(circle.subject_of.values())
    assert len(data["edges"]) == 6
    falcon = next(n for n in data["nodes"] if n["data"]["id"] == circle.subject_of["880001"])
    assert falcon["data"]["abroad"] == ["AE"]
    assert falcon["data"]["district"] == HOME[1]
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_graph_json_and_the_api_hold_the_officers_reach_only(
    world: World, app_settings: Settings
) -> None:
    circle, clients = world
    officer = clients["do.home"]
    home = _home(circle)
    away = set(circle.subject_of.values()) - home
    graph = officer.get(f"/groups/{circle.group_id}/graph.json")
    assert graph.status_code == 200
    assert graph.json()["hidden_members"] == 2
    assert {n["data"]["id"] for n in graph.json()["nodes"]} == home
    (edge,) = graph.json()["edges"]
    assert {edge["data"]["source"], edge["data"]["target"]} == home
    assert edge["data"]["kinds"] == ["file", "platform_group"]
    assert {piece["kind"] for piece in edge["data"]["evidence"]} == {"file", "platform_group"}

    listed = officer.get("/api/groups").json()
    assert listed["total"] == 1
    (row,) = listed["items"]
    assert (row["group_id"], set(row["subject_ids"]), row["hidden_members"]) == (
        circle.group_id,
        home,
        2,
    )
    assert row["abroad"] == [circle.subject_of["880001"]]
    one = officer.get(f"/api/groups/{circle.group_id}")
    assert one.status_code == 200
    body = one.json()
    assert {m["subject_id"] for m in body["members"]} == home
    falcon = next(m for m in body["members"] if m["subject_id"] == circle.subject_of["880001"])
    assert {(r["kind"], r["country"], r["report"]) for r in falcon["abroad"]} == {
        ("phone", "AE", "880001"),
        ("platform_estimate", "AE", "880001"),
    }
    texts = [graph.text, one.text, officer.get(f"/groups/{circle.group_id}").text]
    for subject in away:
        assert all(subject not in t for t in texts)
    assert all("880003" not in t and "880004" not in t for t in texts)

    for path in ("/groups/{id}", "/groups/{id}/graph.json", "/api/groups/{id}"):
        refused = clients["do.mysuru"].get(path.format(id=circle.group_id))
        missing = clients["do.mysuru"].get(path.format(id="NG-0000000000"))
        assert refused.status_code == missing.status_code == 404, path
    assert clients["audit.only"].get("/api/groups").status_code == 403
    assert clients["audit.only"].get(f"/api/groups/{circle.group_id}").status_code == 403
    assert clients["admin.root"].get("/api/groups", params={"role": "kingpin"}).status_code == 422

    engine = open_engine(app_settings)
    try:
        with reading(engine) as session:
            reads = audit.events(session, action="group.read", actor="do.home")
    finally:
        engine.dispose()
    assert sorted(e.detail["channel"] for e in reads) == ["api", "web", "web"]
    assert all(set(e.detail["subjects"]) == home and e.detail["hidden"] == 2 for e in reads)


def test_thedata_block_cannot_be_closed_by_a_value() -> None:
    text = data_block({"label": "</script><script>alert(1)</script> & more"})
    assert "</script>" not in text and "<" not in text and "&" not in text
    assert json.loads(text) == {"label": "</script><script>alert(1)</script> & more"}


def test_a_membership_judgement_from_the_group_page_regroups_and_is_kept(world: World) -> None:
    circle, clients = world
    officer = clients["do.home"]
    page = officer.get(f"/groups/{circle.group_id}")
    token = csrf_of(page)
    leaving = sorted(_home(circle))[0]
    done = officer.post(
        f"/groups/{circle.group_id}/membership",
        data={
            "subject_id": leaving,
            "decision": "not_member",
            "reason": "a buyer",
            "csrf_token": token,
        },
    )
    assert done.status_code == 303, done.text
    after = officer.get(f"/groups/{circle.group_id}")
    assert "a buyer" in after.text
    members = json.loads(_DATA_BLOCK.findall(after.text)[0])["nodes"]
    assert leaving not in {node["data"]["id"] for node in members}
    # Another district's officer cannot reach the group, so cannot judge in it either.
    away = clients["do.mysuru"]
    refused = away.post(
        f"/groups/{circle.group_id}/membership",
        data={
            "subject_id": leaving,
            "decision": "member",
            "reason": "x",
            "csrf_token": csrf_of(away.get("/groups")),
        },
    )
    assert refused.status_code == 404
    # A subject of another district cannot be judged by this officer (it is not in reach).
    foreign = sorted(set(circle.district_of) - _home(circle))[0]
    blocked = officer.post(
        f"/groups/{circle.group_id}/membership",
        data={"subject_id": foreign, "decision": "not_member", "reason": "x", "csrf_token": token},
    )
    assert blocked.status_code == 404


def test_a_members_profile_names_its_group(world: World) -> None:
    circle, clients = world
    officer = clients["do.home"]
    member = sorted(_home(circle))[0]
    page = officer.get(f"/subjects/{member}")
    assert page.status_code == 200
    assert f'href="/groups/{circle.group_id}"' in page.text
