"""Case pages: the list (filters, sort by next deadline), a case in full, the forms that change
it, its documents (made by a form, downloaded as PDFs), and the dashboard's deadline alerts.

Every page calls the same domain functions as `suraksha case …` and `suraksha documents …`
(cases.workflow, casefile, charges, evidence, statistics, documents), which check role and
jurisdiction and audit; this module adds no rule of its own. A case outside the person's reach answers 404, as a case that does not exist
does (a 403 would confirm that it exists: docs/web.md); a role that reads no case gets 403.
Pages name a case by its id (`KL-ERN-2026-0001`): FIR numbers hold a slash.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from suraksha.cases.casefile import list_cases, read_case
from suraksha.cases.charges import add_charge, set_chargesheet_days, suggest
from suraksha.cases.deadlines import EventKind
from suraksha.cases.documents.files import (
    carrier_pools,
    document_pdf,
    documents_folder,
    stored_ids,
)
from suraksha.cases.documents.registry import template_for
from suraksha.cases.documents.render import (
    DocumentRequest,
    kinds_for,
    list_documents,
    make_document,
)
from suraksha.cases.evidence import evidence_of
from suraksha.cases.law import ActCode, EvidenceKind
from suraksha.cases.statistics import (
    by_next_deadline,
    deadline_alerts,
    next_deadlines,
    open_clocks,
)
from suraksha.cases.workflow import (
    BACKWARD,
    FORWARD,
    Outcome,
    Stage,
    advance,
    assign,
    ist_text,
    load_case,
    open_case,
    outcome_named,
    parse_instant,
    record_event,
    stage_named,
    transfer,
)
from suraksha.errors import AccessDenied, UserInputError
from suraksha.security.policy import Permission, Scope, require, scope_of
from suraksha.web.deps import Db, SignedIn, Who, mark_rollback, settings_of
from suraksha.web.routes.subjects import optional_text
from suraksha.web.templating import flash, render

router = APIRouter()

ORDERS: Final = ("opened", "deadline")
STAGES: Final = tuple(s.value for s in Stage)
EVENT_KINDS: Final = tuple(k.value for k in EventKind)
EVIDENCE_KINDS: Final = tuple(k.value for k in EvidenceKind)
CHARGE_ACTS: Final = (ActCode.POCSO, ActCode.IT_ACT, ActCode.BNS, ActCode.IPC)
OUTCOMES: Final = tuple(o.value for o in Outcome)


def _require_case_role(who: SignedIn) -> None:
    """403 for a role that reads no case at all (it reveals nothing about any case)."""
    if scope_of(who.actor.role, Permission.CASE_READ) is Scope.NONE:
        require(who.actor, Permission.CASE_READ)


def _reach(session: Db, who: SignedIn, case_id: str) -> str:
    """The case's id when the person may read it; 404 alike when it is missing or outside
    their reach. Not audited: the domain function called next audits what it does."""
    _require_case_role(who)
    try:
        return load_case(session, who.actor, case_id, Permission.CASE_READ).id
    except (UserInputError, AccessDenied) as err:
        raise HTTPException(
            status_code=404,
            detail=f"No case {case_id!r} that you may see. The case list shows every case of "
            "your jurisdiction.",
        ) from err


def _back(request: Request, case_id: str, anchor: str, err: UserInputError) -> Response:
    """A refused change: nothing is stored, the case page says why."""
    mark_rollback(request)
    flash(request, str(err), "error")
    return RedirectResponse(f"/cases/{case_id}#{anchor}", status_code=303)


def _when(value: str | None) -> datetime | None:
    """A datetime-local field (read as IST), or None when blank."""
    text = optional_text(value)
    return parse_instant(text) if text is not None else None


@router.get("/cases", response_class=HTMLResponse, include_in_schema=False)
def case_list(
    request: Request,
    who: Who,
    session: Db,
    district: str | None = None,
    stage: str | None = None,
    order: str | None = None,
) -> Response:
    """Cases of the person's reach, newest first or by their most pressing deadline."""
    _require_case_role(who)
    chosen = optional_text(order) or "opened"
    if chosen not in ORDERS:
        raise UserInputError(f"Sort by opened or deadline, not {chosen!r}.")
    stage_text = optional_text(stage)
    wanted = stage_named(stage_text) if stage_text is not None else None
    cases = list_cases(session, who.actor, district=optional_text(district), stage=wanted)
    nearest = next_deadlines(open_clocks(session, who.actor, district=optional_text(district)))
    if chosen == "deadline":
        cases = by_next_deadline(cases, nearest)
    return render(
        request,
        "cases/list.html",
        {
            "cases": cases,
            "nearest": nearest,
            "query": {
                "district": optional_text(district) or "",
                "stage": wanted.value if wanted else "",
                "order": chosen,
            },
            "stages": STAGES,
            "scope": who.actor.describe_scope(Permission.CASE_READ),
            "may_open": scope_of(who.actor.role, Permission.CASE_WRITE) is not Scope.NONE,
            "ist": ist_text,
        },
    )


@router.get("/cases/alerts", response_class=HTMLResponse, include_in_schema=False)
def case_alerts(request: Request, who: Who, session: Db) -> Response:
    """The dashboard's deadline alerts panel (loaded into the dashboard by htmx)."""
    alerts = (
        deadline_alerts(session, who.actor)
        if scope_of(who.actor.role, Permission.CASE_READ) is not Scope.NONE
        else []
    )
    return render(request, "cases/_alerts.html", {"case_alerts": alerts})


@router.get("/cases/new", response_class=HTMLResponse, include_in_schema=False)
def new_case(request: Request, who: Who, subject: str | None = None) -> Response:
    """The form to open a case on a subject (`/cases/new?subject=ID`; the subject's profile
    links here)."""
    if scope_of(who.actor.role, Permission.CASE_WRITE) is Scope.NONE:
        require(who.actor, Permission.CASE_WRITE)
    return render(
        request,
        "cases/new.html",
        {
            "subject": optional_text(subject) or "",
            "state": who.actor.state or "",
            "district": who.actor.district or "",
        },
    )


@router.post("/cases", include_in_schema=False)
def post_case(
    request: Request,
    who: Who,
    session: Db,
    district: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    state: Annotated[str, Form()] = "",
    subject: Annotated[str, Form()] = "",
    tip: Annotated[str, Form()] = "",
    officer: Annotated[str, Form()] = "",
) -> Response:
    """Open a case (case.write in its district; subject.read on its subject); to its page."""
    try:
        if not optional_text(district):
            raise UserInputError("Give the district of the unit that owns the case.")
        opened = open_case(
            session,
            who.actor,
            district=district.strip(),
            state=optional_text(state),
            reason=reason,
            subjects=subject.split(),
            tips=tip.split(),
            officers=[o.lower() for o in officer.replace(",", " ").split()],
        )
    except UserInputError as err:
        mark_rollback(request)
        flash(request, str(err), "error")
        return RedirectResponse(f"/cases/new?subject={quote(subject.strip())}", status_code=303)
    case_id = opened.summary.case_id
    flash(request, f"Opened case {case_id} at stage lead.", "success")
    for conflict in opened.conflicts:
        flash(request, f"Deconfliction: {conflict.describe()}.", "error")
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.get("/cases/{case_id}", response_class=HTMLResponse, include_in_schema=False)
def case_page(request: Request, who: Who, session: Db, case_id: str) -> Response:
    """A case in full: stages, events, charges, deadlines, evidence, deconfliction notes."""
    case_id = _reach(session, who, case_id)
    case = read_case(session, who.actor, case_id)
    items = evidence_of(session, who.actor, case_id)
    documents = list_documents(session, who.actor, case_id)
    current = case.summary.stage
    moves = sorted(FORWARD[current] | BACKWARD[current], key=lambda s: STAGES.index(s.value))
    warnings: list[dict[str, Any]] = []
    seen: set[str] = set()
    for charge in case.charges:
        for warning in charge.warnings:
            if str(warning.get("code")) not in seen:
                seen.add(str(warning.get("code")))
                warnings.append(warning)
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "s": case.summary,
            "items": items,
            "moves": moves,
            "backward": BACKWARD[current],
            "verdict_possible": Stage.VERDICT in moves,
            "outcomes": OUTCOMES,
            "charge_warnings": warnings,
            "event_kinds": EVENT_KINDS,
            "evidence_kinds": EVIDENCE_KINDS,
            "charge_acts": [a.value for a in CHARGE_ACTS],
            "documents": documents,
            "stored": stored_ids(settings_of(request).home, documents),
            "document_kinds": kinds_for(session, who.actor, case_id),
            "may_write": scope_of(who.actor.role, Permission.CASE_WRITE) is not Scope.NONE,
            "may_advise": scope_of(who.actor.role, Permission.CASE_ADVISE) is not Scope.NONE,
            "ist": ist_text,
        },
    )


@router.post("/cases/{case_id}/documents", include_in_schema=False)
def post_document(
    request: Request,
    who: Who,
    session: Db,
    case_id: str,
    kind: Annotated[str, Form()] = "",
    account: Annotated[str, Form()] = "",
    platform: Annotated[str, Form()] = "",
    operator: Annotated[str, Form()] = "",
    exhibit: Annotated[str, Form()] = "",
) -> Response:
    """Make a document of the case as `suraksha documents make KIND --case REF` does, with the
    same choices, into the workspace's documents folder (`cases.documents.files`); the domain
    checks the permission its kind needs and audits `document.make`."""
    case_id = _reach(session, who, case_id)
    try:
        entry = template_for(kind.strip())
        document = DocumentRequest(
            kind=entry.kind,
            accounts=tuple(account.replace(",", " ").split()),
            platform=optional_text(platform),
            operator=optional_text(operator),
            exhibit=optional_text(exhibit),
            pools=carrier_pools(settings_of(request).home),
        )
        made = make_document(
            session,
            who.actor,
            case_id,
            document,
            documents_folder(settings_of(request).home, case_id),
        )
    except UserInputError as err:
        return _back(request, case_id, "documents", err)
    flash(
        request,
        f"Made {made.view.file_name} ({made.view.kind}, template version "
        f"{made.view.template_version}, SHA-256 {made.view.sha256}).",
        "success",
    )
    return RedirectResponse(f"/cases/{case_id}#documents", status_code=303)


@router.get("/cases/{case_id}/documents/{document_id}/pdf", include_in_schema=False)
def document_download(
    request: Request, who: Who, session: Db, case_id: str, document_id: int
) -> Response:
    """A document's PDF as a download, when its bytes still match the register (audited
    `document.download`); otherwise the case page says why."""
    case_id = _reach(session, who, case_id)
    try:
        pdf = document_pdf(session, who.actor, case_id, document_id, settings_of(request).home)
    except UserInputError as err:
        return _back(request, case_id, "documents", err)
    return Response(
        pdf.data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{pdf.view.file_name}"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/cases/{case_id}/advance", include_in_schema=False)
def post_advance(
    request: Request,
    who: Who,
    session: Db,
    case_id: str,
    stage: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    at: Annotated[str, Form()] = "",
    fir_number: Annotated[str, Form()] = "",
    outcome: Annotated[str, Form()] = "",
    charge: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Move the case to another stage, with a reason (the FIR number for fir; the outcome and
    the charges convicted on for verdict)."""
    case_id = _reach(session, who, case_id)
    try:
        verdict = outcome_named(outcome) if optional_text(outcome) else None
        done = advance(
            session,
            who.actor,
            case_id,
            stage_named(stage),
            reason=reason,
            at=_when(at),
            fir_number=optional_text(fir_number),
            outcome=verdict,
            charges=charge or [],
        )
    except UserInputError as err:
        return _back(request, case_id, "stages", err)
    back = " (back)" if done.backwards else ""
    flash(request, f"Moved from {done.from_stage} to {done.to_stage}{back}.", "success")
    return RedirectResponse(f"/cases/{case_id}#stages", status_code=303)


@router.post("/cases/{case_id}/chargesheet-period", include_in_schema=False)
def post_chargesheet_period(
    request: Request,
    who: Who,
    session: Db,
    case_id: str,
    days: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Settle the charge-sheet period at 60 or 90 days (a prosecutor's decision), with a reason."""
    case_id = _reach(session, who, case_id)
    try:
        if days.strip() not in ("60", "90"):
            raise UserInputError("The charge-sheet period is 60 or 90 days.")
        set_chargesheet_days(session, who.actor, case_id, int(days), reason=reason)
    except UserInputError as err:
        return _back(request, case_id, "deadlines", err)
    flash(request, f"The charge-sheet period is {days.strip()} days.", "success")
    return RedirectResponse(f"/cases/{case_id}#deadlines", status_code=303)


@router.post("/cases/{case_id}/events", include_in_schema=False)
def post_event(
    request: Request,
    who: Who,
    session: Db,
    case_id: str,
    kind: Annotated[str, Form()] = "",
    at: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Record a dated event (arrest, first remand, …) the clocks run from."""
    case_id = _reach(session, who, case_id)
    try:
        if kind not in EVENT_KINDS:
            raise UserInputError(f"Choose an event from the list, not {kind!r}.")
        when = _when(at)
        if when is None:
            raise UserInputError("Give when the event happened.")
        event = record_event(session, who.actor, case_id, EventKind(kind), at=when, note=note)
    except UserInputError as err:
        return _back(request, case_id, "events", err)
    flash(request, f"Recorded {event.kind.value}.", "success")
    return RedirectResponse(f"/cases/{case_id}#events", status_code=303)


@router.post("/cases/{case_id}/charges", include_in_schema=False)
def post_charge(
    request: Request,
    who: Who,
    session: Db,
    case_id: str,
    mode: Annotated[str, Form()] = "",
    evidence: Annotated[list[str] | None, Form()] = None,
    act: Annotated[str, Form()] = "",
    section: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Add the suggested charges for what the evidence shows, or one section by hand."""
    case_id = _reach(session, who, case_id)
    try:
        if mode == "suggest":
            kinds = [EvidenceKind(k) for k in evidence or [] if k in EVIDENCE_KINDS]
            views = suggest(session, who.actor, case_id, kinds)
        elif mode == "manual":
            if act not in {a.value for a in CHARGE_ACTS}:
                raise UserInputError(f"Choose an act from the list, not {act!r}.")
            if not section.strip():
                raise UserInputError("Give the section to charge (15(1), 67B(b)).")
            views = [add_charge(session, who.actor, case_id, ActCode(act), section, reason=reason)]
        else:
            raise UserInputError("Choose suggested or manual charges.")
    except UserInputError as err:
        return _back(request, case_id, "charges", err)
    flash(
        request,
        "Charged " + ", ".join(v.label for v in views) + "."
        if views
        else "No charge added (already charged, or nothing fits).",
        "success" if views else "info",
    )
    return RedirectResponse(f"/cases/{case_id}#charges", status_code=303)


@router.post("/cases/{case_id}/officers", include_in_schema=False)
def post_officer(
    request: Request,
    who: Who,
    session: Db,
    case_id: str,
    officer: Annotated[str, Form()] = "",
) -> Response:
    """Assign an officer (a user name) to the case."""
    case_id = _reach(session, who, case_id)
    try:
        assign(session, who.actor, case_id, officer)
    except UserInputError as err:
        return _back(request, case_id, "officers", err)
    flash(request, f"{officer.strip().lower()} assigned.", "success")
    return RedirectResponse(f"/cases/{case_id}#officers", status_code=303)


@router.post("/cases/{case_id}/transfer", include_in_schema=False)
def post_transfer(
    request: Request,
    who: Who,
    session: Db,
    case_id: str,
    state: Annotated[str, Form()] = "",
    district: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Transfer the case to another district or unit; it may then be out of the person's reach,
    so the answer is the case list."""
    case_id = _reach(session, who, case_id)
    try:
        view = transfer(
            session,
            who.actor,
            case_id,
            state=state,
            district=district,
            unit=optional_text(unit),
            reason=reason,
        )
    except UserInputError as err:
        return _back(request, case_id, "transfer", err)
    flash(request, f"Case {case_id} transferred: {view.from_place} → {view.to_place}.", "success")
    return RedirectResponse("/cases", status_code=303)
