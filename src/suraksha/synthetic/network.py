"""The synthetic Internet: mobile carrier-grade NAT pools, home broadband lines, IPv6 and VPN exits.

Indian mobile operators put thousands of subscribers behind each public IPv4 address (CGNAT), so
the corpus gives each operator a handful of public addresses per region and lets many unrelated
persons log in through them, at close times, from different source ports. Only address + port +
exact instant names a subscriber. A broadband line is the opposite: one address per household, no
port needed (and none given). The address blocks are in the style of the operators' real
allocations; every host part is synthetic.

    operator ──► region pool (2 public IPv4s) ──► many persons, each event: (address, port, instant)
    household ──► one broadband IPv4 (shared only by people living together)
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# Mobile operators with their share of subscribers, the /16s their CGNAT gateways use, and an
# IPv6 /32 in the style of their allocations.
OPERATORS: dict[str, tuple[float, tuple[str, ...], str]] = {
    "jio": (0.45, ("49.36", "49.37", "49.43", "157.46", "157.35"), "2409:40"),
    "airtel": (0.33, ("106.205", "106.208", "223.187", "106.196"), "2401:4900"),
    "vi": (0.16, ("42.106", "42.109", "27.97"), "2402:3a80"),
    "bsnl": (0.06, ("117.206", "117.230", "117.216"), "2409:4"),
}

# Fixed-line providers by state, with /16s in the style of their allocations.
_BROADBAND: dict[str, tuple[str, ...]] = {
    "KERALA": ("202.88", "117.211", "103.163", "61.2"),
    "TELANGANA": ("183.82", "49.206", "106.51", "125.62"),
    "TAMIL NADU": ("49.207", "122.174", "117.193"),
    "KARNATAKA": ("49.205", "122.171", "106.51"),
}
_BROADBAND_DEFAULT = ("122.161", "136.232", "59.95", "106.219")

# Commercial VPN exits: many users, anywhere in the world; the ESP flags them as possible proxies.
VPN_EXITS = ("185.156.46.141", "146.70.117.35", "89.187.171.240", "37.19.205.178")

# Public addresses per operator and region: small on purpose, so addresses are shared widely.
_ADDRESSES_PER_POOL = 2
_REGIONS = (
    "KERALA",
    "TELANGANA",
    "TAMIL NADU",
    "KARNATAKA",
    "MAHARASHTRA",
    "DELHI",
    "UTTAR PRADESH",
    "WEST BENGAL",
)


def pick_operator(rng: random.Random) -> str:
    """A mobile operator weighted by subscriber share."""
    names = list(OPERATORS)
    return rng.choices(names, weights=[OPERATORS[n][0] for n in names])[0]


@dataclass(slots=True)
class CgnatPools:
    """Public CGNAT addresses per (operator, region), with busy instants on each address.

    Anchors are moments when an address carries several of the corpus's persons at once: an event
    that falls near one is pulled to within a few minutes of it, which is what makes an address
    plus a rough time useless and the source port essential.
    """

    pools: dict[tuple[str, str], tuple[str, ...]]
    anchors: dict[str, tuple[datetime, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, rng: random.Random, start: datetime, end: datetime) -> CgnatPools:
        """Draw the pools and, for every address, busy instants spread over the corpus span."""
        pools: dict[tuple[str, str], tuple[str, ...]] = {}
        used: set[str] = set()
        for operator, (_, blocks, _) in OPERATORS.items():
            for region in _REGIONS:
                addresses: list[str] = []
                while len(addresses) < _ADDRESSES_PER_POOL:
                    address = f"{rng.choice(blocks)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
                    if address not in used:
                        used.add(address)
                        addresses.append(address)
                pools[(operator, region)] = tuple(addresses)
        span = (end - start).total_seconds()
        anchors: dict[str, tuple[datetime, ...]] = {}
        for key in pools:
            for address in pools[key]:
                moments = sorted(start + timedelta(seconds=rng.uniform(0, span)) for _ in range(14))
                anchors[address] = tuple(moments)
        return cls(pools=pools, anchors=anchors)

    def pool(self, operator: str, state: str) -> tuple[str, ...]:
        """The addresses a subscriber of the operator in the state comes out of."""
        region = state if state in _REGIONS else "MAHARASHTRA"
        return self.pools[(operator, region)]


def cgnat_port(rng: random.Random) -> int:
    """A translated source port from the dynamic range a CGNAT gateway allocates from."""
    return rng.randint(1024, 65535)


def make_broadband(rng: random.Random, state: str, taken: set[str]) -> str:
    """A household's fixed-line public address, unique in the corpus."""
    blocks = _BROADBAND.get(state, _BROADBAND_DEFAULT)
    while True:
        address = f"{rng.choice(blocks)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        if address not in taken:
            taken.add(address)
            return address


def make_ipv6_prefix(rng: random.Random, operator: str) -> str:
    """A subscriber's /64 under the operator's block (four hextets, no trailing colon)."""
    base = OPERATORS[operator][2]
    head = base.split(":")
    while len(head) < 2 or len(head[1]) < 4:
        if len(head) < 2:
            head.append("")
        head[1] += f"{rng.randrange(16):x}"
    return ":".join([*head[:2], f"{rng.randrange(0x10000):x}", f"{rng.randrange(0x10000):x}"])


def ipv6_address(rng: random.Random, prefix: str) -> str:
    """An address in the /64 with a random (privacy) interface identifier."""
    return prefix + ":" + ":".join(f"{rng.randrange(0x10000):x}" for _ in range(4))
