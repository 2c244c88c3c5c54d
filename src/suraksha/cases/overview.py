"""A case in full for a client outside the unit's pages (the JSON API): the case file, its
evidence register, its document register and its victims' labels, with no victim's identity.

    read_case (case.read) ─┐
    evidence_of ───────────┼─► CaseOverview ─► every text passed through victims' `pseudonymise`
    list_documents ────────┤
    victim_labels ─────────┘   (victims appear only by label: POCSO s.23, JJ Act s.74)

Each part is read with its own domain function, which checks `case.read` and audits the read
(`case.read`, `evidence.read`, `document.list`). Victim records are never read here beyond their
labels; free text an officer typed (a reason, a note, a custody place) passes through the same
last guard documents use, so that a victim's name typed by mistake leaves as the victim's label.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from suraksha.cases.casefile import CaseFile, read_case
from suraksha.cases.documents.render import DocumentView, list_documents
from suraksha.cases.evidence import ItemView, evidence_of
from suraksha.security.audit import Who
from suraksha.victims.records import pseudonymise, victim_labels

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CaseOverview:
    """Everything a case holds that may leave the unit's pages, victims as labels only."""

    file: CaseFile
    exhibits: list[ItemView]
    documents: list[DocumentView]
    victims: tuple[str, ...]


def case_overview(
    session: Session, who: Who, ref: str, *, now: datetime | None = None
) -> CaseOverview:
    """Case `ref` in full for `who` (see the module docstring); AccessDenied or UserInputError
    from `read_case` when it is out of reach or does not exist."""
    file = read_case(session, who, ref, now=now)
    case_id = file.summary.case_id
    overview = CaseOverview(
        file=file,
        exhibits=evidence_of(session, who, case_id),
        documents=list_documents(session, who, case_id),
        victims=tuple(victim_labels(session, case_id)),
    )
    if not overview.victims:
        return overview  # no victim record: no name to guard against
    seen: dict[str, str] = {}

    def guard(text: str) -> str:
        if text not in seen:
            seen[text] = pseudonymise(session, case_id, text)
        return seen[text]

    return _texts(overview, guard)


def _texts(value: T, guard: Callable[[str], str]) -> T:
    """`value` with `guard` applied to every string in it (dataclasses, tuples, lists, dicts);
    parts the guard leaves unchanged are kept as they were (enums stay enums)."""
    result: Any = value
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        guarded = guard(value)
        return value if guarded == value else guarded  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _texts(getattr(value, f.name), guard)
            for f in dataclasses.fields(value)
            if f.init
        }
        if any(changes[name] is not getattr(value, name) for name in changes):
            result = dataclasses.replace(value, **changes)
        return result  # type: ignore[no-any-return]
    if isinstance(value, tuple):
        items = tuple(_texts(v, guard) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items  # type: ignore[return-value]
    if isinstance(value, list):
        return [_texts(v, guard) for v in value]  # type: ignore[return-value]
    if isinstance(value, dict):
        return {k: _texts(v, guard) for k, v in value.items()}  # type: ignore[return-value]
    return value
