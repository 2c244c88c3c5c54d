"""Tip pages and API: the inbox's filters and pages, the detail's hashes and matches, victims
withheld from roles without victim.read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from suraksha.config import Settings
from suraksha.security import audit
from suraksha.storage.session import reading
from suraksha.workspace import open_engine
from tests.web.corpus import Places
from tests.web.people import people

World = tuple[Places, dict[str, TestClient]]


@pytest.fixture
def world(
    client: TestClient, app_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """The corpus, an admin and the home district's officer, signed in."""
    root = tmp_path_factory.getbasetemp() / "web-corpus"
    names = ("admin.root", "do.home")
    with people(client.app, app_settings, root, names) as found:  # type: ignore[arg-type]
        yield found


def _all(browser: TestClient, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    offset: int | None = 0
    while offset is not None:
        page = browser.get("/api/tips", params={**params, "offset": offset, "limit": 50})
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        offset = page.json()["next_offset"]
    return items


def test_the_inbox_filters_and_pages(world: World) -> None:
    places, clients = world
    admin = clients["admin.root"]
    every = _all(admin)
    assert len(every) == 121 == len({item["tip_id"] for item in every})
    received = [item["received_at"] for item in every if item["received_at"]]
    assert received == sorted(received, reverse=True)

    platform = every[0]["platform"]
    assert all(i["platform"] == platform for i in _all(admin, platform=platform.upper()))
    matched = _all(admin, matched=True)
    unmatched = _all(admin, matched=False)
    assert matched and all(i["matched_files"] > 0 for i in matched)
    assert all(i["matched_files"] == 0 for i in unmatched)
    assert len(matched) + len(unmatched) == len(every)
    new_media = _all(admin, new_media=True)
    assert new_media and all(i["files"] > i["matched_files"] for i in new_media)
    assert all(i["files"] == i["matched_files"] for i in _all(admin, new_media=False))

    day = datetime.fromisoformat(received[len(received) // 2]).date().isoformat()
    on_day = _all(admin, received_from=day, received_to=day)
    assert on_day and all(i["received_at"][:10] == day for i in on_day)
    # A report that states no received date is dated by its ingestion.
    undated = {i["tip_id"] for i in every if i["received_at"] is None}
    ingested = every[0]["ingested_at"][:10]
    assert undated and undated <= {
        i["tip_id"] for i in _all(admin, received_from=ingested, received_to=ingested)
    }

    in_district = {i["tip_id"] for i in _all(admin, district=places.home.title())}
    assert places.home_tip in in_district and places.away_tip not in in_district

    page = admin.get("/tips", params={"matched": "yes", "limit": "25"})
    assert page.status_code == 200 and matched[0]["tip_id"] in page.text
    assert 'rel="next"' in page.text
    assert admin.get("/tips", params={"received_from": "yesterday"}).status_code == 400
    assert admin.get("/api/tips", params={"received_from": "yesterday"}).status_code == 422


def test_the_detail_shows_hashes_and_matches_never_media(world: World) -> None:
    places, clients = world
    officer = clients["do.home"]
    data = officer.get(f"/api/tips/{places.home_tip}").json()
    page = officer.get(f"/tips/{places.home_tip}").text
    assert data["report_id"] in page and data["content_digest"] in page
    assert data["subjects"][0]["subject_id"] == places.home_subject
    assert f"/subjects/{places.home_subject}" in page
    for account in data["accounts"]:
        assert account["account_id"] in page
        for identifier in account["identifiers"]:
            assert identifier["kind"] in page
    assert data["files"]
    for item in data["files"]:
        assert item["md5"] in page
        for match in item["matches"]:
            assert match["bank"] == "ncmec" and match["algorithm"] == "md5"
            assert match["distance"] == 0 and match["bank_version"] == 1
    assert "<img" not in page and "data:image" not in page


def test_victim_details_are_withheld_from_roles_without_victim_read(
    world: World, app_settings: Settings
) -> None:
    places, clients = world
    admin = clients["admin.root"]
    data = admin.get(f"/api/tips/{places.victim_tip}").json()
    assert data["children_named"] == 1
    assert data["child_notice"] == "a child is named in this report"
    assert {account["role"] for account in data["accounts"]} == {"reported"}
    page = admin.get(f"/tips/{places.victim_tip}").text
    assert "A child is named in this report" in page
    assert "<td>victim</td>" not in page and "firstName" not in page
    engine = open_engine(app_settings)
    try:
        with reading(engine) as session:
            [event, *_] = audit.events(session, action="tip.read", object_id=places.victim_tip)
    finally:
        engine.dispose()
    assert event.actor == "admin.root" and event.detail["victims_withheld"] == 1
    subject = data["subjects"][0]["subject_id"]
    profile = admin.get(f"/api/subjects/{subject}").json()
    assert [tip["child_named"] for tip in profile["tips"]] == [True]
    assert "a child is named in this report" in admin.get(f"/subjects/{subject}").text
