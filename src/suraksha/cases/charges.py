"""Charges of a case: suggested from what the evidence shows or added by hand, each as the text
of its section in force on the offence date (`cases.law`), with the warnings given kept.

A charge records its act, section and the *version* of the text (POCSO s.15 "2012" or "2019"):
an offence is charged under the law in force when it was done (Constitution Art. 20(1)), so a
case whose offence date is 15 Aug 2019 gets the 2012 text and one of 16 Aug 2019 the new one.
The warnings `law.suggest_charges` gives (do not add IPC s.292 / BNS s.294 for electronic
material; the 2012 s.15 does not fit possession alone) are stored with each charge they came
with, so that the charge sheet's author sees them whenever the case is read.

The gravest charge decides the default-bail clock (60 or 90 days, `cases.deadlines`):
`gravest_years` reads it from the charges, and a prosecutor can settle it with
`set_chargesheet_days`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from suraksha.cases.law import (
    OFFENCES,
    ActCode,
    ChargeWarning,
    EvidenceKind,
    Offence,
    bns_for_ipc,
    ipc_for_bns,
    offence_on,
    suggest_charges,
)
from suraksha.cases.models import Case, CaseCharge
from suraksha.cases.workflow import check_reason, load_case, name_of
from suraksha.errors import UserInputError
from suraksha.security.audit import Who, record
from suraksha.security.policy import Permission
from suraksha.storage.base import utcnow

_MINIMUM_TERM: Final = re.compile(r"imprisonment not less than \d+ years?")


@dataclass(frozen=True, slots=True)
class ChargeView:
    """A charge with the version of its text and the warnings given when it was added."""

    label: str
    act: ActCode
    section: str
    version: str
    origin: str
    reason: str
    warnings: tuple[dict[str, Any], ...]
    by: str
    added_at: datetime


def suggest(
    session: Session, who: Who, ref: str, evidence: Iterable[EvidenceKind]
) -> list[ChargeView]:
    """Add the charges `law.suggest_charges` gives for the evidence on the case's offence date,
    each with the suggestion's reason and every warning given; returns the charges added.

    Suggestions are not decisions: a charge added here can be read, kept or left out of the
    charge sheet by the officer and the prosecutor; the warnings stay with it.
    """
    case = load_case(session, who, ref, Permission.CASE_WRITE)
    day = _offence_day(case)
    kinds = sorted(set(evidence))
    if not kinds:
        raise UserInputError(
            "Say what the evidence shows (--evidence possession, distribution, …) to suggest "
            "charges."
        )
    suggestions = suggest_charges(kinds, day)
    warnings = tuple(_warning(w) for w in suggestions.warnings)
    added: list[ChargeView] = []
    for item in suggestions.charges:
        view = _store_charge(session, who, case, item.offence, "suggested", item.reason, warnings)
        if view is not None:
            added.append(view)
    record(
        session,
        who,
        "case.charge",
        "case",
        case.id,
        {
            "origin": "suggested",
            "evidence": [k.value for k in kinds],
            "added": [v.label for v in added],
            "warnings": [w["code"] for w in warnings],
        },
    )
    return added


def add_charge(
    session: Session, who: Who, ref: str, act_code: ActCode, section: str, *, reason: str = ""
) -> ChargeView:
    """Add a charge by hand: the section's text in force on the case's offence date.

    Refuses a section no encoded text covered on that date (naming the IPC/BNS counterpart when
    the wrong code was asked for), and warns when the text found is the section as it then read
    rather than the sub-section asked for, or when the section is IPC s.292 / BNS s.294.
    """
    case = load_case(session, who, ref, Permission.CASE_WRITE)
    day = _offence_day(case)
    section = section.strip().removeprefix("s.").removeprefix("S.")
    offence = offence_on(act_code, section, day)
    if offence is None:
        hint = ""
        if act_code is ActCode.BNS and (pair := ipc_for_bns(section)) is not None:
            hint = f"; the offence date is before 1 Jul 2024: its IPC counterpart is s.{pair.ipc}"
        elif act_code is ActCode.IPC and (other := bns_for_ipc(section)) is not None:
            hint = f"; from 1 Jul 2024 offences are charged under the BNS: s.{other.bns}"
        raise UserInputError(
            f"{act_code.value}:{section} is not an offence Suraksha knows in force on "
            f"{day:%d %b %Y}{hint}. See docs/law.md for the sections encoded."
        )
    warnings: list[dict[str, Any]] = []
    if offence.section != section:
        warnings.append(
            {
                "code": "section_as_then_read",
                "message": f"s.{section} did not exist on {day:%d %b %Y}: charged as "
                f"{offence.label} ({offence.version} text)",
                "reason": "the text in force on the offence date applies (Constitution Art. "
                "20(1)); check that its ingredients fit",
                "sources": [offence.source.title],
            }
        )
    if offence.defines_only:
        warnings.append(
            {
                "code": "defines_only",
                "message": f"{offence.label} defines the offence; add the section that punishes it",
                "reason": offence.punishment,
                "sources": [offence.source.title],
            }
        )
    if (offence.act, offence.base_section) in ((ActCode.IPC, "292"), (ActCode.BNS, "294")):
        obscenity = suggest_charges([EvidenceKind.POSSESSION], day).warnings
        warnings.extend(_warning(w) for w in obscenity if w.code == "no_general_obscenity_charge")
    view = _store_charge(session, who, case, offence, "manual", reason.strip(), tuple(warnings))
    if view is None:
        raise UserInputError(
            f"{offence.label} ({offence.version}) is already charged in {case.id}."
        )
    record(
        session,
        who,
        "case.charge",
        "case",
        case.id,
        {
            "origin": "manual",
            "added": [view.label],
            "warnings": [w["code"] for w in warnings],
        },
    )
    return view


def _store_charge(
    session: Session,
    who: Who,
    case: Case,
    offence: Offence,
    origin: str,
    reason: str,
    warnings: tuple[dict[str, Any], ...],
) -> ChargeView | None:
    exists = session.scalar(
        select(CaseCharge.id).where(
            CaseCharge.case_id == case.id,
            CaseCharge.act == offence.act.value,
            CaseCharge.section == offence.section,
            CaseCharge.version == offence.version,
        )
    )
    if exists is not None:
        return None
    row = CaseCharge(
        case_id=case.id,
        act=offence.act.value,
        section=offence.section,
        version=offence.version,
        label=offence.label,
        origin=origin,
        reason=reason,
        warnings=list(warnings),
        by=name_of(who),
        added_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return charge_view(row)


def _warning(warning: ChargeWarning) -> dict[str, Any]:
    return {
        "code": warning.code,
        "message": warning.message,
        "reason": warning.reason,
        "sources": [source.title for source in warning.sources],
    }


def _offence_day(case: Case) -> date:
    if case.offence_date is None:
        raise UserInputError(
            f"Case {case.id} has no offence date, which decides the law version of a charge: "
            f"record it with `suraksha case event {case.id} offence --at 2026-05-01T21:30+05:30`."
        )
    return case.offence_date


def gravest_years(offences: Iterable[Offence]) -> float | None:
    """The longest first-conviction term among the charges, for the default-bail clock.

    None (the clock then alerts at 60 days until a prosecutor sets it) when there are no charges
    or when a charge's text sets a minimum and no maximum (POCSO s.14(1) since 16 Aug 2019: "not
    less than five years"). Fine-only texts and definitions count for nothing.
    """
    years: list[float] = []
    for offence in offences:
        if offence.max_years is not None:
            years.append(offence.max_years)
        elif not offence.defines_only and _MINIMUM_TERM.search(offence.punishment):
            return None
    return max(years) if years else None


def charges_of(session: Session, case_id: str) -> list[CaseCharge]:
    """The charges stored for a case (not policy-checked: for this domain's readers)."""
    return list(session.scalars(select(CaseCharge).where(CaseCharge.case_id == case_id)))


def offence_of(charge: CaseCharge) -> Offence | None:
    """The text a stored charge names (act, section, version), from `law.OFFENCES`."""
    return next(
        (
            o
            for o in OFFENCES
            if o.act.value == charge.act
            and o.section == charge.section
            and o.version == charge.version
        ),
        None,
    )


def set_chargesheet_days(session: Session, who: Who, ref: str, days: int, *, reason: str) -> None:
    """A prosecutor's decision that the charge-sheet period is 60 or 90 days (deadlines.py), made
    by the prosecutor of the case or recorded by an officer who may write it (`case.advise`)."""
    case = load_case(session, who, ref, Permission.CASE_ADVISE)
    if days not in (60, 90):
        raise UserInputError("The charge-sheet period is 60 or 90 days.")
    case.chargesheet_days = days
    record(
        session,
        who,
        "case.chargesheet_period",
        "case",
        case.id,
        {"days": days, "reason": check_reason(reason)[:500]},
    )


def charge_view(row: CaseCharge) -> ChargeView:
    """A stored charge as shown."""
    return ChargeView(
        row.label,
        ActCode(row.act),
        row.section,
        row.version,
        row.origin,
        row.reason,
        tuple(dict(w) for w in row.warnings),
        row.by,
        row.added_at,
    )
