"""Place names as written by people, platforms and GeoIP databases land on indian-pincode's names."""

from __future__ import annotations

import pytest

from suraksha.intel.gazetteer import (
    CITY_ALIASES,
    STATE_CODES,
    district_named,
    districts_of,
    nearest_office,
    pincode_place,
    place_named,
    state_named,
)


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("Kerala", "KERALA"),
        ("KL", "KERALA"),
        ("IN-KL", "KERALA"),
        ("Kerala State", "KERALA"),
        ("kerala ", "KERALA"),
        ("Telengana", "TELANGANA"),
        ("TS", "TELANGANA"),
        ("TG", "TELANGANA"),
        ("Tamilnadu", "TAMIL NADU"),
        ("NCT of Delhi", "DELHI"),
        ("National Capital Territory of Delhi", "DELHI"),
        ("Orissa", "ODISHA"),
        ("", None),
        ("Ontario", None),
        (None, None),
    ],
)
def test_state_named(text: str | None, state: str | None) -> None:
    assert state_named(text) == state


@pytest.mark.parametrize(
    ("state", "text", "district", "how"),
    [
        ("KERALA", "Ernakulam", "ERNAKULAM", "district name"),
        ("KERALA", "Trivandrum", "THIRUVANANTHAPURAM", "also called Trivandrum"),
        ("KERALA", "Cochin", "ERNAKULAM", "also called Cochin"),
        ("KERALA", "Kochi, Ernakulam", "ERNAKULAM", "also called Kochi"),
        ("KERALA", "Aluva", "ERNAKULAM", "post office Aluva"),
        ("KERALA", "Irinjalakuda", "THRISSUR", "post office Irinjalakuda"),
        ("KERALA", "Nilambur", "MALAPPURAM", "post office Nilambur"),
        ("TELANGANA", "Hyderabad (Telangana)", "HYDERABAD", "district name"),
        ("TELANGANA", "Hyd", "HYDERABAD", "also called Hyd"),
        ("TELANGANA", "Warangal", "WARANGAL", "district name"),
        ("TELANGANA", "Kukatpally", "MEDCHAL MALKAJGIRI", "post office Kukatpally"),
    ],
)
def test_district_named(state: str, text: str, district: str, how: str) -> None:
    named = district_named(state, text)
    assert named is not None
    assert (named.state, named.district, named.how) == (state, district, how)


@pytest.mark.parametrize(
    ("state", "text"),
    [
        ("TELANGANA", "Kochi"),  # a Kerala city is no Telangana district
        ("KERALA", "Kochi, Thrissur"),  # parts that disagree decide nothing
        ("KERALA", ""),
        ("KERALA", None),
    ],
)
def test_district_not_named(state: str, text: str | None) -> None:
    assert district_named(state, text) is None


def test_place_named_needs_no_state_when_unambiguous() -> None:
    thrissur = place_named("Thrissur")
    calicut = place_named("Calicut")
    assert thrissur is not None and (thrissur.state, thrissur.district) == ("KERALA", "THRISSUR")
    assert calicut is not None and (calicut.state, calicut.district) == ("KERALA", "KOZHIKODE")
    # AURANGABAD is a district of Bihar and of Maharashtra: no guess.
    assert place_named("Aurangabad") is None


def test_every_alias_and_code_names_a_real_state_and_district() -> None:
    for state, district in CITY_ALIASES.values():
        assert district in districts_of(state), (state, district)
    for state in STATE_CODES.values():
        assert districts_of(state), state


def test_pincode_place() -> None:
    ernakulam = pincode_place("682001")
    spanning = pincode_place("500032")
    assert ernakulam is not None and (ernakulam.state, ernakulam.districts) == (
        "KERALA",
        ("ERNAKULAM",),
    )
    assert spanning is not None and spanning.districts == ("HYDERABAD", "RANGA REDDY")
    assert pincode_place("999999") is None


def test_nearest_office() -> None:
    office = nearest_office(9.9816, 76.2999, 10.0)
    assert office is not None and (office.state, office.district) == ("KERALA", "ERNAKULAM")
    assert office.distance_km < 3
    assert nearest_office(8.0, 70.0, 10.0) is None  # the Arabian Sea
    assert nearest_office(95.0, 76.0, 10.0) is None  # not a point on Earth
