"""The dashboard (`/`): subjects needing action, nearest deadlines, new tips, counts by district,
all limited to the signed-in person's jurisdiction by intel.dashboard."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from suraksha.intel.dashboard import URGENT, dashboard
from suraksha.security.policy import Permission, Scope, scope_of
from suraksha.web.deps import Db, Who
from suraksha.web.templating import render

router = APIRouter()


@router.get("/")
def home(request: Request, session: Db, who: Who) -> Response:
    """The dashboard; people whose role reads no subjects go to their own page instead."""
    role = who.actor.role
    if scope_of(role, Permission.SUBJECT_READ) is Scope.NONE:
        if scope_of(role, Permission.AUDIT_READ) is not Scope.NONE:
            return RedirectResponse("/audit", status_code=303)
        return render(request, "nothing.html", {})
    board = dashboard(session, who.actor)
    return render(request, "dashboard.html", {"board": board, "urgent": URGENT})
