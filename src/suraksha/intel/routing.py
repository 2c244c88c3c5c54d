"""Jurisdiction routing: which state and district's police must act on a subject, and why.

Evidence, strongest first: a reported address with an Indian pincode (looked up offline with
`indian-pincode`), a reported address with a state and a city that names a district, a state alone,
and the platform's estimated location (IP geolocation: state only, weak). Each piece votes for a
(state, district) with its confidence; the strongest total wins and the reason names the evidence.
A phone number never routes: `phonenumbers` knows only the operator a number block was first given
to, not where its user lives.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import indian_pincode

from suraksha.intake.accounts import AccountView

PINCODE = re.compile(r"^\s*([1-9][0-9]{2})\s?([0-9]{3})\s*$")


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of location evidence and what it points to."""

    state: str
    district: str | None
    confidence: float
    basis: str
    report_id: str


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """The routing decision for one subject."""

    state: str | None
    district: str | None
    confidence: float
    reason: str
    evidence: list[Evidence] = field(default_factory=list)


def route(accounts: list[AccountView]) -> Jurisdiction:
    """Decide the state and district for a subject from its accounts' location evidence."""
    evidence = [item for account in accounts for item in _evidence(account)]
    if not evidence:
        return Jurisdiction(None, None, 0.0, "no location evidence in the reports")
    totals: dict[tuple[str, str | None], float] = defaultdict(float)
    for item in evidence:
        totals[(item.state, item.district)] += item.confidence
    # A state-only vote supports any district of that state.
    for (state, district), _ in list(totals.items()):
        if district is not None:
            totals[(state, district)] += sum(
                e.confidence for e in evidence if e.state == state and e.district is None
            )
    (state, district), _total = max(
        totals.items(), key=lambda item: (item[1], item[0][1] is not None, item[0])
    )
    backing = [e for e in evidence if e.state == state and e.district in (district, None)]
    confidence = round(max(e.confidence for e in backing), 2)
    others = len({(e.state, e.district) for e in evidence if e.district}) - (1 if district else 0)
    reason = "; ".join(sorted({f"{e.basis} (report {e.report_id})" for e in backing}))
    if others > 0:
        reason += f"; {others} other district(s) also indicated"
    return Jurisdiction(state, district, confidence, reason, evidence)


def _evidence(account: AccountView) -> list[Evidence]:
    found: list[Evidence] = []
    for address in account.addresses:
        if address.country and address.country.strip().upper() not in {"IN", "IND", "INDIA"}:
            continue
        pin = PINCODE.match(address.postal_code or "")
        if pin:
            code = pin.group(1) + pin.group(2)
            districts = _districts(code)
            state = _state(code)
            if state and districts:
                district = districts[0] if len(districts) == 1 else None
                found.append(
                    Evidence(
                        state,
                        district,
                        0.9 if district else 0.5,
                        f"pincode {code} in a reported address → {district or 'several districts'}, {state}",
                        address.report_id,
                    )
                )
                continue
        state = _state_named(address.state)
        if state:
            district = _district_named(state, address.city)
            found.append(
                Evidence(
                    state,
                    district,
                    0.6 if district else 0.3,
                    f"reported address {address.city or ''}, {address.state}".replace(" ,", ""),
                    address.report_id,
                )
            )
    region = _state_named(account.estimated_location.get("region"))
    if region:
        found.append(
            Evidence(
                region,
                _district_named(region, account.estimated_location.get("city")),
                0.2,
                f"platform's estimated location {account.estimated_location.get('city') or ''} "
                f"{account.estimated_location.get('region')}".replace("  ", " "),
                account.report_id,
            )
        )
    return found


@lru_cache(maxsize=65536)
def _districts(pincode: str) -> tuple[str, ...]:
    return tuple(indian_pincode.get_districts(pincode))


@lru_cache(maxsize=65536)
def _state(pincode: str) -> str | None:
    state = indian_pincode.get_state(pincode)
    return str(state) if state else None


@lru_cache(maxsize=1)
def _states() -> dict[str, str]:
    return {_fold(name): str(name) for name in indian_pincode.list_states()}


def _state_named(text: str | None) -> str | None:
    if not text:
        return None
    return _states().get(_fold(text)) or _STATE_CODES.get(text.strip().upper())


@lru_cache(maxsize=64)
def _state_districts(state: str) -> dict[str, str]:
    return {_fold(name): str(name) for name in indian_pincode.list_districts(state)}


def _district_named(state: str, city: str | None) -> str | None:
    if not city:
        return None
    return _state_districts(state).get(_fold(city))


def _fold(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.casefold())


# ISO 3166-2:IN subdivision codes, as platforms give them in estimated locations.
_STATE_CODES = {
    "KL": "KERALA",
    "TG": "TELANGANA",
    "TS": "TELANGANA",
    "TN": "TAMIL NADU",
    "KA": "KARNATAKA",
    "MH": "MAHARASHTRA",
    "DL": "DELHI",
    "AP": "ANDHRA PRADESH",
    "UP": "UTTAR PRADESH",
    "WB": "WEST BENGAL",
    "GJ": "GUJARAT",
    "RJ": "RAJASTHAN",
    "MP": "MADHYA PRADESH",
    "BR": "BIHAR",
    "OD": "ODISHA",
    "OR": "ODISHA",
    "PB": "PUNJAB",
    "HR": "HARYANA",
    "AS": "ASSAM",
    "GA": "GOA",
    "JH": "JHARKHAND",
    "CT": "CHHATTISGARH",
    "CG": "CHHATTISGARH",
    "UK": "UTTARAKHAND",
    "UT": "UTTARAKHAND",
    "HP": "HIMACHAL PRADESH",
    "JK": "JAMMU AND KASHMIR",
    "PY": "PUDUCHERRY",
}
