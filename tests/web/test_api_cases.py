"""The JSON API for cases, on SQLite and PostgreSQL: the list with its filters and pages, a case
in full (deadlines with their sources, evidence, documents; victims by label only), deadlines."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from suraksha.cases.charges import add_charge
from suraksha.cases.deadlines import IST, EventKind
from suraksha.cases.documents.files import documents_folder
from suraksha.cases.documents.registry import DocumentKind
from suraksha.cases.documents.render import DocumentRequest, make_document
from suraksha.cases.evidence import CustodyKind, ItemKind, add_item, record_custody
from suraksha.cases.law import ActCode
from suraksha.cases.workflow import Stage, advance, open_case, record_event
from suraksha.config import Settings
from suraksha.storage.session import transaction
from suraksha.triage.scanner import ScanRequest, scan
from suraksha.victims.records import add_victim
from suraksha.workspace import open_engine
from tests.web.corpus import Places
from tests.web.people import people

CLI = "cli:tester"
CHILD = "Ananya Synthetica Menon"  # synthetic
IMEI = "490154203237518"  # a valid Luhn check digit; synthetic
FIRST, OTHER = "a" * 64, "b" * 64


@dataclass(frozen=True)
class World:
    """The corpus, signed-in clients, a full case in the home district and a bare one away."""

    places: Places
    clients: dict[str, TestClient]
    settings: Settings
    home_case: str
    second_case: str
    away_case: str
    victim_label: str
    document_id: int


def _build(settings: Settings, places: Places) -> tuple[str, str, str, str, int]:
    engine = open_engine(settings)
    now = datetime.now(IST)
    try:
        with transaction(engine) as session:
            home = open_case(
                session,
                CLI,
                district=places.home,
                reason="two tips",
                subjects=[places.home_subject],
            ).summary.case_id
            second = open_case(
                session,
                CLI,
                district=places.home,
                reason="second lead",
                subjects=[places.home_second],
            ).summary.case_id
            away = open_case(
                session, CLI, district=places.away, reason="away", subjects=[places.away_subject]
            ).summary.case_id
            add_charge(session, CLI, home, ActCode.POCSO, "15(1)")
            advance(session, CLI, home, Stage.FIR, reason="prima facie", fir_number="4711/2026")
            record_event(
                session, CLI, home, EventKind.ARREST, at=now - timedelta(hours=30), note=CHILD
            )
            victim = add_victim(session, CLI, home, name=CHILD)
            add_item(
                session,
                CLI,
                home,
                label="MO-1",
                kind=ItemKind.PHONE,
                seized_at=now - timedelta(days=1),
                seized_place="Residence (synthetic)",
                witnesses=["K. Suresh"],
                digest=FIRST,
            )
            record_custody(
                session,
                CLI,
                home,
                "MO-1",
                CustodyKind.RECEIVED_AT_LAB,
                at=now - timedelta(hours=2),
                handler="FSL examiner",
                place="FSL (synthetic)",
                digest=OTHER,
            )
            made = make_document(
                session,
                CLI,
                home,
                DocumentRequest(kind=DocumentKind.CASE_SUMMARY),
                documents_folder(settings.home, home),
            )
    finally:
        engine.dispose()
    return home, second, away, victim.label, made.view.id


@pytest.fixture
def world(
    client: TestClient, app_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    root = tmp_path_factory.getbasetemp() / "web-corpus"
    with people(client.app, app_settings, root, ("do.home", "audit.only")) as (places, clients):  # type: ignore[arg-type]
        home, second, away, label, document_id = _build(app_settings, places)
        yield World(places, clients, app_settings, home, second, away, label, document_id)


def test_a_case_in_full_with_its_sources_and_no_victim_identity(world: World) -> None:
    officer = world.clients["do.home"]
    answer = officer.get(f"/api/cases/{world.home_case}")
    assert answer.status_code == 200, answer.text
    case = answer.json()
    assert (case["case_id"], case["fir_number"], case["stage"]) == (
        world.home_case,
        "4711/2026",
        "fir",
    )
    assert [(t["from_stage"], t["to_stage"]) for t in case["transitions"]] == [
        (None, "lead"),
        ("lead", "fir"),
    ]
    assert [(c["act"], c["section"]) for c in case["charges"]] == [("pocso", "15(1)")]
    production = next(d for d in case["deadlines"] if d["clock"] == "production")
    assert production["status"] in {"missed", "due_soon", "upcoming"}
    assert production["sources"] and all(s["url"].startswith("http") for s in production["sources"])
    assert production["basis"]
    evidence = case["evidence"]
    assert (evidence["exhibits"], evidence["custody_steps"], evidence["alerts"]) == (1, 2, 1)
    [exhibit] = evidence["items"]
    assert [(s["kind"], s["digest_matches"]) for s in exhibit["custody"]] == [
        ("seized", None),
        ("received_at_lab", False),
    ]
    assert exhibit["witnesses"] == 1 and "K. Suresh" not in answer.text
    assert "DIGEST MISMATCH" in exhibit["alerts"][0]
    [document] = case["documents"]
    assert (document["id"], document["kind"]) == (world.document_id, "case-summary")
    # The victim only by label: the name typed into an event's note leaves as the label.
    assert case["victims"] == [world.victim_label]
    assert all(part not in answer.text for part in CHILD.split())
    arrest = next(e for e in case["events"] if e["kind"] == "arrest")
    assert arrest["note"] == world.victim_label


def test_the_list_filters_orders_and_pages(world: World) -> None:
    officer = world.clients["do.home"]
    everything = officer.get("/api/cases").json()
    assert {c["case_id"] for c in everything["items"]} == {world.home_case, world.second_case}
    assert everything["total"] == 2 and everything["next_offset"] is None
    at_fir = officer.get("/api/cases", params={"stage": "fir"}).json()
    assert [c["case_id"] for c in at_fir["items"]] == [world.home_case]
    first = officer.get("/api/cases", params={"limit": 1}).json()
    second = officer.get("/api/cases", params={"limit": 1, "offset": 1}).json()
    assert first["next_offset"] == 1 and second["next_offset"] is None
    assert {first["items"][0]["case_id"], second["items"][0]["case_id"]} == {
        world.home_case,
        world.second_case,
    }
    by_deadline = officer.get("/api/cases", params={"order": "deadline"}).json()
    keys = [
        (not c["next_deadline"]["missed"], c["next_deadline"]["due"]) for c in by_deadline["items"]
    ]
    assert len(keys) == 2 and keys == sorted(keys)
    home = next(c for c in by_deadline["items"] if c["case_id"] == world.home_case)
    assert home["next_deadline"]["missed"] is True  # at least the production clock is missed
    elsewhere = officer.get("/api/cases", params={"district": world.places.away}).json()
    assert elsewhere["items"] == [] and elsewhere["total"] == 0
    assert officer.get("/api/cases", params={"order": "nearest"}).status_code == 422
    assert officer.get("/api/cases", params={"stage": "appeal"}).status_code == 422


def test_deadlines_of_the_reach_soonest_first(world: World) -> None:
    officer = world.clients["do.home"]
    listed = officer.get("/api/deadlines", params={"limit": 100}).json()
    cases = {d["case_id"] for d in listed["items"]}
    assert cases <= {world.home_case, world.second_case} and world.home_case in cases
    dues = [d["due"] for d in listed["items"]]
    assert dues == sorted(dues)
    production = next(d for d in listed["items"] if d["clock"] == "production")
    assert production["status"] == "missed"
    assert production["sources"] and production["fir_number"] == "4711/2026"
    soon = officer.get("/api/deadlines", params={"within_days": 0, "limit": 100}).json()
    assert {d["clock"] for d in soon["items"]} <= {d["clock"] for d in listed["items"]}
    assert all(d["due"] <= dues[-1] for d in soon["items"])


def test_out_of_reach_is_404_and_no_case_role_is_403(world: World) -> None:
    officer = world.clients["do.home"]
    refused = officer.get(f"/api/cases/{world.away_case}")
    missing = officer.get("/api/cases/KL-XXX-2026-9999")
    assert refused.status_code == missing.status_code == 404
    assert refused.json()["detail"].replace(world.away_case, "X") == missing.json()[
        "detail"
    ].replace("KL-XXX-2026-9999", "X")
    auditor = world.clients["audit.only"]
    for path in ("/api/cases", f"/api/cases/{world.home_case}", "/api/deadlines"):
        answer = auditor.get(path)
        assert answer.status_code == 403 and "case.read" in answer.json()["detail"], path


def test_the_openapi_document_types_the_case_endpoints(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    for path, model in (
        ("/api/cases", "CaseListOut"),
        ("/api/cases/{case_id}", "CaseOut"),
        ("/api/deadlines", "DeadlineListOut"),
    ):
        operation = document["paths"][path]["get"]
        assert model in str(operation["responses"]["200"]["content"]["application/json"])
        assert "ErrorOut" in str(operation["responses"]["404"])
    schemas = document["components"]["schemas"]
    assert "victims" in schemas["CaseOut"]["required"]
    assert "sources" in schemas["DeadlineOut"]["required"]
    for path in ("/api/cases", "/api/deadlines"):
        assert client.get(path).status_code == 401


def test_a_triage_scan_of_the_exhibit_shows_in_its_custody(world: World, tmp_path: Path) -> None:
    image = tmp_path / "phone.zip"
    with zipfile.ZipFile(image, "w") as archive:
        archive.writestr("notes/todo.txt", "buy milk\n")  # benign synthetic content
    (tmp_path / "scratch").mkdir()
    engine = open_engine(world.settings)
    try:
        request = ScanRequest(image, world.home_case, "MO-9", device_ids=(f"IMEI:{IMEI}",))
        scan_id = scan(engine, request, scratch=tmp_path / "scratch").scan_id
        with transaction(engine) as session:
            add_item(
                session,
                CLI,
                world.home_case,
                label="MO-9",
                kind=ItemKind.PHONE,
                seized_at=datetime.now(IST) - timedelta(hours=3),
                seized_place="Residence (synthetic)",
                imeis=[IMEI],
                digest=hashlib.sha256(image.read_bytes()).hexdigest(),
            )
    finally:
        engine.dispose()
    officer = world.clients["do.home"]
    case = officer.get(f"/api/cases/{world.home_case}").json()
    exhibit = next(i for i in case["evidence"]["items"] if i["label"] == "MO-9")
    assert exhibit["scans"] == [scan_id] and exhibit["alerts"] == []
    assert [(s["kind"], s["digest_matches"], s["scan_id"]) for s in exhibit["custody"]] == [
        ("seized", None, None),
        ("examined", True, scan_id),
    ]
    page = officer.get(f"/cases/{world.home_case}").text
    assert f"(read from triage scan {scan_id})" in page
