"""Shared pieces of the victims tests: a case to attach victims to, the actors of the access
matrix, and a synthetic child whose made-up name is easy to find in any output."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import Engine

from suraksha.cases.deadlines import IST
from suraksha.cases.workflow import open_case
from suraksha.security.policy import Actor, Role
from suraksha.storage.session import transaction
from suraksha.victims.records import add_victim
from tests.web.conftest import app_settings, client  # noqa: F401 (the web fixtures, shared)

CLI: Final = "cli:tester"
PHONE: Final = "+919876543210"
CHILD_NAME: Final = "Zyxwtest Synthchild"  # obviously made up; grep-able in every output
IDENTITY: Final[dict[str, Any]] = {
    "name": CHILD_NAME,
    "claimed_dob": date(2012, 4, 1),
    "claimed_age": 14,
    "gender": "female",
    "guardian": "Qwvtest Synthguardian",
    "address": "House 0, Synthetic Lane, Testnagar",
    "school": "Synthetic Test School 000",
}
SECRETS: Final = ("Zyxwtest", "Synthchild", "Qwvtest", "Synthetic Lane", "Synthetic Test School")


def at(text: str) -> datetime:
    """An IST wall-clock time as an aware instant."""
    return datetime.fromisoformat(text).replace(tzinfo=IST)


def open_on_phone(db: Engine, district: str = "Ernakulam", phone: str = PHONE) -> str:
    """A case of (KERALA, `district`) opened on a phone number; its reference."""
    with transaction(db) as session:
        opened = open_case(
            session,
            CLI,
            state="Kerala",
            district=district,
            reason="synthetic lead",
            identifiers=[("phone", phone)],
            at=at("2026-01-05T10:00"),
        )
    return opened.summary.case_id


def add_child(db: Engine, case_id: str, **kwargs: Any) -> str:
    """A victim of `case_id` with the synthetic identity, added by the command line; its label."""
    with transaction(db) as session:
        return add_victim(session, CLI, case_id, **{**IDENTITY, **kwargs}).label


def actors(case_id: str) -> dict[str, Actor]:
    """One actor per row of the access matrix."""
    return {
        "vs_home": Actor(1, "vs.home", Role.VICTIM_SUPPORT, "KERALA", "ERNAKULAM"),
        "vs_other": Actor(2, "vs.other", Role.VICTIM_SUPPORT, "KERALA", "THRISSUR"),
        "vs_other_state": Actor(3, "vs.bihar", Role.VICTIM_SUPPORT, "BIHAR", "ERNAKULAM"),
        "io_case": Actor(4, "io.case", Role.INVESTIGATING_OFFICER, case_ids=frozenset({case_id})),
        "io_other": Actor(
            5, "io.other", Role.INVESTIGATING_OFFICER, case_ids=frozenset({"KL-ERN-2026-0099"})
        ),
        "prosecutor": Actor(6, "spp.case", Role.PROSECUTOR, case_ids=frozenset({case_id})),
        "admin": Actor(7, "root", Role.ADMIN),
        "district_officer": Actor(8, "do.ekm", Role.DISTRICT_OFFICER, "KERALA", "ERNAKULAM"),
        "state_analyst": Actor(9, "sa.kl", Role.STATE_ANALYST, "KERALA"),
        "auditor": Actor(10, "audit.only", Role.AUDITOR),
    }
