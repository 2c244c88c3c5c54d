"""The JSON API under /api: subjects, judgements, tips and banks, with typed responses.

The same domain functions as the pages (`intel.worklist`, `intake.inbox`,
`hashing.inventory`), so the same policy: a subject or tip outside the caller's jurisdiction is
404, exactly as one that does not exist; a role that reaches nothing of the kind is 403.
Authentication is the browser session cookie; a POST also needs the `X-CSRF-Token` header.
Errors are JSON: `{"detail": "what was wrong", "error": "..."}` (the two say the same thing;
`error` is the application-wide key, `detail` FastAPI's).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from suraksha.errors import AccessDenied, UserInputError
from suraksha.hashing.inventory import banks_for
from suraksha.identity.judgements import Decision, JudgementView
from suraksha.intake.inbox import (
    CHILD_NAMED,
    TipDetail,
    TipFilters,
    list_tips,
    read_tip,
)
from suraksha.intel.worklist import (
    NotFound,
    SubjectFilters,
    SubjectOrder,
    judge,
    list_subjects,
    read_profile,
    record_profile_read,
)
from suraksha.web.deps import Db, Who, mark_rollback, settings_of

router = APIRouter(prefix="/api", tags=["api"])


class ErrorOut(BaseModel):
    """An error: what was wrong, and what to do about it."""

    detail: str
    error: str


ERRORS: Final[dict[int | str, dict[str, Any]]] = {
    400: {"model": ErrorOut, "description": "The request cannot be used (the detail says why)"},
    401: {"model": ErrorOut, "description": "Not signed in"},
    403: {"model": ErrorOut, "description": "The role does not allow it, or no CSRF token"},
    404: {"model": ErrorOut, "description": "No such object within your jurisdiction"},
}


class FactorOut(BaseModel):
    """One reason for a subject's priority: `weight` points, resting on the `source` reports."""

    factor: str
    value: str | int | float | bool | None = None
    weight: float
    source: list[str] = Field(default_factory=list)
    note: str = ""
    deadline: date | None = None


class SubjectRowOut(BaseModel):
    """One subject of the list."""

    subject_id: str
    priority: float
    state: str | None
    district: str | None
    police_station: str | None
    routing_status: str
    routing_confidence: float
    accounts: int
    next_deadline: date | None
    deadline_factor: str | None
    top_factors: list[str]


class SubjectListOut(BaseModel):
    """A page of subjects; `next_offset` is null on the last page. `total` is exact when
    `total_exact`; otherwise the list stopped counting there (at least 1,000, and always past
    this page) and `total` is a lower bound."""

    items: list[SubjectRowOut]
    total: int
    total_exact: bool
    offset: int
    limit: int
    next_offset: int | None


class IdentifierOut(BaseModel):
    """An identifier as reported (`raw`) and cleaned (`value`, null when it could not be)."""

    kind: str
    raw: str
    value: str | None


class AccountOut(BaseModel):
    """A reported account of the subject (its id is what a judgement takes)."""

    account_id: str
    report_id: str
    role: str
    service: str | None
    identifiers: list[IdentifierOut]


class LinkOut(BaseModel):
    """Why two accounts are one subject; for a refused link, what refused it: `blocked_by` (an
    analyst's judgement) or `refused` (a guard such as `shared_line`), in words in `refused_by`."""

    account_a: str
    account_b: str
    rule: str
    kind: str
    value: str
    score: float
    evidence: dict[str, Any]
    blocked_by: int | None = None
    refused: str | None = None
    refused_by: str = ""


class CandidateOut(BaseModel):
    """A place routing evidence points to."""

    state: str | None = None
    district: str | None = None
    police_station: str | None = None
    support: float = 0.0
    confidence: float = 0.0
    agrees: bool = False
    evidence: list[dict[str, Any]] = Field(default_factory=list)


class RoutingOut(BaseModel):
    """Where police must act on the subject, how sure, why, and every candidate place."""

    state: str | None
    district: str | None
    police_station: str | None
    status: str
    confidence: float
    reason: str
    candidates: list[CandidateOut]
    notes: list[str]


class TipSummaryOut(BaseModel):
    """A tip of the subject, on its timeline."""

    tip_id: str
    report_id: str
    received_at: datetime | None
    incident_at: datetime | None
    incident_type: str | None
    platform: str | None
    escalated: bool
    files: int
    child_named: bool


class JudgementOut(BaseModel):
    """An analyst's judgement on two sides (accounts or subjects as given)."""

    id: int
    given_a: str
    given_b: str
    decision: Decision
    reason: str
    analyst: str
    created_at: datetime
    current: bool
    superseded_by: int | None


class SubjectOut(BaseModel):
    """A subject's profile (the read is audited as `subject.read`)."""

    subject_id: str
    priority: float
    weights: str | None
    factors: list[FactorOut]
    routing: RoutingOut
    identifiers: dict[str, list[str]]
    report_ids: list[str]
    accounts: list[AccountOut]
    links: list[LinkOut]
    refused_links: list[LinkOut]
    tips: list[TipSummaryOut]
    judgements: list[JudgementOut]


class JudgementIn(BaseModel):
    """A judgement on this subject against `other` (a subject id or an account id)."""

    other: str = Field(min_length=1, max_length=200)
    decision: Decision
    reason: str = Field(min_length=1, max_length=4000)


class JudgementResultOut(BaseModel):
    """The judgement recorded and what the incremental resolution did."""

    judgement: JudgementOut
    subject_id: str | None = Field(
        description="The subject now holding the judged subject's accounts (ids can change)."
    )
    subjects: int
    recomputed: int
    mode: str


class TipRowOut(BaseModel):
    """One tip of the inbox."""

    tip_id: str
    source: str
    report_id: str
    received_at: datetime | None = Field(description="When the source received it, if stated")
    ingested_at: datetime = Field(description="When the unit ingested it")
    incident_type: str | None
    platform: str | None
    escalated: bool
    files: int
    matched_files: int


class TipListOut(BaseModel):
    """A page of tips; `next_offset` is null on the last page."""

    items: list[TipRowOut]
    total: int
    offset: int
    limit: int
    next_offset: int | None


class MatchOut(BaseModel):
    """A bank match of a file."""

    bank: str
    bank_kind: str
    bank_version: int
    algorithm: str
    distance: int
    category: str | None
    needs_confirmation: bool


class FileOut(BaseModel):
    """A file named in a tip: hashes, classification and matches; never its content."""

    file_row_id: str
    file_id: str
    file_name: str | None
    md5: str | None
    sha1: str | None
    sha256: str | None
    pdq: str | None
    classification: str | None
    annotations: list[str]
    uploaded_at: datetime | None
    matches: list[MatchOut]


class TipSubjectOut(BaseModel):
    """A subject the tip names; `subject_id` is null when it is outside your jurisdiction."""

    subject_id: str | None
    state: str | None
    district: str | None


class TipOut(BaseModel):
    """A tip (the read is audited as `tip.read`). Victim accounts are withheld from roles
    without victim.read: `children_named` counts them and `child_notice` says so."""

    tip_id: str
    source: str
    report_id: str
    version: int
    content_digest: str
    format_name: str
    record_kind: str
    incident_type: str | None
    received_at: datetime | None
    incident_at: datetime | None
    platform: str | None
    annotations: list[str]
    escalated: bool
    batch_reason: str | None
    file_set_digest: str | None
    first_ingested_at: datetime
    updated_at: datetime
    accounts: list[AccountOut]
    files: list[FileOut]
    subjects: list[TipSubjectOut]
    children_named: int
    child_notice: str | None


class BankOut(BaseModel):
    """A hash bank: kind, current version and active entries."""

    name: str
    kind: str
    version: int
    entries: int
    category_scheme: str | None
    pdq_threshold: int


def _error(request: Request, status: int, message: str) -> JSONResponse:
    mark_rollback(request)
    return JSONResponse({"detail": message, "error": message}, status_code=status)


def _failure(request: Request, err: Exception) -> JSONResponse:
    if isinstance(err, NotFound):
        return _error(request, 404, str(err))
    if isinstance(err, AccessDenied):
        return _error(request, 403, str(err))
    return _error(request, 400, str(err))


@router.get("/subjects", response_model=SubjectListOut, responses=ERRORS)
def api_subjects(
    request: Request,
    who: Who,
    session: Db,
    district: Annotated[str | None, Query(max_length=100)] = None,
    state: Annotated[str | None, Query(max_length=100)] = None,
    min_priority: Annotated[float | None, Query(ge=-1e6, le=1e6)] = None,
    due_within: Annotated[int | None, Query(ge=0, le=3650)] = None,
    order: SubjectOrder = SubjectOrder.PRIORITY,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> Any:
    """Subjects within your jurisdiction, by priority or nearest freshness deadline."""
    try:
        page = list_subjects(
            session,
            who.actor,
            SubjectFilters(district, state, min_priority, due_within, order),
            offset=offset,
            limit=limit,
        )
    except (AccessDenied, UserInputError) as err:
        return _failure(request, err)
    return SubjectListOut(
        items=[SubjectRowOut(**_fields(row)) for row in page.rows],
        total=page.total,
        total_exact=page.exact,
        offset=page.offset,
        limit=page.limit,
        next_offset=page.next_offset,
    )


@router.get("/subjects/{subject_id}", response_model=SubjectOut, responses=ERRORS)
def api_subject(request: Request, who: Who, session: Db, subject_id: str) -> Any:
    """One subject's profile: factors, routing, accounts, links and why, tips, judgements."""
    try:
        profile = read_profile(session, who.actor, subject_id, channel="api", audit=False)
    except (AccessDenied, UserInputError) as err:
        return _failure(request, err)
    dossier, brief = profile.dossier, profile.dossier.brief
    found = SubjectOut(
        subject_id=brief.subject_id,
        priority=brief.priority,
        weights=brief.weights,
        factors=[_factor(f) for f in brief.factors],
        routing=RoutingOut(
            state=brief.state,
            district=brief.district,
            police_station=brief.police_station,
            status=brief.routing_status,
            confidence=brief.routing_confidence,
            reason=brief.routing_reason,
            candidates=[CandidateOut(**_known(c, CandidateOut)) for c in dossier.candidates],
            notes=dossier.routing_notes,
        ),
        identifiers=brief.identifiers,
        report_ids=brief.report_ids,
        accounts=[_account(view) for view in dossier.accounts],
        links=[LinkOut(**_fields(link)) for link in dossier.links],
        refused_links=[
            LinkOut(**_fields(link), refused_by=link.refused_by) for link in profile.refused
        ],
        tips=[
            TipSummaryOut(
                tip_id=tip.tip_id,
                report_id=tip.report_id,
                received_at=tip.received_at,
                incident_at=tip.incident_at,
                incident_type=tip.incident_type,
                platform=tip.reporting_platform,
                escalated=tip.escalated,
                files=len(tip.files),
                child_named=tip.report_id in profile.victim_reports,
            )
            for tip in dossier.tips
        ],
        judgements=[_judgement(j) for j in profile.judgements],
    )
    # Audited once the answer is built: the audit chain's head stays locked for the write alone.
    record_profile_read(session, who.actor, dossier, channel="api")
    return found


@router.post(
    "/subjects/{subject_id}/judgements",
    response_model=JudgementResultOut,
    status_code=201,
    responses=ERRORS,
)
def api_judge(request: Request, who: Who, session: Db, subject_id: str, body: JudgementIn) -> Any:
    """Record a judgement (same / different / unsure, with a reason) and re-link at once."""
    try:
        outcome = judge(
            session,
            who.actor,
            settings_of(request),
            subject_id,
            body.other,
            body.decision,
            reason=body.reason,
        )
    except (AccessDenied, UserInputError) as err:
        return _failure(request, err)
    return JudgementResultOut(
        judgement=_judgement(outcome.judgement),
        subject_id=outcome.subject_id,
        subjects=outcome.resolution.subjects,
        recomputed=outcome.resolution.recomputed,
        mode=outcome.resolution.mode,
    )


@router.get("/tips", response_model=TipListOut, responses=ERRORS)
def api_tips(
    request: Request,
    who: Who,
    session: Db,
    received_from: date | None = None,
    received_to: date | None = None,
    platform: Annotated[str | None, Query(max_length=200)] = None,
    incident_type: Annotated[str | None, Query(max_length=200)] = None,
    district: Annotated[str | None, Query(max_length=100)] = None,
    matched: bool | None = None,
    new_media: bool | None = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> Any:
    """Tips within your jurisdiction (the districts of the subjects they name), newest first
    (by received date, or by ingestion when the report states none)."""
    filters = TipFilters(
        received_from, received_to, platform, incident_type, district, matched, new_media
    )
    try:
        page = list_tips(session, who.actor, filters, offset=offset, limit=limit)
    except (AccessDenied, UserInputError) as err:
        return _failure(request, err)
    return TipListOut(
        items=[TipRowOut(**_fields(row)) for row in page.rows],
        total=page.total,
        offset=page.offset,
        limit=page.limit,
        next_offset=page.next_offset,
    )


@router.get("/tips/{tip_id}", response_model=TipOut, responses=ERRORS)
def api_tip(request: Request, who: Who, session: Db, tip_id: str) -> Any:
    """One tip: fields, accounts and identifiers, files with hashes and bank matches."""
    try:
        tip = read_tip(session, who.actor, tip_id, channel="api")
    except (AccessDenied, UserInputError) as err:
        return _failure(request, err)
    return _tip(tip)


@router.get("/banks", response_model=list[BankOut], responses=ERRORS)
def api_banks(request: Request, who: Who, session: Db) -> Any:
    """Every hash bank with kind, current version and entry count."""
    try:
        banks = banks_for(session, who.actor)
    except AccessDenied as err:
        return _failure(request, err)
    return [BankOut(**_fields(bank)) for bank in banks]


def _fields(item: Any) -> dict[str, Any]:
    """A dataclass (slots) as a dict of its fields."""
    return {name: getattr(item, name) for name in item.__dataclass_fields__}


def _known(data: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key in model.model_fields}


def _factor(data: dict[str, Any]) -> FactorOut:
    value = data.get("value")
    if not isinstance(value, str | int | float | bool) and value is not None:
        value = str(value)
    deadline = data.get("deadline")
    return FactorOut(
        factor=str(data.get("factor", "")),
        value=value,
        weight=float(data.get("weight", 0)),
        source=[str(s) for s in data.get("source", [])],
        note=str(data.get("note", "")),
        deadline=date.fromisoformat(str(deadline)[:10]) if deadline else None,
    )


def _account(view: Any) -> AccountOut:
    return AccountOut(
        account_id=view.account_id,
        report_id=view.report_id,
        role=view.role,
        service=view.service,
        identifiers=[
            IdentifierOut(kind=kind, raw=raw, value=value) for kind, raw, value in view.identifiers
        ],
    )


def _judgement(view: JudgementView) -> JudgementOut:
    return JudgementOut(
        id=view.id,
        given_a=view.given_a,
        given_b=view.given_b,
        decision=view.decision,
        reason=view.reason,
        analyst=view.analyst,
        created_at=view.created_at,
        current=view.current,
        superseded_by=view.superseded_by,
    )


def _tip(tip: TipDetail) -> TipOut:
    return TipOut(
        tip_id=tip.tip_id,
        source=tip.source,
        report_id=tip.report_id,
        version=tip.version,
        content_digest=tip.content_digest,
        format_name=tip.format_name,
        record_kind=tip.record_kind,
        incident_type=tip.incident_type,
        received_at=tip.received_at,
        incident_at=tip.incident_at,
        platform=tip.platform,
        annotations=tip.annotations,
        escalated=tip.escalated,
        batch_reason=tip.batch_reason,
        file_set_digest=tip.file_set_digest,
        first_ingested_at=tip.first_ingested_at,
        updated_at=tip.updated_at,
        accounts=[_account(view) for view in tip.accounts],
        files=[
            FileOut(
                file_row_id=f.file_row_id,
                file_id=f.file_id,
                file_name=f.file_name,
                md5=f.md5,
                sha1=f.sha1,
                sha256=f.sha256,
                pdq=f.pdq,
                classification=f.classification,
                annotations=f.annotations,
                uploaded_at=f.uploaded_at,
                matches=[
                    MatchOut(
                        bank=m.bank,
                        bank_kind=m.bank_kind,
                        bank_version=m.bank_version,
                        algorithm=m.algorithm,
                        distance=m.distance,
                        category=m.category,
                        needs_confirmation=m.needs_confirmation,
                    )
                    for m in f.matches
                ],
            )
            for f in tip.files
        ],
        subjects=[
            TipSubjectOut(
                subject_id=s.subject_id if s.visible else None,
                state=s.state if s.visible else None,
                district=s.district if s.visible else None,
            )
            for s in tip.subjects
        ],
        children_named=tip.children_named,
        child_notice=CHILD_NAMED if tip.children_named else None,
    )
