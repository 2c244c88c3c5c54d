"""The age-proof checklist: which document proves a child victim's age, in the order the law
prefers, what is missing, and what follows when nothing proves it.

The order is that of the Juvenile Justice Act 2015, s.94(2), which the Supreme Court applies to
the age of a victim under POCSO (POCSO s.34; P. Yuvaprakash v. State, 2023 INSC 676; before it,
Jarnail Singh v. State of Haryana, 2013, for Rule 12 of the JJ Rules 2007):

    rank  clause          proof                                                  kind
    1     s.94(2)(i)      date-of-birth certificate from the school, or the      school_certificate,
                          matriculation or equivalent certificate of the board   matriculation_certificate
    2     s.94(2)(ii)     birth certificate of a corporation, municipal          birth_certificate
                          authority or panchayat
    3     s.94(2)(iii)    ossification test or other latest medical age          medical_age_estimation
                          determination, "only in the absence of (i) and (ii)"

The best-ranked proof on file holds; lower ranks are then not needed. A lower-ranked proof
holds only while every better one is missing, and the checklist says which to seek. A school
transfer certificate or an admission-register extract is not a rank-1 proof (P. Yuvaprakash).
A medical estimate is a range of years; when it spans 18 the checklist does not decide.

When no proof exists, a POCSO charge that turns on this child being under 18 cannot be proved;
what may still stand is IT Act s.67B, which punishes material *depicting children* and so turns
on what the material shows rather than on proving a particular child's age. That reasoning is
stated with its caveat in `NO_PROOF` and is marked unverified: s.67B's Explanation still defines
children as persons under 18, and no judgment deciding how that is proved was read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from suraksha.cases.law import Source
from suraksha.cases.workflow import find_case
from suraksha.errors import UserInputError
from suraksha.security.audit import Who
from suraksha.security.policy import Permission
from suraksha.storage.base import utcnow
from suraksha.victims.models import Victim, VictimProof
from suraksha.victims.records import audit, load_victim, name_of

MAJORITY: Final = 18
"""A child is a person who has not completed 18 years (POCSO s.2(1)(d); JJ Act 2015 s.2(12))."""


class ProofKind(StrEnum):
    """A document (or medical opinion) towards a child's age."""

    SCHOOL_CERTIFICATE = "school_certificate"
    MATRICULATION_CERTIFICATE = "matriculation_certificate"
    BIRTH_CERTIFICATE = "birth_certificate"  # corporation, municipal authority or panchayat
    MEDICAL_AGE_ESTIMATION = "medical_age_estimation"  # ossification or other medical test


RANK: Final = {
    ProofKind.SCHOOL_CERTIFICATE: 1,
    ProofKind.MATRICULATION_CERTIFICATE: 1,
    ProofKind.BIRTH_CERTIFICATE: 2,
    ProofKind.MEDICAL_AGE_ESTIMATION: 3,
}
"""The order of JJ Act 2015 s.94(2): (i), (ii), (iii)."""
CLAUSE: Final = {
    1: "JJ Act 2015 s.94(2)(i)",
    2: "JJ Act 2015 s.94(2)(ii)",
    3: "JJ Act 2015 s.94(2)(iii)",
}
DESCRIPTION: Final = {
    ProofKind.SCHOOL_CERTIFICATE: "date-of-birth certificate from the school (not a transfer "
    "certificate or an admission-register extract)",
    ProofKind.MATRICULATION_CERTIFICATE: "matriculation or equivalent certificate from the "
    "examination board",
    ProofKind.BIRTH_CERTIFICATE: "birth certificate of a corporation, municipal authority or "
    "panchayat",
    ProofKind.MEDICAL_AGE_ESTIMATION: "ossification test or other latest medical age "
    "determination, on the orders of the Committee, Board or court",
}
ALIASES: Final = {
    "school": ProofKind.SCHOOL_CERTIFICATE,
    "matriculation": ProofKind.MATRICULATION_CERTIFICATE,
    "matric": ProofKind.MATRICULATION_CERTIFICATE,
    "municipal_birth_certificate": ProofKind.BIRTH_CERTIFICATE,
    "panchayat_birth_certificate": ProofKind.BIRTH_CERTIFICATE,
    "ossification": ProofKind.MEDICAL_AGE_ESTIMATION,
    "medical": ProofKind.MEDICAL_AGE_ESTIMATION,
}

SRC_JJ_94 = Source(
    "Juvenile Justice (Care and Protection of Children) Act 2015, s.94(2)",
    "https://future.indiankanoon.org/doc/189520124",
)
SRC_YUVAPRAKASH = Source(
    "P. Yuvaprakash v. State rep. by Inspector of Police, Crl. A. 1898 of 2023 (SC, 18 Jul "
    "2023), 2023 INSC 676: where a POCSO victim's age is disputed, courts follow JJ Act s.94; a "
    "school transfer certificate and admission-register extracts do not meet s.94(2)",
    "https://sclaw.in/2023/07/20/juvenile-justice-care-and-protection-of-children-act-2015-section-94-protection-of-children-from-sexual-offences-act-2012-section-34-determination-of-age-of-victim-mere-school-transfer-c/",
    note="holding read in the report's headnote and paras 8 and 13 as quoted by stpllaw.in",
)
SRC_JARNAIL = Source(
    "Jarnail Singh v. State of Haryana, Crl. A. 1209 of 2010 (SC, 1 Jul 2013): Rule 12 of the "
    "JJ Rules 2007 also determines the age of a child victim",
    "https://legalauthority.in/judgement/jarnail-singh-vs-state-of-haryana-6252",
    note="holding read in summaries (lawyersclubindia.com, drishtijudiciary.com, lawweb.in); "
    "the judgment's text only in part",
)
SRC_IT_67B = Source(
    "Information Technology Act 2000, s.67B (material depicting children; Explanation: "
    "'children' are persons who have not completed 18 years)",
    "https://www.srdlawnotes.com/2022/12/punishment-for-publishing-or.html",
    verified=False,
    note="that s.67B can stand without proof of a particular child's age, on what the material "
    "shows, is this project's reading; no judgment deciding it was found",
)
SOURCES: Final = (SRC_JJ_94, SRC_YUVAPRAKASH, SRC_JARNAIL)

NO_PROOF: Final = (
    "age not provable: only IT Act s.67B (which needs material depicting children, not proof "
    "of a particular child's age) can stand. No s.94(2) proof is on file, so a POCSO charge that "
    "turns on this child being under 18 cannot be proved. Caveat (unverified): s.67B's "
    "Explanation still defines children as persons under 18, so the material itself must show "
    "children; no judgment deciding how that is proved was read. Seek the proofs listed first."
)


@dataclass(frozen=True, slots=True)
class ProofView:
    """A proof as recorded (the document's reference, the date or range it gives)."""

    id: int
    kind: ProofKind
    document_ref: str
    date_of_birth: date | None
    age_low: int | None
    age_high: int | None
    note: str
    recorded_by: str

    @property
    def rank(self) -> int:
        """Its rank in s.94(2): 1, 2 or 3."""
        return RANK[self.kind]


@dataclass(frozen=True, slots=True)
class AgeFinding:
    """What the checklist concludes: which proof holds, the age it gives, and what is missing.

    `child` is True (under 18 on `age_on`), False, or None when nothing decides it (no proof, or
    a medical range spanning 18). `only_it_act_67b` is True when no proof exists (`NO_PROOF`).
    """

    holds: ProofView | None
    clause: str | None
    age_on: date
    age_on_reason: str
    age: int | None
    age_range: tuple[int, int] | None
    child: bool | None
    missing: tuple[ProofKind, ...]
    conflicts: tuple[str, ...]
    outcome: str
    only_it_act_67b: bool
    sources: tuple[Source, ...] = SOURCES


def proof_kind(text: str) -> ProofKind:
    """A proof kind from its name or a short alias (school, matric, ossification, …)."""
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    if key in ALIASES:
        return ALIASES[key]
    try:
        return ProofKind(key)
    except ValueError as err:
        raise UserInputError(
            f"{text!r} is not a proof of age: {', '.join(k.value for k in ProofKind)} "
            "(JJ Act 2015 s.94(2) order; docs/victims.md)."
        ) from err


def years_between(born: date, on: date) -> int:
    """Completed years from `born` to `on`."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def assess(proofs: Sequence[ProofView], *, age_on: date, age_on_reason: str) -> AgeFinding:
    """The checklist's finding for `proofs` at the date `age_on` (the offence date, or today).

    Pure: the same proofs give the same finding. The best-ranked proof holds; documents of that
    rank giving different dates are reported as conflicts (the earliest-recorded one is shown,
    and the court decides).
    """
    if not proofs:
        return AgeFinding(
            None,
            None,
            age_on,
            age_on_reason,
            None,
            None,
            None,
            tuple(ProofKind),
            (),
            NO_PROOF,
            True,
            (*SOURCES, SRC_IT_67B),
        )
    best = min(p.rank for p in proofs)
    top = [p for p in proofs if p.rank == best]
    holds = top[0]
    missing = tuple(k for k in ProofKind if RANK[k] < best)
    conflicts = _conflicts(top)
    clause = CLAUSE[best]
    if holds.date_of_birth is not None:
        age = years_between(holds.date_of_birth, age_on)
        child: bool | None = age < MAJORITY
        verdict = "a child" if child else f"not a child ({age} completed years)"
        outcome = (
            f"{DESCRIPTION[holds.kind]} ({clause}) holds: born {holds.date_of_birth:%d %b %Y}, "
            f"{age} on {age_on:%d %b %Y} ({age_on_reason}): {verdict}."
        )
        return AgeFinding(
            holds,
            clause,
            age_on,
            age_on_reason,
            age,
            None,
            child,
            missing,
            conflicts,
            outcome + _seek(missing),
            False,
        )
    low, high = holds.age_low or 0, holds.age_high or 0
    if high < MAJORITY:
        child, verdict = True, "a child on the whole range"
    elif low >= MAJORITY:
        child, verdict = False, "not a child on the whole range"
    else:
        child, verdict = None, "the range spans 18: the estimate alone does not decide"
    outcome = (
        f"{DESCRIPTION[holds.kind]} ({clause}) holds, only because no document of s.94(2)(i) or "
        f"(ii) is on file: estimated {low}–{high} years when examined: {verdict}."
    )
    return AgeFinding(
        holds,
        clause,
        age_on,
        age_on_reason,
        None,
        (low, high),
        child,
        missing,
        conflicts,
        outcome + _seek(missing),
        False,
    )


def _seek(missing: Iterable[ProofKind]) -> str:
    wanted = [DESCRIPTION[k] for k in missing]
    return (" Seek first: " + "; ".join(wanted) + ".") if wanted else ""


def _conflicts(top: Sequence[ProofView]) -> tuple[str, ...]:
    dates = {p.date_of_birth for p in top if p.date_of_birth is not None}
    if len(dates) > 1:
        listed = ", ".join(f"{p.kind.value} {p.document_ref}: {p.date_of_birth}" for p in top)
        return (f"documents of the same rank give different dates of birth ({listed})",)
    return ()


# --- stored proofs -------------------------------------------------------------------------------


def record_proof(
    session: Session,
    who: Who,
    label: str,
    kind: ProofKind,
    *,
    document_ref: str,
    date_of_birth: date | None = None,
    age_low: int | None = None,
    age_high: int | None = None,
    note: str = "",
) -> AgeFinding:
    """Record a proof of age for the victim `label` and return the checklist's new finding.

    A document gives a date of birth; a medical estimate a range of whole years. The record's
    proven date of birth becomes the holding document's. Audited (`victim.proof`) with the kind
    and rank, never the date.
    """
    victim = load_victim(session, who, label, Permission.VICTIM_WRITE)
    reference = document_ref.strip()
    if not reference:
        raise UserInputError(
            "Give the document's reference (--document-ref): its register number, exhibit or file."
        )
    if kind is ProofKind.MEDICAL_AGE_ESTIMATION:
        if age_low is None or age_high is None or not 0 <= age_low <= age_high < 40:
            raise UserInputError(
                "A medical age estimate is a range of whole years: give --age-low and --age-high "
                "(14 and 16)."
            )
        if date_of_birth is not None:
            raise UserInputError("A medical estimate gives a range of years, not a date of birth.")
    else:
        if date_of_birth is None:
            raise UserInputError(f"A {kind.value} gives a date of birth: give --born YYYY-MM-DD.")
        if date_of_birth > utcnow().date():
            raise UserInputError("The date of birth is in the future: check the document.")
        age_low = age_high = None
    session.add(
        VictimProof(
            victim_id=victim.id,
            kind=kind.value,
            document_ref=reference,
            date_of_birth=date_of_birth,
            age_low=age_low,
            age_high=age_high,
            note=note.strip(),
            recorded_by=name_of(who),
        )
    )
    session.flush()
    finding = finding_for(session, victim)
    holds = finding.holds
    victim.proven_dob = holds.date_of_birth if holds is not None else None
    victim.updated_at = utcnow()
    session.flush()
    audit(session, who, "victim.proof", victim, {"kind": kind.value, "rank": RANK[kind]})
    return finding


def proofs_of(session: Session, victim: Victim) -> list[ProofView]:
    """The victim's proofs in the order recorded."""
    return [
        ProofView(
            row.id,
            ProofKind(row.kind),
            row.document_ref,
            row.date_of_birth,
            row.age_low,
            row.age_high,
            row.note,
            row.recorded_by,
        )
        for row in session.scalars(
            select(VictimProof).where(VictimProof.victim_id == victim.id).order_by(VictimProof.id)
        )
    ]


def finding_for(
    session: Session, victim: Victim, *, offence_date: date | None = None
) -> AgeFinding:
    """The checklist's finding for a stored victim, at the case's offence date when known."""
    if offence_date is None:
        offence_date = find_case(session, victim.case_id).offence_date
    if offence_date is not None:
        return assess(proofs_of(session, victim), age_on=offence_date, age_on_reason="offence date")
    return assess(
        proofs_of(session, victim),
        age_on=utcnow().date(),
        age_on_reason="today: the case has no offence date yet",
    )
