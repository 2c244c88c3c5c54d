"""Deconfliction: warning when another district's or unit's open case already holds a subject,
a tip or an identifier that a case is opened on.

Two units acting on one person without knowing it can burn each other's operation (an arrest in
one district tips off the subject another is still watching) or double-count a victim. So when a
case is opened, every key it holds — subject ids, tip report numbers, and the subjects' and the
officer's cleaned identifiers of the kinds in `KEYS` — is compared with the keys of every other
*open* case (not at `verdict` or `closure`). A match held by a case of another (state, district)
or another unit is a `Conflict`: it is stored with the new case, shown to the opener, and audited
on both cases (`case.deconfliction` on the new one, `case.deconflicted` on the holder's).

The opener learns only the holder's unit and case reference (whom to call), never the holder's
stage, officers, charges or evidence: a deconfliction note must not become a way to read another
unit's case.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from suraksha.cases.models import Case, CaseDeconfliction, CaseHolding
from suraksha.security.audit import Who, record

KEYS: Final = ("subject", "tip", "email", "phone", "platform_user_id", "device_id")
"""What a case holds for deconfliction: strong keys only. Names and screen names are not keys:
two people share a name far more often than a phone."""

_BATCH: Final = 500


@dataclass(frozen=True, slots=True)
class Conflict:
    """Another unit's or district's open case that holds one of this case's keys."""

    holder_case: str
    holder_unit: str
    kind: str
    value: str

    def describe(self) -> str:
        """The note an officer reads: whom to contact, about what."""
        return (
            f"{self.kind} {self.value} is also held by open case {self.holder_case} of "
            f"{self.holder_unit}: contact that unit before acting"
        )


def hold(session: Session, case_id: str, keys: Iterable[tuple[str, str]]) -> None:
    """Record the keys a case holds (kinds from `KEYS`), skipping those it holds already."""
    held = {
        (kind, value)
        for kind, value in session.execute(
            select(CaseHolding.kind, CaseHolding.value).where(CaseHolding.case_id == case_id)
        )
    }
    for kind, value in sorted(set(keys) - held):
        if kind not in KEYS:
            raise ValueError(f"{kind!r} is not a deconfliction key ({', '.join(KEYS)})")
        session.add(CaseHolding(case_id=case_id, kind=kind, value=value))
    session.flush()


def conflicts_for(session: Session, case: Case) -> list[Conflict]:
    """Open cases of another (state, district) or unit that hold any key `case` holds."""
    mine: dict[str, list[str]] = defaultdict(list)
    for kind, value in session.execute(
        select(CaseHolding.kind, CaseHolding.value).where(CaseHolding.case_id == case.id)
    ):
        mine[kind].append(value)
    found: set[Conflict] = set()
    for kind, values in mine.items():
        for start in range(0, len(values), _BATCH):
            rows = session.execute(
                select(Case.id, Case.unit, Case.state, Case.district, CaseHolding.value)
                .join(CaseHolding, CaseHolding.case_id == Case.id)
                .where(
                    CaseHolding.kind == kind,
                    CaseHolding.value.in_(values[start : start + _BATCH]),
                    Case.id != case.id,
                    Case.stage.not_in(("verdict", "closure")),
                )
            )
            for holder, unit, state, district, value in rows:
                if (state, district, unit) != (case.state, case.district, case.unit):
                    found.add(Conflict(holder, unit, kind, value))
    return sorted(found, key=lambda c: (c.holder_case, c.kind, c.value))


def deconflict(session: Session, who: Who, case: Case) -> list[Conflict]:
    """Find, store and audit the conflicts of `case` not stored before; return all of them."""
    conflicts = conflicts_for(session, case)
    stored = {
        (row.holder_case, row.kind, row.value)
        for row in session.scalars(
            select(CaseDeconfliction).where(CaseDeconfliction.case_id == case.id)
        )
    }
    for conflict in conflicts:
        if (conflict.holder_case, conflict.kind, conflict.value) in stored:
            continue
        session.add(
            CaseDeconfliction(
                case_id=case.id,
                holder_case=conflict.holder_case,
                holder_unit=conflict.holder_unit,
                kind=conflict.kind,
                value=conflict.value,
            )
        )
        # The value is left out of the audit detail: the kind and the two cases say what happened.
        record(
            session,
            who,
            "case.deconfliction",
            "case",
            case.id,
            {
                "holder_case": conflict.holder_case,
                "holder_unit": conflict.holder_unit,
                "kind": conflict.kind,
            },
        )
        record(
            session,
            who,
            "case.deconflicted",
            "case",
            conflict.holder_case,
            {"by_case": case.id, "by_unit": case.unit, "kind": conflict.kind},
        )
    session.flush()
    return conflicts


def notes_of(session: Session, case_id: str) -> list[Conflict]:
    """The conflicts stored with a case when it was opened (or later deconflicted)."""
    rows = session.scalars(
        select(CaseDeconfliction)
        .where(CaseDeconfliction.case_id == case_id)
        .order_by(CaseDeconfliction.id)
    )
    return [Conflict(r.holder_case, r.holder_unit, r.kind, r.value) for r in rows]
