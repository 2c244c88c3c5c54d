"""Subject pages and API: the list's filters, sorting and pages, the profile, judgements, overrides."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from suraksha.config import Settings
from suraksha.spreadsheets import defuse
from tests.web.conftest import csrf_of
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
        page = browser.get("/api/subjects", params={**params, "offset": offset, "limit": 7})
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        offset = page.json()["next_offset"]
    return items


def test_the_list_filters_sorts_and_pages(world: World) -> None:
    places, clients = world
    admin = clients["admin.root"]
    every = _all(admin)
    assert len(every) == admin.get("/api/subjects").json()["total"] > 40
    assert len({item["subject_id"] for item in every}) == len(every)  # pages do not overlap
    scores = [item["priority"] for item in every]
    assert scores == sorted(scores, reverse=True)

    district = _all(admin, district=places.home.lower())
    assert district and {(i["state"], i["district"]) for i in district} == {
        (places.state, places.home)
    }
    assert {places.home_subject, places.home_second} <= {i["subject_id"] for i in district}
    assert all(i["priority"] >= 80 for i in _all(admin, min_priority=80))

    due = _all(admin, due_within=3650, order="deadline")
    deadlines = [date.fromisoformat(i["next_deadline"]) for i in due]
    assert deadlines and deadlines == sorted(deadlines)
    assert max(deadlines) <= date.today() + timedelta(days=3650)
    nearest = _all(admin, order="deadline")
    assert len(nearest) == len(every)
    assert [i["next_deadline"] for i in nearest][: len(due)] == [i["next_deadline"] for i in due]

    page = admin.get("/subjects", params={"order": "deadline", "due_within": "3650", "limit": 25})
    assert page.status_code == 200 and due[0]["subject_id"] in page.text
    assert 'rel="next"' in admin.get("/subjects", params={"limit": 25}).text
    assert admin.get("/subjects", params={"min_priority": "lots"}).status_code == 400
    assert admin.get("/subjects", params={"order": "alphabet"}).status_code == 400
    assert admin.get("/api/subjects", params={"limit": 1000}).status_code == 422


def test_the_profile_explains_the_subject(world: World) -> None:
    places, clients = world
    officer = clients["do.home"]
    subjects = _all(officer)
    chosen = max(subjects, key=lambda item: item["accounts"])["subject_id"]
    data = officer.get(f"/api/subjects/{chosen}").json()
    page = officer.get(f"/subjects/{chosen}").text
    assert data["routing"]["district"] == places.home and data["routing"]["reason"]
    for factor in data["factors"]:
        assert factor["factor"] in page
    for account in data["accounts"]:
        assert account["account_id"] in page
    assert data["links"], "the corpus links some of the district's accounts"
    for link in data["links"]:
        assert link["rule"] in page
        if "identifiers" in link["evidence"]:
            assert link["evidence"]["identifiers"][0]["report_id"] in page
    for tip in data["tips"]:
        assert f"/tips/{tip['tip_id']}" in page
    assert "Routing" in page and "Priority factors" in page and "Record judgement" in page
    assert f"/cases/new?subject={chosen}" in page  # a district officer may open a case on it


def test_a_judgement_relinks_at_once_and_shows_on_the_profile(world: World) -> None:
    places, clients = world
    officer = clients["do.home"]
    before = {i["subject_id"]: i for i in _all(officer)}
    first = officer.get(f"/api/subjects/{places.home_subject}").json()["accounts"]
    second = officer.get(f"/api/subjects/{places.home_second}").json()["accounts"]
    token = csrf_of(officer.get(f"/subjects/{places.home_subject}"))
    answer = officer.post(
        f"/subjects/{places.home_subject}/judgements",
        data={
            "other": places.home_second,
            "decision": "same",
            "reason": "same device seen in both reports",
            "csrf_token": token,
        },
    )
    assert answer.status_code == 303
    target = answer.headers["location"].split("#")[0]
    merged = target.removeprefix("/subjects/")
    assert merged in (places.home_subject, places.home_second)
    page = officer.get(target)
    assert page.status_code == 200
    assert "Recorded judgement 1" in page.text
    assert "same device seen in both reports" in page.text
    for account in first + second:
        assert account["account_id"] in page.text
    after = {i["subject_id"]: i for i in _all(officer)}
    assert len(after) == len(before) - 1
    assert after[merged]["accounts"] == len(first) + len(second)
    profile = officer.get(f"/api/subjects/{merged}").json()
    [judgement] = profile["judgements"]
    assert judgement["decision"] == "same" and judgement["analyst"] == "do.home"
    assert any(
        link["rule"] == "judgement" or "judgement" in link["evidence"] for link in profile["links"]
    )


def test_a_priority_override_changes_the_score_with_its_reason(world: World) -> None:
    places, clients = world
    officer = clients["do.home"]
    before = officer.get(f"/api/subjects/{places.home_subject}").json()["priority"]
    token = csrf_of(officer.get(f"/subjects/{places.home_subject}"))
    answer = officer.post(
        f"/subjects/{places.home_subject}/overrides",
        data={"mode": "add", "points": "25", "reason": "child identified", "csrf_token": token},
    )
    assert answer.status_code == 303
    page = officer.get(answer.headers["location"].split("#")[0]).text
    assert "officer_override" in page and "child identified" in page
    after = officer.get(f"/api/subjects/{places.home_subject}").json()
    assert after["priority"] == pytest.approx(before + 25, abs=0.2)
    missing = officer.post(
        f"/subjects/{places.home_subject}/overrides",
        data={"mode": "add", "points": "5", "reason": " ", "csrf_token": token},
    )
    assert missing.status_code == 400 and "reason" in missing.text.lower()


def test_export_cells_never_start_a_formula() -> None:
    assert defuse('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert defuse("@SUM(A1)") == "'@SUM(A1)" and defuse("-1") == "'-1"
    assert defuse("BENGALURU URBAN") == "BENGALURU URBAN" and defuse("") == ""
