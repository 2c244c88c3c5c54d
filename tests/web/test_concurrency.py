"""Many audited reads at once, with fewer worker threads than requests in flight."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from suraksha.config import Settings
from tests.web.people import people

THREADS = 3  # the application's worker threads (anyio's default limiter: 40 in production)
READS = 12
STUCK_AFTER_S = 60  # the reads take a second or two; SQLite's busy timeout is 30 s


def _limit_threads(total: int) -> None:
    anyio.to_thread.current_default_thread_limiter().total_tokens = total


def test_audited_reads_finish_when_every_worker_thread_is_taken(
    client: TestClient, app_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A profile read appends to the audit chain, which locks its head until the request
    commits (SQLite: the write lock, from the request's first statement). The reads waiting for
    that lock each hold a worker thread, and the holder needs one more for its next step
    (validating the response, committing). Before `web.deps._admission`, with more reads at
    once than threads, SQLite failed every waiting read after its busy timeout and PostgreSQL
    hung for good."""
    root = tmp_path_factory.getbasetemp() / "web-corpus"
    with people(client.app, app_settings, root, ("do.home",)) as (_places, clients):  # type: ignore[arg-type]
        officer = clients["do.home"]
        listed = officer.get("/api/subjects", params={"limit": 3}).json()["items"]
        chosen = [item["subject_id"] for item in listed]
        assert officer.portal is not None
        officer.portal.call(_limit_threads, THREADS)
        with ThreadPoolExecutor(READS) as pool:
            reads = [
                pool.submit(officer.get, f"/api/subjects/{chosen[n % len(chosen)]}")
                for n in range(READS)
            ]
            _, stuck = wait(reads, timeout=STUCK_AFTER_S)
            if stuck:  # deadlocked: threads enough for every request let the test end
                officer.portal.call(_limit_threads, READS + 40)
                wait(reads)
        assert not stuck, f"{len(stuck)} of {READS} reads stuck for {STUCK_AFTER_S} s"
        assert [read.result().status_code for read in reads] == [200] * READS
