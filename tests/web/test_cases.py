"""Case pages, the dashboard's deadline alerts and the statistics page, on SQLite and PostgreSQL:
who sees which case, the forms that change a case, and the CSV downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from suraksha.cases.casefile import read_case
from suraksha.cases.charges import add_charge
from suraksha.cases.deadlines import IST, EventKind
from suraksha.cases.evidence import CustodyKind, ItemKind, add_item, record_custody
from suraksha.cases.law import ActCode
from suraksha.cases.workflow import Stage, advance, find_case, open_case, record_event
from suraksha.config import Settings
from suraksha.security.audit import events
from suraksha.storage.session import transaction
from suraksha.workspace import open_engine
from tests.web.conftest import BASE_URL, csrf_of, make_user, sign_in
from tests.web.corpus import Places
from tests.web.people import people

CLI = "cli:tester"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class World:
    """The corpus, signed-in clients, and a case in each of two districts of one state."""

    places: Places
    clients: dict[str, TestClient]
    settings: Settings
    home_case: str
    away_case: str


def _open(settings: Settings, subject: str, district: str) -> str:
    engine = open_engine(settings)
    try:
        with transaction(engine) as session:
            opened = open_case(
                session, CLI, district=district, reason="synthetic lead", subjects=[subject]
            )
        return opened.summary.case_id
    finally:
        engine.dispose()


@pytest.fixture
def world(
    client: TestClient, app_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    root = tmp_path_factory.getbasetemp() / "web-corpus"
    names = ("admin.root", "do.home", "audit.only")
    with people(client.app, app_settings, root, names) as (places, clients):  # type: ignore[arg-type]
        home = _open(app_settings, places.home_subject, places.home)
        away = _open(app_settings, places.away_subject, places.away)
        yield World(places, clients, app_settings, home, away)


def _signed_in(world: World, name: str, role: str, assigned: str) -> TestClient:
    """A new account signed in after `assigned` was assigned to it (the scope is read then)."""
    make_user(world.settings, name, role)
    admin = world.clients["admin.root"]
    page = admin.get(f"/cases/{assigned}")
    answer = admin.post(
        f"/cases/{assigned}/officers", data={"officer": name, "csrf_token": csrf_of(page)}
    )
    assert answer.status_code == 303, answer.text
    browser = TestClient(admin.app, base_url=BASE_URL, follow_redirects=False)
    assert sign_in(browser, name).status_code == 303
    return browser


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_a_district_officer_sees_their_district_only(world: World) -> None:
    officer = world.clients["do.home"]
    listing = officer.get("/cases")
    assert listing.status_code == 200
    assert world.home_case in listing.text and world.away_case not in listing.text
    assert officer.get(f"/cases/{world.home_case}").status_code == 200
    refused = officer.get(f"/cases/{world.away_case}")
    missing = officer.get("/cases/KL-XXX-2026-9999")
    assert refused.status_code == missing.status_code == 404
    assert world.places.away not in refused.text
    # Changing another district's case is refused the same way, and changes nothing.
    page = officer.get(f"/cases/{world.home_case}")
    posted = officer.post(
        f"/cases/{world.away_case}/advance",
        data={"stage": "enquiry", "reason": "x", "csrf_token": csrf_of(page)},
    )
    assert posted.status_code == 404

    stats = officer.get("/statistics")
    assert stats.status_code == 200
    assert world.places.away not in stats.text and "<svg" in stats.text
    funnel = _rows(officer.get("/statistics/funnel.csv").text)
    assert funnel[0] == ["state", "district", "month", *STEP_NAMES]
    assert {(r[0], r[1]) for r in funnel[1:-1]} == {(world.places.state, world.places.home)}
    assert sum(int(r[5]) for r in funnel[1:-1]) == int(funnel[-1][5]) == 1  # cases
    deadlines = _rows(officer.get("/statistics/deadlines.csv").text)
    assert {r[1] for r in deadlines[1:]} <= {world.places.home}
    for table in (funnel, deadlines):
        assert not [cell for row in table for cell in row if cell.startswith(FORMULA_START)]


STEP_NAMES = ["tips", "subjects", "cases", "fir", "chargesheet", "verdict", "conviction"]


def test_the_admin_sees_every_case_and_the_auditor_none(world: World) -> None:
    admin = world.clients["admin.root"].get("/cases")
    assert world.home_case in admin.text and world.away_case in admin.text
    auditor = world.clients["audit.only"]
    assert auditor.get("/cases").status_code == 403
    assert auditor.get("/statistics").status_code == 403
    assert auditor.get(f"/cases/{world.home_case}").status_code == 403


def test_an_investigating_officer_sees_assigned_cases_only(world: World) -> None:
    officer = _signed_in(world, "io.home", "investigating_officer", world.home_case)
    with officer:
        listing = officer.get("/cases")
        assert world.home_case in listing.text and world.away_case not in listing.text
        assert officer.get(f"/cases/{world.home_case}").status_code == 200
        assert officer.get(f"/cases/{world.away_case}").status_code == 404
        funnel = _rows(officer.get("/statistics/funnel.csv").text)
        assert funnel[-1][2:] == ["all", "0", "0", "1", "0", "0", "0", "0"]


def test_advancing_a_stage_through_the_page_records_it(world: World) -> None:
    officer = world.clients["do.home"]
    page = officer.get(f"/cases/{world.home_case}")
    refused = officer.post(
        f"/cases/{world.home_case}/advance",
        data={"stage": "verdict", "reason": "too early", "csrf_token": csrf_of(page)},
    )
    assert refused.status_code == 303
    assert "cannot move to verdict" in officer.get(f"/cases/{world.home_case}").text
    moved = officer.post(
        f"/cases/{world.home_case}/advance",
        data={
            "stage": "fir",
            "fir_number": "4242/2026",
            "at": "",
            "reason": "prima facie case",
            "csrf_token": csrf_of(page),
        },
    )
    assert moved.status_code == 303
    shown = officer.get(f"/cases/{world.home_case}")
    assert "FIR 4242/2026" in shown.text and "prima facie case" in shown.text
    assert 'data-clock="cwc_special_court_report"' in shown.text
    engine = open_engine(world.settings)
    try:
        with transaction(engine) as session:
            case = read_case(session, CLI, world.home_case)
            advanced = events(session, action="case.advance")
    finally:
        engine.dispose()
    assert case.summary.stage is Stage.FIR
    last = case.transitions[-1]
    assert (last.to_stage, last.by, last.reason) == (Stage.FIR, "do.home", "prima facie case")
    assert [(e.actor, e.detail["to"]) for e in advanced] == [("do.home", "fir")]


def test_events_charges_officers_and_transfer_through_the_page(world: World) -> None:
    officer = world.clients["do.home"]
    ref = world.home_case
    token = csrf_of(officer.get(f"/cases/{ref}"))
    answers = [
        officer.post(
            f"/cases/{ref}/events",
            data={"kind": "arrest", "at": "2026-11-20T09:00", "note": "", "csrf_token": token},
        ),
        officer.post(
            f"/cases/{ref}/charges",
            data={"mode": "suggest", "evidence": ["possession"], "csrf_token": token},
        ),
        officer.post(
            f"/cases/{ref}/charges",
            data={"mode": "manual", "act": "bns", "section": "294", "csrf_token": token},
        ),
        officer.post(f"/cases/{ref}/officers", data={"officer": "ravi.menon", "csrf_token": token}),
    ]
    assert [a.status_code for a in answers] == [303, 303, 303, 303]
    shown = officer.get(f"/cases/{ref}").text
    assert "arrest" in shown and "ravi.menon" in shown
    assert 'class="charge"' in shown and "charge-warning" in shown
    assert 'data-clock="production"' in shown
    moved = officer.post(
        f"/cases/{ref}/transfer",
        data={
            "state": world.places.state,
            "district": world.places.away,
            "reason": "the subject lives there",
            "csrf_token": token,
        },
    )
    assert moved.status_code == 303 and moved.headers["location"] == "/cases"
    assert officer.get(f"/cases/{ref}").status_code == 404


def test_opening_a_case_from_a_subject(world: World) -> None:
    officer = world.clients["do.home"]
    form = officer.get(f"/cases/new?subject={world.places.home_second}")
    assert form.status_code == 200 and world.places.home_second in form.text
    opened = officer.post(
        "/cases",
        data={
            "subject": world.places.home_second,
            "district": world.places.home,
            "state": world.places.state,
            "reason": "two tips, possession",
            "csrf_token": csrf_of(form),
        },
    )
    assert opened.status_code == 303
    page = officer.get(opened.headers["location"])
    assert page.status_code == 200
    assert world.places.home_second in page.text and "two tips, possession" in page.text
    elsewhere = officer.post(
        "/cases",
        data={
            "subject": world.places.away_subject,
            "district": world.places.away,
            "state": world.places.state,
            "reason": "not mine",
            "csrf_token": csrf_of(form),
        },
    )
    assert elsewhere.status_code == 403


def test_the_dashboard_loads_the_alerts_panel(world: World) -> None:
    officer = world.clients["do.home"]
    board = officer.get("/")
    assert 'hx-get="/cases/alerts"' in board.text
    panel = officer.get("/cases/alerts")
    assert panel.status_code == 200 and 'id="case-alerts"' in panel.text
    assert "<html" not in panel.text
    listing = officer.get("/cases?order=deadline&stage=lead")
    assert listing.status_code == 200 and world.home_case in listing.text


def test_the_case_page_shows_digest_alerts_and_deconfliction(world: World) -> None:
    engine = open_engine(world.settings)
    first, other = "a" * 64, "b" * 64
    try:
        with transaction(engine) as session:
            add_item(
                session,
                CLI,
                world.home_case,
                label="MO-1",
                kind=ItemKind.PHONE,
                seized_at=datetime.now(IST) - timedelta(days=2),
                seized_place="Residence (synthetic)",
                digest=first,
            )
            record_custody(
                session,
                CLI,
                world.home_case,
                "MO-1",
                CustodyKind.RECEIVED_AT_LAB,
                at=datetime.now(IST) - timedelta(days=1),
                handler="Synthetic examiner",
                place="FSL (synthetic)",
                digest=other,
            )
    finally:
        engine.dispose()
    # The same subject opened in another district: a deconfliction note on the new case.
    second = _open(world.settings, world.places.home_subject, world.places.away)
    page = world.clients["do.home"].get(f"/cases/{world.home_case}").text
    assert "digest-alert" in page and "DIGEST MISMATCH" in page and 'class="mismatch"' in page
    assert "BNSS s.105" in page  # the missing recording is warned about
    admin = world.clients["admin.root"].get(f"/cases/{second}").text
    assert "Deconfliction:" in admin and world.home_case in admin


def _to_trial(settings: Settings, case_id: str) -> None:
    """The case charged under POCSO s.15(1) and BNS s.294, and at trial (all by the CLI)."""
    engine = open_engine(settings)
    now = datetime.now(IST)
    try:
        with transaction(engine) as session:
            record_event(session, CLI, case_id, EventKind.OFFENCE, at=now - timedelta(days=30))
            add_charge(session, CLI, case_id, ActCode.POCSO, "15(1)")
            add_charge(session, CLI, case_id, ActCode.BNS, "294")
            for stage in (Stage.FIR, Stage.CHARGESHEET, Stage.TRIAL):  # the case opened now
                advance(
                    session,
                    CLI,
                    case_id,
                    stage,
                    reason=f"to {stage}",
                    fir_number="777/2026" if stage is Stage.FIR else None,
                )
    finally:
        engine.dispose()


def test_a_verdict_through_the_page_records_its_outcome(world: World) -> None:
    officer = world.clients["do.home"]
    ref = world.home_case
    _to_trial(world.settings, ref)
    page = officer.get(f"/cases/{ref}")
    assert 'name="outcome"' in page.text and 'value="pocso:15(1)"' in page.text
    token = csrf_of(page)
    refused = officer.post(
        f"/cases/{ref}/advance",
        data={"stage": "verdict", "reason": "judgment", "csrf_token": token},
    )
    assert refused.status_code == 303
    assert "verdict&#39;s outcome" in officer.get(f"/cases/{ref}").text
    judged = officer.post(
        f"/cases/{ref}/advance",
        data={
            "stage": "verdict",
            "outcome": "partly_convicted",
            "charge": ["pocso:15(1)"],
            "reason": "Special Court judgment",
            "csrf_token": token,
        },
    )
    assert judged.status_code == 303
    shown = officer.get(f"/cases/{ref}").text
    assert "partly convicted</span> on POCSO s.15(1)" in shown
    assert 'name="outcome"' not in shown  # final: no move left
    funnel = _rows(officer.get("/statistics/funnel.csv").text)
    assert funnel[-1][-2:] == ["1", "1"]  # verdict, conviction
    assert "Conviction" in officer.get("/statistics").text


def test_the_charge_sheet_period_is_set_through_the_page(world: World) -> None:
    officer = world.clients["do.home"]
    ref = world.home_case
    engine = open_engine(world.settings)
    try:
        with transaction(engine) as session:
            record_event(
                session,
                CLI,
                ref,
                EventKind.FIRST_REMAND,
                at=datetime.now(IST) - timedelta(days=1),
            )
    finally:
        engine.dispose()
    page = officer.get(f"/cases/{ref}")
    assert 'action="/cases/' + ref + '/chargesheet-period"' in page.text
    token = csrf_of(page)
    wrong = officer.post(
        f"/cases/{ref}/chargesheet-period",
        data={"days": "75", "reason": "r", "csrf_token": token},
    )
    assert wrong.status_code == 303
    assert "60 or 90 days" in officer.get(f"/cases/{ref}").text
    done = officer.post(
        f"/cases/{ref}/chargesheet-period",
        data={"days": "90", "reason": "APP: punishable up to life", "csrf_token": token},
    )
    assert done.status_code == 303
    engine = open_engine(world.settings)
    try:
        with transaction(engine) as session:
            case = read_case(session, CLI, ref)
            audited = events(session, action="case.chargesheet_period")
    finally:
        engine.dispose()
    sheet = next(d for d in case.deadlines if d.clock.name == "chargesheet_default_bail")
    assert sheet.settled and "90 days" in sheet.explanation
    assert [(e.actor, e.detail["days"]) for e in audited] == [("do.home", 90)]


def test_the_prosecutor_of_a_case_settles_its_charge_sheet_period(world: World) -> None:
    prosecutor = _signed_in(world, "app.home", "prosecutor", world.home_case)
    page = prosecutor.get(f"/cases/{world.home_case}")
    assert page.status_code == 200
    assert f'action="/cases/{world.home_case}/chargesheet-period"' in page.text
    assert f'action="/cases/{world.home_case}/advance"' not in page.text  # case.read only
    done = prosecutor.post(
        f"/cases/{world.home_case}/chargesheet-period",
        data={"days": "60", "reason": "punishable up to 7 years", "csrf_token": csrf_of(page)},
    )
    assert done.status_code == 303
    refused = prosecutor.post(
        f"/cases/{world.away_case}/chargesheet-period",
        data={"days": "90", "reason": "not my case", "csrf_token": csrf_of(page)},
    )
    assert refused.status_code == 404
    engine = open_engine(world.settings)
    try:
        with transaction(engine) as session:
            audited = events(session, action="case.chargesheet_period")
            settled = find_case(session, world.home_case).chargesheet_days
    finally:
        engine.dispose()
    assert [(e.actor, e.detail["days"]) for e in audited] == [("app.home", 60)]
    assert settled == 60
