"""Tip pages: the inbox (filters, pages) and one tip's detail, hashes and matches (never media).

`intake.inbox` restricts tips to the person's jurisdiction (a tip belongs to the districts of
the subjects it names), withholds victim details from roles without victim.read and audits each
tip read. A tip outside the jurisdiction answers 404, as a missing one does.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from suraksha.errors import UserInputError
from suraksha.intake.inbox import CHILD_NAMED, DEFAULT_PAGE, TipFilters, list_tips, read_tip
from suraksha.intel.worklist import NotFound
from suraksha.web.deps import Db, Who
from suraksha.web.routes.subjects import not_found, optional_int, optional_text
from suraksha.web.templating import render

router = APIRouter()

CHOICES = {"": None, "yes": True, "no": False}


def optional_date(value: str | None, label: str) -> date | None:
    """A date field (YYYY-MM-DD) that may be left blank."""
    text = optional_text(value)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as err:
        raise UserInputError(f"{label} must be a date as YYYY-MM-DD, not {text!r}.") from err


def optional_choice(value: str | None, label: str) -> bool | None:
    """A yes / no / any field."""
    text = (optional_text(value) or "").lower()
    if text not in CHOICES:
        raise UserInputError(f"{label} is yes, no or empty, not {text!r}.")
    return CHOICES[text]


@router.get("/tips", response_class=HTMLResponse, include_in_schema=False)
def tip_list(
    request: Request,
    who: Who,
    session: Db,
    received_from: str | None = None,
    received_to: str | None = None,
    platform: str | None = None,
    incident_type: str | None = None,
    district: str | None = None,
    matched: str | None = None,
    new_media: str | None = None,
    offset: str | None = None,
    limit: str | None = None,
) -> Response:
    """Tips of the person's jurisdiction, newest received first."""
    filters = TipFilters(
        received_from=optional_date(received_from, "Received from"),
        received_to=optional_date(received_to, "Received to"),
        platform=optional_text(platform),
        incident_type=optional_text(incident_type),
        district=optional_text(district),
        matched=optional_choice(matched, "Has matches"),
        new_media=optional_choice(new_media, "New media"),
    )
    page = list_tips(
        session,
        who.actor,
        filters,
        offset=optional_int(offset, "Offset", default=0) or 0,
        limit=optional_int(limit, "Page size", default=DEFAULT_PAGE) or DEFAULT_PAGE,
    )
    query = {
        "received_from": optional_text(received_from) or "",
        "received_to": optional_text(received_to) or "",
        "platform": filters.platform or "",
        "incident_type": filters.incident_type or "",
        "district": filters.district or "",
        "matched": (optional_text(matched) or "").lower(),
        "new_media": (optional_text(new_media) or "").lower(),
        "limit": str(page.limit),
    }
    return render(request, "tips/list.html", {"page": page, "query": query})


@router.get("/tips/{tip_id}", response_class=HTMLResponse, include_in_schema=False)
def tip_detail(request: Request, who: Who, session: Db, tip_id: str) -> Response:
    """One tip: its fields, accounts, identifiers, files with hashes and bank matches."""
    try:
        tip = read_tip(session, who.actor, tip_id)
    except NotFound as err:
        raise not_found(err) from err
    return render(request, "tips/detail.html", {"tip": tip, "child_named": CHILD_NAMED})
