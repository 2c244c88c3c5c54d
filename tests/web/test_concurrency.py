"""Many audited reads at once, with fewer worker threads than requests in flight."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from suraksha.config import Settings
from tests.web.people import people

THREADS = 3  # the application's worker threads (anyio's default limiter: 40 in production)
READS = 12


def _limit_threads(total: int) -> None:
    anyio.to_thread.current_default_thread_limiter().total_tokens = total


def test_audited_reads_finish_when_every_worker_thread_is_taken(
    client: TestClient, app_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A profile read appends to the audit chain, which locks its head until the request
    commits (SQLite: the write lock, from the request's first statement). The reads waiting for
    that lock each hold a worker thread, and the holder needs one more for its commit. Before
    `web.deps._admission`, with more reads at once than threads, SQLite failed every waiting
    read after its busy timeout and PostgreSQL hung for good (so a regression hangs this test
    on PostgreSQL rather than failing it)."""
    root = tmp_path_factory.getbasetemp() / "web-corpus"
    with people(client.app, app_settings, root, ("do.home",)) as (_places, clients):  # type: ignore[arg-type]
        officer = clients["do.home"]
        listed = officer.get("/api/subjects", params={"limit": 3}).json()["items"]
        chosen = [item["subject_id"] for item in listed]
        assert officer.portal is not None
        officer.portal.call(_limit_threads, THREADS)
        with ThreadPoolExecutor(READS) as pool:
            answers = list(
                pool.map(
                    lambda n: officer.get(f"/api/subjects/{chosen[n % len(chosen)]}"),
                    range(READS),
                )
            )
        assert [answer.status_code for answer in answers] == [200] * READS
