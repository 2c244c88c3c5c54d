"""The JSON API for cases under /api: the case list, a case in full, and the deadlines.

The same domain functions as the case pages and `suraksha case …` (`cases.casefile`,
`cases.statistics`, `cases.overview`), so the same policy: a case outside the caller's reach is
404, exactly as one that does not exist; a role that reads no case is 403. A case in full names
its victims by their pseudonymous labels only (`cases.overview`). Cases are named by their id
(`KL-ERN-2026-0001`), as on the pages: FIR numbers hold a slash.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from suraksha.cases.casefile import list_cases, open_deadlines
from suraksha.cases.deadlines import Deadline, Status
from suraksha.cases.evidence import CustodyKind, ItemKind, ItemView
from suraksha.cases.law import Source
from suraksha.cases.overview import case_overview
from suraksha.cases.statistics import by_next_deadline, next_deadlines, open_clocks
from suraksha.cases.workflow import CaseSummary, Outcome, Stage
from suraksha.errors import AccessDenied, UserInputError
from suraksha.security.policy import Permission, Scope, scope_of
from suraksha.web.deps import Db, SignedIn, Who, mark_rollback
from suraksha.web.routes.api import ERRORS
from suraksha.web.routes.subjects import optional_text

router = APIRouter(prefix="/api", tags=["api"])


class NextDeadlineOut(BaseModel):
    """A case's most pressing open clock."""

    clock: str
    title: str
    due: datetime
    status: Status
    missed: bool


class CaseRowOut(BaseModel):
    """One case of the list."""

    case_id: str
    fir_number: str | None
    unit: str
    state: str
    district: str
    stage: Stage
    open: bool
    opened_at: datetime
    officers: list[str]
    next_deadline: NextDeadlineOut | None


class CaseListOut(BaseModel):
    """A page of cases; `next_offset` is null on the last page."""

    items: list[CaseRowOut]
    total: int
    offset: int
    limit: int
    next_offset: int | None


class SourceOut(BaseModel):
    """Where a rule can be checked; `verified` false says the fact could not be confirmed."""

    title: str
    url: str
    verified: bool
    note: str


class DeadlineOut(BaseModel):
    """A statutory or evidence clock of a case: when it falls due, where it stands, and the
    law it rests on (`basis`: the rule under each procedure, CrPC or BNSS; `sources` to check
    it)."""

    clock: str
    title: str
    period: str
    starts_at: datetime
    due: datetime
    status: Status
    days_left: int
    settled: bool
    explanation: str
    when_missed: str
    basis: dict[str, str]
    sources: list[SourceOut]


class CaseDeadlineOut(DeadlineOut):
    """A deadline of an open case, with the case it belongs to."""

    case_id: str
    fir_number: str | None
    district: str
    stage: Stage


class DeadlineListOut(BaseModel):
    """A page of deadlines, soonest first; `next_offset` is null on the last page."""

    items: list[CaseDeadlineOut]
    total: int
    offset: int
    limit: int
    next_offset: int | None


class TransitionOut(BaseModel):
    """A stage change: when, by whom, why (a verdict also its outcome and charges)."""

    from_stage: Stage | None
    to_stage: Stage
    at: datetime
    backwards: bool
    reason: str
    by: str
    outcome: Outcome | None
    convicted: list[str]


class EventOut(BaseModel):
    """A dated event the clocks run from."""

    kind: str
    at: datetime
    note: str
    by: str


class ChargeOut(BaseModel):
    """A section charged, the version of its text, and the warnings given with it."""

    label: str
    act: str
    section: str
    version: str
    origin: str
    reason: str
    warnings: list[dict[str, Any]]
    by: str
    added_at: datetime


class TransferOut(BaseModel):
    """A move of the case between districts or units."""

    from_place: str
    to_place: str
    at: datetime
    by: str
    reason: str


class ConflictOut(BaseModel):
    """Another unit's open case holding one of this case's keys: whom to contact."""

    holder_case: str
    holder_unit: str
    kind: str
    value: str


class CustodyStepOut(BaseModel):
    """A custody step with the digest taken there and whether it matches the reference;
    `scan_id` is set for an examination read from a triage scan."""

    kind: CustodyKind
    at: datetime
    handler: str
    place: str
    digest: str | None
    digest_matches: bool | None
    note: str
    scan_id: int | None


class ExhibitOut(BaseModel):
    """A seized exhibit: what it is, the seizure memo's facts (witnesses counted, not named),
    its chain of custody, alerts and warnings."""

    label: str
    kind: ItemKind
    make: str | None
    model: str | None
    imeis: list[str]
    serial: str | None
    seized_at: datetime | None
    seized_place: str | None
    witnesses: int
    seal_numbers: list[str]
    videography_ref: str | None
    scans: list[int] = Field(description="Triage scans joined to it (by IMEI, serial or name)")
    custody: list[CustodyStepOut]
    alerts: list[str]
    warnings: list[str]


class EvidenceOut(BaseModel):
    """The evidence register in brief: counts, then every exhibit."""

    exhibits: int
    custody_steps: int
    alerts: int
    items: list[ExhibitOut]


class DocumentOut(BaseModel):
    """A document made for the case; the PDF is downloaded from the case page's link."""

    id: int
    kind: str
    template: str
    template_version: int
    made_by: str
    made_at: datetime
    file_name: str
    size: int
    sha256: str


class CaseOut(BaseModel):
    """A case in full (the reads are audited: `case.read`, `evidence.read`, `document.list`).
    Victims appear only as their pseudonymous labels (`victims`)."""

    case_id: str
    fir_number: str | None
    unit: str
    state: str
    district: str
    stage: Stage
    open: bool
    opened_at: datetime
    opened_by: str
    officers: list[str]
    reason: str
    offence_date: date | None
    law: str
    transitions: list[TransitionOut]
    events: list[EventOut]
    charges: list[ChargeOut]
    transfers: list[TransferOut]
    holdings: dict[str, list[str]]
    conflicts: list[ConflictOut]
    deadlines: list[DeadlineOut]
    evidence: EvidenceOut
    documents: list[DocumentOut]
    victims: list[str] = Field(description="The victims' labels (never a name)")


def _error(request: Request, status: int, message: str) -> JSONResponse:
    mark_rollback(request)
    return JSONResponse({"detail": message, "error": message}, status_code=status)


def _failure(request: Request, err: Exception) -> JSONResponse:
    if isinstance(err, AccessDenied):
        return _error(request, 403, str(err))
    return _error(request, 400, str(err))


def _not_found(request: Request, case_id: str) -> JSONResponse:
    return _error(
        request,
        404,
        f"No case {case_id!r} that you may see. GET /api/cases lists every case of your "
        "jurisdiction.",
    )


def _reads_cases(who: SignedIn) -> bool:
    return scope_of(who.actor.role, Permission.CASE_READ) is not Scope.NONE


@router.get("/cases", response_model=CaseListOut, responses=ERRORS)
def api_cases(
    request: Request,
    who: Who,
    session: Db,
    district: Annotated[str | None, Query(max_length=100)] = None,
    stage: Stage | None = None,
    order: Annotated[str, Query(pattern="^(opened|deadline)$")] = "opened",
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> Any:
    """Cases within your reach, newest first or by their most pressing deadline (as the case
    list page), each with its next open clock."""
    place = optional_text(district)
    try:
        cases = list_cases(session, who.actor, district=place, stage=stage)
        nearest = next_deadlines(open_clocks(session, who.actor, district=place))
    except (AccessDenied, UserInputError) as err:
        return _failure(request, err)
    if order == "deadline":
        cases = by_next_deadline(cases, nearest)
    page = cases[offset : offset + limit]
    return CaseListOut(
        items=[_row(case, nearest.get(case.case_id)) for case in page],
        total=len(cases),
        offset=offset,
        limit=limit,
        next_offset=offset + limit if offset + limit < len(cases) else None,
    )


@router.get("/cases/{case_id}", response_model=CaseOut, responses=ERRORS)
def api_case(request: Request, who: Who, session: Db, case_id: str) -> Any:
    """One case: stages, events, charges, deadlines with their sources, the evidence register,
    the documents made; victims by label only."""
    if not _reads_cases(who):
        return _failure(request, AccessDenied(f"Your role does not allow {Permission.CASE_READ}."))
    try:
        overview = case_overview(session, who.actor, case_id)
    except (AccessDenied, UserInputError):
        return _not_found(request, case_id)
    file, s = overview.file, overview.file.summary
    return CaseOut(
        case_id=s.case_id,
        fir_number=s.fir_number,
        unit=s.unit,
        state=s.state,
        district=s.district,
        stage=s.stage,
        open=s.open,
        opened_at=s.opened_at,
        opened_by=file.opened_by,
        officers=list(s.officers),
        reason=file.reason,
        offence_date=file.offence_date,
        law=file.law,
        transitions=[
            TransitionOut(
                from_stage=t.from_stage,
                to_stage=t.to_stage,
                at=t.at,
                backwards=t.backwards,
                reason=t.reason,
                by=t.by,
                outcome=t.outcome,
                convicted=list(t.convicted),
            )
            for t in file.transitions
        ],
        events=[EventOut(kind=e.kind.value, at=e.at, note=e.note, by=e.by) for e in file.events],
        charges=[
            ChargeOut(
                label=c.label,
                act=c.act.value,
                section=c.section,
                version=c.version,
                origin=c.origin,
                reason=c.reason,
                warnings=[dict(w) for w in c.warnings],
                by=c.by,
                added_at=c.added_at,
            )
            for c in file.charges
        ],
        transfers=[
            TransferOut(
                from_place=t.from_place, to_place=t.to_place, at=t.at, by=t.by, reason=t.reason
            )
            for t in file.transfers
        ],
        holdings=file.holdings,
        conflicts=[
            ConflictOut(
                holder_case=c.holder_case, holder_unit=c.holder_unit, kind=c.kind, value=c.value
            )
            for c in file.conflicts
        ],
        deadlines=[DeadlineOut(**_deadline(d)) for d in file.deadlines],
        evidence=EvidenceOut(
            exhibits=len(overview.exhibits),
            custody_steps=sum(len(i.steps) for i in overview.exhibits),
            alerts=sum(len(i.alerts) for i in overview.exhibits),
            items=[_exhibit(item) for item in overview.exhibits],
        ),
        documents=[
            DocumentOut(
                id=d.id,
                kind=d.kind,
                template=d.template,
                template_version=d.template_version,
                made_by=d.made_by,
                made_at=d.made_at,
                file_name=d.file_name,
                size=d.size,
                sha256=d.sha256,
            )
            for d in overview.documents
        ],
        victims=list(overview.victims),
    )


@router.get("/deadlines", response_model=DeadlineListOut, responses=ERRORS)
def api_deadlines(
    request: Request,
    who: Who,
    session: Db,
    district: Annotated[str | None, Query(max_length=100)] = None,
    within_days: Annotated[int | None, Query(ge=0, le=3650)] = None,
    include_met: bool = False,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> Any:
    """The deadlines of the open cases within your reach, soonest first (missed ones included
    and flagged; met ones with `include_met`), as `suraksha deadlines` lists them."""
    try:
        found = open_deadlines(
            session,
            who.actor,
            district=optional_text(district),
            within_days=within_days,
            include_met=include_met,
        )
    except (AccessDenied, UserInputError) as err:
        return _failure(request, err)
    page = found[offset : offset + limit]
    return DeadlineListOut(
        items=[
            CaseDeadlineOut(
                case_id=item.case.case_id,
                fir_number=item.case.fir_number,
                district=item.case.district,
                stage=item.case.stage,
                **_deadline(item.deadline),
            )
            for item in page
        ],
        total=len(found),
        offset=offset,
        limit=limit,
        next_offset=offset + limit if offset + limit < len(found) else None,
    )


def _row(case: CaseSummary, clock: Any) -> CaseRowOut:
    return CaseRowOut(
        case_id=case.case_id,
        fir_number=case.fir_number,
        unit=case.unit,
        state=case.state,
        district=case.district,
        stage=case.stage,
        open=case.open,
        opened_at=case.opened_at,
        officers=list(case.officers),
        next_deadline=(
            NextDeadlineOut(
                clock=clock.deadline.clock.name,
                title=clock.deadline.clock.title,
                due=clock.deadline.due,
                status=clock.deadline.status,
                missed=clock.missed,
            )
            if clock is not None
            else None
        ),
    )


def _deadline(d: Deadline) -> dict[str, Any]:
    """A deadline's fields; `basis` is the rule under each procedure the clock applies to (the
    case's `law` says which one the case runs under)."""
    return {
        "clock": d.clock.name,
        "title": d.clock.title,
        "period": d.clock.period,
        "starts_at": d.starts_at,
        "due": d.due,
        "status": d.status,
        "days_left": d.days_left,
        "settled": d.settled,
        "explanation": d.explanation,
        "when_missed": d.clock.when_missed,
        "basis": {act.value: text for act, text in d.clock.basis},
        "sources": [_source(s) for s in d.clock.sources],
    }


def _source(source: Source) -> SourceOut:
    return SourceOut(title=source.title, url=source.url, verified=source.verified, note=source.note)


def _exhibit(item: ItemView) -> ExhibitOut:
    return ExhibitOut(
        label=item.label,
        kind=item.kind,
        make=item.make,
        model=item.model,
        imeis=list(item.imeis),
        serial=item.serial,
        seized_at=item.seized_at,
        seized_place=item.seized_place,
        witnesses=len(item.witnesses),
        seal_numbers=list(item.seal_numbers),
        videography_ref=item.videography_ref,
        scans=list(item.scan_ids),
        custody=[
            CustodyStepOut(
                kind=step.kind,
                at=step.at,
                handler=step.handler,
                place=step.place,
                digest=step.digest,
                digest_matches=step.digest_matches,
                note=step.note,
                scan_id=step.scan_id,
            )
            for step in item.steps
        ],
        alerts=list(item.alerts),
        warnings=list(item.warnings),
    )
