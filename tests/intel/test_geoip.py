"""GeoIP: only public addresses are looked up; records from several databases merge; mobile
networks and anonymisers are recognised; a bad setting is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suraksha.errors import ConfigurationError
from suraksha.intel.geoip import GeoIpDatabase, address_scope
from tests.intel.conftest import CITY_RECORDS, write_mmdb


@pytest.mark.parametrize(
    ("text", "public", "why"),
    [
        ("117.211.70.5", True, "public"),
        ("2409:4070:1234::9", True, "public"),
        (" 49.36.12.7 ", True, "public"),
        ("10.20.30.40", False, "private (RFC 1918)"),
        ("172.20.1.1", False, "private (RFC 1918)"),
        ("192.168.1.10", False, "private (RFC 1918)"),
        ("100.64.0.1", False, "carrier-grade NAT shared range (100.64/10)"),
        ("100.127.255.254", False, "carrier-grade NAT shared range (100.64/10)"),
        ("fd12:3456::1", False, "unique local IPv6 (fc00::/7)"),
        ("fe80::1%eth0", False, "link-local"),
        ("169.254.10.1", False, "link-local"),
        ("127.0.0.1", False, "loopback"),
        ("::1", False, "loopback"),
        ("224.0.0.5", False, "multicast"),
        ("203.0.113.9", False, "reserved or documentation range"),
        ("2001:db8::1", False, "reserved or documentation range"),
        ("::ffff:10.1.2.3", False, "private (RFC 1918)"),
        ("999.1.1.1", False, "not an IP address"),
    ],
)
def test_address_scope(text: str, public: bool, why: str) -> None:
    scope = address_scope(text)
    assert (scope.public, scope.why) == (public, why)


def test_ipv4_mapped_address_is_judged_and_written_as_ipv4() -> None:
    assert address_scope("::ffff:117.211.70.5").address == "117.211.70.5"


@given(st.ip_addresses(network="100.64.0.0/10") | st.ip_addresses(network="10.0.0.0/8"))
def test_no_cgnat_or_private_address_is_ever_public(address: object) -> None:
    assert not address_scope(str(address)).public


def test_city_record_is_read(geoip: GeoIpDatabase) -> None:
    record = geoip.lookup("117.211.70.5")
    assert record is not None
    assert (record.country_code, record.subdivision_code, record.subdivision, record.city) == (
        "IN",
        "KL",
        "Kerala",
        "Thrissur",
    )
    assert (record.latitude, record.longitude, record.accuracy_km) == (10.5276, 76.2144, 20)
    assert record.network == "117.211.64.0/18"
    assert record.mobile is None and record.anonymiser is None
    assert (record.asn, record.organisation) == (9829, "Synthetic Broadband")


def test_mobile_by_asn_and_by_connection_type_from_other_databases(geoip: GeoIpDatabase) -> None:
    jio = geoip.lookup("49.36.200.1")
    cellular = geoip.lookup("106.208.1.1")
    ipv6 = geoip.lookup("2409:4070:aa::1")
    broadband = geoip.lookup("183.82.10.10")
    assert jio is not None and jio.mobile == "AS55836 Reliance Jio (mobile)"
    assert cellular is not None and cellular.mobile == "connection type Cellular"
    assert ipv6 is not None and ipv6.mobile == "AS55836 Reliance Jio (mobile)"
    assert broadband is not None and broadband.mobile is None


def test_anonymiser_and_foreign_records(geoip: GeoIpDatabase) -> None:
    vpn = geoip.lookup("146.70.117.35")
    london = geoip.lookup("81.2.69.160")
    assert vpn is not None and vpn.anonymiser == "a VPN exit"
    assert london is not None and (london.country_code, london.city) == ("GB", "London")


def test_private_and_cgnat_are_never_looked_up_although_the_database_holds_them(
    geoip: GeoIpDatabase,
) -> None:
    assert {"10.0.0.0/8", "100.64.0.0/10", "192.168.0.0/16", "fd00::/8"} <= set(CITY_RECORDS)
    for address in ("10.1.2.3", "100.64.7.7", "192.168.0.5", "fd00::5", "::ffff:10.1.2.3"):
        assert geoip.lookup(address) is None


def test_unknown_address_is_none(geoip: GeoIpDatabase) -> None:
    assert geoip.lookup("8.8.8.8") is None


def test_database_types_and_close(geoip_files: tuple[Path, Path, Path]) -> None:
    database = GeoIpDatabase(geoip_files)
    assert database.database_types == (
        "Suraksha-Test-City",
        "Suraksha-Test-ASN",
        "Suraksha-Test-Connection-Type",
    )
    database.close()
    database.close()  # closing twice is harmless


def test_missing_file_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"SURAKSHA_GEOIP_DB names .*not a file"):
        GeoIpDatabase([tmp_path / "GeoLite2-City.mmdb"])


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    good = write_mmdb(tmp_path / "ok.mmdb", {"1.0.0.0/24": {"x": 1}}, database_type="T")
    bad = tmp_path / "city.csv"
    bad.write_text("network,city\n1.0.0.0/24,Kochi\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"not a MaxMind DB file"):
        GeoIpDatabase([good, bad])


def test_no_paths_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match="SURAKSHA_GEOIP_DB"):
        GeoIpDatabase([])
