"""Hash banks, scans (with their report) and the quarantine: who may see them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from suraksha.config import Settings
from suraksha.intake.pipeline import ingest, plan
from suraksha.security import audit
from suraksha.storage.session import reading
from suraksha.workspace import open_engine
from tests.commands import ok, suraksha
from tests.triage.conftest import write_scene
from tests.web.corpus import Places
from tests.web.people import people

World = tuple[Places, dict[str, TestClient]]
NAMES = ("admin.root", "sa.state", "do.home", "audit.only")


@pytest.fixture
def world(
    client: TestClient, app_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """The corpus and four roles signed in."""
    root = tmp_path_factory.getbasetemp() / "web-corpus"
    with people(client.app, app_settings, root, NAMES) as found:  # type: ignore[arg-type]
        yield found


def test_banks_scans_and_quarantine_by_role(
    world: World, app_settings: Settings, tmp_path: Path
) -> None:
    _, clients = world
    device = tmp_path / "device"
    write_scene(device / "DCIM" / "IMG_0001.JPG", 501)
    scanned = ok(
        suraksha(app_settings, "scan", str(device), "--case", "FIR-7/2026", "--device", "EX-7")
    )
    scan_id = int(re.search(r"Scan (\d+):", scanned).group(1))  # type: ignore[union-attr]
    broken = tmp_path / "broken" / "777001"
    broken.mkdir(parents=True)
    (broken / "report.xml").write_text("<report><incidentSummary>", encoding="utf-8")
    engine = open_engine(app_settings)
    try:
        ingest(engine, plan([tmp_path / "broken"]))
    finally:
        engine.dispose()

    admin, analyst, officer, auditor = (clients[name] for name in NAMES)
    for reader in (admin, analyst, officer):
        page = reader.get("/banks")
        assert page.status_code == 200 and "ncmec" in page.text and ">192<" in page.text
        [bank] = reader.get("/api/banks").json()
        assert bank == {
            "name": "ncmec",
            "kind": "known",
            "version": 1,
            "entries": 192,
            "category_scheme": None,
            "pdq_threshold": bank["pdq_threshold"],
        }
    assert auditor.get("/banks").status_code == auditor.get("/api/banks").status_code == 403

    listing = admin.get("/scans")
    assert listing.status_code == 200 and "FIR-7/2026" in listing.text
    assert f"/scans/{scan_id}/report" in listing.text
    report = admin.get(f"/scans/{scan_id}/report")
    assert report.status_code == 200
    assert report.headers["content-disposition"].startswith("attachment")
    assert "FIR-7/2026" in report.text and "<img" not in report.text
    # Scans belong to cases; a district or state scope reaches no case yet.
    for outsider in (analyst, officer):
        assert "FIR-7/2026" not in outsider.get("/scans").text
        assert outsider.get(f"/scans/{scan_id}/report").status_code == 404
    assert admin.get(f"/scans/{scan_id + 99}/report").status_code == 404
    assert auditor.get("/scans").status_code == 403
    engine = open_engine(app_settings)
    try:
        with reading(engine) as session:
            events = audit.events(session, action="scan.report")
    finally:
        engine.dispose()
    assert [(e.actor, e.object_id) for e in events] == [("admin.root", str(scan_id))]

    for reader in (admin, analyst):
        page = reader.get("/quarantine")
        assert page.status_code == 200 and "777001" in page.text
    assert officer.get("/quarantine").status_code == 403
    assert auditor.get("/quarantine").status_code == 403
