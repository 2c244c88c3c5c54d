"""The JSON API fuzzed from its own OpenAPI document: no input may make it fail with a 5xx.

Schemathesis generates requests for every operation of /api/openapi.json and sends them to the
application in process (ASGI), signed in as an admin (who reaches everything, so the generated
ids meet real lookups as well as misses) on the synthetic corpus, POSTs with the CSRF header.
Bounded: a few examples per operation, so the whole test stays under a minute per database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok

from suraksha.cases.workflow import open_case
from suraksha.config import Settings
from suraksha.intel.networks.grouping import group_network
from suraksha.storage.session import transaction
from suraksha.web.csrf import HEADER, SESSION_COOKIE
from suraksha.workspace import open_engine
from tests.web.conftest import csrf_of
from tests.web.corpus import Places
from tests.web.people import people

EXAMPLES = 12
World = tuple[Places, dict[str, TestClient]]


@pytest.fixture
def world(
    client: TestClient, app_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """The corpus, a case on one of its subjects, its groups, and an admin signed in."""
    root = tmp_path_factory.getbasetemp() / "web-corpus"
    with people(client.app, app_settings, root, ("admin.root",)) as found:  # type: ignore[arg-type]
        engine = open_engine(app_settings)
        try:
            with transaction(engine) as session:
                open_case(
                    session,
                    "cli:test",
                    district=found[0].home,
                    reason="synthetic",
                    subjects=[found[0].home_subject],
                )
            with transaction(engine) as session:
                group_network(session)
        finally:
            engine.dispose()
        yield found


def test_the_api_never_answers_with_a_server_error(client: TestClient, world: World) -> None:
    _, clients = world
    admin = clients["admin.root"]
    cookies = {SESSION_COOKIE: admin.cookies[SESSION_COOKIE]}
    headers = {HEADER: csrf_of(admin.get("/subjects"))}
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", client.app)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # the document itself is valid OpenAPI
        operations.append(result.ok())
    labels = {operation.label for operation in operations}
    assert {
        "GET /api/subjects",
        "GET /api/subjects/{subject_id}",
        "POST /api/subjects/{subject_id}/judgements",
        "GET /api/tips",
        "GET /api/tips/{tip_id}",
        "GET /api/banks",
        "GET /api/cases",
        "GET /api/cases/{case_id}",
        "GET /api/deadlines",
        "GET /api/groups",
        "GET /api/groups/{group_id}",
    } <= labels
    statuses: set[tuple[str, int]] = set()
    for operation in operations:
        if not operation.path.startswith("/api/"):
            continue

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def exercise(case: schemathesis.Case[Any]) -> None:
            response = case.call_and_validate(
                headers=headers, cookies=cookies, checks=[not_a_server_error]
            )
            statuses.add((case.operation.label, response.status_code))

        exercise()
    # Signed in for real: some calls of every GET succeeded, not just 401s.
    assert 401 not in {status for _, status in statuses}
    assert {label for label, status in statuses if status == 200} >= {
        "GET /api/subjects",
        "GET /api/tips",
        "GET /api/banks",
        "GET /api/cases",
        "GET /api/deadlines",
        "GET /api/groups",
    }
