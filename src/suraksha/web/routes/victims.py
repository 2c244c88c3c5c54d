"""Victim pages: the list and one record, with forms for proofs of age and support events.

For the support person of the child's district and the investigating officer and prosecutor of
the child's case only (victims.records checks, and audits every read). A record outside the
person's reach answers 404, as a missing one does; a role with no victim permission gets 403.
Pages name the child by label: the identity is shown only after the "Reveal identity" form is
posted (a POST, so that it is audited as `victim.reveal` and never cached or linked).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from suraksha.cases.workflow import parse_instant
from suraksha.errors import UserInputError
from suraksha.victims.age_proof import ProofKind, proof_kind, record_proof
from suraksha.victims.dossier import read_victim
from suraksha.victims.records import (
    VictimIdentity,
    VictimNotFound,
    list_victims,
    reveal_identity,
)
from suraksha.victims.support import SupportEvent, record_support, support_event
from suraksha.web.deps import Db, Who
from suraksha.web.templating import flash, render

router = APIRouter()


def _missing(err: VictimNotFound) -> HTTPException:
    return HTTPException(status_code=404, detail=str(err))


def _text(value: str) -> str | None:
    return value.strip() or None


def _whole(value: str, label: str) -> int | None:
    text = value.strip()
    if not text:
        return None
    if not text.isdigit():
        raise UserInputError(f"{label} must be a whole number, not {text!r}.")
    return int(text)


def _page(
    request: Request, who: Who, session: Db, label: str, identity: VictimIdentity | None
) -> Response:
    try:
        found = read_victim(session, who.actor, label)
    except VictimNotFound as err:
        raise _missing(err) from err
    return render(
        request,
        "victims/record.html",
        {
            "record": found,
            "identity": identity,
            "proof_kinds": [k.value for k in ProofKind],
            "support_events": [e.value for e in SupportEvent],
        },
    )


@router.get("/victims", response_class=HTMLResponse, include_in_schema=False)
def victim_list(request: Request, who: Who, session: Db) -> Response:
    """The victim records the person may open, by label."""
    victims = list_victims(session, who.actor)
    return render(request, "victims/list.html", {"victims": victims})


@router.get("/victims/{label}", response_class=HTMLResponse, include_in_schema=False)
def victim_record(request: Request, who: Who, session: Db, label: str) -> Response:
    """One record without the identity; the read is audited (`victim.read`)."""
    return _page(request, who, session, label, None)


@router.post("/victims/{label}/reveal", response_class=HTMLResponse, include_in_schema=False)
def victim_reveal(request: Request, who: Who, session: Db, label: str) -> Response:
    """The record with who the child is; audited as `victim.reveal`."""
    try:
        identity = reveal_identity(session, who.actor, label)
    except VictimNotFound as err:
        raise _missing(err) from err
    return _page(request, who, session, label, identity)


@router.post("/victims/{label}/proofs", include_in_schema=False)
def post_proof(
    request: Request,
    who: Who,
    session: Db,
    label: str,
    kind: Annotated[str, Form()] = "",
    document_ref: Annotated[str, Form()] = "",
    born: Annotated[str, Form()] = "",
    age_low: Annotated[str, Form()] = "",
    age_high: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Record a proof of age; back to the record with the checklist's finding."""
    try:
        day = date.fromisoformat(born.strip()) if born.strip() else None
    except ValueError as err:
        raise UserInputError(f"Date of birth {born!r} is not a date (YYYY-MM-DD).") from err
    try:
        finding = record_proof(
            session,
            who.actor,
            label,
            proof_kind(kind),
            document_ref=document_ref,
            date_of_birth=day,
            age_low=_whole(age_low, "Lowest age"),
            age_high=_whole(age_high, "Highest age"),
            note=note,
        )
    except VictimNotFound as err:
        raise _missing(err) from err
    flash(request, f"Proof recorded. {finding.outcome}", "success")
    return RedirectResponse(f"/victims/{label}#age", status_code=303)


@router.post("/victims/{label}/support", include_in_schema=False)
def post_support(
    request: Request,
    who: Who,
    session: Db,
    label: str,
    event: Annotated[str, Form()] = "",
    at: Annotated[str, Form()] = "",
    reference: Annotated[str, Form()] = "",
    person: Annotated[str, Form()] = "",
    amount: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Record a support event; back to the record."""
    if not at.strip():
        raise UserInputError("Give the date (and time) of the event.")
    try:
        view = record_support(
            session,
            who.actor,
            label,
            support_event(event),
            at=parse_instant(at),
            reference=reference,
            person=person,
            amount=_whole(amount, "Amount"),
            note=note,
        )
    except VictimNotFound as err:
        raise _missing(err) from err
    flash(request, f"{view.kind.value} recorded ({view.basis}).", "success")
    return RedirectResponse(f"/victims/{label}#support", status_code=303)
