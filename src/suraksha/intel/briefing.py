"""What an officer reads about subjects: the ranked list (`SubjectBrief`) and the profile
(`SubjectDossier`), assembled from identity, intake, hashing and intel through their public functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from suraksha.errors import UserInputError
from suraksha.hashing.matcher import MatchView, matches_for
from suraksha.identity.subjects import (
    LinkView,
    links_of,
    members_of,
    subject_ids,
    subjects_members,
)
from suraksha.intake.accounts import AccountView, account_views, views_in_order
from suraksha.intake.tips import TIP_FILE_TARGET, TipFacts, tips_of_accounts
from suraksha.intel.models import SubjectJurisdiction, SubjectPriority

_CHUNK = 500  # subjects whose briefs are built together (their accounts' views read in one go)
_Row = TypeVar("_Row", SubjectPriority, SubjectJurisdiction)
# Identifier kinds shown in a brief, strongest first.
BRIEF_KINDS = ("email", "phone", "platform_user_id", "device_id", "screen_name", "name")


@dataclass(slots=True)
class SubjectBrief:
    """One row of the ranked subject list; `as_dict` is the `subjects --format jsonl` contract."""

    subject_id: str
    report_ids: list[str]
    priority: float
    factors: list[dict[str, Any]]
    state: str | None
    district: str | None
    routing_confidence: float
    routing_reason: str
    identifiers: dict[str, list[str]]
    accounts: int
    police_station: str | None = None
    routing_status: str = "no evidence"
    weights: str | None = None  # "label (digest prefix)" of the priority weights that scored it

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (keys as documented in DESIGN.md)."""
        return {
            "subject_id": self.subject_id,
            "report_ids": self.report_ids,
            "priority": self.priority,
            "factors": self.factors,
            "state": self.state,
            "district": self.district,
            "police_station": self.police_station,
            "routing_confidence": self.routing_confidence,
            "routing_status": self.routing_status,
            "routing_reason": self.routing_reason,
            "identifiers": self.identifiers,
            "accounts": self.accounts,
            "weights": self.weights,
        }


@dataclass(slots=True)
class SubjectDossier:
    """Everything `suraksha subject ID` shows: the brief plus accounts, links, tips and matches."""

    brief: SubjectBrief
    accounts: list[AccountView]
    links: list[LinkView]
    tips: list[TipFacts]
    matches: dict[str, list[MatchView]] = field(default_factory=dict)
    # Every place routing evidence points to, the decision's first (routing.Candidate.as_dict),
    # and what routing read but did not use.
    candidates: list[dict[str, Any]] = field(default_factory=list)
    routing_notes: list[str] = field(default_factory=list)


def subject_briefs(
    session: Session,
    *,
    district: str | None = None,
    min_priority: float | None = None,
    due_by: date | None = None,
    limit: int | None = None,
) -> list[SubjectBrief]:
    """Subjects ranked by priority (highest first, then id; an unassessed subject counts 0),
    optionally only those of one district, of at least `min_priority`, or with a freshness
    deadline still open on or before `due_by` (evidence about to be lost: a platform's
    preservation, operator or CERT-In logs, a device-wipe horizon).

    Filtered, ranked and cut in SQL when a filter is given (the deadline is the one stored with
    each priority, `freshness.next_deadline`); otherwise ranked from every subject's id and
    score. The briefs are then built `_CHUNK` subjects at a time, their accounts' views read
    together.
    """
    ranking = (SubjectPriority.score.desc(), SubjectPriority.subject_id)
    assessed = select(SubjectPriority.subject_id, SubjectPriority.score).outerjoin(
        SubjectJurisdiction, SubjectJurisdiction.subject_id == SubjectPriority.subject_id
    )
    if district is not None:
        wanted = district.strip().upper()
        assessed = assessed.where(func.upper(SubjectJurisdiction.district) == wanted)
    if min_priority is not None:
        assessed = assessed.where(SubjectPriority.score >= min_priority)
    if due_by is not None:
        assessed = assessed.where(SubjectPriority.next_deadline <= due_by)
    if district is not None or min_priority is not None or due_by is not None:
        # Each filter needs an assessment: only assessed subjects can pass.
        order = list(session.scalars(assessed.with_only_columns(SubjectPriority.subject_id)
                                     .order_by(*ranking).limit(limit)))  # fmt: skip
    else:
        scores = {subject_id: score for subject_id, score in session.execute(assessed)}
        everyone = subject_ids(session)  # unassessed subjects rank as 0
        order = sorted(everyone, key=lambda sid: (-scores.get(sid, 0.0), sid))[:limit]
    briefs: list[SubjectBrief] = []
    for start in range(0, len(order), _CHUNK):
        chunk = order[start : start + _CHUNK]
        members = subjects_members(session, chunk)
        priorities = _by_subject(session, SubjectPriority, chunk)
        places = _by_subject(session, SubjectJurisdiction, chunk)
        views: dict[str, AccountView] = {
            view.account_id: view
            for view in account_views(session, [a for sid in chunk for a in members[sid]])
        }
        for sid in chunk:
            own = views_in_order(views, members[sid])
            briefs.append(
                _brief(session, sid, members[sid], priorities.get(sid), places.get(sid), own)
            )
    return briefs


def _by_subject(session: Session, model: type[_Row], subject_ids: list[str]) -> dict[str, _Row]:
    """The rows of a per-subject table (priority, jurisdiction) for these subjects."""
    rows = session.scalars(select(model).where(model.subject_id.in_(subject_ids)))
    return {row.subject_id: row for row in rows}


def subject_dossier(session: Session, subject_id: str) -> SubjectDossier:
    """The full profile of one subject, or a UserInputError when there is no such subject."""
    account_ids = members_of(session, subject_id)
    if not account_ids:
        raise UserInputError(
            f"No subject {subject_id!r}. List subjects with `suraksha subjects` and copy an id."
        )
    priority = session.get(SubjectPriority, subject_id)
    place = session.get(SubjectJurisdiction, subject_id)
    views = account_views(session, account_ids)
    brief = _brief(session, subject_id, account_ids, priority, place, views)
    tips = tips_of_accounts(session, account_ids)
    files = [f.file_row_id for tip in tips for f in tip.files]
    return SubjectDossier(
        brief=brief,
        accounts=views,
        links=links_of(session, account_ids),
        tips=tips,
        matches=matches_for(session, TIP_FILE_TARGET, files),
        candidates=list(place.candidates) if place else [],
        routing_notes=[str(note) for note in place.notes] if place else [],
    )


def _brief(
    session: Session,
    subject_id: str,
    account_ids: list[str],
    priority: SubjectPriority | None,
    place: SubjectJurisdiction | None,
    views: list[AccountView] | None = None,
) -> SubjectBrief:
    """The brief of a subject; `views` are its accounts' views when the caller has them."""
    if views is None:
        views = account_views(session, account_ids)
    identifiers: dict[str, list[str]] = {}
    for kind in BRIEF_KINDS:
        # Cleaned values only: masked or malformed text stays in the profile, not in the brief.
        values = sorted(
            {value for view in views for k, _, value in view.identifiers if k == kind and value}
        )
        if values:
            identifiers[kind] = values
    return SubjectBrief(
        subject_id=subject_id,
        report_ids=sorted({view.report_id for view in views}),
        priority=priority.score if priority else 0.0,
        factors=list(priority.factors) if priority else [],
        state=place.state if place else None,
        district=place.district if place else None,
        routing_confidence=place.confidence if place else 0.0,
        routing_reason=place.reason if place else "not assessed: run `suraksha resolve`",
        identifiers=identifiers,
        accounts=len(account_ids),
        police_station=place.police_station if place else None,
        routing_status=place.status if place else "no evidence",
        weights=(
            f"{priority.weights_label} ({(priority.weights_digest or '')[:12]})"
            if priority and priority.weights_label
            else None
        ),
    )
