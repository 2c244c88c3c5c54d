"""The record of every preview of scanned media: who produced blurred thumbnails, when, and why.

A scan report shows no picture by default. `report --preview` adds blurred greyscale thumbnails
of the files it lists, and each such report is one `PreviewEvent`: the scan, the ids of the files
whose thumbnails were embedded, the person (the `--user` given, or the operating-system account),
the purpose they stated, and the instant. The event is committed before the report is written, so
a preview that exists was always recorded; a recording that fails leaves no preview behind.

Each preview is also an event of the hash-chained audit log (`security.audit`, action
`media.preview` on the scan) in the same transaction, so an auditor sees it beside every other
read and `suraksha audit verify` covers it. The log holds what happened (the preview event's id,
how many thumbnails, the purpose, and the SHA-256 of the sorted file ids, which commits the chain
to exactly which files were shown); the file ids themselves stay here, in the triage domain's
table (`triage_preview_events`), as the audit log keeps data out of its events.
"""

from __future__ import annotations

import getpass
import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from suraksha.errors import UserInputError
from suraksha.security import audit
from suraksha.storage.base import Base, utcnow

PREVIEW_ACTION: Final = "media.preview"
"""The audit log's action for a preview (object: the scan)."""
MIN_REASON: Final = 10
"""A stated purpose shorter than this ("test", "x") says nothing an auditor could check."""


class PreviewEvent(Base):
    """One use of preview mode on one scan (see the module docstring)."""

    __tablename__ = "triage_preview_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(
        ForeignKey("triage_scans.id", ondelete="CASCADE"), index=True
    )
    # Not `user`: a reserved word in PostgreSQL, a trap for anyone querying the table by hand.
    requested_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    file_ids: Mapped[list[Any]] = mapped_column(default=list)  # ScannedFile ids, sorted
    previews: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(default=utcnow)


def current_user() -> str:
    """The operating-system account running Suraksha, or "unknown" when it cannot be told."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def check_purpose(user: str, reason: str) -> tuple[str, str]:
    """The user and reason, cleaned; raises UserInputError when either is empty or too short."""
    who, why = user.strip(), " ".join(reason.split())
    if not who:
        raise UserInputError("Say who is previewing (--user NAME); it may not be empty.")
    if len(why) < MIN_REASON:
        raise UserInputError(
            f"Give the purpose of the preview with --reason (at least {MIN_REASON} characters), "
            'for example --reason "confirm PDQ near-match for charge sheet, FIR-112/2026". '
            "It is recorded with each preview."
        )
    return who, why


def record_preview(
    session: Session, scan_id: int, file_ids: Sequence[str], *, user: str, reason: str
) -> PreviewEvent:
    """Record that thumbnails of `file_ids` of scan `scan_id` were produced for `user`, here and
    in the audit log (see the module docstring); needs a writing session."""
    who, why = check_purpose(user, reason)
    event = PreviewEvent(
        scan_id=scan_id,
        requested_by=who,
        reason=why,
        file_ids=sorted(file_ids),
        previews=len(file_ids),
        at=utcnow(),
    )
    session.add(event)
    session.flush()
    audit.record(
        session,
        who,
        PREVIEW_ACTION,
        "scan",
        scan_id,
        {
            "preview_event": event.id,
            "previews": event.previews,
            "files_sha256": files_digest(event.file_ids),
            "reason": why,
        },
        at=event.at,
    )
    return event


def files_digest(file_ids: Sequence[str]) -> str:
    """SHA-256 (hex) of the sorted file ids, one per line: what the audit event commits to."""
    return hashlib.sha256("".join(f"{i}\n" for i in sorted(file_ids)).encode()).hexdigest()


def preview_events(session: Session, scan_id: int) -> list[PreviewEvent]:
    """Every preview event of a scan, oldest first."""
    query = select(PreviewEvent).where(PreviewEvent.scan_id == scan_id).order_by(PreviewEvent.id)
    return list(session.scalars(query))
