"""Scans of seized media: the list and each scan's HTML report, for roles that reach its case.

The report is `triage.report`'s, without previews (thumbnails are asked for, with a purpose, on
the command line only). It is sent as a download: its own inline style is refused by this
application's Content-Security-Policy, and a saved file is what an officer files anyway.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from suraksha.triage.catalogue import ScanNotFound, scan_report_html, scans_for
from suraksha.web.deps import Db, Who
from suraksha.web.routes.subjects import not_found
from suraksha.web.templating import render

router = APIRouter()


@router.get("/scans", response_class=HTMLResponse, include_in_schema=False)
def scan_list(request: Request, who: Who, session: Db) -> Response:
    """The scans the person's cases reach, newest first."""
    return render(request, "scans/list.html", {"scans": scans_for(session, who.actor)})


@router.get("/scans/{scan_id}/report", include_in_schema=False)
def scan_report(who: Who, session: Db, scan_id: int) -> Response:
    """The scan's HTML report as a download (no media); audited `scan.report`."""
    try:
        html = scan_report_html(session, who.actor, scan_id)
    except ScanNotFound as err:
        raise not_found(err) from err
    return HTMLResponse(
        html,
        headers={
            "Content-Disposition": f'attachment; filename="scan-{scan_id}-report.html"',
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        },
    )
