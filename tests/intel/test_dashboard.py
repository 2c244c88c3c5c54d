"""intel.dashboard: what needs action, limited in the query to the actor's jurisdiction."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from suraksha.config import Settings
from suraksha.errors import AccessDenied
from suraksha.identity.models import Subject
from suraksha.intel.dashboard import dashboard
from suraksha.intel.models import SubjectJurisdiction, SubjectPriority
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


def _every_open_clock(
    db: Engine, actor: Actor, day: date
) -> tuple[list[tuple[Any, ...]], list[str]]:
    """By brute force: every clock open on `day` in reach, nearest first, and the subjects in
    the dashboard's order (score, stored deadline, id)."""
    clocks: list[tuple[Any, ...]] = []
    ranked: list[tuple[float, date, str]] = []
    with transaction(db) as session:
        rows = session.execute(
            select(
                SubjectPriority, SubjectJurisdiction.state, SubjectJurisdiction.district
            ).outerjoin(
                SubjectJurisdiction, SubjectJurisdiction.subject_id == SubjectPriority.subject_id
            )
        )
        for priority, state, district in rows:
            if actor.district and (state, district) != (actor.state, actor.district):
                continue
            ranked.append(
                (-priority.score, priority.next_deadline or date.max, priority.subject_id)
            )
            for factor in priority.factors:
                when = factor.get("deadline")
                if when and factor["weight"] > 0 and date.fromisoformat(when[:10]) >= day:
                    clocks.append(
                        (date.fromisoformat(when[:10]), priority.subject_id, factor["factor"])
                    )
    return sorted(clocks), [subject_id for *_, subject_id in sorted(ranked)]


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_the_nearest_deadlines_and_top_subjects_are_those_of_every_row(
    db: Engine, settings: Settings, tmp_path: Path, limit: int
) -> None:
    places = load_corpus(settings, tmp_path / "corpus")
    with transaction(db) as session:
        first = min(filter(None, session.scalars(select(SubjectPriority.next_deadline))))
    # Before any deadline, and the day after the first one passed: that subject's stored
    # deadline is then behind the day, and its later clocks must still be found.
    for day in (TODAY, first + timedelta(days=1)):
        for actor in (
            Actor(1, "root", Role.ADMIN),
            Actor(2, "do.home", Role.DISTRICT_OFFICER, places.state, places.home),
        ):
            _check_against_every_row(db, actor, day, limit)


def _check_against_every_row(db: Engine, actor: Actor, day: date, limit: int) -> None:
    clocks, ranked = _every_open_clock(db, actor, day)
    assert len(clocks) > limit  # the corpus holds more open clocks than are shown
    with transaction(db) as session:
        board = dashboard(session, actor, today=day, limit=limit)
    shown = [(c.deadline, c.subject_id, c.factor) for c in board.deadlines]
    assert shown == clocks[:limit], actor.name
    assert [line.subject_id for line in board.subjects] == ranked[:limit], actor.name
    assert board.total_subjects == len(ranked)


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.VICTIM_SUPPORT])
def test_roles_without_subjects_are_refused(db: Engine, role: Role) -> None:
    actor = Actor(9, "someone", role, "KERALA", "ERNAKULAM")
    with transaction(db) as session, pytest.raises(AccessDenied, match="does not allow"):
        dashboard(session, actor)


def test_a_subject_assessed_before_its_nearest_deadline_passed_still_shows_its_later_ones(
    db: Engine,
) -> None:
    assessed = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    clocks = {
        "S-a": [("platform_preservation", "2026-12-01"), ("operator_ip_logs", "2026-12-10")],
        "S-b": [("platform_preservation", "2026-12-06")],
        "S-c": [("platform_preservation", "2026-12-20")],
    }
    with transaction(db) as session:
        for subject_id, factors in clocks.items():
            session.add(Subject(id=subject_id))
            session.flush()
            session.add(
                SubjectPriority(
                    subject_id=subject_id,
                    score=10.0,
                    factors=[
                        {"factor": name, "value": "x", "weight": 5.0, "deadline": when}
                        for name, when in factors
                    ],
                    computed_at=assessed,
                )
            )
    with transaction(db) as session:
        board = dashboard(session, Actor(1, "root", Role.ADMIN), today=date(2026, 12, 5), limit=2)
    # S-a's stored deadline (1 December) has passed, but its 10 December clock is still open.
    assert [(c.subject_id, c.deadline) for c in board.deadlines] == [
        ("S-b", date(2026, 12, 6)),
        ("S-a", date(2026, 12, 10)),
    ]
