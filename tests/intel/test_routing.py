"""Routing: every source gives evidence with its weight and reports; the decision names its
evidence, shows every competing place, and lets newer reports count more.

Persons are synthetic; places and pincodes are real (indian-pincode): Ernakulam 682001 and 682030,
Thrissur 680001, Thiruvananthapuram 695001, Kozhikode 673001 in Kerala; Hyderabad 500001,
Hanumakonda 506002, Ranga Reddy 500030 and 500032 (shared by Hyderabad and Ranga Reddy) in
Telangana.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from suraksha.config import Settings
from suraksha.errors import ConfigurationError
from suraksha.intake.accounts import (
    AccountView,
    AddressView,
    IpEventView,
    account_ids,
    account_views,
)
from suraksha.intake.pipeline import ingest, plan
from suraksha.intake.tips import tips_of_accounts
from suraksha.intel.geoip import GeoIpDatabase
from suraksha.intel.routing import (
    Evidence,
    EvidenceSource,
    RoutingSources,
    RoutingStatus,
    decide,
    report_dates,
    route,
)
from suraksha.intel.stations import StationMap
from suraksha.storage.session import transaction

NOW = datetime(2026, 10, 1, tzinfo=UTC)


def account(
    report: str,
    *addresses: AddressView,
    location: dict[str, str] | None = None,
    ips: tuple[str, ...] = (),
    phones: tuple[str, ...] = (),
) -> AccountView:
    return AccountView(
        account_id=f"account-{report}",
        report_id=report,
        role="reported",
        service="instagram",
        identifiers=[("phone", phone, phone) for phone in phones],
        addresses=list(addresses),
        estimated_location=location or {},
        ip_events=[IpEventView(ip, 40112, None, None, "Login") for ip in ips],
    )


def address(
    report: str,
    *,
    pin: str | None = None,
    city: str | None = None,
    state: str | None = None,
    street: str | None = None,
    country: str | None = "IN",
) -> AddressView:
    return AddressView(report, f"report.xml:/address[{report}]", street, city, state, pin, country)


def places(decision: object) -> set[tuple[str, str | None]]:
    candidates = getattr(decision, "candidates", [])
    return {(c.state, c.district) for c in candidates}


# --- addresses --------------------------------------------------------------------------------


def test_pincode_routes_to_its_district() -> None:
    decision = route([account("101", address("101", pin="682 001"))])
    assert (decision.state, decision.district) == ("KERALA", "ERNAKULAM")
    assert (decision.confidence, decision.level, decision.status) == (
        0.9,
        "high",
        RoutingStatus.AGREED,
    )
    assert decision.reason.startswith(
        "ERNAKULAM, KERALA: pincode 682001 in a reported address → ERNAKULAM, KERALA (report 101)."
    )
    [evidence] = decision.evidence
    assert (evidence.source, evidence.value, evidence.report_ids) == (
        EvidenceSource.ADDRESS_PINCODE,
        "682001",
        ("101",),
    )


def test_the_same_pincode_in_many_reports_is_one_piece_of_evidence_with_all_its_reports() -> None:
    decision = route([account(r, address(r, pin="680001")) for r in ("7", "3", "5")])
    [evidence] = decision.evidence
    assert evidence.report_ids == ("3", "5", "7")
    assert evidence.weight == 0.9
    assert evidence.support == pytest.approx(2.7)
    assert decision.confidence == 0.9
    assert "(reports 3, 5, 7)" in decision.reason


@pytest.mark.parametrize(
    ("city", "state", "district", "confidence"),
    [
        ("Thiruvananthapuram", "Kerala", "THIRUVANANTHAPURAM", 0.6),
        ("Trivandrum", "KL", "THIRUVANANTHAPURAM", 0.6),
        ("Cochin", "Kerala State", "ERNAKULAM", 0.6),
        ("Aluva", "Kerala", "ERNAKULAM", 0.6),  # a town: its post office's district
        ("Hyd", "Telengana", "HYDERABAD", 0.6),
        ("Calicut", None, "KOZHIKODE", 0.5),  # no state, but only one Calicut
        ("Somewhere", "Kerala", None, 0.3),
        (None, "TS", None, 0.3),
    ],
)
def test_address_text_when_there_is_no_pincode(
    city: str | None, state: str | None, district: str | None, confidence: float
) -> None:
    decision = route([account("102", address("102", city=city, state=state))])
    assert (decision.district, decision.confidence) == (district, confidence)
    assert decision.evidence[0].source is EvidenceSource.ADDRESS_TEXT


def test_pincode_spanning_two_districts_gives_the_state_unless_the_city_picks_one() -> None:
    alone = route([account("103", address("103", pin="500032"))])
    with_city = route([account("104", address("104", pin="500032", city="Hyderabad"))])
    assert (alone.state, alone.district, alone.confidence) == ("TELANGANA", None, 0.5)
    assert "serves HYDERABAD and RANGA REDDY" in alone.reason
    assert (with_city.district, with_city.confidence) == ("HYDERABAD", 0.8)


def test_an_address_whose_state_contradicts_its_pincode_is_a_conflict_not_a_silent_pick() -> None:
    decision = route(
        [account("105", address("105", pin="682001", city="Kochi", state="Telangana"))]
    )
    assert decision.status is RoutingStatus.CONFLICT
    assert places(decision) == {("KERALA", "ERNAKULAM"), ("TELANGANA", None)}
    assert (decision.state, decision.district) == ("KERALA", "ERNAKULAM")
    assert decision.confidence == round(0.9 * 0.9 / 1.2, 2)
    assert "Also indicated: TELANGANA by reported address Kochi, Telangana" in decision.reason


def test_foreign_address_and_no_evidence_do_not_route() -> None:
    decision = route([account("401", address("401", pin="110001", country="US"))])
    assert (decision.state, decision.district, decision.confidence) == (None, None, 0.0)
    assert decision.status is RoutingStatus.NO_EVIDENCE
    assert decision.reason == (
        "No location evidence in the reports. An address in US is outside India (report 401)."
    )


# --- the platform's estimated location ---------------------------------------------------------


def test_platform_estimate_gives_state_only_with_low_confidence() -> None:
    decision = route([account("301", location={"city": "", "region": "KL", "countryCode": "IN"})])
    assert (decision.state, decision.district, decision.confidence) == ("KERALA", None, 0.2)
    assert decision.level == "low"


def test_platform_estimate_city_names_a_district_weakly() -> None:
    decision = route([account("302", location={"city": "Kochi", "region": "Kerala"})])
    assert (decision.district, decision.confidence) == ("ERNAKULAM", 0.2)
    assert decision.evidence[0].source is EvidenceSource.PLATFORM_ESTIMATE


def test_coordinates_name_the_nearest_post_office_district() -> None:
    # A state hand-off sheet's geo-tag, as intake keeps it.
    decision = route([account("303", location={"latitude": "10.5276", "longitude": "76.2144"})])
    assert (decision.state, decision.district, decision.confidence) == ("KERALA", "THRISSUR", 0.2)
    assert "nearest post office" in decision.reason


def test_platform_estimate_abroad_is_noted_not_used() -> None:
    decision = route([account("304", location={"city": "Dubai", "countryCode": "AE"})])
    assert decision.status is RoutingStatus.NO_EVIDENCE
    assert "The platform estimates a location in AE, outside India (report 304)." in decision.reason


# --- GeoIP -------------------------------------------------------------------------------------


def test_geoip_fixed_line_names_a_district(geoip: GeoIpDatabase) -> None:
    decision = route([account("501", ips=("117.211.70.5",))], sources=RoutingSources(geoip=geoip))
    assert (decision.state, decision.district, decision.confidence) == ("KERALA", "THRISSUR", 0.2)
    [evidence] = decision.evidence
    assert (evidence.source, evidence.value) == (EvidenceSource.GEOIP, "117.211.70.5")
    assert "fixed line; accuracy 20 km" in evidence.basis


def test_geoip_town_and_coordinates_resolve_through_post_offices(geoip: GeoIpDatabase) -> None:
    sources = RoutingSources(geoip=geoip)
    town = route([account("502", ips=("117.216.3.3",))], sources=sources)
    point = route([account("503", ips=("117.230.1.1",))], sources=sources)
    assert town.district == "THRISSUR" and "post office Irinjalakuda" in town.reason
    assert point.district == "ERNAKULAM"


def test_geoip_with_a_wide_radius_names_the_state_only(geoip: GeoIpDatabase) -> None:
    decision = route([account("504", ips=("61.2.9.9",))], sources=RoutingSources(geoip=geoip))
    assert (decision.state, decision.district, decision.confidence) == ("KERALA", None, 0.15)


@pytest.mark.parametrize("ip", ["49.36.12.7", "2409:4070:1::7", "106.208.4.4"])
def test_geoip_mobile_is_the_gateway_state_only_and_weak(geoip: GeoIpDatabase, ip: str) -> None:
    decision = route([account("505", ips=(ip,))], sources=RoutingSources(geoip=geoip))
    assert decision.district is None
    assert decision.confidence == 0.05
    assert "mobile network" in decision.reason and "not the subscriber's home" in decision.reason


@pytest.mark.parametrize(
    ("ip", "note"),
    [
        ("10.4.4.4", "IP 10.4.4.4 is private (RFC 1918): never geolocated (report 506)"),
        (
            "100.72.1.9",
            "IP 100.72.1.9 is carrier-grade NAT shared range (100.64/10): never geolocated",
        ),
        ("fd00::9", "IP fd00::9 is unique local IPv6 (fc00::/7): never geolocated"),
        ("146.70.117.35", "IP 146.70.117.35 is a VPN exit: its location is the server's"),
        ("81.2.69.160", "IP 81.2.69.160 geolocates to GB, outside India"),
        ("8.8.4.4", "IP 8.8.4.4 is not in the GeoIP database"),
    ],
)
def test_addresses_geoip_cannot_place_are_noted_and_never_counted(
    geoip: GeoIpDatabase, ip: str, note: str
) -> None:
    decision = route([account("506", ips=(ip,))], sources=RoutingSources(geoip=geoip))
    assert decision.status is RoutingStatus.NO_EVIDENCE
    assert decision.evidence == []
    assert note in decision.reason


def test_without_a_geoip_database_the_reason_names_the_setting() -> None:
    decision = route([account("507", address("507", pin="695001"), ips=("117.211.70.5",))])
    assert decision.district == "THIRUVANANTHAPURAM"
    assert "no GeoIP database is configured (SURAKSHA_GEOIP_DB)" in decision.reason


def test_geoip_in_another_state_is_a_visible_conflict(geoip: GeoIpDatabase) -> None:
    decision = route(
        [account("508", address("508", pin="682001"), ips=("122.174.5.5",))],
        sources=RoutingSources(geoip=geoip),
    )
    assert (decision.state, decision.district) == ("KERALA", "ERNAKULAM")
    assert decision.status is RoutingStatus.CONFLICT
    assert places(decision) == {("KERALA", "ERNAKULAM"), ("TAMIL NADU", "CHENNAI")}
    assert decision.confidence == round(0.9 * 0.9 / 1.1, 2)
    assert "Also indicated: CHENNAI, TAMIL NADU by GeoIP 122.174.5.5" in decision.reason


# --- phones ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "state", "std"),
    [
        ("+914842345678", "KERALA", "0484"),  # Ernakulam exchange
        ("+914023456789", "TELANGANA", "040"),  # Hyderabad: the Andhra Pradesh circle's
        ("+918702345678", "TELANGANA", "0870"),  # Warangal
    ],
)
def test_landline_gives_the_state_only(phone: str, state: str, std: str) -> None:
    decision = route([account("601", phones=(phone,))])
    assert (decision.state, decision.district, decision.confidence) == (state, None, 0.1)
    assert f"STD code {std}" in decision.reason and "state only" in decision.reason


def test_mobile_number_never_routes() -> None:
    decision = route([account("602", phones=("+919847012345",))])
    assert decision.status is RoutingStatus.NO_EVIDENCE
    assert "Mobile numbers not used: a mobile number carries no location" in decision.reason


# --- police stations ---------------------------------------------------------------------------


def test_pincode_maps_to_a_police_station(stations: StationMap) -> None:
    decision = route(
        [account("701", address("701", pin="682030", street="No. 12/340, Temple Road, Kakkanad"))],
        sources=RoutingSources(stations=stations),
    )
    assert (decision.district, decision.police_station) == ("ERNAKULAM", "Thrikkakara")
    assert decision.confidence == 0.9
    assert decision.reason.startswith("Thrikkakara police station, ERNAKULAM, KERALA: ")
    assert "kerala-stations.csv line 4: pincode 682030, locality Kakkanad" in decision.reason


def test_city_text_address_maps_by_district_and_locality(stations: StationMap) -> None:
    decision = route(
        [account("702", address("702", city="Irinjalakuda", state="Kerala"))],
        sources=RoutingSources(stations=stations),
    )
    assert (decision.district, decision.police_station) == ("THRISSUR", "Irinjalakuda")


def test_without_a_mapping_routing_stops_at_the_district_and_says_so() -> None:
    decision = route([account("703", address("703", pin="682030"))])
    assert decision.police_station is None
    assert "Police station: no station mapping is configured (SURAKSHA_STATIONS)" in decision.reason
    assert "stops at the district" in decision.reason


def test_a_pincode_outside_the_mapping_is_noted(stations: StationMap) -> None:
    decision = route(
        [account("704", address("704", pin="500001"))], sources=RoutingSources(stations=stations)
    )
    assert (decision.district, decision.police_station) == ("HYDERABAD", None)
    assert "pincode 500001 is not in the station mapping kerala-stations.csv" in decision.reason
    assert "(it covers KERALA)" in decision.reason


def test_two_stations_in_one_district_are_a_conflict(stations: StationMap) -> None:
    day = timedelta(days=1)
    decision = route(
        [
            account("705", address("705", pin="682001")),
            account("706", address("706", pin="682030")),
        ],
        reported_at={"705": NOW - 30 * day, "706": NOW},
        sources=RoutingSources(stations=stations),
    )
    assert (decision.district, decision.police_station) == ("ERNAKULAM", "Infopark")
    assert decision.status is RoutingStatus.CONFLICT
    assert {c.police_station for c in decision.candidates} == {"Infopark", "Ernakulam Central"}
    assert "Also indicated: Ernakulam Central police station, ERNAKULAM, KERALA" in decision.reason


# --- the decision ------------------------------------------------------------------------------


def test_majority_of_evidence_wins_and_the_minority_is_shown() -> None:
    decision = route(
        [
            account("201", address("201", pin="500001")),  # Hyderabad
            account("202", address("202", pin="500001")),
            account("203", address("203", pin="682001")),  # Ernakulam
        ]
    )
    assert (decision.state, decision.district) == ("TELANGANA", "HYDERABAD")
    assert decision.status is RoutingStatus.CONFLICT
    assert decision.confidence == round(0.9 * 1.8 / 2.7, 2)
    assert decision.reason.startswith("Conflict, routed to HYDERABAD, TELANGANA: ")
    assert "Also indicated: ERNAKULAM, KERALA by pincode 682001" in decision.reason
    assert [(c.district, c.agrees) for c in decision.candidates] == [
        ("HYDERABAD", True),
        ("ERNAKULAM", False),
    ]


def test_a_tie_between_states_decides_nothing_and_shows_both() -> None:
    decision = route(
        [account("801", address("801", pin="500001")), account("802", address("802", pin="682001"))]
    )
    assert (decision.state, decision.district, decision.confidence) == (None, None, 0.0)
    assert decision.status is RoutingStatus.CONFLICT
    assert places(decision) == {("TELANGANA", "HYDERABAD"), ("KERALA", "ERNAKULAM")}
    assert decision.reason.startswith("Conflict, no state decided: the evidence is tied.")


def test_a_tie_between_districts_keeps_the_state() -> None:
    decision = route(
        [account("803", address("803", pin="680001")), account("804", address("804", pin="682001"))]
    )
    assert (decision.state, decision.district) == ("KERALA", None)
    assert decision.status is RoutingStatus.CONFLICT
    assert decision.confidence == 0.99
    assert "(its districts are tied)" in decision.reason


def test_newer_reports_count_more_a_person_moves() -> None:
    accounts = [
        account("901", address("901", pin="682001")),  # Ernakulam, two years ago
        account("902", address("902", pin="682001")),
        account("903", address("903", pin="500001")),  # Hyderabad, now
    ]
    dates = {"901": NOW - timedelta(days=730), "902": NOW - timedelta(days=730), "903": NOW}
    undated = route(accounts)
    dated = route(accounts, reported_at=dates)
    assert undated.district == "ERNAKULAM"
    assert dated.district == "HYDERABAD"
    old = next(e for e in dated.evidence if e.district == "ERNAKULAM")
    assert old.weight == pytest.approx(0.9 * 0.25)
    assert old.reported_at == NOW - timedelta(days=730)
    assert dated.status is RoutingStatus.CONFLICT


def test_an_ip_events_own_time_is_its_date(geoip: GeoIpDatabase) -> None:
    # A naive instant is UTC, as SQLite returns stored instants.
    event = IpEventView("117.211.70.5", 5, datetime(2024, 10, 1), "2024-10-01T00:00:00Z", "Login")
    view = account("904", address("904", pin="682001"))
    view.ip_events.append(event)
    decision = route([view], reported_at={"904": NOW}, sources=RoutingSources(geoip=geoip))
    geo = next(e for e in decision.evidence if e.source is EvidenceSource.GEOIP)
    assert geo.reported_at == datetime(2024, 10, 1, tzinfo=UTC)
    assert geo.weight == pytest.approx(0.2 * 0.5 ** (730 / 365))


def test_every_source_at_once_explains_itself(geoip: GeoIpDatabase, stations: StationMap) -> None:
    decision = route(
        [
            account(
                "1001",
                address("1001", pin="680001"),
                location={"city": "Kochi", "region": "KL", "countryCode": "IN"},
                ips=("117.211.70.5", "49.36.1.1", "100.64.1.1"),
                phones=("+914872345678", "+919847012345"),
            )
        ],
        sources=RoutingSources(geoip=geoip, stations=stations),
    )
    assert (decision.state, decision.district, decision.police_station) == (
        "KERALA",
        "THRISSUR",
        "Thrissur Town East",
    )
    sources = {e.source for e in decision.evidence}
    assert sources == set(EvidenceSource) - {EvidenceSource.ADDRESS_TEXT}
    assert decision.status is RoutingStatus.CONFLICT  # the platform's Kochi is the odd one out
    assert places(decision) == {
        ("KERALA", "THRISSUR"),
        ("KERALA", "ERNAKULAM"),
        ("KERALA", None),
    }
    json.dumps(decision.as_dict())  # stored and shown as JSON


def test_the_old_call_still_works() -> None:
    # intel.assessment calls route(account_views(...)) with a plain list.
    decision = route([account("1101", address("1101", pin="673001"))])
    assert decision.district == "KOZHIKODE"
    stored = [
        {"state": e.state, "district": e.district, "confidence": e.confidence, "basis": e.basis}
        | {"report_id": e.report_id}
        for e in decision.evidence
    ]
    assert stored[0]["report_id"] == "1101"


# --- settings ----------------------------------------------------------------------------------


def test_sources_from_settings(
    geoip_files: tuple[Path, Path, Path], stations_file: Path, tmp_path: Path
) -> None:
    env = {
        "SURAKSHA_HOME": str(tmp_path),
        "SURAKSHA_GEOIP_DB": ":".join(str(p) for p in geoip_files),
        "SURAKSHA_STATIONS": str(stations_file),
    }
    configured = Settings.from_env(env)
    assert configured.geoip_databases == geoip_files
    assert configured.stations == stations_file
    with RoutingSources.from_settings(configured) as sources:
        assert sources.geoip is not None and sources.stations is not None
    with RoutingSources.from_settings(Settings.from_env({"SURAKSHA_HOME": str(tmp_path)})) as none:
        assert (none.geoip, none.stations) == (None, None)


def test_a_missing_stations_file_is_a_configuration_error(tmp_path: Path) -> None:
    configured = Settings.from_env({"SURAKSHA_STATIONS": str(tmp_path / "nowhere.csv")})
    with pytest.raises(ConfigurationError, match="SURAKSHA_STATIONS"):
        RoutingSources.from_settings(configured)


# --- properties --------------------------------------------------------------------------------

PINCODES = ("682001", "682030", "680001", "695001", "673001", "500001", "506002", "500032")
CITIES = (
    (None, None),
    ("Kochi", "Kerala"),
    ("Thrissur", "KL"),
    ("Hyderabad", "Telangana"),
    (None, "Kerala"),
    ("Calicut", None),
)
ESTIMATES: tuple[dict[str, str], ...] = (
    {},
    {"city": "Kochi", "region": "KL", "countryCode": "IN"},
    {"region": "Telangana", "countryCode": "IN"},
    {"city": "Dubai", "countryCode": "AE"},
)


@st.composite
def accounts_and_dates(draw: st.DrawFn) -> tuple[list[AccountView], dict[str, datetime]]:
    count = draw(st.integers(1, 6))
    views: list[AccountView] = []
    dates: dict[str, datetime] = {}
    for index in range(count):
        report = str(2000 + index)
        pin = draw(st.sampled_from((None, *PINCODES)))
        city, state = draw(st.sampled_from(CITIES))
        found = [address(report, pin=pin, city=city, state=state)] if pin or city or state else []
        views.append(account(report, *found, location=dict(draw(st.sampled_from(ESTIMATES)))))
        dates[report] = NOW - timedelta(days=draw(st.integers(0, 1500)))
    return views, dates


@given(accounts_and_dates())
@settings(max_examples=150, deadline=None)
def test_property_the_decision_never_hides_a_candidate(
    case: tuple[list[AccountView], dict[str, datetime]],
) -> None:
    views, dates = case
    decision = route(views, reported_at=dates)
    # Every piece of evidence is in exactly one candidate, at its own place.
    held = [e for c in decision.candidates for e in c.evidence]
    assert sorted(map(id, held)) == sorted(map(id, decision.evidence))
    for candidate in decision.candidates:
        assert all(
            (e.state, e.district) == (candidate.state, candidate.district)
            for e in candidate.evidence
        )
    # Every pincode read points to a candidate.
    for view in views:
        for item in view.addresses:
            if item.postal_code:
                assert any(
                    item.postal_code in [e.value for e in c.evidence] for c in decision.candidates
                )
    # Disagreement is never silent: it is a conflict, and the reason names each other place.
    others = [c for c in decision.candidates if not c.agrees]
    if others:
        assert decision.status is RoutingStatus.CONFLICT
    for candidate in others:
        assert candidate.label in decision.reason
    assert 0.0 <= decision.confidence <= 1.0
    if decision.state is None:
        assert decision.confidence == 0.0


@given(accounts_and_dates(), st.randoms(use_true_random=False))
@settings(max_examples=80, deadline=None)
def test_property_the_order_of_accounts_does_not_matter(
    case: tuple[list[AccountView], dict[str, datetime]], rng: random.Random
) -> None:
    views, dates = case
    shuffled = list(views)
    rng.shuffle(shuffled)
    first, second = route(views, reported_at=dates), route(shuffled, reported_at=dates)
    assert (first.state, first.district, first.confidence, first.status, first.reason) == (
        second.state,
        second.district,
        second.confidence,
        second.status,
        second.reason,
    )


STATES = {"KERALA": ("ERNAKULAM", "THRISSUR", None), "TELANGANA": ("HYDERABAD", None)}


@st.composite
def evidence_items(draw: st.DrawFn) -> Evidence:
    state = draw(st.sampled_from(sorted(STATES)))
    district = draw(st.sampled_from(STATES[state]))
    station = draw(st.sampled_from(("A", "B", None))) if district else None
    weight = draw(st.floats(0.01, 0.95))
    repeats = draw(st.integers(1, 3))
    return Evidence(
        source=draw(st.sampled_from(list(EvidenceSource))),
        value=draw(st.sampled_from(("x", "y", "z"))),
        state=state,
        district=district,
        police_station=station,
        confidence=weight,
        weight=weight,
        support=weight * repeats,
        basis="synthetic",
        report_ids=tuple(str(n) for n in range(repeats)),
    )


@given(st.lists(evidence_items(), min_size=1, max_size=8), evidence_items(), st.booleans())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_property_adding_agreeing_evidence_never_lowers_confidence(
    items: list[Evidence], extra: Evidence, broad: bool
) -> None:
    before = decide(items)
    if before.state is None:
        return
    # Evidence for exactly the decided place, or (broad) for its state alone.
    agreeing = replace(
        extra,
        state=before.state,
        district=None if broad else before.district,
        police_station=None if broad or before.district is None else before.police_station,
    )
    after = decide([*items, agreeing])
    assert (after.state, after.district, after.police_station) == (
        before.state,
        before.district,
        before.police_station,
    )
    assert after.confidence >= before.confidence


@given(st.lists(evidence_items(), min_size=1, max_size=8))
@settings(max_examples=200, deadline=None)
def test_property_agreement_means_no_conflict_and_no_lost_confidence(items: list[Evidence]) -> None:
    decision = decide(items)
    if decision.status is RoutingStatus.AGREED:
        assert all(c.agrees for c in decision.candidates)
        assert decision.confidence == round(1 - math.prod(1 - e.weight for e in items), 2)


# --- through the database ----------------------------------------------------------------------


def _report_xml(
    report: str, at: str, person: str, extra: str, *, user_id: str = "100077770001"
) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<report>
  <incidentSummary>
    <incidentType>Child Pornography (possession, manufacture, and distribution)</incidentType>
    <platform>ChatKaro</platform>
    <incidentDateTime>{at}</incidentDateTime>
  </incidentSummary>
  <reporter><reportingPerson><email>desk@chatkaro.example</email></reportingPerson></reporter>
  <personOrUserReported>
    <personOrUserReportedPerson>{person}</personOrUserReportedPerson>
    <espIdentifier>{user_id}</espIdentifier>
    <espService>ChatKaro</espService>
    {extra}
  </personOrUserReported>
</report>
"""


def test_route_reads_what_intake_stored(
    db: Engine, tmp_path: Path, geoip: GeoIpDatabase, stations: StationMap
) -> None:
    """Two reports of one synthetic person, 2½ years apart: Thrissur then Hyderabad."""
    old = _report_xml(
        "81000001",
        "2024-03-10T08:00:00Z",
        "<phone>04872345678</phone><address><address>No. 4/112, Temple Road</address>"
        "<city>Thrissur</city><zipCode>680001</zipCode><nonUsaState>Kerala</nonUsaState>"
        "<country>IN</country></address>",
        "<ipCaptureEvent><ipAddress>117.211.70.5</ipAddress><eventName>Login</eventName>"
        "<dateTime>2024-03-09T21:15:00+05:30</dateTime><port>50123</port></ipCaptureEvent>",
    )
    new = _report_xml(
        "81000002",
        "2026-09-20T08:00:00Z",
        "<address><city>Hyderabad</city><zipCode>500001</zipCode>"
        "<nonUsaState>Telangana</nonUsaState><country>IN</country></address>",
        "<ipCaptureEvent><ipAddress>49.36.18.77</ipAddress><eventName>Login</eventName>"
        "<dateTime>2026-09-19T09:00:00Z</dateTime><port>40111</port></ipCaptureEvent>"
        "<estimatedLocation><city>Hyderabad</city><region>TG</region>"
        "<countryCode>IN</countryCode></estimatedLocation>",
    )
    for report, text in (("81000001", old), ("81000002", new)):
        (tmp_path / "tips" / report).mkdir(parents=True)
        (tmp_path / "tips" / report / "report.xml").write_text(text, encoding="utf-8")
    result = ingest(db, plan([tmp_path / "tips"]))
    assert result.counts()["quarantined"] == 0
    with transaction(db) as session:
        ids = account_ids(session)
        views = account_views(session, ids)
        dates = report_dates(tips_of_accounts(session, ids))
    decision = route(
        views, reported_at=dates, sources=RoutingSources(geoip=geoip, stations=stations)
    )
    assert (decision.state, decision.district, decision.police_station) == (
        "TELANGANA",
        "HYDERABAD",
        None,
    )
    assert decision.status is RoutingStatus.CONFLICT
    thrissur = [e for c in decision.candidates if c.district == "THRISSUR" for e in c.evidence]
    assert {(e.source, e.police_station) for e in thrissur} == {
        (EvidenceSource.ADDRESS_PINCODE, "Thrissur Town East"),
        (EvidenceSource.GEOIP, None),
    }
    pincode = next(e for e in thrissur if e.source is EvidenceSource.ADDRESS_PINCODE)
    assert pincode.reported_at == datetime(2024, 3, 10, 8, tzinfo=UTC)
    assert pincode.weight == pytest.approx(0.9 * 0.5 ** ((924 + 0.0) / 365), rel=1e-3)
    geo = next(e for e in thrissur if e.source is EvidenceSource.GEOIP)
    assert geo.reported_at == datetime(2024, 3, 9, 15, 45, tzinfo=UTC)  # the event's own instant
    assert "Thrissur Town East police station, THRISSUR, KERALA by pincode 680001" in (
        decision.reason
    )
    assert "STD code 0487" in decision.reason
    json.dumps(decision.as_dict())


def test_a_city_naming_another_district_than_its_own_pincode_is_said_not_counted() -> None:
    # A Ranga Reddy pincode written with "Hyderabad", as people in the metro's suburbs do.
    decision = route([account("106", address("106", pin="500030", city="Hyderabad", state="TS"))])
    assert (decision.district, decision.status) == ("RANGA REDDY", RoutingStatus.AGREED)
    assert (
        "The address with pincode 500030 names Hyderabad, TS (HYDERABAD); its pincode, in "
        "RANGA REDDY, was used (report 106)."
    ) in decision.reason
