"""Reading tips and their files: the intake domain's public view for other domains."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from suraksha.hashing.matcher import HashTarget, match_targets
from suraksha.intake.models import Account, QuarantineRecord, Tip, TipFile
from suraksha.intake.records import AccountRole

TIP_FILE_TARGET = "tip_file"
_BATCH = 500


@dataclass(frozen=True, slots=True)
class FileFacts:
    """A tip file's hashes and the platform's classification of it."""

    file_row_id: str
    md5: str | None
    classification: str | None
    annotations: tuple[str, ...]


@dataclass(slots=True)
class TipFacts:
    """What priority and routing need to know about one tip."""

    tip_id: str
    report_id: str
    incident_type: str | None
    incident_at: datetime | None
    received_at: datetime | None
    reporting_platform: str | None
    annotations: tuple[str, ...]
    escalated: bool
    roles: frozenset[str]  # roles of the accounts in the tip (intended_recipient, victim, ...)
    account_ids: tuple[str, ...]
    files: list[FileFacts] = field(default_factory=list)


def tips_of_accounts(session: Session, account_ids: Iterable[str]) -> list[TipFacts]:
    """The tips in which any of the accounts appear, by report number."""
    wanted = sorted(set(account_ids))
    tip_ids: set[str] = set()
    for start in range(0, len(wanted), _BATCH):
        tip_ids.update(
            session.scalars(
                select(Account.tip_id).where(Account.id.in_(wanted[start : start + _BATCH]))
            )
        )
    return tip_facts(session, tip_ids)


def tip_facts(session: Session, tip_ids: Iterable[str]) -> list[TipFacts]:
    """Facts of the given tips, by report number."""
    ids = sorted(set(tip_ids))
    facts: list[TipFacts] = []
    for start in range(0, len(ids), _BATCH):
        rows = session.scalars(
            select(Tip)
            .where(Tip.id.in_(ids[start : start + _BATCH]))
            .options(selectinload(Tip.accounts), selectinload(Tip.files))
        )
        for tip in rows:
            facts.append(
                TipFacts(
                    tip_id=tip.id,
                    report_id=tip.source_id,
                    incident_type=tip.incident_type,
                    incident_at=tip.incident_at,
                    received_at=tip.received_at,
                    reporting_platform=tip.reporting_platform,
                    annotations=tuple(tip.annotations),
                    escalated=tip.escalated,
                    roles=frozenset(account.role for account in tip.accounts),
                    account_ids=tuple(
                        a.id for a in tip.accounts if a.role == AccountRole.REPORTED.value
                    ),
                    files=[
                        FileFacts(f.id, f.md5, f.classification, tuple(f.annotations))
                        for f in tip.files
                    ],
                )
            )
    facts.sort(key=lambda fact: fact.report_id)
    return facts


def match_files(session: Session, files: Sequence[TipFile]) -> set[str]:
    """Match tip files against every bank (replacing earlier matches); returns the ids matched."""
    return _match(session, [(f.id, f.md5, f.sha1, f.sha256, f.pdq) for f in files])


def match_file_rows(session: Session, rows: Sequence[Mapping[str, Any]]) -> set[str]:
    """`match_files` for rows the pipeline has just bulk-inserted (dicts of tip_files columns)."""
    return _match(session, [(r["id"], r["md5"], r["sha1"], r["sha256"], r["pdq"]) for r in rows])


def _match(
    session: Session, files: list[tuple[str, str | None, str | None, str | None, str | None]]
) -> set[str]:
    views = match_targets(
        session,
        [
            HashTarget(
                TIP_FILE_TARGET,
                file_id,
                {"md5": md5, "sha1": sha1, "sha256": sha256, "pdq": pdq},
            )
            for file_id, md5, sha1, sha256, pdq in files
        ],
    )
    return {view.target_id for view in views}


def rematch_files(session: Session) -> int:
    """Match every tip file against the banks again (after a bank changed); returns files matched."""
    matched: set[str] = set()
    last = ""
    while True:
        rows = list(
            session.scalars(
                select(TipFile).where(TipFile.id > last).order_by(TipFile.id).limit(_BATCH)
            )
        )
        if not rows:
            return len(matched)
        matched.update(match_files(session, rows))
        last = rows[-1].id


@dataclass(frozen=True, slots=True)
class IntakeCounts:
    """Totals for summaries."""

    tips: int
    files: int
    accounts: int
    quarantined: int


def counts(session: Session) -> IntakeCounts:
    """How many tips, files, reported accounts and quarantined units the workspace holds."""
    return IntakeCounts(
        tips=session.scalar(select(func.count()).select_from(Tip)) or 0,
        files=session.scalar(select(func.count()).select_from(TipFile)) or 0,
        accounts=session.scalar(
            select(func.count())
            .select_from(Account)
            .where(Account.role == AccountRole.REPORTED.value)
        )
        or 0,
        quarantined=session.scalar(select(func.count()).select_from(QuarantineRecord)) or 0,
    )
