"""Law-enforcement CyberTipline JSON tips for identity tests, and views of what `resolve` stored.

Every name, number, address and capture here is made up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from suraksha.identity.linker import resolve
from suraksha.identity.models import AccountLink
from suraksha.identity.subjects import memberships
from suraksha.intake.accounts import account_ids, account_views
from suraksha.intake.pipeline import ingest, plan
from suraksha.intel.briefing import subject_briefs
from suraksha.storage.session import transaction


@dataclass(frozen=True, slots=True)
class Capture:
    """An IP capture as a platform reports it (the time as written, with its zone)."""

    address: str
    at: str | None
    port: int | None = None
    event: str = "Login"
    proxy: bool | None = None


def person(
    *,
    service: str = "Instagram",
    user_id: str | None = None,
    emails: tuple[str, ...] = (),
    phones: tuple[str, ...] = (),
    first: str | None = "Arun",
    last: str | None = "Kumar",
    captures: tuple[Capture, ...] = (),
) -> dict[str, Any]:
    """A reported person; `first=None, last=None` for an account that gives no name."""
    entry: dict[str, Any] = {"espService": service}
    if first is not None:
        entry["firstName"] = first
    if last is not None:
        entry["lastName"] = last
    if user_id:
        entry["espUserId"] = user_id
    if emails:
        entry["emails"] = {"emails": [{"value": e, "verified": True} for e in emails]}
    if phones:
        entry["phones"] = {"phones": [{"value": p, "verified": False} for p in phones]}
    if captures:
        entry["sourceInformation"] = {
            "sourceCaptures": [
                {
                    "captureType": "IP Address",
                    "value": c.address,
                    "dateTime": c.at,
                    "port": c.port,
                    "eventName": c.event,
                    "possibleProxy": c.proxy,
                }
                for c in captures
            ]
        }
    return entry


def write_tip(
    folder: Path, report_id: int, reported: dict[str, Any], esp: str = "Instagram"
) -> Path:
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
    path = folder / f"{report_id}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def run(db: Engine, folder: Path, **options: Any) -> dict[frozenset[str], str]:
    """Ingest and resolve; returns each subject's set of report ids → subject id."""
    ingest(db, plan([folder]))
    with transaction(db) as session:
        resolve(session, **options)
        return reports_by_subject(session)


def reports_by_subject(session: Session) -> dict[frozenset[str], str]:
    """Each subject's set of report ids → its subject id."""
    return {frozenset(b.report_ids): b.subject_id for b in subject_briefs(session)}


def account_of(session: Session) -> dict[str, str]:
    """Report id → the id of its reported account (these tips have one each)."""
    return {
        view.report_id: view.account_id for view in account_views(session, account_ids(session))
    }


def snapshot(session: Session) -> tuple[dict[str, list[str]], list[tuple[Any, ...]]]:
    """Everything a resolution stores: subjects with members, and links with their evidence."""
    links = sorted(
        (
            link.account_a,
            link.account_b,
            link.rule,
            link.kind,
            link.value,
            link.blocked_by,
            link.refused,
            json.dumps(link.evidence, sort_keys=True),
        )
        for link in session.scalars(select(AccountLink))
    )
    return memberships(session), links
