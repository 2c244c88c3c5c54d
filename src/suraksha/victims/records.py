"""Victim records: adding, finding, reading and changing them, behind `security.policy`, audited.

A record belongs to a case (its investigating officer and prosecutor reach it, `cases` scope)
and to the child's (state, district) (that district's `victim_support` person reaches it). Nobody
else does — not the admin, not a district officer or analyst (docs/security.md, "Victim
records"). A role with no victim permission at all is refused (`AccessDenied`); a record outside
an allowed actor's reach answers as a record that does not exist (`VictimNotFound`), so that a
refusal never confirms a child is recorded elsewhere.

Outside the victim tables a child is named by a pseudonymous **label**, `V-<case ref>-<n>`
(`V-KL-ERN-2026-0001-1`): in audit events, pages, lists, exports and documents. Other modules
that build documents get the labels from `victim_labels`, and can pass any text they build
through `pseudonymise` as a last guard. Identity (name, dates of birth, gender, guardian,
address, school) leaves this module only through `reveal_identity`, which is audited as
`victim.reveal` (POCSO s.23 and s.33(7); JJ Act 2015 s.74; BNS s.72).

The command line (`cli:<login>`) is the trusted channel, as for cases: not limited, but audited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from suraksha.cases.workflow import find_case
from suraksha.errors import UserInputError
from suraksha.ids import make_id
from suraksha.intake.tips import tip_facts
from suraksha.intel.gazetteer import jurisdiction_named
from suraksha.security.audit import Who, record
from suraksha.security.policy import Actor, Permission, Scope, permits, require, restrict, scope_of
from suraksha.storage.base import utcnow
from suraksha.victims.models import Victim, VictimTip

KIND: Final = "victim"
"""The audit log's object kind for a victim record (its object id is the label)."""
IDENTITY_FIELDS: Final = (
    "name",
    "claimed_dob",
    "claimed_age",
    "gender",
    "guardian",
    "address",
    "school",
)
"""The identity fields a person may give or change (`proven_dob` follows from the proofs)."""
_LABEL = re.compile(r"V-[A-Z0-9/-]+-\d+")


class VictimNotFound(UserInputError):
    """No such victim record, or one outside the actor's reach: the two are told apart to nobody."""


@dataclass(frozen=True, slots=True)
class VictimSummary:
    """A victim record as lists show it: the label, case and district, never the identity."""

    label: str
    case_id: str
    state: str
    district: str
    tip_ids: tuple[str, ...]
    created_at: datetime
    created_by: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (`victim list --format json`)."""
        return {
            "label": self.label,
            "case_id": self.case_id,
            "state": self.state,
            "district": self.district,
            "tip_ids": list(self.tip_ids),
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class VictimIdentity:
    """Who the child is. Kept out of `repr`, so that a log line or a traceback never prints it."""

    label: str
    name: str = field(repr=False)
    claimed_dob: date | None = field(repr=False)
    claimed_age: int | None = field(repr=False)
    proven_dob: date | None = field(repr=False)
    gender: str | None = field(repr=False)
    guardian: str | None = field(repr=False)
    address: str | None = field(repr=False)
    school: str | None = field(repr=False)


# --- access --------------------------------------------------------------------------------------


def allowed(who: Who, permission: Permission, victim: Victim) -> bool:
    """True when `who` may do `permission` on `victim` (the command-line channel always may)."""
    if not isinstance(who, Actor):
        return True
    return permits(
        who, permission, state=victim.state, district=victim.district, case_ids=(victim.case_id,)
    )


def load_victim(session: Session, who: Who, label: str, permission: Permission) -> Victim:
    """The record `label` after checking `who` may do `permission` on it.

    Raises `AccessDenied` when the actor's role has no victim permission at all (an admin, a
    district officer), and `VictimNotFound` when the record is missing or outside their reach.
    """
    if isinstance(who, Actor) and scope_of(who.role, permission) is Scope.NONE:
        require(who, permission)  # raises, naming the role
    victim = session.scalar(select(Victim).where(Victim.label == label.strip().upper()))
    if victim is None or not allowed(who, permission, victim):
        raise VictimNotFound(
            f"No victim record {label!r} that you may see: `suraksha victim list` (or the "
            "Victims page) shows the labels of the records you may open."
        )
    return victim


def name_of(who: Who) -> str:
    """The name an actor is recorded under (a user name, or `cli:<login>`)."""
    return who.name if isinstance(who, Actor) else who


def audit(
    session: Session, who: Who, action: str, victim: Victim, detail: Mapping[str, Any] | None = None
) -> None:
    """Record `action` on `victim` by its label and ids only: never an identity field."""
    record(
        session,
        who,
        action,
        KIND,
        victim.label,
        {"case": victim.case_id, "victim_id": victim.id, **(detail or {})},
    )


# --- adding and changing -------------------------------------------------------------------------


def add_victim(
    session: Session,
    who: Who,
    case_ref: str,
    *,
    name: str,
    district: str | None = None,
    state: str | None = None,
    claimed_dob: date | None = None,
    claimed_age: int | None = None,
    gender: str | None = None,
    guardian: str | None = None,
    address: str | None = None,
    school: str | None = None,
    tips: Iterable[str] = (),
) -> VictimSummary:
    """Record a child victim of the case `case_ref` and return the record's label and place.

    The child's district defaults to the case's (the district whose support person is then
    responsible); `state` to the case's state. `tips` are tip ids or NCMEC report numbers of the
    tips that name the child. The actor needs `victim.write` on the new record: the support
    person of that district, or the investigating officer of the case.
    """
    case = find_case(session, case_ref)
    child_state, child_district = jurisdiction_named(state or case.state, district or case.district)
    text = name.strip()
    if not text:
        raise UserInputError("Give the child's name (--name): it stays in the victim record only.")
    _check_age(claimed_dob, claimed_age)
    if isinstance(who, Actor):
        require(
            who,
            Permission.VICTIM_WRITE,
            state=child_state,
            district=child_district,
            case_ids=(case.id,),
        )
    tip_ids = _tip_ids(session, tips)
    number = (
        session.scalar(select(func.max(Victim.number)).where(Victim.case_id == case.id)) or 0
    ) + 1
    now = utcnow()
    victim = Victim(
        label=f"V-{case.id}-{number}",
        case_id=case.id,
        number=number,
        state=child_state,
        district=child_district,
        name=text,
        claimed_dob=claimed_dob,
        claimed_age=claimed_age,
        gender=_optional(gender),
        guardian=_optional(guardian),
        address=_optional(address),
        school=_optional(school),
        created_by=name_of(who),
        created_at=now,
        updated_at=now,
    )
    session.add(victim)
    session.flush()
    for tip_id in tip_ids:
        session.add(VictimTip(victim_id=victim.id, tip_id=tip_id))
    session.flush()
    audit(session, who, "victim.add", victim, {"tips": len(tip_ids)})
    return summary_of(session, victim)


def update_victim(
    session: Session, who: Who, label: str, changes: Mapping[str, Any]
) -> VictimSummary:
    """Change identity fields (`IDENTITY_FIELDS`) of a record; the audit event names the fields
    changed, never their values."""
    unknown = sorted(set(changes) - set(IDENTITY_FIELDS))
    if unknown:
        raise UserInputError(
            f"Cannot change {', '.join(unknown)}: a record's fields are {', '.join(IDENTITY_FIELDS)}."
        )
    victim = load_victim(session, who, label, Permission.VICTIM_WRITE)
    changed: list[str] = []
    for key, value in changes.items():
        if key == "name":
            value = str(value or "").strip()
            if not value:
                raise UserInputError("A record keeps the child's name: it cannot be blank.")
        elif isinstance(value, str):
            value = _optional(value)
        if getattr(victim, key) != value:
            setattr(victim, key, value)
            changed.append(key)
    _check_age(victim.claimed_dob, victim.claimed_age)
    if changed:
        victim.updated_at = utcnow()
        session.flush()
        audit(session, who, "victim.update", victim, {"fields": sorted(changed)})
    return summary_of(session, victim)


def link_tips(session: Session, who: Who, label: str, tips: Iterable[str]) -> VictimSummary:
    """Note further tips (tip ids or report numbers) that name the child."""
    victim = load_victim(session, who, label, Permission.VICTIM_WRITE)
    known = set(session.scalars(select(VictimTip.tip_id).where(VictimTip.victim_id == victim.id)))
    added = [tip_id for tip_id in _tip_ids(session, tips) if tip_id not in known]
    for tip_id in added:
        session.add(VictimTip(victim_id=victim.id, tip_id=tip_id))
    session.flush()
    if added:
        audit(session, who, "victim.link_tips", victim, {"tips": added})
    return summary_of(session, victim)


# --- reading -------------------------------------------------------------------------------------


def reveal_identity(session: Session, who: Who, label: str) -> VictimIdentity:
    """Who the child is, for those who must know; audited as `victim.reveal`."""
    victim = load_victim(session, who, label, Permission.VICTIM_READ)
    audit(session, who, "victim.reveal", victim)
    return VictimIdentity(
        victim.label,
        victim.name,
        victim.claimed_dob,
        victim.claimed_age,
        victim.proven_dob,
        victim.gender,
        victim.guardian,
        victim.address,
        victim.school,
    )


def list_victims(session: Session, who: Who, *, case_ref: str | None = None) -> list[VictimSummary]:
    """The records `who` may see (of one case when `case_ref` is given); the list is audited."""
    if isinstance(who, Actor) and scope_of(who.role, Permission.VICTIM_READ) is Scope.NONE:
        require(who, Permission.VICTIM_READ)
    query = select(Victim).order_by(Victim.case_id, Victim.number)
    case_id: str | None = None
    if case_ref is not None:
        case_id = find_case(session, case_ref).id
        query = query.where(Victim.case_id == case_id)
    if isinstance(who, Actor):
        query = restrict(
            query,
            who,
            Permission.VICTIM_READ,
            state=Victim.state.expression,
            district=Victim.district.expression,
            case=Victim.case_id.expression,
        )
    victims = list(session.scalars(query))
    record(
        session,
        who,
        "victim.list",
        KIND,
        case_id or "*",
        {"count": len(victims), "labels": [v.label for v in victims][:50]},
    )
    return [summary_of(session, victim) for victim in victims]


def summary_of(session: Session, victim: Victim) -> VictimSummary:
    """The record as lists show it (no identity)."""
    tips = tuple(
        session.scalars(
            select(VictimTip.tip_id)
            .where(VictimTip.victim_id == victim.id)
            .order_by(VictimTip.tip_id)
        )
    )
    return VictimSummary(
        victim.label,
        victim.case_id,
        victim.state,
        victim.district,
        tips,
        victim.created_at,
        victim.created_by,
    )


# --- what other modules may use ------------------------------------------------------------------


def victim_labels(session: Session, case_id: str) -> list[str]:
    """The labels of a case's victims, in order: all a document or export may say about them.

    Needs no permission: a label says that the case has a child victim, never who.
    """
    return list(
        session.scalars(
            select(Victim.label).where(Victim.case_id == case_id).order_by(Victim.number)
        )
    )


def pseudonymise(session: Session, case_id: str, text: str) -> str:
    """`text` with each of the case's victims' names replaced by the victim's label.

    A last guard for documents built elsewhere (a name typed into a free-text note): whole
    names and each of their words of four letters or more, matched without regard to case.
    Documents should be built from labels in the first place.
    """
    rows = session.execute(
        select(Victim.label, Victim.name).where(Victim.case_id == case_id).order_by(Victim.number)
    ).all()
    for label, name in rows:
        parts = [name.strip(), *(w for w in name.split() if len(w) >= 4)]
        for part in sorted({p for p in parts if p}, key=len, reverse=True):
            text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", label, text, flags=re.IGNORECASE)
    return text


def is_label(text: str) -> bool:
    """True when `text` has the form of a victim label (`V-KL-ERN-2026-0001-1`)."""
    return _LABEL.fullmatch(text.strip().upper()) is not None


# --- helpers -------------------------------------------------------------------------------------


def _tip_ids(session: Session, given: Iterable[str]) -> list[str]:
    found: list[str] = []
    for text in given:
        value = text.strip()
        if not value:
            continue
        candidate = value if value.startswith("tip-") else make_id("tip", "ncmec", value)
        facts = tip_facts(session, [candidate])
        if not facts:
            raise UserInputError(
                f"No tip {value!r}: give the report number as the tip shows it, or its tip id."
            )
        if facts[0].tip_id not in found:
            found.append(facts[0].tip_id)
    return found


def _check_age(claimed_dob: date | None, claimed_age: int | None) -> None:
    if claimed_dob is not None and claimed_dob > utcnow().date():
        raise UserInputError("The claimed date of birth is in the future: check it.")
    if claimed_age is not None and not 0 <= claimed_age < 30:
        raise UserInputError(f"A claimed age of {claimed_age} is not a child's age: check it.")


def _optional(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return value.strip()
