"""Subject pages: the list (filters, sort, pages), the profile, judgements and priority overrides.

Every page calls `intel.worklist`, which checks role and jurisdiction and audits the reads, the
same functions the JSON API calls. A subject outside the person's jurisdiction answers 404, as a
subject that does not exist does (a 403 would confirm that it exists; see intel/worklist.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Final

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from suraksha.errors import UserInputError
from suraksha.identity.judgements import Decision
from suraksha.intel.networks.views import groups_of_subject
from suraksha.intel.overrides import OverrideMode
from suraksha.intel.worklist import (
    DEFAULT_PAGE,
    NotFound,
    SubjectFilters,
    SubjectOrder,
    export_subjects,
    judge,
    list_subjects,
    override_priority,
    read_profile,
    record_profile_read,
)
from suraksha.security.policy import Permission
from suraksha.spreadsheets import defuse
from suraksha.web.deps import Db, Who, settings_of
from suraksha.web.downloads import csv_attachment
from suraksha.web.templating import flash, render

router = APIRouter()

DECISIONS: Final = tuple(d.value for d in Decision)
OVERRIDE_MODES: Final = tuple(m.value for m in OverrideMode)
EXPORT_COLUMNS: Final = (
    "subject_id",
    "priority",
    "state",
    "district",
    "police_station",
    "routing_status",
    "routing_confidence",
    "accounts",
    "next_deadline",
    "deadline_factor",
    "top_factors",
)


def optional_text(value: str | None) -> str | None:
    """A form or query field: None when missing or blank, else stripped."""
    if value is None or not value.strip():
        return None
    return value.strip()


def optional_number(value: str | None, label: str) -> float | None:
    """A number field that may be left blank; a UserInputError names the field otherwise."""
    text = optional_text(value)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError as err:
        raise UserInputError(f"{label} must be a number, not {text!r}.") from err
    if number != number or number in (float("inf"), float("-inf")):
        raise UserInputError(f"{label} must be a finite number.")
    return number


def optional_int(value: str | None, label: str, *, default: int | None = None) -> int | None:
    """A whole-number field that may be left blank (then `default`)."""
    text = optional_text(value)
    if text is None:
        return default
    if not text.isdigit():
        raise UserInputError(f"{label} must be a whole number of 0 or more, not {text!r}.")
    return int(text)


def _instant(at: datetime | None) -> float:
    return at.timestamp() if at is not None else 0.0


def not_found(err: UserInputError) -> HTTPException:
    """The 404 a page answers for an object that is missing or outside the jurisdiction."""
    return HTTPException(status_code=404, detail=str(err))


def subject_filters(
    district: str | None,
    state: str | None,
    min_priority: str | None,
    due_within: str | None,
    order: str | None,
) -> SubjectFilters:
    """The list's filters from query fields (blank ones ignored); UserInputError names a bad one."""
    chosen = optional_text(order) or SubjectOrder.PRIORITY.value
    if chosen not in {o.value for o in SubjectOrder}:
        raise UserInputError(f"Sort by priority or deadline, not {chosen!r}.")
    return SubjectFilters(
        district=optional_text(district),
        state=optional_text(state),
        min_priority=optional_number(min_priority, "Minimum priority"),
        due_within=optional_int(due_within, "Due within (days)"),
        order=SubjectOrder(chosen),
    )


@router.get("/subjects.csv", include_in_schema=False)
def subject_export(
    who: Who,
    session: Db,
    district: str | None = None,
    state: str | None = None,
    min_priority: str | None = None,
    due_within: str | None = None,
    order: str | None = None,
) -> Response:
    """The filtered list as CSV (subject.export; audited). Ids, scores, places and factor
    names only: no identifier, name or victim detail leaves the application this way."""
    filters = subject_filters(district, state, min_priority, due_within, order)
    rows = export_subjects(session, who.actor, filters)
    cells = [
        [
            row.subject_id,
            f"{row.priority:g}",
            defuse(row.state or ""),
            defuse(row.district or ""),
            defuse(row.police_station or ""),
            row.routing_status,
            f"{row.routing_confidence:.2f}",
            row.accounts,
            row.next_deadline.isoformat() if row.next_deadline else "",
            defuse(row.deadline_factor or ""),
            defuse(" ".join(row.top_factors)),
        ]
        for row in rows
    ]
    return csv_attachment("subjects.csv", EXPORT_COLUMNS, cells)


@router.get("/subjects", response_class=HTMLResponse, include_in_schema=False)
def subject_list(
    request: Request,
    who: Who,
    session: Db,
    district: str | None = None,
    state: str | None = None,
    min_priority: str | None = None,
    due_within: str | None = None,
    order: str | None = None,
    offset: str | None = None,
    limit: str | None = None,
) -> Response:
    """Subjects of the person's jurisdiction, highest priority (or nearest deadline) first."""
    filters = subject_filters(district, state, min_priority, due_within, order)
    page = list_subjects(
        session,
        who.actor,
        filters,
        offset=optional_int(offset, "Offset", default=0) or 0,
        limit=optional_int(limit, "Page size", default=DEFAULT_PAGE) or DEFAULT_PAGE,
    )
    query = {
        "district": filters.district or "",
        "state": filters.state or "",
        "min_priority": optional_text(min_priority) or "",
        "due_within": optional_text(due_within) or "",
        "order": filters.order.value,
        "limit": str(page.limit),
    }
    return render(
        request,
        "subjects/list.html",
        {
            "page": page,
            "filters": filters,
            "query": query,
            "scope": who.actor.describe_scope(Permission.SUBJECT_READ),
        },
    )


@router.get("/subjects/{subject_id}", response_class=HTMLResponse, include_in_schema=False)
def subject_profile(request: Request, who: Who, session: Db, subject_id: str) -> Response:
    """One subject's profile; the read is audited (`subject.read`) once the page is rendered,
    so the audit chain's head is locked for the write alone (see `read_profile`)."""
    try:
        profile = read_profile(session, who.actor, subject_id, audit=False)
    except NotFound as err:
        raise not_found(err) from err
    dossier = profile.dossier
    timeline = sorted(
        dossier.tips,
        key=lambda tip: (_instant(tip.received_at or tip.incident_at), tip.report_id),
    )
    page = render(
        request,
        "subjects/profile.html",
        {
            "timeline": timeline,
            "tip_ids": {tip.report_id: tip.tip_id for tip in dossier.tips},
            "matched": [file_id for file_id, found in dossier.matches.items() if found],
            "profile": profile,
            "brief": profile.dossier.brief,
            "dossier": profile.dossier,
            "decisions": DECISIONS,
            "override_modes": OVERRIDE_MODES,
            "network": groups_of_subject(session, subject_id),
        },
    )
    record_profile_read(session, who.actor, dossier, channel="web")
    return page


@router.post("/subjects/{subject_id}/judgements", include_in_schema=False)
def post_judgement(
    request: Request,
    who: Who,
    session: Db,
    subject_id: str,
    other: Annotated[str, Form()] = "",
    decision: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Record a judgement (same / different / unsure) and re-resolve; back to the profile."""
    if decision not in DECISIONS:
        raise UserInputError(f"Choose same, different or unsure, not {decision!r}.")
    try:
        outcome = judge(
            session,
            who.actor,
            settings_of(request),
            subject_id,
            other,
            Decision(decision),
            reason=reason,
        )
    except NotFound as err:
        raise not_found(err) from err
    result = outcome.resolution
    moved = outcome.subject_id and outcome.subject_id != subject_id
    flash(
        request,
        f"Recorded {outcome.judgement.describe()}. Re-linked: {result.subjects:,} subjects, "
        f"{result.recomputed:,} accounts recomputed ({result.mode})."
        + (f" This subject's accounts are now in {outcome.subject_id}." if moved else ""),
        "success",
    )
    target = outcome.subject_id or subject_id
    return RedirectResponse(f"/subjects/{target}#judgements", status_code=303)


@router.post("/subjects/{subject_id}/overrides", include_in_schema=False)
def post_override(
    request: Request,
    who: Who,
    session: Db,
    subject_id: str,
    mode: Annotated[str, Form()] = "",
    points: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Set, add to or withdraw the subject's priority override, with a reason."""
    if mode not in OVERRIDE_MODES:
        raise UserInputError(f"Choose set, add or withdraw, not {mode!r}.")
    try:
        view = override_priority(
            session,
            who.actor,
            subject_id,
            OverrideMode(mode),
            reason=reason,
            points=optional_number(points, "Points"),
        )
    except NotFound as err:
        raise not_found(err) from err
    flash(request, f"Priority override {view.override_id} recorded ({view.mode}).", "success")
    return RedirectResponse(f"/subjects/{subject_id}#priority", status_code=303)
