"""The hash banks page: each bank with its kind, current version and number of entries."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from suraksha.hashing.inventory import banks_for
from suraksha.web.deps import Db, Who
from suraksha.web.templating import render

router = APIRouter()


@router.get("/banks", response_class=HTMLResponse, include_in_schema=False)
def bank_list(request: Request, who: Who, session: Db) -> Response:
    """Every bank (names, versions and counts only: never the hashes themselves)."""
    return render(request, "banks/list.html", {"banks": banks_for(session, who.actor)})
