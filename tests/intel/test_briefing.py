"""intel.briefing.subject_briefs: the ranked, filtered list `suraksha subjects` prints, read in SQL
and built a chunk at a time, says what a reading of every row says."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, select

from suraksha.config import Settings
from suraksha.identity.subjects import memberships
from suraksha.intel import briefing
from suraksha.intel.briefing import subject_briefs, subject_dossier
from suraksha.intel.freshness import next_deadline
from suraksha.intel.models import SubjectJurisdiction, SubjectPriority
from suraksha.storage.session import transaction
from tests.web.corpus import load_corpus


def _every_row(
    db: Engine, district: str | None, min_priority: float | None, due_by: date | None
) -> list[str]:
    """The list by brute force, as it was computed before it moved into SQL."""
    with transaction(db) as session:
        members = memberships(session)
        priorities = {p.subject_id: p for p in session.scalars(select(SubjectPriority))}
        places = {j.subject_id: j for j in session.scalars(select(SubjectJurisdiction))}
    order = sorted(members, key=lambda s: (-(priorities[s].score if s in priorities else 0.0), s))
    if district is not None:
        order = [s for s in order if s in places and places[s].district == district.upper()]
    if min_priority is not None:
        order = [s for s in order if s in priorities and priorities[s].score >= min_priority]
    if due_by is not None:
        order = [
            s
            for s in order
            if s in priorities
            and (found := next_deadline(priorities[s].factors, priorities[s].computed_at)[0])
            and found <= due_by
        ]
    return order


def test_the_list_says_what_every_row_says(
    db: Engine, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    places = load_corpus(settings, tmp_path / "corpus")
    monkeypatch.setattr(briefing, "_CHUNK", 4)  # several chunks, the last one short
    with transaction(db) as session:
        scores = sorted(p.score for p in session.scalars(select(SubjectPriority)))
        first_deadline = min(filter(None, session.scalars(select(SubjectPriority.next_deadline))))
    cases: list[dict[str, Any]] = [
        {},
        {"district": places.home.lower()},
        {"min_priority": scores[len(scores) // 2]},
        {"due_by": first_deadline},
        {"due_by": first_deadline + timedelta(days=400), "district": places.home},
    ]
    for filters in cases:
        expected = _every_row(
            db, filters.get("district"), filters.get("min_priority"), filters.get("due_by")
        )
        assert expected, filters  # each case lists someone
        with transaction(db) as session:
            briefs = subject_briefs(session, **filters)
            cut = subject_briefs(session, **filters, limit=3)
            dossiers = {b.subject_id: subject_dossier(session, b.subject_id).brief for b in briefs}
        assert [b.subject_id for b in briefs] == expected, filters
        assert [b.subject_id for b in cut] == expected[:3], filters
        assert all(b == dossiers[b.subject_id] for b in briefs)  # built whole, chunk or not


def test_unassessed_subjects_are_listed_at_zero(
    db: Engine, settings: Settings, tmp_path: Path
) -> None:
    load_corpus(settings, tmp_path / "corpus")
    with transaction(db) as session:
        dropped = sorted(session.scalars(select(SubjectPriority.subject_id)))[::2]
        session.execute(delete(SubjectPriority).where(SubjectPriority.subject_id.in_(dropped)))
    with transaction(db) as session:
        listed = [b.subject_id for b in subject_briefs(session)]
        high = [b.subject_id for b in subject_briefs(session, min_priority=0.0)]
    assert listed == _every_row(db, None, None, None)
    assert set(dropped) <= set(listed) and not set(dropped) & set(high)
