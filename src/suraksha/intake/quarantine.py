"""Reading the quarantine: what could not be ingested, where it was, and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from suraksha.intake.models import QuarantineRecord


@dataclass(frozen=True, slots=True)
class QuarantineView:
    """One quarantined document as the analyst sees it."""

    id: int
    run_id: int
    at: datetime
    origin: str
    location: str | None
    format_name: str | None
    size: int | None
    content_digest: str | None
    reason: str
    resolved_run_id: int | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (instants as ISO 8601)."""
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return data


def quarantine_records(session: Session, *, include_resolved: bool = False) -> list[QuarantineView]:
    """Quarantine records, oldest first; by default only those no later run has fixed."""
    query = select(QuarantineRecord).order_by(QuarantineRecord.id)
    if not include_resolved:
        query = query.where(QuarantineRecord.resolved_run_id.is_(None))
    return [
        QuarantineView(
            id=r.id,
            run_id=r.run_id,
            at=r.at,
            origin=r.origin,
            location=r.location,
            format_name=r.format_name,
            size=r.size,
            content_digest=r.content_digest,
            reason=r.reason,
            resolved_run_id=r.resolved_run_id,
        )
        for r in session.scalars(query)
    ]
