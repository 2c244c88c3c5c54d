"""Location sightings: every place one account's data points to, one reading at a time.

    AddressView        ──► pincode → district (or state), else city/state text → district/state;
                            + police station from the unit's mapping
    estimated_location ──► the platform's city/region (or coordinates) → district/state
    IpEventView        ──► public address → GeoIP → district/state (mobile: state, weak)
    phone identifiers  ──► landline STD code → telecom circle → state; mobiles: nothing

A sighting is one source's reading in one report; routing merges them over reports and decides.
What is read and deliberately not used (a foreign address, a private or CGNAT IP address, a
mobile number, a VPN exit) goes to `Notes`, so the reason can say why it did not count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import phonenumbers
from phonenumbers import PhoneNumberType

from suraksha.intake.accounts import AccountView, AddressView, IpEventView
from suraksha.intel.gazetteer import (
    NamedDistrict,
    district_named,
    fold,
    nearest_office,
    pincode_place,
    place_named,
    state_named,
)
from suraksha.intel.geoip import GeoIpDatabase, GeoIpRecord, address_scope
from suraksha.intel.stations import StationMap

# Confidence of one reading of each kind; docs/routing.md explains each number.
PINCODE_DISTRICT = 0.9
PINCODE_AND_CITY = 0.8  # a pincode serving two districts, narrowed by the address's city
PINCODE_STATE = 0.5
ADDRESS_CITY = 0.6
ADDRESS_CITY_ALONE = 0.5  # a city with no state, unambiguous in India
ADDRESS_STATE = 0.3
ESTIMATE = 0.2
GEOIP_DISTRICT = 0.2
GEOIP_STATE = 0.15
GEOIP_MOBILE = 0.05
PHONE_LANDLINE = 0.1

GEOIP_DISTRICT_ACCURACY_KM = 50
"""A GeoIP city whose accuracy radius is wider than this names the state only."""
COORDINATE_RADIUS_KM = 10.0
"""Coordinates name the district of the nearest post office within this distance."""

_PINCODE = re.compile(r"^\s*([1-9][0-9]{2})\s?([0-9]{3})\s*$")
_INDIA = {"in", "ind", "india", "bharat"}
# phonenumbers names telecom circles as they were before states were divided; a circle named
# for the old state covers the new ones too (the Andhra Pradesh circle still serves Telangana).
_CIRCLE_STATES: dict[str, tuple[str, ...]] = {
    "andhrapradesh": ("ANDHRA PRADESH", "TELANGANA"),
    "bihar": ("BIHAR", "JHARKHAND"),
    "madhyapradesh": ("MADHYA PRADESH", "CHHATTISGARH"),
    "uttarpradesh": ("UTTAR PRADESH", "UTTARAKHAND"),
    "jammuandkashmir": ("JAMMU AND KASHMIR", "LADAKH"),
    "mumbai": ("MAHARASHTRA",),
    "newdelhi": ("DELHI",),
    "goa": ("GOA",),
    "andamanislands": ("ANDAMAN AND NICOBAR ISLANDS",),
    "nicobarislands": ("ANDAMAN AND NICOBAR ISLANDS",),
}
_EXCHANGE_SUFFIX = re.compile(r"\s+(?:local|central|city|rural|town)$", re.IGNORECASE)


class EvidenceSource(StrEnum):
    """Where a piece of location evidence comes from."""

    ADDRESS_PINCODE = "address_pincode"
    ADDRESS_TEXT = "address_text"
    PLATFORM_ESTIMATE = "platform_estimate"
    GEOIP = "geoip"
    PHONE = "phone"


@dataclass(frozen=True, slots=True)
class Sighting:
    """One reading in one report and the place it points to."""

    source: EvidenceSource
    value: str
    state: str
    district: str | None
    police_station: str | None
    confidence: float
    basis: str
    report_id: str
    at: datetime | None = None  # the reading's own instant (an IP event's), if it has one

    @property
    def key(self) -> tuple[str, str, str, str | None, str | None]:
        """What makes two sightings the same evidence (merged over reports)."""
        return (self.source.value, self.value, self.state, self.district, self.police_station)


class Notes:
    """What was read but not used, and why; the same note from many reports is said once."""

    def __init__(self) -> None:
        self._reports: dict[str, set[str]] = {}

    def add(self, text: str, report_id: str | None = None) -> None:
        """Record a note (with the report it came from, when there is one)."""
        reports = self._reports.setdefault(text, set())
        if report_id:
            reports.add(report_id)

    def render(self) -> list[str]:
        """The notes with their reports, in an order that does not depend on the order accounts
        were read in: by first report, then those about the whole run (no report) as added."""
        placed = sorted((min(r), text, sorted(r)) for text, r in self._reports.items() if r)
        rendered = []
        for _first, text, reports in placed:
            which = "report" if len(reports) == 1 else "reports"
            rendered.append(f"{text} ({which} {', '.join(reports)})")
        return rendered + [text for text, reports in self._reports.items() if not reports]


def sightings(
    accounts: Sequence[AccountView],
    *,
    geoip: GeoIpDatabase | None,
    stations: StationMap | None,
    notes: Notes,
) -> list[Sighting]:
    """Every location reading of the accounts (see the module docstring)."""
    found: list[Sighting] = []
    for account in accounts:
        for address in account.addresses:
            found += _address(address, stations, notes)
        found += _estimate(account, notes)
        for event in account.ip_events:
            found += _ip_event(event, account.report_id, geoip, notes)
        for kind, _raw, value in account.identifiers:
            if kind == "phone" and value:
                found += _phone(value, account.report_id, notes)
    return found


def _address(address: AddressView, stations: StationMap | None, notes: Notes) -> list[Sighting]:
    report = address.report_id
    if address.country and fold(address.country) not in _INDIA:
        notes.add(f"an address in {address.country.strip()} is outside India", report)
        return []
    found = _pincode(address, notes)
    text = _address_text(address)
    if found and text and text.state == found.state:
        # One address read twice: its pincode is the finer reading. A city naming another
        # district of the state is usually a metro written for its suburb; it is said, not counted.
        if text.district and found.district and text.district != found.district:
            notes.add(
                f"the address with pincode {found.value} names {text.value} ({text.district}); "
                f"its pincode, in {found.district}, was used",
                report,
            )
        text = None
    readings = [reading for reading in (found, text) if reading]
    return [_with_station(r, address, stations, notes) for r in readings]


def _pincode(address: AddressView, notes: Notes) -> Sighting | None:
    match = _PINCODE.match(address.postal_code or "")
    if not match:
        return None
    code = match.group(1) + match.group(2)
    place = pincode_place(code)
    if place is None:
        notes.add(f"pincode {code} is not known to indian-pincode", address.report_id)
        return None
    source, report = EvidenceSource.ADDRESS_PINCODE, address.report_id
    if len(place.districts) == 1:
        district = place.districts[0]
        basis = f"pincode {code} in a reported address → {district}, {place.state}"
        return Sighting(source, code, place.state, district, None, PINCODE_DISTRICT, basis, report)
    spans = " and ".join(place.districts)
    named = district_named(place.state, address.city)
    if named and named.district in place.districts:
        basis = (
            f"pincode {code} ({spans}) with city {address.city} → {named.district}, {place.state}"
        )
        return Sighting(
            source, code, place.state, named.district, None, PINCODE_AND_CITY, basis, report
        )
    basis = f"pincode {code} in a reported address serves {spans}, {place.state}"
    return Sighting(source, code, place.state, None, None, PINCODE_STATE, basis, report)


def _address_text(address: AddressView) -> Sighting | None:
    source, report = EvidenceSource.ADDRESS_TEXT, address.report_id
    written = ", ".join(
        part.strip() for part in (address.city, address.state) if part and part.strip()
    )
    state = state_named(address.state)
    if state:
        named = district_named(state, address.city)
        if named:
            basis = f"reported address {written} → {named.district}{_how(named)}, {state}"
            return Sighting(
                source, written, state, named.district, None, ADDRESS_CITY, basis, report
            )
        basis = f"reported address {written} → {state}"
        return Sighting(source, written, state, None, None, ADDRESS_STATE, basis, report)
    named = place_named(address.city)
    if named:
        basis = f"reported address {written} → {named.district}{_how(named)}, {named.state}"
        return Sighting(
            source, written, named.state, named.district, None, ADDRESS_CITY_ALONE, basis, report
        )
    state = state_named(address.city)
    if state:
        basis = f"reported address {written} → {state}"
        return Sighting(source, written, state, None, None, ADDRESS_STATE, basis, report)
    return None


def _with_station(
    sighting: Sighting, address: AddressView, stations: StationMap | None, notes: Notes
) -> Sighting:
    if stations is None or sighting.district is None:
        return sighting
    pincode = sighting.value if sighting.source is EvidenceSource.ADDRESS_PINCODE else None
    matches = stations.find(
        state=sighting.state,
        district=sighting.district,
        pincode=pincode,
        texts=[text for text in (address.street, address.city) if text],
    )
    where = f"pincode {pincode}" if pincode else f"the address in {sighting.district}"
    if not matches:
        covered = " and ".join(sorted(stations.states)) or "no state"
        notes.add(
            f"police station: {where} is not in the station mapping {stations.name} "
            f"(it covers {covered})",
            sighting.report_id,
        )
        return sighting
    if len(matches) > 1:
        names = " and ".join(m.police_station for m in matches)
        notes.add(
            f"police station: {where} names localities of {names} ({stations.name}); not decided",
            sighting.report_id,
        )
        return sighting
    match = matches[0]
    return Sighting(
        sighting.source,
        sighting.value,
        sighting.state,
        sighting.district,
        match.police_station,
        sighting.confidence,
        f"{sighting.basis}; {match.police_station} police station ({match.basis})",
        sighting.report_id,
        sighting.at,
    )


def _estimate(account: AccountView, notes: Notes) -> list[Sighting]:
    location = account.estimated_location
    city, region = _text(location.get("city")), _text(location.get("region"))
    country = _text(location.get("countryCode"))
    report, source = account.report_id, EvidenceSource.PLATFORM_ESTIMATE
    if country and fold(country) not in _INDIA:
        notes.add(f"the platform estimates a location in {country}, outside India", report)
        return []
    value = ", ".join(part for part in (city, region, country) if part)
    state = state_named(region)
    named = district_named(state, city) if state else place_named(city)
    if named:
        basis = (
            f"platform's estimated location {value} → {named.district}{_how(named)}, {named.state}"
        )
        return [Sighting(source, value, named.state, named.district, None, ESTIMATE, basis, report)]
    point = _coordinates(location)
    if point is not None:
        office = nearest_office(point[0], point[1], COORDINATE_RADIUS_KM)
        if office is not None and (state is None or office.state == state):
            value = f"{point[0]:.4f}, {point[1]:.4f}"
            basis = (
                f"platform's location {value} → nearest post office {office.office} "
                f"({office.distance_km:.1f} km), {office.district}, {office.state}"
            )
            return [
                Sighting(
                    source, value, office.state, office.district, None, ESTIMATE, basis, report
                )
            ]
    if state:
        basis = f"platform's estimated location {value} → {state}"
        return [Sighting(source, value, state, None, None, ESTIMATE, basis, report)]
    return []


def _ip_event(
    event: IpEventView, report: str, geoip: GeoIpDatabase | None, notes: Notes
) -> list[Sighting]:
    scope = address_scope(event.address)
    if not scope.public:
        notes.add(f"IP {scope.address} is {scope.why}: never geolocated", report)
        return []
    if event.possible_proxy:
        notes.add(f"IP {scope.address}: the platform flags a possible proxy", report)
        return []
    if geoip is None:
        notes.add(
            "IP addresses not geolocated: no GeoIP database is configured (SURAKSHA_GEOIP_DB)"
        )
        return []
    record = geoip.lookup(scope.address)
    if record is None:
        notes.add(f"IP {scope.address} is not in the GeoIP database", report)
        return []
    if record.anonymiser:
        notes.add(
            f"IP {scope.address} is {record.anonymiser}: its location is the server's", report
        )
        return []
    if (record.country_code or "").upper() != "IN":
        where = record.country_code or "no country"
        notes.add(f"IP {scope.address} geolocates to {where}, outside India", report)
        return []
    state = state_named(record.subdivision_code) or state_named(record.subdivision)
    if state is None:
        notes.add(f"IP {scope.address} geolocates to India without a state", report)
        return []
    return [_geoip_sighting(record, state, report, event.at)]


def _geoip_sighting(record: GeoIpRecord, state: str, report: str, at: datetime | None) -> Sighting:
    source, address = EvidenceSource.GEOIP, record.address
    place = ", ".join(p for p in (record.city, record.subdivision or record.subdivision_code) if p)
    if record.mobile:
        basis = (
            f"GeoIP {address} → {place} on a mobile network ({record.mobile}): the operator's "
            f"gateway, not the subscriber's home; state {state} only"
        )
        return Sighting(source, address, state, None, None, GEOIP_MOBILE, basis, report, at)
    accuracy = record.accuracy_km
    precise = accuracy is None or accuracy <= GEOIP_DISTRICT_ACCURACY_KM
    named = district_named(state, record.city) if precise else None
    if named is None and accuracy is not None and accuracy <= COORDINATE_RADIUS_KM:
        named = _near(record, state)
    radius = f"; accuracy {accuracy} km" if accuracy is not None else ""
    if named:
        basis = f"GeoIP {address} → {place}, fixed line{radius} → {named.district}{_how(named)}"
        return Sighting(
            source, address, state, named.district, None, GEOIP_DISTRICT, basis, report, at
        )
    basis = f"GeoIP {address} → {place or state}, fixed line{radius} → {state}"
    return Sighting(source, address, state, None, None, GEOIP_STATE, basis, report, at)


def _near(record: GeoIpRecord, state: str) -> NamedDistrict | None:
    """The district of the post office nearest a precise GeoIP point, when in the same state."""
    if record.latitude is None or record.longitude is None:
        return None
    office = nearest_office(record.latitude, record.longitude, COORDINATE_RADIUS_KM)
    if office is None or office.state != state:
        return None
    return NamedDistrict(state, office.district, f"post office {office.office}")


def _phone(value: str, report: str, notes: Notes) -> list[Sighting]:
    try:
        number = phonenumbers.parse(value, "IN")
    except phonenumbers.NumberParseException:
        return []
    if number.country_code != 91:
        return []
    kind = phonenumbers.number_type(number)
    if kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
        notes.add(
            "mobile numbers not used: a mobile number carries no location (numbers are ported "
            "between circles and travel with their owners)"
            if kind == PhoneNumberType.MOBILE
            else f"phone {value} not used: its series is shared by landlines and mobiles",
            report,
        )
        return []
    if kind != PhoneNumberType.FIXED_LINE:
        return []  # toll-free, premium, shared-cost, …: a service, not a place
    # Imported here: the geocoder loads its whole data set (0.7 s), which only this needs.
    from phonenumbers import geocoder

    described = geocoder.description_for_number(number, "en")
    area, _, circle = described.rpartition(", ")
    where = f"{area} exchange, {circle} telecom circle" if area else f"{circle} telecom circle"
    states = _CIRCLE_STATES.get(fold(circle)) or tuple(filter(None, [state_named(circle)]))
    if len(states) > 1:
        exchange = _EXCHANGE_SUFFIX.sub("", area or circle)
        named = {n.state for s in states if (n := district_named(s, exchange))}
        states = tuple(named) if len(named) == 1 else states
    national = phonenumbers.national_significant_number(number)
    std = "0" + national[: phonenumbers.length_of_geographical_area_code(number)]
    if len(states) != 1:
        notes.add(
            f"landline {value} (STD code {std}, {where}): the circle spans several states", report
        )
        return []
    state = states[0]
    basis = (
        f"landline {value}: STD code {std} ({where}) → {state}; a landline may "
        "be an office's or a relative's, so state only"
    )
    return [Sighting(EvidenceSource.PHONE, value, state, None, None, PHONE_LANDLINE, basis, report)]


def _how(named: NamedDistrict) -> str:
    return "" if named.how == "district name" else f" ({named.how})"


def _text(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _coordinates(location: dict[str, Any]) -> tuple[float, float] | None:
    try:
        latitude = float(location["latitude"])
        longitude = float(location["longitude"])
    except (KeyError, TypeError, ValueError):
        return None
    if -90 <= latitude <= 90 and -180 <= longitude <= 180:
        return latitude, longitude
    return None
