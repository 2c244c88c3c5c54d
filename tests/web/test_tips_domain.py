"""The jurisdiction rules of `intake.inbox` and `intel.worklist` checked in the domain itself,
against `security.policy.permits`, for every role and several places, on both databases: the SQL
that lists subjects and tips returns exactly what the per-object check allows."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from suraksha.config import Settings
from suraksha.errors import AccessDenied
from suraksha.intake.inbox import list_tips, read_tip, tip_places
from suraksha.intake.models import Tip
from suraksha.intel.models import SubjectJurisdiction
from suraksha.intel.worklist import NotFound, check_subject, list_subjects
from suraksha.security.policy import Actor, Permission, Role, Scope, permits, scope_of
from suraksha.storage.session import transaction
from suraksha.workspace import open_engine
from tests.web.corpus import Places, load_corpus


def _actors(places: Places) -> list[Actor]:
    where = [
        (places.state, places.home),
        (places.state, places.away),
        (places.other_state, "NOWHERE"),
        ("NO STATE", "NO DISTRICT"),
    ]
    actors = [Actor(1, "admin", Role.ADMIN), Actor(2, "auditor", Role.AUDITOR)]
    for index, (state, district) in enumerate(where):
        actors.append(Actor(10 + index, f"do{index}", Role.DISTRICT_OFFICER, state, district))
        actors.append(Actor(20 + index, f"sa{index}", Role.STATE_ANALYST, state))
        actors.append(Actor(30 + index, f"vs{index}", Role.VICTIM_SUPPORT, state, district))
    actors.append(Actor(40, "io", Role.INVESTIGATING_OFFICER, case_ids=frozenset({"FIR-1/2026"})))
    return actors


def test_lists_return_exactly_what_permits_allows(settings: Settings, tmp_path: Path) -> None:
    places = load_corpus(settings, tmp_path / "corpus")
    engine = open_engine(settings)
    try:
        with transaction(engine) as session:
            where = {
                row.subject_id: (row.state, row.district)
                for row in session.scalars(select(SubjectJurisdiction))
            }
            tips = {
                tip_id: [(s, d) for _, _, s, d in tip_places(session, tip_id)]
                for tip_id in session.scalars(select(Tip.id))
            }
            for actor in _actors(places):
                read = Permission.SUBJECT_READ
                if scope_of(actor.role, read) is Scope.NONE:
                    with pytest.raises(AccessDenied, match=r"does not allow subject\.read"):
                        list_subjects(session, actor)
                    continue
                listed = {row.subject_id for row in list_subjects(session, actor, limit=100).rows}
                allowed = {
                    sid
                    for sid, (state, district) in where.items()
                    if permits(actor, read, state=state, district=district)
                }
                assert listed == allowed, actor
                for subject_id in where:
                    if subject_id in allowed:
                        check_subject(session, actor, subject_id)
                    else:
                        with pytest.raises(NotFound):
                            check_subject(session, actor, subject_id)
                seen: set[str] = set()
                offset: int | None = 0
                while offset is not None:
                    page = list_tips(session, actor, offset=offset, limit=100)
                    seen |= {row.tip_id for row in page.rows}
                    offset = page.next_offset
                everywhere = scope_of(actor.role, read) is Scope.ALL
                reachable = {
                    tip_id
                    for tip_id, found in tips.items()
                    if everywhere
                    or any(permits(actor, read, state=s, district=d) for s, d in found)
                }
                assert seen == reachable, actor
                outside = next(iter(set(tips) - reachable), None)
                if outside is not None:
                    with pytest.raises(NotFound):
                        read_tip(session, actor, outside)
    finally:
        engine.dispose()
    assert places.victim_tip in tips and tips[places.victim_tip] == [(None, None)]
