"""The JSON API's contract: sign-in required, typed OpenAPI document, errors as JSON."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from suraksha.config import Settings
from tests.web.conftest import csrf_of
from tests.web.corpus import Places
from tests.web.people import people

World = tuple[Places, dict[str, TestClient]]
API_PATHS = {
    "/api/subjects": ("get", "SubjectListOut"),
    "/api/subjects/{subject_id}": ("get", "SubjectOut"),
    "/api/subjects/{subject_id}/judgements": ("post", "JudgementResultOut"),
    "/api/tips": ("get", "TipListOut"),
    "/api/tips/{tip_id}": ("get", "TipOut"),
    "/api/banks": ("get", "BankOut"),
}


@pytest.fixture
def world(
    client: TestClient, app_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """The corpus and the home district's officer, signed in."""
    root = tmp_path_factory.getbasetemp() / "web-corpus"
    with people(client.app, app_settings, root, ("do.home",)) as found:  # type: ignore[arg-type]
        yield found


def test_the_api_needs_a_session_and_documents_its_types(client: TestClient) -> None:
    for path in ("/api/subjects", "/api/subjects/x", "/api/tips", "/api/tips/x", "/api/banks"):
        answer = client.get(path)
        assert answer.status_code == 401 and answer.headers["content-type"] == "application/json"
    assert client.get("/subjects").status_code == 303
    assert client.post("/api/subjects/x/judgements", json={}).status_code in (401, 403)

    document = client.get("/api/openapi.json").json()
    for path, (method, model) in API_PATHS.items():
        operation = document["paths"][path][method]
        success = operation["responses"]["201" if method == "post" else "200"]
        assert model in str(success["content"]["application/json"]["schema"]), path
        assert "ErrorOut" in str(operation["responses"]["404"])
    assert not any(path.startswith(("/subjects", "/tips")) for path in document["paths"])
    schemas = document["components"]["schemas"]
    assert set(schemas["JudgementIn"]["required"]) == {"other", "decision", "reason"}
    assert schemas["Decision"]["enum"] == ["same", "different", "unsure"]


def test_errors_say_what_was_wrong(world: World) -> None:
    places, clients = world
    officer = clients["do.home"]
    token = csrf_of(officer.get("/subjects"))
    url = f"/api/subjects/{places.home_subject}/judgements"
    bad = officer.post(
        url,
        json={"other": places.home_second, "decision": "maybe", "reason": "x"},
        headers={"X-CSRF-Token": token},
    )
    assert bad.status_code == 422 and bad.json()["detail"]
    empty = officer.post(
        url,
        json={"other": places.home_second, "decision": "same", "reason": "   "},
        headers={"X-CSRF-Token": token},
    )
    assert empty.status_code == 400 and "reason" in empty.json()["detail"]
    itself = officer.post(
        url,
        json={"other": places.home_subject, "decision": "same", "reason": "why"},
        headers={"X-CSRF-Token": token},
    )
    assert itself.status_code == 400 and itself.json()["detail"]
    paging = officer.get("/api/subjects", params={"offset": -1})
    assert paging.status_code == 422
    missing = officer.get("/api/tips/tip-0")
    assert missing.status_code == 404 and "No tip" in missing.json()["detail"]
