"""Scans and their reports behind the case permission, for the web application.

A scan belongs to a case (`case_ref`): an actor sees it when case.read reaches that case — every
case for an `all` scope, the cases assigned to an investigating officer or a prosecutor. Scans
carry no state or district, so a `state` or `district` scope reaches none of them until cases
are routed. A scan the actor may not see and one that does not exist raise the same
`ScanNotFound`. The report is the one `triage.report` builds, without previews: thumbnails are
asked for, with a stated purpose, through `suraksha scans report --preview` only.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from suraksha.errors import UserInputError
from suraksha.security.audit import record
from suraksha.security.policy import Actor, Permission, Scope, permits, require, scope_of
from suraksha.triage.report import ScanListing, build_report, list_scans, render_html
from suraksha.triage.scanner import stored_scan


class ScanNotFound(UserInputError):
    """No such scan, or one of a case outside the actor's reach (told apart to nobody)."""


def scans_for(session: Session, actor: Actor) -> list[ScanListing]:
    """The scans the actor may read, newest first; AccessDenied for a role without case.read."""
    if scope_of(actor.role, Permission.CASE_READ) is Scope.NONE:
        require(actor, Permission.CASE_READ)
    return [
        scan
        for scan in list_scans(session)
        if permits(actor, Permission.CASE_READ, case_ids=(scan.case_ref,))
    ]


def scan_report_html(session: Session, actor: Actor, scan_id: int) -> str:
    """The scan's HTML report (no media) for the actor; the read is audited (`scan.report`)."""
    if scope_of(actor.role, Permission.CASE_READ) is Scope.NONE:
        require(actor, Permission.CASE_READ)
    try:
        scan = stored_scan(session, scan_id)
    except UserInputError:
        scan = None
    if scan is None or not permits(actor, Permission.CASE_READ, case_ids=(scan.case_ref,)):
        raise ScanNotFound(f"No scan {scan_id} that you may see.")
    report = build_report(session, scan_id)
    record(session, actor, "scan.report", "scan", scan_id, {"case": scan.case_ref})
    return render_html("report.html", report=report)
