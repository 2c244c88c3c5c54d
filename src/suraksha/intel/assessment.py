"""Assessing every subject: compute and store its explained priority and its jurisdiction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from suraksha.hashing.matcher import matches_for
from suraksha.identity.subjects import memberships
from suraksha.intake.accounts import account_views
from suraksha.intake.tips import TIP_FILE_TARGET, tips_of_accounts
from suraksha.intel.models import SubjectJurisdiction, SubjectPriority
from suraksha.intel.priority import assess
from suraksha.intel.routing import route
from suraksha.storage.base import utcnow


@dataclass(frozen=True, slots=True)
class AssessmentResult:
    """How many subjects were assessed and how many could be routed to a district."""

    subjects: int
    routed: int


def assess_all(
    session: Session,
    *,
    as_of: datetime | None = None,
    on_subject: Callable[[], None] | None = None,
) -> AssessmentResult:
    """Recompute priority and routing for every subject (replacing earlier results)."""
    now = as_of or utcnow()
    session.execute(delete(SubjectPriority))
    session.execute(delete(SubjectJurisdiction))
    routed = 0
    members = memberships(session)
    for subject_id, account_ids in sorted(members.items()):
        tips = tips_of_accounts(session, account_ids)
        file_ids = [f.file_row_id for tip in tips for f in tip.files]
        priority = assess(tips, matches_for(session, TIP_FILE_TARGET, file_ids), as_of=now)
        session.add(
            SubjectPriority(
                subject_id=subject_id,
                score=priority.score,
                factors=[factor.as_dict() for factor in priority.factors],
                computed_at=now,
            )
        )
        place = route(account_views(session, account_ids))
        session.add(
            SubjectJurisdiction(
                subject_id=subject_id,
                state=place.state,
                district=place.district,
                confidence=place.confidence,
                reason=place.reason,
                evidence=[
                    {
                        "state": e.state,
                        "district": e.district,
                        "confidence": e.confidence,
                        "basis": e.basis,
                        "report_id": e.report_id,
                    }
                    for e in place.evidence
                ],
                computed_at=now,
            )
        )
        routed += place.district is not None
        if on_subject:
            on_subject()
    session.flush()
    return AssessmentResult(subjects=len(members), routed=routed)
