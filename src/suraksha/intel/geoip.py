"""GeoIP: where a MaxMind-format database the unit supplies places a public IP address.

    address ──► address_scope ──► not public (private, CGNAT 100.64/10, link-local, ULA, …): stop
                      │ public
                      ▼
    GeoIpDatabase.lookup ──► GeoIpRecord: country, subdivision, city, coordinates and accuracy,
                             and whether the address belongs to a mobile network or an anonymiser

Suraksha ships no database and never fetches one: the unit supplies its own (MaxMind GeoIP2 or
GeoLite2 City, DB-IP, or any other file in the MaxMind DB format) through `SURAKSHA_GEOIP_DB`.
Several files may be given, separated by the path separator (":" on Linux): a City database
says where, while an ASN, ISP or Connection-Type database says whether the address is a mobile
operator's; their records are merged, the first file winning on a key both carry.

Why mobile matters: Indian mobile operators put thousands of subscribers behind each public IPv4
address (carrier-grade NAT) and route them through a few gateways, so a mobile address geolocates
to a gateway city, often far from the subscriber. `GeoIpRecord.mobile` says so, with the reason.
Addresses that are not public are never looked up: a private or shared (CGNAT) address names no
place at all, and a lookup would only return noise or nothing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import maxminddb
from maxminddb.errors import InvalidDatabaseError

from suraksha.errors import ConfigurationError

# Autonomous systems of Indian mobile networks, whose public IPv4 addresses are CGNAT gateways.
# A unit may meet others: an ISP or Connection-Type database names them without this list.
MOBILE_ASNS: dict[int, str] = {
    55836: "Reliance Jio (mobile)",
    45609: "Bharti Airtel (mobile)",
    38266: "Vodafone Idea (mobile)",
    55410: "Vodafone Idea (mobile)",
}

_RFC1918 = tuple(
    ipaddress.ip_network(net) for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
)
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598: carrier-grade NAT between subscribers
_ULA = ipaddress.ip_network("fc00::/7")  # RFC 4193: unique local IPv6


@dataclass(frozen=True, slots=True)
class AddressScope:
    """Whether an address can be geolocated; `why` says what it is when it cannot."""

    address: str  # canonical text ("::ffff:1.2.3.4" becomes "1.2.3.4")
    public: bool
    why: str  # "public", "private (RFC 1918)", "carrier-grade NAT shared range (100.64/10)", …


@dataclass(frozen=True, slots=True)
class GeoIpRecord:
    """What the database(s) say about one public address. Names are the English ones."""

    address: str
    network: str | None  # the database's network for the address, e.g. "117.211.0.0/16"
    country_code: str | None  # ISO 3166-1 alpha-2
    subdivision_code: str | None  # ISO 3166-2 without the country ("KL")
    subdivision: str | None  # "Kerala"
    city: str | None
    latitude: float | None
    longitude: float | None
    accuracy_km: int | None  # the database's accuracy radius
    mobile: str | None  # why the address is a mobile network's (None: not known to be)
    anonymiser: str | None  # why the location is a server's: VPN, hosting, Tor, proxy
    asn: int | None
    organisation: str | None


def address_scope(text: str) -> AddressScope:
    """Classify an address: only `public` ones are worth a lookup.

    Not public: invalid text, private (10/8, 172.16/12, 192.168/16), carrier-grade NAT shared
    (100.64/10), loopback, link-local (169.254/16, fe80::/10), unique local IPv6 (fc00::/7),
    multicast, and reserved or documentation ranges. An IPv4-mapped IPv6 address is judged as the
    IPv4 address it carries.
    """
    try:
        address = ipaddress.ip_address(text.strip().split("%", 1)[0])
    except ValueError:
        return AddressScope(text.strip(), False, "not an IP address")
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    canonical = str(address)
    if address in _SHARED:
        return AddressScope(canonical, False, "carrier-grade NAT shared range (100.64/10)")
    if isinstance(address, ipaddress.IPv6Address) and address in _ULA:
        return AddressScope(canonical, False, "unique local IPv6 (fc00::/7)")
    if address.is_loopback:
        return AddressScope(canonical, False, "loopback")
    if address.is_link_local:
        return AddressScope(canonical, False, "link-local")
    if address.is_multicast:
        return AddressScope(canonical, False, "multicast")
    if any(address in network for network in _RFC1918):
        return AddressScope(canonical, False, "private (RFC 1918)")
    if address.is_private or not address.is_global:
        return AddressScope(canonical, False, "reserved or documentation range")
    return AddressScope(canonical, True, "public")


class GeoIpDatabase:
    """One or more MaxMind-format database files, opened read-only (memory-mapped) for lookups.

    Opening checks each file and raises ConfigurationError naming the setting when one is missing
    or not a MaxMind database. Use as a context manager, or call `close`.
    """

    def __init__(self, paths: Sequence[Path]) -> None:
        if not paths:
            raise ConfigurationError("SURAKSHA_GEOIP_DB names no database file.")
        self.paths = tuple(paths)
        self._readers: list[maxminddb.Reader] = []
        self._versions: tuple[int, ...] = ()
        try:
            for path in self.paths:
                self._readers.append(_open(path))
        except ConfigurationError:
            self.close()
            raise
        self._versions = tuple(reader.metadata().ip_version for reader in self._readers)

    @property
    def database_types(self) -> tuple[str, ...]:
        """Each file's own `database_type` ("GeoLite2-City", "GeoLite2-ASN", …)."""
        return tuple(reader.metadata().database_type for reader in self._readers)

    def lookup(self, address: str) -> GeoIpRecord | None:
        """The merged record of a public address, or None when it is not public or not found."""
        scope = address_scope(address)
        if not scope.public:
            return None
        merged: dict[str, Any] = {}
        network: str | None = None
        ipv6 = ":" in scope.address
        for reader, version in zip(self._readers, self._versions, strict=True):
            if ipv6 and version == 4:
                continue  # an IPv4-only file (some ASN and ISP files) cannot hold it
            found, prefix = reader.get_with_prefix_len(scope.address)
            if not isinstance(found, dict):
                continue
            if network is None:
                network = str(ipaddress.ip_network(f"{scope.address}/{prefix}", strict=False))
            for key, value in found.items():
                if key == "traits" and isinstance(value, dict):
                    merged["traits"] = {**value, **merged.get("traits", {})}
                else:
                    merged.setdefault(key, value)
        if not merged:
            return None
        return _record(scope.address, network, merged)

    def close(self) -> None:
        """Release the files."""
        for reader in self._readers:
            reader.close()
        self._readers.clear()
        self._versions = ()

    def __enter__(self) -> GeoIpDatabase:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _open(path: Path) -> maxminddb.Reader:
    if not path.is_file():
        raise ConfigurationError(
            f"SURAKSHA_GEOIP_DB names {path}, which is not a file. Point it to the unit's MaxMind "
            "DB file (for example GeoLite2-City.mmdb), or unset it to route without GeoIP."
        )
    try:
        return maxminddb.open_database(str(path))
    except (InvalidDatabaseError, ValueError, OSError) as err:
        raise ConfigurationError(
            f"SURAKSHA_GEOIP_DB names {path}, which is not a MaxMind DB file ({err}). Give a "
            ".mmdb database, or unset the setting to route without GeoIP."
        ) from err


def _record(address: str, network: str | None, data: Mapping[str, Any]) -> GeoIpRecord:
    traits: Mapping[str, Any] = _mapping(data.get("traits"))
    subdivisions = data.get("subdivisions")
    first = _mapping(subdivisions[0]) if isinstance(subdivisions, list) and subdivisions else {}
    location = _mapping(data.get("location"))
    asn = _integer(data.get("autonomous_system_number") or traits.get("autonomous_system_number"))
    organisation = _text(
        data.get("autonomous_system_organization")
        or traits.get("autonomous_system_organization")
        or data.get("isp")
        or traits.get("isp")
    )
    return GeoIpRecord(
        address=address,
        network=network,
        country_code=_text(_mapping(data.get("country")).get("iso_code")),
        subdivision_code=_text(first.get("iso_code")),
        subdivision=_name(first),
        city=_name(_mapping(data.get("city"))),
        latitude=_number(location.get("latitude")),
        longitude=_number(location.get("longitude")),
        accuracy_km=_integer(location.get("accuracy_radius")),
        mobile=_mobile(data, traits, asn),
        anonymiser=_anonymiser(data, traits),
        asn=asn,
        organisation=organisation,
    )


def _mobile(data: Mapping[str, Any], traits: Mapping[str, Any], asn: int | None) -> str | None:
    connection = _text(data.get("connection_type") or traits.get("connection_type"))
    if connection and connection.casefold() == "cellular":
        return "connection type Cellular"
    user_type = _text(traits.get("user_type"))
    if user_type and user_type.casefold() == "cellular":
        return "user type cellular"
    if data.get("mobile_country_code") or traits.get("mobile_country_code"):
        return "a mobile network code"
    if asn in MOBILE_ASNS:
        return f"AS{asn} {MOBILE_ASNS[asn]}"
    return None


_ANONYMISERS = (
    ("is_anonymous_vpn", "a VPN exit"),
    ("is_tor_exit_node", "a Tor exit"),
    ("is_public_proxy", "a public proxy"),
    ("is_residential_proxy", "a residential proxy"),
    ("is_anonymous_proxy", "an anonymous proxy"),
    ("is_hosting_provider", "a hosting provider's server"),
    ("is_anonymous", "an anonymiser"),
)


def _anonymiser(data: Mapping[str, Any], traits: Mapping[str, Any]) -> str | None:
    for key, meaning in _ANONYMISERS:
        if data.get(key) is True or traits.get(key) is True:
            return meaning
    user_type = _text(traits.get("user_type"))
    if user_type in {"hosting", "content_delivery_network"}:
        return "a hosting provider's server"
    return None


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _name(block: Mapping[str, Any]) -> str | None:
    names = _mapping(block.get("names"))
    return _text(names.get("en")) or _text(next(iter(names.values()), None))


def _text(value: object) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _integer(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
