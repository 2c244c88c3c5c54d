"""The JSON API for groups under /api: the group list and one group with its members and edges.

The same domain functions as the group pages and `suraksha groups` (`intel.networks.views`), so
the same policy: a group with no member in the caller's reach is 404, exactly as one that does
not exist; members out of reach are counted (`hidden_members`), never named; a role that reads
no subject is 403. Reading one group is audited (`group.read`, channel `api`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from suraksha.errors import AccessDenied, UserInputError
from suraksha.intel.networks.holdings import ArtefactKind
from suraksha.intel.networks.roles import Role as GroupRole
from suraksha.intel.networks.views import (
    GroupFilters,
    GroupNotFound,
    GroupView,
    MemberView,
    list_groups,
    read_group,
)
from suraksha.web.deps import Db, Who, mark_rollback
from suraksha.web.routes.api import ERRORS

router = APIRouter(prefix="/api", tags=["api"])


class GroupRowOut(BaseModel):
    """One group of the list, as far as the caller may see it."""

    group_id: str
    active: bool
    size: int = Field(description="Members in all, in reach or not")
    subject_ids: list[str] = Field(description="The members within your reach")
    hidden_members: int = Field(description="Members outside your reach (counted, not named)")
    report_ids: list[str]
    reasons: list[str]
    roles: dict[str, list[str]]
    edge_kinds: dict[str, int]
    abroad: list[str] = Field(description="Members within reach whom a reading places abroad")
    updated_at: datetime


class GroupListOut(BaseModel):
    """The groups with a member within your reach, largest first."""

    items: list[GroupRowOut]
    total: int


class RoleOut(BaseModel):
    """A part a member plays, with the measure behind it."""

    role: str
    measure: str
    value: float | int | str | None = None
    why: str = ""


class AbroadOut(BaseModel):
    """One reading placing a member outside India, with its report."""

    kind: str
    country: str
    value: str
    report: str


class MemberOut(BaseModel):
    """A member within your reach."""

    subject_id: str
    source: str = Field(
        description="`found` by the method, `attached` by what it shares with the members "
        "together (`measures.attached_by`), or `judged` in by an analyst"
    )
    state: str | None
    district: str | None
    priority: float | None
    roles: list[RoleOut]
    measures: dict[str, Any]
    abroad: list[AbroadOut]
    report_ids: list[str]


class EvidenceOut(BaseModel):
    """One artefact two members share, and what it adds to their edge."""

    kind: str
    artefact: str
    holders: int
    score: float
    reports_a: list[str]
    reports_b: list[str]


class EdgeOut(BaseModel):
    """An edge between two members within your reach."""

    subject_a: str
    subject_b: str
    weight: float
    kinds: list[str]
    evidence: list[EvidenceOut]


class MembershipOut(BaseModel):
    """An analyst's judgement that a subject is, or is not, a member."""

    subject_id: str
    decision: str
    reason: str
    analyst: str
    created_at: datetime


class GroupOut(GroupRowOut):
    """One group in full, as far as the caller may see it."""

    members: list[MemberOut]
    edges: list[EdgeOut]
    judgements: list[MembershipOut]


@router.get("/groups", response_model=GroupListOut, responses=ERRORS)
def api_groups(
    request: Request,
    who: Who,
    session: Db,
    district: Annotated[str | None, Query(max_length=100)] = None,
    role: GroupRole | None = None,
    kind: ArtefactKind | None = None,
) -> Any:
    """Groups with a member within your reach; narrowed to a district, a role or an evidence
    kind."""
    filters = GroupFilters(
        district=district or None,
        role=role.value if role else None,
        kind=kind.value if kind else None,
    )
    try:
        groups = list_groups(session, who.actor, filters)
    except (AccessDenied, UserInputError) as err:
        return _failure(request, err)
    return GroupListOut(items=[_row(view) for view in groups], total=len(groups))


@router.get("/groups/{group_id}", response_model=GroupOut, responses=ERRORS)
def api_group(request: Request, who: Who, session: Db, group_id: str) -> Any:
    """One group: members within reach with roles, measures and readings abroad; the edges
    between them with their evidence; membership judgements."""
    try:
        view = read_group(session, who.actor, group_id, channel="api")
    except (AccessDenied, UserInputError) as err:
        return _failure(request, err)
    return GroupOut(
        **_row(view).model_dump(),
        members=[_member(member) for member in view.members],
        edges=[
            EdgeOut(
                subject_a=edge.subject_a,
                subject_b=edge.subject_b,
                weight=edge.weight,
                kinds=edge.kinds,
                evidence=[EvidenceOut(**_known(piece, EvidenceOut)) for piece in edge.evidence],
            )
            for edge in view.edges
        ],
        judgements=[
            MembershipOut(
                subject_id=j.subject_id,
                decision=j.decision.value,
                reason=j.reason,
                analyst=j.analyst,
                created_at=j.created_at,
            )
            for j in view.judgements
        ],
    )


def _row(view: GroupView) -> GroupRowOut:
    record = view.as_record()
    return GroupRowOut(
        group_id=view.group_id,
        active=view.active,
        size=view.size,
        subject_ids=view.subject_ids,
        hidden_members=view.hidden_members,
        report_ids=view.report_ids,
        reasons=view.reasons,
        roles=view.roles,
        edge_kinds=dict(record["edge_kinds"]),
        abroad=list(record["abroad"]),
        updated_at=view.updated_at,
    )


def _member(member: MemberView) -> MemberOut:
    return MemberOut(
        subject_id=member.subject_id,
        source=member.source,
        state=member.state,
        district=member.district,
        priority=member.priority,
        roles=[RoleOut(**_known(role, RoleOut)) for role in member.roles],
        measures=member.measures,
        abroad=[AbroadOut(**_known(reading, AbroadOut)) for reading in member.abroad],
        report_ids=member.report_ids,
    )


def _known(values: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if key in model.model_fields}


def _error(request: Request, status: int, message: str) -> JSONResponse:
    mark_rollback(request)
    return JSONResponse({"detail": message, "error": message}, status_code=status)


def _failure(request: Request, err: Exception) -> JSONResponse:
    if isinstance(err, GroupNotFound):
        return _error(request, 404, str(err))
    if isinstance(err, AccessDenied):
        return _error(request, 403, str(err))
    return _error(request, 400, str(err))
