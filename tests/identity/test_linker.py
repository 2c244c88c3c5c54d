"""Linking through the real pipeline: law-enforcement JSON tips in, subjects and their evidence out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from suraksha.identity.linker import resolve
from suraksha.identity.subjects import links_of, memberships
from suraksha.intake.pipeline import ingest, plan
from suraksha.intel.briefing import subject_briefs
from suraksha.storage.session import transaction


def person(
    *,
    service: str = "Instagram",
    user_id: str | None = None,
    emails: tuple[str, ...] = (),
    phones: tuple[str, ...] = (),
    first: str = "Arun",
    last: str = "Kumar",
) -> dict[str, Any]:
    entry: dict[str, Any] = {"firstName": first, "lastName": last, "espService": service}
    if user_id:
        entry["espUserId"] = user_id
    if emails:
        entry["emails"] = {"emails": [{"value": e, "verified": True} for e in emails]}
    if phones:
        entry["phones"] = {"phones": [{"value": p, "verified": False} for p in phones]}
    return entry


def write_tip(
    folder: Path, report_id: int, reported: dict[str, Any], esp: str = "Instagram"
) -> None:
    document = {
        "reportId": report_id,
        "dateReceived": "2026-09-01T10:00:00Z",
        "reportedInformation": {"reportingEsp": {"espName": esp}},
        "incidentSummary": {
            "incidentType": "Child Pornography (possession, manufacture, and distribution)",
            "incidentDateTime": "2026-07-01T08:30:00Z",
        },
        "reportedPeople": {"reportedPersons": [reported]},
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{report_id}.json").write_text(json.dumps(document), encoding="utf-8")


def run(db: Engine, folder: Path) -> dict[frozenset[str], str]:
    """Ingest and resolve; returns each subject's set of report ids → subject id."""
    ingest(db, plan([folder]))
    with transaction(db) as session:
        resolve(session)
        return {frozenset(b.report_ids): b.subject_id for b in subject_briefs(session)}


def test_phone_forms_and_gmail_variants_link_across_platforms(db: Engine, tmp_path: Path) -> None:
    write_tip(tmp_path, 1001, person(phones=("+91 98470 12345",)))
    write_tip(
        tmp_path,
        1002,
        person(service="WhatsApp", phones=("09847012345",), emails=("Arun.K+x@gmail.com",)),
        "WhatsApp",
    )
    write_tip(tmp_path, 1003, person(service="Google", emails=("arunk@googlemail.com",)), "Google")
    write_tip(tmp_path, 1004, person(first="Arun", last="Kumar", phones=("9747000001",)))
    subjects = run(db, tmp_path)
    assert set(subjects) == {frozenset({"1001", "1002", "1003"}), frozenset({"1004"})}
    with transaction(db) as session:
        [members] = [m for m in memberships(session).values() if len(m) == 3]
        links = links_of(session, members)
    assert sorted((link.rule, link.value) for link in links) == [
        ("same_email", "arunk@gmail.com"),
        ("same_phone", "+919847012345"),
    ]
    raw = sorted(item["raw"] for link in links for item in link.evidence["identifiers"])
    assert raw == ["+91 98470 12345", "09847012345", "Arun.K+x@gmail.com", "arunk@googlemail.com"]


def test_masked_values_and_unscoped_ids_never_link(db: Engine, tmp_path: Path) -> None:
    write_tip(tmp_path, 2001, person(emails=("ra*****@gmail.com",), user_id="5550001"))
    write_tip(
        tmp_path,
        2002,
        person(emails=("ra*****@gmail.com",), service="Snapchat", user_id="5550001"),
        "Snapchat",
    )
    subjects = run(db, tmp_path)
    assert set(subjects) == {frozenset({"2001"}), frozenset({"2002"})}


def test_subject_ids_survive_new_tips_and_reingest(db: Engine, tmp_path: Path) -> None:
    write_tip(tmp_path, 3002, person(phones=("+919847055555",)))
    write_tip(tmp_path, 3003, person(phones=("9847055555",)))
    first = run(db, tmp_path)
    again = run(db, tmp_path)
    assert first == again
    # A later tip with a smaller account id joins: the subject keeps its id.
    write_tip(tmp_path, 1, person(phones=("098470 55555",)))
    grown = run(db, tmp_path)
    assert grown == {frozenset({"1", "3002", "3003"}): first[frozenset({"3002", "3003"})]}


def test_a_value_held_by_too_many_accounts_is_not_a_key(db: Engine, tmp_path: Path) -> None:
    for n in range(5):
        write_tip(tmp_path, 4000 + n, person(phones=("+91 90000 00001",), user_id=f"77{n}"))
    ingest(db, plan([tmp_path]))
    with transaction(db) as session:
        result = resolve(session, max_accounts=4)
    assert result.subjects == 5
    assert result.too_common == [("phone", "+919000000001", 5)]
