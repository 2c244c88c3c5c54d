"""intel.assessment: subjects are assessed a chunk at a time (their accounts, tips and matches
read together), and where the chunks fall changes nothing that is stored."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from suraksha.config import Settings
from suraksha.intel import assessment
from suraksha.intel.assessment import assess_all
from suraksha.intel.models import SubjectJurisdiction, SubjectPriority
from suraksha.storage.session import transaction
from tests.web.corpus import load_corpus

AS_OF = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


def _assessed(db: Engine) -> list[tuple[Any, ...]]:
    """Every stored priority and jurisdiction, in a comparable form."""
    with transaction(db) as session:
        assessment_result = assess_all(session, as_of=AS_OF)
        assert assessment_result.subjects > 0
    with transaction(db) as session:
        priorities = session.execute(
            select(
                SubjectPriority.subject_id,
                SubjectPriority.score,
                SubjectPriority.factors,
                SubjectPriority.next_deadline,
            ).order_by(SubjectPriority.subject_id)
        )
        places = session.execute(
            select(
                SubjectJurisdiction.subject_id,
                SubjectJurisdiction.district,
                SubjectJurisdiction.confidence,
                SubjectJurisdiction.reason,
                SubjectJurisdiction.evidence,
                SubjectJurisdiction.candidates,
            ).order_by(SubjectJurisdiction.subject_id)
        )
        return [tuple(row) for row in priorities] + [tuple(row) for row in places]


def test_chunk_boundaries_change_nothing(
    db: Engine, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_corpus(settings, tmp_path / "corpus")
    whole = _assessed(db)
    assert any(row[1] > 0 for row in whole)  # scored subjects, not an empty comparison
    for size in (1, 3, 7):  # a subject a chunk, and chunks that split the list unevenly
        monkeypatch.setattr(assessment, "_CHUNK", size)
        assert _assessed(db) == whole, size
