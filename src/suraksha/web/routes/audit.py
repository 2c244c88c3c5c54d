"""The audit log for `auditor` (and `admin`): recent events, filters, and verifying the chain.

    GET  /audit          the newest events
    POST /audit          the same, filtered by actor, action, object kind or id (filters travel
                         in the body: names and ids stay out of URLs and proxy logs)
    POST /audit/verify   re-check the whole chain; shows the anchor (SEQ:HASH) or the first break

Reading and verifying are themselves audited.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from suraksha.security import audit
from suraksha.security.policy import Permission, require
from suraksha.web.deps import Db, Who
from suraksha.web.templating import render

router = APIRouter(prefix="/audit")

LIMIT: Final = 100
READ_ACTION: Final = "audit.read"
VERIFY_ACTION: Final = "audit.verify"
Filter = Annotated[str, Form(max_length=200)]


@router.get("")
def audit_page(request: Request, session: Db, who: Who) -> Response:
    """The newest events."""
    require(who.actor, Permission.AUDIT_READ)
    found = audit.events(session, limit=LIMIT)
    audit.record(session, who.actor, READ_ACTION, "audit", "log", {"events": len(found)})
    return render(request, "audit.html", {"events": found, "filters": {}, "check": None})


@router.post("")
def audit_filtered(
    request: Request,
    session: Db,
    who: Who,
    actor: Filter = "",
    action: Filter = "",
    kind: Filter = "",
    object_id: Filter = "",
) -> Response:
    """The newest events matching the filters given (empty ones are ignored)."""
    require(who.actor, Permission.AUDIT_READ)
    filters = {
        "actor": actor.strip(),
        "action": action.strip(),
        "kind": kind.strip(),
        "object_id": object_id.strip(),
    }
    found = audit.events(
        session,
        limit=LIMIT,
        actor=filters["actor"] or None,
        action=filters["action"] or None,
        kind=filters["kind"] or None,
        object_id=filters["object_id"] or None,
    )
    detail = {"events": len(found), "filters": sorted(k for k, v in filters.items() if v)}
    audit.record(session, who.actor, READ_ACTION, "audit", "log", detail)
    return render(request, "audit.html", {"events": found, "filters": filters, "check": None})


@router.post("/verify")
def verify(request: Request, session: Db, who: Who) -> Response:
    """Re-check the chain from event 1 to the head."""
    require(who.actor, Permission.AUDIT_READ)
    check = audit.verify(session)
    detail = {"intact": check.intact, "events": check.events}
    audit.record(session, who.actor, VERIFY_ACTION, "audit", "chain", detail)
    found = audit.events(session, limit=LIMIT)
    return render(request, "audit.html", {"events": found, "filters": {}, "check": check})
