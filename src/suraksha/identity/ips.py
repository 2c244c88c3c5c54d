"""IP addresses and IP capture events: which addresses can name a subscriber, and when two events link.

An IP address is evidence about a *line*, not a person, and how much it says depends on where the
address sits. A home broadband address belongs to one household at a time; a mobile operator's
public address under carrier-grade NAT is shared by thousands of subscribers at the same second,
told apart only by the translated source port. So every address is first classified:

    text ──parse_address──► address ──classify(pools)──► AddressClass
                                          PUBLIC        one line (broadband, a mobile IPv6 /64)
                                          CGNAT         RFC 6598 shared space 100.64.0.0/10     shared
                                          CARRIER_POOL  a configured public CGNAT pool          shared
                                          PRIVATE · LOOPBACK · LINK_LOCAL · DOCUMENTATION ·
                                          RESERVED      never names anyone outside its network

and then two capture events link only under `events_link`:

    public address   same IPv4 address (IPv6: same /64), exact instants at most `tolerance` apart,
                     and not two different known source ports
    shared address   same address AND same source port, exact instants at most `tolerance` apart
    anything else    never: no exact instant, a shared address without a port, a private or
                     reserved address, or two addresses that differ

An instant is *exact* when it is known to the second or better (`EXACT`); NCMEC and the platforms give
capture times to the second, so the default tolerance is one second: two systems that truncate their
clocks to the second write instants under a second apart as equal or one second apart, and a carrier
keeps a NAT port mapping for far longer than that, so nothing wider is needed and nothing narrower is
safe. `link_events` applies the rule to a whole set of events by blocking on the address key, and
guards against keys held by too many accounts (see `docs/identity.md`).
"""

from __future__ import annotations

import bisect
import hashlib
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from pathlib import Path

from suraksha.errors import UserInputError

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

EXACT = timedelta(seconds=1)
DEFAULT_TOLERANCE = timedelta(seconds=1)

RULE_PUBLIC = "same_ip_event"
RULE_SHARED = "same_ip_port_event"


class AddressClass(StrEnum):
    """Where an address sits, which decides whether and how it can link two events."""

    PUBLIC = "public"
    CGNAT = "cgnat"  # RFC 6598 shared address space, inside a carrier's NAT
    CARRIER_POOL = "carrier_pool"  # a public address a mobile operator's CGNAT translates to
    PRIVATE = "private"  # RFC 1918, RFC 4193: reused in every home and office
    LOOPBACK = "loopback"
    LINK_LOCAL = "link_local"
    DOCUMENTATION = "documentation"  # RFC 5737, RFC 3849, RFC 9637: examples, never real traffic
    RESERVED = "reserved"  # multicast, benchmarking, future use, translation prefixes, ...

    @property
    def linkable(self) -> bool:
        """True when an address of this class names a line on the Internet at a given instant."""
        return self is AddressClass.PUBLIC or self.shared

    @property
    def shared(self) -> bool:
        """True when many subscribers use the address at once, so only address + port attributes."""
        return self is AddressClass.CGNAT or self is AddressClass.CARRIER_POOL


def _table(*rows: tuple[str, AddressClass]) -> tuple[tuple[IPNetwork, AddressClass], ...]:
    return tuple((ip_network(cidr), cls) for cidr, cls in rows)


# Special-purpose ranges (IANA special-purpose registries), written out rather than read from the
# `ipaddress` flags, whose meaning has changed between Python releases.
_SPECIAL_V4 = _table(
    ("0.0.0.0/8", AddressClass.RESERVED),  # "this network" (RFC 791)
    ("10.0.0.0/8", AddressClass.PRIVATE),  # RFC 1918
    ("100.64.0.0/10", AddressClass.CGNAT),  # RFC 6598 shared address space
    ("127.0.0.0/8", AddressClass.LOOPBACK),
    ("169.254.0.0/16", AddressClass.LINK_LOCAL),  # RFC 3927
    ("172.16.0.0/12", AddressClass.PRIVATE),  # RFC 1918
    ("192.0.0.0/24", AddressClass.RESERVED),  # IETF protocol assignments (RFC 6890)
    ("192.0.2.0/24", AddressClass.DOCUMENTATION),  # TEST-NET-1 (RFC 5737)
    ("192.88.99.0/24", AddressClass.RESERVED),  # 6to4 relay anycast, deprecated (RFC 7526)
    ("192.168.0.0/16", AddressClass.PRIVATE),  # RFC 1918
    ("198.18.0.0/15", AddressClass.RESERVED),  # benchmarking (RFC 2544)
    ("198.51.100.0/24", AddressClass.DOCUMENTATION),  # TEST-NET-2
    ("203.0.113.0/24", AddressClass.DOCUMENTATION),  # TEST-NET-3
    ("224.0.0.0/4", AddressClass.RESERVED),  # multicast
    ("240.0.0.0/4", AddressClass.RESERVED),  # future use, and the limited broadcast address
)
_SPECIAL_V6 = _table(
    ("::/128", AddressClass.RESERVED),  # unspecified
    ("::1/128", AddressClass.LOOPBACK),
    ("64:ff9b::/96", AddressClass.RESERVED),  # NAT64 (RFC 6052): names the translator, not a user
    ("64:ff9b:1::/48", AddressClass.RESERVED),  # local-use NAT64 (RFC 8215)
    ("100::/64", AddressClass.RESERVED),  # discard-only (RFC 6666)
    # Teredo (RFC 4380): the /64 is the relay server's, shared by all of its clients.
    ("2001::/32", AddressClass.RESERVED),
    ("2001:2::/48", AddressClass.RESERVED),  # benchmarking (RFC 5180)
    ("2001:db8::/32", AddressClass.DOCUMENTATION),  # RFC 3849
    ("3fff::/20", AddressClass.DOCUMENTATION),  # RFC 9637
    ("fc00::/7", AddressClass.PRIVATE),  # unique local addresses (RFC 4193)
    ("fe80::/10", AddressClass.LINK_LOCAL),
    ("ff00::/8", AddressClass.RESERVED),  # multicast
)
_GLOBAL_UNICAST_V6 = IPv6Network("2000::/3")
_MAPPED_V4 = IPv6Network("::ffff:0:0/96")

_ZERO_PADDED_V4 = re.compile(r"\d{1,3}(\.\d{1,3}){3}")
_WITH_PORT_V4 = re.compile(r"(?P<host>[\d.]+):(?P<port>\d{1,5})")
_WITH_PORT_V6 = re.compile(r"\[(?P<host>[0-9A-Fa-f:.%\w]+)\](?::(?P<port>\d{1,5}))?")


def parse_address(text: str) -> IPAddress | None:
    """The address an IP capture names, or None when the text is not an IP address.

    Accepted as reported: surrounding space, `[v6]` brackets, a zone suffix (`fe80::1%wlan0`), and
    zero-padded IPv4 octets (`049.036.001.002`, read as decimal as loggers write them, never as
    octal). An IPv4-mapped IPv6 address (`::ffff:49.36.1.2`) is the IPv4 address it maps, since the
    platform saw an IPv4 client through a dual-stack socket.
    """
    host, _port = _split(text)
    return host


def parse_endpoint(text: str) -> tuple[IPAddress | None, int | None]:
    """(address, port) from text that may carry a port (`49.36.1.2:51234`, `[2409:40f4::1]:443`)."""
    return _split(text)


# A resolution parses and classifies every capture (and the probabilistic layer every account's
# lines), yet home lines and carrier-pool addresses recur on thousands of captures: parse and
# classify each text once. Pure functions of hashable values (CarrierPools hashes its ranges);
# bounded.
@lru_cache(maxsize=200_000)
def _split(text: str) -> tuple[IPAddress | None, int | None]:
    value = text.strip()
    port: int | None = None
    if (v6 := _WITH_PORT_V6.fullmatch(value)) is not None:
        value = v6["host"]
        port = int(v6["port"]) if v6["port"] else None
    elif (v4 := _WITH_PORT_V4.fullmatch(value)) is not None:
        value = v4["host"]
        port = int(v4["port"])
    value = value.split("%", 1)[0]
    if _ZERO_PADDED_V4.fullmatch(value):
        octets = [int(part) for part in value.split(".")]
        if any(octet > 255 for octet in octets):
            return None, None
        value = ".".join(str(octet) for octet in octets)
    try:
        address = ip_address(value)
    except ValueError:
        return None, None
    if isinstance(address, IPv6Address) and address in _MAPPED_V4:
        mapped = address.ipv4_mapped
        assert mapped is not None  # inside ::ffff:0:0/96
        address = mapped
    if port is not None and port > 65535:
        port = None
    return address, port


def clean_address(text: str) -> str | None:
    """The canonical text of an address (IPv6 compressed, lower case), or None when unparsable."""
    address = parse_address(text)
    return None if address is None else str(address)


def prefix64(address: IPv6Address) -> IPv6Network:
    """The /64 an IPv6 address belongs to: a subscriber's prefix, whatever privacy suffix it chose.

    Mobile and broadband networks give each subscriber at least a /64; devices pick new interface
    identifiers within it every day (RFC 8981), so two addresses of one line differ after the /64.
    """
    return IPv6Network((int(address) >> 64 << 64, 64))


@dataclass(frozen=True, slots=True)
class CarrierPools:
    """Public address ranges that mobile operators' carrier-grade NAT translates to, by operator.

    Configured, never guessed: a unit lists the pools its operators publish or confirm (for
    example in `$SURAKSHA_HOME/carrier-pools.toml`). An address inside one is shared by many
    subscribers at once, so it links events only with the same source port.
    """

    ranges: tuple[tuple[IPNetwork, str], ...] = ()
    _starts: dict[int, list[int]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    _sorted: dict[int, list[tuple[IPNetwork, str]]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    # Address texts already worked out against these pools (`make_event`).
    _addresses: dict[str, AddressReading | None] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        # Ranges sorted by first address per IP version, so a lookup is a bisection.
        for version in (4, 6):
            rows = sorted(
                (r for r in self.ranges if r[0].version == version),
                key=lambda r: (int(r[0].network_address), -r[0].prefixlen),
            )
            self._sorted[version] = rows
            self._starts[version] = [int(r[0].network_address) for r in rows]

    @classmethod
    def from_mapping(cls, pools: Mapping[str, Iterable[str]]) -> CarrierPools:
        """Pools from operator name → CIDR texts; a malformed range is a UserInputError naming it."""
        ranges: list[tuple[IPNetwork, str]] = []
        for name, cidrs in sorted(pools.items()):
            if isinstance(cidrs, str) or not isinstance(cidrs, Iterable):
                raise UserInputError(
                    f"Carrier pool {name!r} must be a list of CIDR ranges, "
                    f'like {name} = ["49.36.0.0/16"].'
                )
            for cidr in cidrs:
                try:
                    network = ip_network(str(cidr).strip(), strict=False)
                except ValueError as err:
                    raise UserInputError(
                        f"Carrier pool {name!r}: {cidr!r} is not a CIDR range ({err}). "
                        'Write ranges like "49.36.0.0/16" or "2409:4000::/22".'
                    ) from err
                ranges.append((network, name))
        ordered = sorted(
            ranges, key=lambda r: (r[0].version, int(r[0].network_address), r[0].prefixlen, r[1])
        )
        return cls(tuple(ordered))

    @classmethod
    def load(cls, path: Path) -> CarrierPools:
        """Pools from a TOML file with one table `[pools]` of operator = ["CIDR", ...]."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as err:
            raise UserInputError(
                f"Cannot read the carrier pools file {path}: {err.strerror or err}."
            ) from err
        except tomllib.TOMLDecodeError as err:
            raise UserInputError(
                f"The carrier pools file {path} is not valid TOML: {err}."
            ) from err
        pools = data.get("pools")
        if not isinstance(pools, dict):
            raise UserInputError(
                f"The carrier pools file {path} needs a [pools] table, "
                'for example:\n[pools]\njio = ["49.36.0.0/16"]'
            )
        return cls.from_mapping(pools)

    def pool_of(self, address: IPAddress) -> str | None:
        """The operator whose pool holds the address, or None."""
        rows = self._sorted.get(address.version, [])
        number = int(address)
        index = bisect.bisect_right(self._starts.get(address.version, []), number)
        # Ranges may nest or overlap; walk back over every range that starts at or before.
        for network, name in reversed(rows[:index]):
            if address in network:
                return name
        return None

    @property
    def digest(self) -> str:
        """A short digest of the ranges, so a resolution can tell whether its pools changed."""
        text = "\n".join(f"{network} {name}" for network, name in self.ranges)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


NO_POOLS = CarrierPools()


@lru_cache(maxsize=200_000)
def classify(address: IPAddress, pools: CarrierPools = NO_POOLS) -> AddressClass:
    """The class of an address: special-purpose ranges first, then configured carrier pools."""
    table = _SPECIAL_V4 if isinstance(address, IPv4Address) else _SPECIAL_V6
    for network, cls in table:
        if address in network:
            return cls
    if isinstance(address, IPv6Address) and address not in _GLOBAL_UNICAST_V6:
        return AddressClass.RESERVED  # outside 2000::/3 nothing is allocated for unicast
    if pools.pool_of(address) is not None:
        return AddressClass.CARRIER_POOL
    return AddressClass.PUBLIC


_TIME = re.compile(r"[T ]\d{1,2}:\d{2}(?P<seconds>:\d{2}(?:[.,](?P<fraction>\d+))?)?")


def time_precision(text: str | None) -> timedelta | None:
    """How precisely an instant's original text places it: 1 s for `...T10:22:05Z`, 1 ms for
    `...T10:22:05.123Z`, 60 s for `...T10:22Z`, one day for a date (or a date and an hour) alone;
    None when unknown.

    Read from the text as reported (the parsed instant cannot say whether `:00` seconds were
    written or assumed). An instant is exact, and can link, only at `EXACT` or finer.
    """
    if not text:
        return None
    match = _TIME.search(text)
    if match is None:
        return timedelta(days=1) if re.search(r"\d{4}-\d{2}-\d{2}", text) else None
    if match["fraction"]:
        digits = min(len(match["fraction"]), 6)
        return timedelta(microseconds=10 ** (6 - digits))
    if match["seconds"]:
        return EXACT
    return timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class IpEvent:
    """One IP capture: the address, the source port, the UTC instant and how precise it is.

    `flagged_shared` marks an address known to be shared although its class does not say so: the
    platform flagged a possible proxy (a VPN exit), or the address was seen on so many accounts
    that it must be a NAT nobody configured. `text` is the address as text and `line` what names
    its line when it is not shared (the IPv4 address, or the IPv6 /64): written once per address
    text by `make_event`, since captures repeat their addresses by the tens of thousands.
    """

    address: IPAddress
    port: int | None
    at: datetime | None
    precision: timedelta | None
    address_class: AddressClass
    text: str
    line: str
    flagged_shared: bool = False

    @property
    def shared(self) -> bool:
        """True when only address + port + instant can attribute this event."""
        return self.flagged_shared or self.address_class.shared

    @property
    def exact(self) -> bool:
        """True when the instant is known and known to the second or better."""
        return self.at is not None and self.precision is not None and self.precision <= EXACT

    @property
    def key(self) -> str:
        """The blocking key two linkable events share: address and port when shared, else line."""
        return f"{self.text} port {self.port}" if self.shared else self.line

    def flagged(self) -> IpEvent:
        """The same event with its address known to be shared (`flagged_shared`).

        Built field by field: a full resolution flags a million captures on busy lines, and
        `dataclasses.replace` costs several times a direct construction."""
        return IpEvent(
            self.address,
            self.port,
            self.at,
            self.precision,
            self.address_class,
            self.text,
            self.line,
            flagged_shared=True,
        )


def line_of(address: IPAddress) -> str:
    """The line of an address: the IPv4 address, or the IPv6 /64, as text."""
    if isinstance(address, IPv6Address):
        return str(prefix64(address))
    return str(address)


def capture_line(address: str, port: int | None) -> tuple[str | None, int | None]:
    """The line a capture's address names (`line_of`) and its source port: the port reported
    apart, else one written into the address text (as `make_event` takes it); no line when the
    text names no address. Intake stores both beside each capture, indexed, so that the linker
    finds the captures of a block (a line, or a line and port) without reading the others
    (identity/ip_blocks.py)."""
    parsed, embedded = parse_endpoint(address)
    if parsed is None:
        return None, port
    return line_of(parsed), port if port is not None else embedded


@dataclass(frozen=True, slots=True)
class AddressReading:
    """An address text worked out: the address, a port written into the text, its class, and
    the address and its line as text."""

    address: IPAddress
    embedded_port: int | None
    address_class: AddressClass
    text: str
    line: str


_ADDRESS_CACHE = 200_000  # distinct address texts kept per carrier-pool configuration


def read_address(text: str, pools: CarrierPools = NO_POOLS) -> AddressReading | None:
    """What a capture's address text says, or None when it names no address; worked out once per
    text and pools (the class depends on them), kept on the pools object and keyed by the text,
    whose hash Python caches (an address object's is computed in Python on every lookup)."""
    cache = pools._addresses
    if text in cache:
        return cache[text]
    parsed, embedded = parse_endpoint(text)
    found = (
        None
        if parsed is None
        else AddressReading(parsed, embedded, classify(parsed, pools), str(parsed), line_of(parsed))
    )
    if len(cache) >= _ADDRESS_CACHE:
        cache.clear()
    cache[text] = found
    return found


def make_event(
    address: str,
    port: int | None,
    at: datetime | None,
    at_text: str | None,
    *,
    pools: CarrierPools = NO_POOLS,
    flagged_shared: bool = False,
) -> IpEvent | None:
    """An `IpEvent` from a capture as intake stores it, or None when the address is unparsable.

    A port written into the address text (`49.36.1.2:51234`) is used when no port was given apart.
    """
    found = read_address(address, pools)
    if found is None:
        return None
    return IpEvent(
        address=found.address,
        port=port if port is not None else found.embedded_port,
        at=at,
        precision=time_precision(at_text) if at_text is not None else None,
        address_class=found.address_class,
        text=found.text,
        line=found.line,
        flagged_shared=flagged_shared,
    )


@dataclass(frozen=True, slots=True)
class LinkReason:
    """Why two IP events name the same line at the same moment."""

    rule: str  # RULE_PUBLIC or RULE_SHARED
    key: str  # the line (and port) both events used
    difference: timedelta  # between the two instants
    note: str


def events_link(
    a: IpEvent, b: IpEvent, tolerance: timedelta = DEFAULT_TOLERANCE
) -> LinkReason | None:
    """The reason two events link, or None; symmetric in `a` and `b`.

    Never without exact instants on both; a shared address (CGNAT, a carrier pool, a flagged
    proxy) never without the same source port on both; a public address not when both ports are
    known and differ, because two ports at one second is what an unconfigured NAT looks like.
    """
    if tolerance < timedelta(0):
        raise ValueError(f"tolerance must not be negative, not {tolerance}")
    if not (a.address_class.linkable and b.address_class.linkable):
        return None
    if not (a.exact and b.exact):
        return None
    assert a.at is not None and b.at is not None  # exact implies an instant
    difference = abs(a.at - b.at)
    if difference > tolerance:
        return None
    if a.shared or b.shared:
        if a.address != b.address or a.port is None or a.port != b.port:
            return None
        return LinkReason(
            RULE_SHARED,
            f"{a.address} port {a.port}",
            difference,
            f"shared address {a.address} ({_why_shared(a, b)}), same source port {a.port}, "
            f"instants {_seconds(difference)} apart",
        )
    if a.line != b.line:
        return None
    if a.port is not None and b.port is not None and a.port != b.port:
        return None
    return LinkReason(
        RULE_PUBLIC,
        a.line,
        difference,
        f"public address {a.line}, instants {_seconds(difference)} apart",
    )


def _why_shared(a: IpEvent, b: IpEvent) -> str:
    for event in (a, b):
        if event.address_class.shared:
            return event.address_class.value
    return "flagged shared"


def _seconds(difference: timedelta) -> str:
    return f"{difference.total_seconds():g} s"


@dataclass(frozen=True, slots=True)
class EventRef:
    """An event with the account that holds it and an opaque reference back to its source row."""

    account_id: str
    event: IpEvent
    ref: int


@dataclass(frozen=True, slots=True)
class EventLink:
    """Two events of two accounts that satisfy `events_link`."""

    left: EventRef
    right: EventRef
    reason: LinkReason


@dataclass(slots=True)
class EventLinking:
    """What `link_events` found: the linking pairs and the keys it would not use.

    `crowded` lists (key, accounts) for clusters of linking events that span more than the allowed
    number of accounts; `busy_lines` lists (address, accounts) for public addresses seen on so many
    accounts that they were treated as shared (port required).
    """

    links: list[EventLink] = field(default_factory=list)
    crowded: list[tuple[str, int]] = field(default_factory=list)
    busy_lines: list[tuple[str, int]] = field(default_factory=list)
    clusters: list[frozenset[str]] = field(default_factory=list)  # accounts per cluster, all kept


def mark_busy_lines(
    refs: list[EventRef], max_line_accounts: int
) -> tuple[list[EventRef], dict[str, int]]:
    """Flag as shared every event on an address some event flags, or that too many accounts used.

    A VPN exit flagged by one platform is a VPN exit for all of them; a public address used by more
    accounts than `max_line_accounts` is a NAT (an office, a campus, an operator pool nobody
    configured) and must not link on time alone. Returns the events and the busy addresses.
    """
    accounts: dict[str, set[str]] = defaultdict(set)
    flagged: set[str] = set()
    for ref in refs:
        if ref.event.address_class.linkable and not ref.event.address_class.shared:
            accounts[ref.event.line].add(ref.account_id)
        if ref.event.flagged_shared:
            flagged.add(ref.event.text)
    busy = {line: len(ids) for line, ids in accounts.items() if len(ids) > max_line_accounts}
    marked = [
        EventRef(ref.account_id, ref.event.flagged(), ref.ref)
        if not ref.event.shared and (ref.event.line in busy or ref.event.text in flagged)
        else ref
        for ref in refs
    ]
    return marked, busy


def link_events(
    refs: Iterable[EventRef],
    *,
    tolerance: timedelta = DEFAULT_TOLERANCE,
    max_accounts: int,
    max_line_accounts: int,
) -> EventLinking:
    """Every pair of events of different accounts that `events_link` accepts, with the guards.

    Events are blocked on their key (line, plus port when shared) and swept in time order; events
    within `tolerance` of their neighbour form a cluster. A cluster spanning more than
    `max_accounts` accounts (many accounts on one key in one second: a crawler, a relay, a NAT
    nobody configured) links nobody and is reported. Output is sorted, so the same events always
    give the same links.
    """
    marked, busy = mark_busy_lines(list(refs), max_line_accounts)
    result = EventLinking(busy_lines=sorted(busy.items()))
    blocks: dict[str, list[EventRef]] = defaultdict(list)
    for ref in marked:
        event = ref.event
        if not (event.address_class.linkable and event.exact):
            continue
        if event.shared and event.port is None:
            continue
        blocks[event.key].append(ref)
    for key in sorted(blocks):
        if len(blocks[key]) < 2:  # one event links nobody: most lines are one capture's
            continue
        block = sorted(blocks[key], key=lambda r: (r.event.at, r.account_id, r.ref))
        for cluster in _clusters(block, tolerance):
            accounts = frozenset(ref.account_id for ref in cluster)
            if len(accounts) < 2:
                continue
            result.clusters.append(accounts)
            if len(accounts) > max_accounts:
                first = cluster[0].event.at
                assert first is not None
                result.crowded.append((f"{key} at {first.isoformat()}", len(accounts)))
                continue
            for i, left in enumerate(cluster):
                for right in cluster[i + 1 :]:
                    if left.account_id == right.account_id:
                        continue
                    reason = events_link(left.event, right.event, tolerance)
                    if reason is not None:
                        result.links.append(EventLink(left, right, reason))
    return result


def _clusters(block: list[EventRef], tolerance: timedelta) -> list[list[EventRef]]:
    """Split time-sorted events into runs whose neighbours are at most `tolerance` apart."""
    runs: list[list[EventRef]] = []
    for ref in block:
        assert ref.event.at is not None
        previous = runs[-1][-1].event.at if runs else None
        if previous is not None and ref.event.at - previous <= tolerance:
            runs[-1].append(ref)
        else:
            runs.append([ref])
    return runs
