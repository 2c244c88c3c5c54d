"""The quarantine page: what could not be ingested, where it was and why (admin, state analyst)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from suraksha.intake.inbox import quarantine_for
from suraksha.web.deps import Db, Who
from suraksha.web.templating import render

router = APIRouter()


@router.get("/quarantine", response_class=HTMLResponse, include_in_schema=False)
def quarantine_list(request: Request, who: Who, session: Db, all: bool = False) -> Response:
    """Open quarantine records, oldest first (`?all=true` adds those a later run fixed)."""
    records = quarantine_for(session, who.actor, include_resolved=all)
    return render(request, "quarantine/list.html", {"records": records, "all": all})
