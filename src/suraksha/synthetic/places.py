"""Where synthetic persons live: real states, districts and pincodes, and how addresses get written.

States and districts are the upper-case names `indian_pincode` uses; each pincode is a real one that
the library maps to exactly one district, so routing by pincode has one right answer. Streets are
generic ("Temple Road") and house numbers random: no real address is described.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

import indian_pincode

from suraksha.synthetic.names import Community


@dataclass(frozen=True, slots=True)
class Place:
    """A person's home: state and district as `indian_pincode` names them, and a real pincode."""

    state: str
    district: str
    pincode: str
    street: str

    @property
    def city(self) -> str:
        """The district in title case, as a platform's city field would carry it."""
        return _CITY_NAMES.get(self.district, self.district.title())


# Most persons are in the two states whose units run Suraksha; the rest show that tips also name
# people elsewhere, who must be routed out of state.
_STATE_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("KERALA", 0.42),
    ("TELANGANA", 0.32),
    ("TAMIL NADU", 0.07),
    ("KARNATAKA", 0.07),
    ("MAHARASHTRA", 0.04),
    ("DELHI", 0.03),
    ("UTTAR PRADESH", 0.03),
    ("WEST BENGAL", 0.02),
)

_COMMUNITIES: dict[str, tuple[tuple[Community, float], ...]] = {
    "KERALA": (
        (Community.MALAYALI_HINDU, 0.5),
        (Community.MALAYALI_MUSLIM, 0.3),
        (Community.MALAYALI_CHRISTIAN, 0.2),
    ),
    "TELANGANA": ((Community.TELUGU, 0.75), (Community.DECCANI_MUSLIM, 0.25)),
    "TAMIL NADU": ((Community.TAMIL, 0.9), (Community.MALAYALI_HINDU, 0.1)),
    "KARNATAKA": (
        (Community.KANNADA, 0.7),
        (Community.MALAYALI_MUSLIM, 0.15),
        (Community.TAMIL, 0.15),
    ),
    "MAHARASHTRA": ((Community.MARATHI, 0.7), (Community.HINDI, 0.3)),
    "DELHI": ((Community.HINDI, 0.7), (Community.NORTH_MUSLIM, 0.3)),
    "UTTAR PRADESH": ((Community.HINDI, 0.75), (Community.NORTH_MUSLIM, 0.25)),
    "WEST BENGAL": ((Community.BENGALI, 0.9), (Community.HINDI, 0.1)),
}

# Big districts get more people, as tips do.
_DISTRICT_BOOST: dict[str, float] = {
    "ERNAKULAM": 3.0,
    "THIRUVANANTHAPURAM": 2.5,
    "KOZHIKODE": 2.0,
    "MALAPPURAM": 2.5,
    "THRISSUR": 2.0,
    "HYDERABAD": 5.0,
    "MEDCHAL MALKAJGIRI": 3.0,
    "RANGA REDDY": 3.0,
    "WARANGAL": 1.5,
    "CHENNAI": 3.0,
    "BENGALURU URBAN": 4.0,
    "MUMBAI SUBURBAN": 2.0,
    "PUNE": 2.0,
}

_CITY_NAMES: dict[str, str] = {
    "ERNAKULAM": "Kochi",
    "THIRUVANANTHAPURAM": "Thiruvananthapuram",
    "MEDCHAL MALKAJGIRI": "Secunderabad",
    "RANGA REDDY": "Hyderabad",
    "BENGALURU URBAN": "Bengaluru",
    "MUMBAI SUBURBAN": "Mumbai",
}

# How the same city and state are written by users and platforms.
CITY_SPELLINGS: dict[str, tuple[str, ...]] = {
    "Kochi": ("Kochi", "Cochin", "Ernakulam", "Kochi, Ernakulam"),
    "Thiruvananthapuram": ("Thiruvananthapuram", "Trivandrum", "TVM"),
    "Kozhikode": ("Kozhikode", "Calicut"),
    "Thrissur": ("Thrissur", "Trichur"),
    "Hyderabad": ("Hyderabad", "Hyd", "Hyderabad (Telangana)"),
    "Secunderabad": ("Secunderabad", "Hyderabad"),
    "Bengaluru": ("Bengaluru", "Bangalore"),
    "Chennai": ("Chennai", "Madras"),
    "Mumbai": ("Mumbai", "Bombay"),
}
STATE_SPELLINGS: dict[str, tuple[str, ...]] = {
    "KERALA": ("Kerala", "KL", "Kerala State", "KERALA"),
    "TELANGANA": ("Telangana", "TS", "TG", "Telengana"),
    "TAMIL NADU": ("Tamil Nadu", "TN", "Tamilnadu"),
    "KARNATAKA": ("Karnataka", "KA"),
    "MAHARASHTRA": ("Maharashtra", "MH"),
    "DELHI": ("Delhi", "New Delhi", "NCT of Delhi"),
    "UTTAR PRADESH": ("Uttar Pradesh", "UP"),
    "WEST BENGAL": ("West Bengal", "WB"),
}

_STREETS = (
    "Temple Road",
    "Church Road",
    "Market Road",
    "Station Road",
    "MG Road",
    "Gandhi Nagar",
    "Nehru Street",
    "Indira Nagar",
    "Rajiv Colony",
    "Bazaar Street",
    "School Road",
    "Mosque Road",
    "Vivekananda Nagar",
    "Teachers Colony",
    "NGO Colony",
    "Ambedkar Nagar",
)


def pick_state(rng: random.Random) -> str:
    """A state, weighted towards Kerala and Telangana."""
    states = [name for name, _ in _STATE_WEIGHTS]
    return rng.choices(states, weights=[weight for _, weight in _STATE_WEIGHTS])[0]


def pick_community(rng: random.Random, state: str) -> Community:
    """A naming tradition plausible for the state."""
    options = _COMMUNITIES[state]
    return rng.choices([c for c, _ in options], weights=[w for _, w in options])[0]


@cache
def _pincodes_by_district(state: str) -> dict[str, tuple[str, ...]]:
    """The state's pincodes by district, keeping only those the library places in one district.

    One pass over the state (the library scans all pincodes per query), so a corpus of any size
    costs one scan per state it uses. Border pincodes shared by two districts are left out, so that
    routing by pincode has one right answer.
    """
    found: dict[str, list[str]] = {}
    for pin in sorted(indian_pincode.get_pincodes(state=state)):
        details = indian_pincode.get_details(pin)
        if details and details.get("state") == state and len(details.get("districts", ())) == 1:
            found.setdefault(details["districts"][0], []).append(str(pin))
    return {district: tuple(pins) for district, pins in sorted(found.items())}


def pick_place(rng: random.Random, state: str) -> Place:
    """A real district and pincode in the state, and a synthetic street line."""
    by_district = _pincodes_by_district(state)
    districts = list(by_district)
    weights = [_DISTRICT_BOOST.get(d, 1.0) for d in districts]
    district = rng.choices(districts, weights=weights)[0]
    pincode = rng.choice(by_district[district])
    if state == "TELANGANA":
        street = f"H.No. {rng.randint(1, 16)}-{rng.randint(1, 12)}-{rng.randint(1, 480)}"
        if rng.random() < 0.4:
            street += f"/{rng.choice('ABCD')}"
    else:
        street = f"No. {rng.randint(1, 40)}/{rng.randint(1, 900)}"
    street = f"{street}, {rng.choice(_STREETS)}"
    return Place(state=state, district=district, pincode=pincode, street=street)


def hub_city(state: str) -> tuple[str, str]:
    """Where IP geolocation tends to place a mobile user of the state: the carrier's hub city.

    Geolocating a CGNAT address names the gateway, often a metro far from the subscriber, which is
    why an estimated location is weak evidence for routing.
    """
    hubs = {
        "KERALA": ("Kochi", "Kerala"),
        "TELANGANA": ("Hyderabad", "Telangana"),
        "TAMIL NADU": ("Chennai", "Tamil Nadu"),
        "KARNATAKA": ("Bengaluru", "Karnataka"),
        "DELHI": ("New Delhi", "Delhi"),
        "UTTAR PRADESH": ("Noida", "Uttar Pradesh"),
        "WEST BENGAL": ("Kolkata", "West Bengal"),
    }
    return hubs.get(state, ("Mumbai", "Maharashtra"))
