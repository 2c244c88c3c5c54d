"""One victim record as its pages and `victim show` present it: label, case, the age-proof
checklist's finding, support events and compensation clocks — never the identity, which only
`records.reveal_identity` returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from suraksha.cases.deadlines import Deadline
from suraksha.security.audit import Who
from suraksha.security.policy import Permission
from suraksha.storage.base import utcnow
from suraksha.victims.age_proof import AgeFinding, ProofView, finding_for, proofs_of
from suraksha.victims.records import VictimSummary, audit, load_victim, summary_of
from suraksha.victims.support import SupportView, compensation_deadlines, support_of


@dataclass(frozen=True, slots=True)
class VictimRecord:
    """What a person with `victim.read` sees of a record without revealing who the child is."""

    summary: VictimSummary
    proofs: list[ProofView]
    finding: AgeFinding
    support: list[SupportView]
    deadlines: list[Deadline]


def read_victim(
    session: Session, who: Who, label: str, *, now: datetime | None = None
) -> VictimRecord:
    """The record `label` for its page or `victim show`; audited as `victim.read`."""
    victim = load_victim(session, who, label, Permission.VICTIM_READ)
    support = support_of(session, victim)
    record = VictimRecord(
        summary_of(session, victim),
        proofs_of(session, victim),
        finding_for(session, victim),
        support,
        compensation_deadlines(support, now=now or utcnow()),
    )
    audit(session, who, "victim.read", victim)
    return record
