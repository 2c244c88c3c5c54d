"""intel.dashboard: what needs action, limited in the query to the actor's jurisdiction."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from suraksha.config import Settings
from suraksha.errors import AccessDenied
from suraksha.intel.dashboard import dashboard
from suraksha.security import audit
from suraksha.security.policy import Actor, Role
from suraksha.storage.session import transaction
from tests.web.corpus import load_corpus

TODAY = date(2026, 11, 1)


def test_the_dashboard_holds_only_the_jurisdiction(
    db: Engine, settings: Settings, tmp_path: Path
) -> None:
    places = load_corpus(settings, tmp_path / "corpus")
    admin = Actor(1, "root", Role.ADMIN)
    officer = Actor(2, "do.home", Role.DISTRICT_OFFICER, places.state, places.home)
    analyst = Actor(3, "sa.other", Role.STATE_ANALYST, places.other_state)
    with transaction(db) as session:
        everything = dashboard(session, admin, today=TODAY, limit=1000)
        mine = dashboard(session, officer, today=TODAY, limit=1000)
        theirs = dashboard(session, analyst, today=TODAY, limit=1000)
        events = audit.events(session, action="subject.list")

    assert everything.scope == "everywhere"
    assert everything.total_subjects == sum(c.subjects for c in everything.districts)
    priorities = [line.priority for line in everything.subjects]
    assert priorities == sorted(priorities, reverse=True)
    assert [c.deadline for c in everything.deadlines] == sorted(
        c.deadline for c in everything.deadlines
    )
    assert all(c.deadline >= TODAY and c.days_left >= 0 for c in everything.deadlines)

    assert mine.scope == f"district {places.home}, {places.state}"
    assert {(line.state, line.district) for line in mine.subjects} == {(places.state, places.home)}
    assert {places.home_subject, places.home_second} <= {line.subject_id for line in mine.subjects}
    assert [(c.state, c.district) for c in mine.districts] == [(places.state, places.home)]
    assert {c.subject_id for c in mine.deadlines} <= {line.subject_id for line in mine.subjects}
    assert {t.subject_id for t in mine.new_tips} <= {line.subject_id for line in mine.subjects}
    assert mine.total_subjects < everything.total_subjects

    assert {line.state for line in theirs.subjects} == {places.other_state}
    assert places.home_subject not in {line.subject_id for line in theirs.subjects}
    assert [(e.actor, e.detail["subjects"]) for e in reversed(events)] == [
        ("root", everything.total_subjects),
        ("do.home", mine.total_subjects),
        ("sa.other", theirs.total_subjects),
    ]


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.VICTIM_SUPPORT])
def test_roles_without_subjects_are_refused(db: Engine, role: Role) -> None:
    actor = Actor(9, "someone", role, "KERALA", "ERNAKULAM")
    with transaction(db) as session, pytest.raises(AccessDenied, match="does not allow"):
        dashboard(session, actor)
