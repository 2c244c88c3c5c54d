"""What the banks hold and what matched them, for the web application and other domains' lists.

`banks_for` is the bank list behind a permission check; `matched_targets` is a query of the
targets (tip files, device files) with at least one recorded match, which the tip inbox joins
to filter reports with matches or with new media (files no bank knows).
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from suraksha.errors import AccessDenied
from suraksha.hashing.banks import BankSummary, list_banks
from suraksha.hashing.models import HashMatch
from suraksha.security.policy import Actor, Permission, Scope, scope_of

BANK_READERS = (Permission.SUBJECT_READ, Permission.CASE_READ)
"""Who may list banks: anyone who works on subjects or cases (the list holds names, versions and
counts, never a hash of a particular report). Victim support and auditors have no use for it."""


def may_list_banks(actor: Actor) -> bool:
    """True when the actor's role reaches subjects or cases anywhere (see `BANK_READERS`)."""
    return any(scope_of(actor.role, p) is not Scope.NONE for p in BANK_READERS)


def banks_for(session: Session, actor: Actor) -> list[BankSummary]:
    """Every bank with kind, current version and entry count; AccessDenied for other roles."""
    if not may_list_banks(actor):
        raise AccessDenied(f"The role {actor.role} does not allow listing hash banks.")
    return list_banks(session)


def matched_targets(target_kind: str) -> Select[str]:
    """A query of the ids of `target_kind` targets with at least one recorded match."""
    return (
        select(HashMatch.target_id.label("target_id"))
        .where(HashMatch.target_kind == target_kind)
        .distinct()
    )
