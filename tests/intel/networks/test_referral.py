"""The referral packet (intel/networks/referral.py): members placed abroad with their own accounts,
reports and file digests; never a victim, a child recipient or a member out of reach; audited;
JSON and PDF written, on both databases."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from suraksha.config import Settings
from suraksha.hashing.banks import BankKind, import_list
from suraksha.intake.tips import rematch_files
from suraksha.intel.networks.referral import (
    PACKET_FORMAT,
    TEMPLATE,
    referral_html,
    referral_json,
    referral_packet,
    template_version,
    write_referral,
)
from suraksha.intel.networks.views import GroupNotFound
from suraksha.security import audit
from suraksha.security.policy import Actor, Role
from suraksha.storage.session import reading, transaction
from suraksha.workspace import open_engine
from tests.intel.networks.circle import RECIPIENT_ID, VICTIM_NAME, Circle, load_circle
from tests.intel.reports import md5_of

ADMIN = Actor(1, "admin.root", Role.ADMIN)
HOME = Actor(2, "do.home", Role.DISTRICT_OFFICER, "KARNATAKA", "BENGALURU URBAN")
AWAY = Actor(3, "do.karwar", Role.DISTRICT_OFFICER, "KARNATAKA", "UTTARA KANNADA")
ELSEWHERE = Actor(4, "do.mysuru", Role.DISTRICT_OFFICER, "KARNATAKA", "MYSURU")


@pytest.fixture
def circle(settings: Settings, tmp_path: Path) -> Circle:
    found = load_circle(settings, tmp_path)
    listed = tmp_path / "known.md5"
    listed.write_text(f"{md5_of('circle-a')}  circle-a.jpg\n", encoding="utf-8")
    engine = open_engine(settings)
    try:
        with transaction(engine) as session:
            import_list(session, listed, bank="ncmec", kind=BankKind.KNOWN)
            rematch_files(session)
    finally:
        engine.dispose()
    return found


@pytest.fixture
def engine(settings: Settings, circle: Circle) -> Iterator[Engine]:
    opened = open_engine(settings)
    try:
        yield opened
    finally:
        opened.dispose()


def test_the_packet_lists_members_abroad_with_their_accounts_reports_and_files(
    engine: Engine, circle: Circle
) -> None:
    with transaction(engine) as session:
        packet = referral_packet(session, ADMIN, circle.group_id)
    record = packet.as_dict()
    assert list(record) == [
        "format",
        "group_id",
        "prepared_at",
        "prepared_by",
        "template",
        "template_version",
        "reasons",
        "members_in_reach",
        "members_outside_reach",
        "members_abroad",
        "withheld",
    ]
    assert (record["format"], record["group_id"], record["template"]) == (
        PACKET_FORMAT,
        circle.group_id,
        TEMPLATE,
    )
    assert record["template_version"] == template_version() == 1
    assert (record["members_in_reach"], record["members_outside_reach"]) == (4, 0)
    referred = {m["subject_id"]: m for m in record["members_abroad"]}
    assert set(referred) == {circle.subject_of["880001"], circle.subject_of["880003"]}

    falcon = referred[circle.subject_of["880001"]]
    assert falcon["countries"] == ["AE"]
    assert falcon["report_ids"] == ["880001"]
    assert {(r["kind"], r["country"], r["value"]) for r in falcon["readings_abroad"]} == {
        ("phone", "AE", "+971501234567"),
        ("platform_estimate", "AE", "Dubai, Dubai, AE"),
    }
    (account,) = falcon["accounts"]
    assert account["report"] == "880001"
    assert account["service"] == "ChatKaro"
    kinds = {(i["kind"], i["value"]) for i in account["identifiers"]}
    assert ("phone", "+971501234567") in kinds
    assert ("email", "falcon5501@mail.example") in kinds
    assert any(kind == "platform_user_id" and "ck-5501" in v for kind, v in kinds)
    assert any(kind == "screen_name" and "desert_falcon" in v for kind, v in kinds)
    files = {f["md5"]: f for f in falcon["files"]}
    assert set(files) == {md5_of("circle-a"), md5_of("circle-b")}
    (match,) = files[md5_of("circle-a")]["bank_matches"]
    assert (match["bank"], match["bank_kind"], match["algorithm"]) == ("ncmec", "known", "md5")
    assert files[md5_of("circle-b")]["bank_matches"] == []

    gull = referred[circle.subject_of["880003"]]
    assert [r["kind"] for r in gull["readings_abroad"]] == ["platform_estimate"]
    assert gull["report_ids"] == ["880003"]

    # Report 880001 names a victim and a 13-year-old intended recipient: neither is in the packet.
    text = referral_json(packet)
    assert VICTIM_NAME not in text and RECIPIENT_ID not in text
    assert json.loads(text) == record
    html = referral_html(packet)
    assert VICTIM_NAME not in html and RECIPIENT_ID not in html
    assert "template referral.html version 1" in html
    assert "<img" not in html


def test_a_district_officer_refers_only_the_members_in_reach(
    engine: Engine, circle: Circle
) -> None:
    with transaction(engine) as session:
        packet = referral_packet(session, HOME, circle.group_id)
    assert [m.subject_id for m in packet.members] == [circle.subject_of["880001"]]
    assert (packet.members_in_reach, packet.hidden_members) == (2, 2)
    text = referral_json(packet) + referral_html(packet)
    for report in ("880003", "880004"):
        assert circle.subject_of[report] not in text
        assert report not in text
    assert "2 more held by other units (not listed)" in text

    with transaction(engine) as session:
        karwar = referral_packet(session, AWAY, circle.group_id)
    assert [m.subject_id for m in karwar.members] == [circle.subject_of["880003"]]
    assert circle.subject_of["880001"] not in referral_json(karwar)
    assert "+971501234567" not in referral_json(karwar)

    with transaction(engine) as session, pytest.raises(GroupNotFound):
        referral_packet(session, ELSEWHERE, circle.group_id)


def test_the_packet_is_audited_and_written_as_json_and_pdf(
    engine: Engine, circle: Circle, tmp_path: Path
) -> None:
    with transaction(engine) as session:
        packet = referral_packet(session, HOME, circle.group_id)
    written = write_referral(packet, tmp_path / "out")
    assert written.json.name == f"referral-{circle.group_id}.json"
    assert json.loads(written.json.read_text(encoding="utf-8")) == packet.as_dict()
    assert written.pdf.read_bytes().startswith(b"%PDF-")
    with reading(engine) as session:
        (event,) = audit.events(session, action="group.referral")
        tips = audit.events(session, action="tip.read")
    assert (event.actor, event.object_kind, event.object_id) == (
        "do.home",
        "group",
        circle.group_id,
    )
    assert event.detail == {
        "subjects": [circle.subject_of["880001"]],
        "reports": 1,
        "files": 2,
        "template_version": 1,
        "hidden": 2,
    }
    assert [(e.detail["channel"], e.detail["report"]) for e in tips] == [("referral", "880001")]


def test_a_packet_needs_a_writing_session_for_its_audit(engine: Engine, circle: Circle) -> None:
    with reading(engine) as session, pytest.raises(RuntimeError):
        referral_packet(session, ADMIN, circle.group_id)
