"""Fixtures for routing: a small GeoIP database built in the test with mmdb-writer, and a station
mapping, both synthetic.

The networks are in the style of Indian allocations (a Kerala fixed-line block, a Jio-like mobile
block, …) but every record is made up for the test; nothing is read from a real GeoIP database.
The City database also holds records for private, CGNAT and unique-local ranges, so that a test
can prove those addresses are never looked up (a lookup would find them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from suraksha.intel.geoip import GeoIpDatabase
from suraksha.intel.stations import StationMap, load_stations


def _city(
    subdivision: tuple[str, str] | None,
    city: str | None,
    *,
    country: str = "IN",
    location: tuple[float, float, int] | None = None,
    traits: dict[str, Any] | None = None,
) -> dict[str, Any]:
    record: dict[str, Any] = {"country": {"iso_code": country, "names": {"en": country}}}
    if subdivision:
        code, name = subdivision
        record["subdivisions"] = [{"iso_code": code, "names": {"en": name}}]
    if city:
        record["city"] = {"names": {"en": city}}
    if location:
        latitude, longitude, radius = location
        record["location"] = {
            "latitude": latitude,
            "longitude": longitude,
            "accuracy_radius": radius,
        }
    if traits:
        record["traits"] = traits
    return record


KERALA = ("KL", "Kerala")
TELANGANA = ("TG", "Telangana")

CITY_RECORDS: dict[str, dict[str, Any]] = {
    # Fixed-line broadband: a city, a tight radius.
    "117.211.64.0/18": _city(KERALA, "Thrissur", location=(10.5276, 76.2144, 20)),
    "202.88.224.0/20": _city(KERALA, "Kochi", location=(9.9312, 76.2673, 10)),
    "183.82.0.0/16": _city(TELANGANA, "Hyderabad", location=(17.385, 78.4867, 20)),
    "117.216.0.0/16": _city(KERALA, "Irinjalakuda", location=(10.3424, 76.2117, 10)),
    # No city, but a precise point in Kochi: the nearest post office names the district.
    "117.230.0.0/16": _city(KERALA, None, location=(9.9816, 76.2999, 5)),
    # A city, but a radius too wide to trust it: the state only.
    "61.2.0.0/16": _city(KERALA, "Kochi", location=(10.0, 76.3, 200)),
    # Mobile: the ASN database marks 49.36/16 and 2409:4070::/32 as a mobile operator's; the
    # Connection-Type database marks 106.208/16 as cellular.
    "49.36.0.0/16": _city(KERALA, "Kochi", location=(9.9312, 76.2673, 50)),
    "2409:4070::/32": _city(KERALA, "Kochi", location=(9.9312, 76.2673, 100)),
    "106.208.0.0/16": _city(TELANGANA, "Hyderabad", location=(17.385, 78.4867, 50)),
    # Another state; abroad; a VPN exit.
    "122.174.0.0/16": _city(("TN", "Tamil Nadu"), "Chennai", location=(13.0827, 80.2707, 20)),
    "81.2.69.0/24": _city(None, "London", country="GB"),
    "146.70.117.0/24": _city(None, None, country="NL", traits={"is_anonymous_vpn": True}),
    # Never to be used: a lookup of these would wrongly place the subject in Kerala.
    "10.0.0.0/8": _city(KERALA, "Kochi"),
    "100.64.0.0/10": _city(KERALA, "Kochi"),
    "192.168.0.0/16": _city(KERALA, "Kochi"),
    "fd00::/8": _city(KERALA, "Kochi"),
}
ASN_RECORDS: dict[str, dict[str, Any]] = {
    "49.36.0.0/16": {
        "autonomous_system_number": 55836,
        "autonomous_system_organization": "Synthetic Jio-like Mobile",
    },
    "2409:4070::/32": {
        "autonomous_system_number": 55836,
        "autonomous_system_organization": "Synthetic Jio-like Mobile",
    },
    "117.211.64.0/18": {
        "autonomous_system_number": 9829,
        "autonomous_system_organization": "Synthetic Broadband",
    },
}
CONNECTION_RECORDS: dict[str, dict[str, Any]] = {
    "106.208.0.0/16": {"connection_type": "Cellular"},
    "183.82.0.0/16": {"connection_type": "Cable/DSL"},
}


def write_mmdb(
    path: Path, records: dict[str, dict[str, Any]], *, database_type: str, ip_version: int = 6
) -> Path:
    """A MaxMind DB file holding `records` (network → record), written with mmdb-writer."""
    writer = MMDBWriter(
        ip_version=ip_version,
        ipv4_compatible=ip_version == 6,
        database_type=database_type,
        languages=["en"],
        description="Suraksha test database (synthetic)",
    )
    for network, record in records.items():
        writer.insert_network(IPSet([network]), record)
    writer.to_db_file(str(path))
    return path


@pytest.fixture(scope="session")
def geoip_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(City, ASN, Connection-Type) database files; the last is IPv4-only, as some are."""
    root = tmp_path_factory.mktemp("geoip")
    return (
        write_mmdb(root / "city.mmdb", CITY_RECORDS, database_type="Suraksha-Test-City"),
        write_mmdb(root / "asn.mmdb", ASN_RECORDS, database_type="Suraksha-Test-ASN"),
        write_mmdb(
            root / "connection.mmdb",
            CONNECTION_RECORDS,
            database_type="Suraksha-Test-Connection-Type",
            ip_version=4,
        ),
    )


@pytest.fixture
def geoip(geoip_files: tuple[Path, Path, Path]) -> Iterator[GeoIpDatabase]:
    """The three test databases opened together, as `SURAKSHA_GEOIP_DB=city:asn:connection`."""
    with GeoIpDatabase(geoip_files) as database:
        yield database


STATIONS_CSV = """\
state,district,pincode,locality,police_station
KERALA,ERNAKULAM,682001,,Ernakulam Central
KERALA,ERNAKULAM,682030,,Infopark
KERALA,ERNAKULAM,682030,Kakkanad,Thrikkakara
,,680001,,Thrissur Town East
Kerala,Thrissur,,Irinjalakuda,Irinjalakuda
KERALA,THIRUVANANTHAPURAM,695001,,Thampanoor
"""


@pytest.fixture
def stations_file(tmp_path: Path) -> Path:
    """A synthetic station mapping for a few Kerala pincodes and one locality (station names are
    in the style of real ones, their limits made up)."""
    path = tmp_path / "kerala-stations.csv"
    path.write_text(STATIONS_CSV, encoding="utf-8")
    return path


@pytest.fixture
def stations(stations_file: Path) -> StationMap:
    """The synthetic station mapping, loaded."""
    return load_stations(stations_file)
