"""The IP model: address classes, canonical forms, carrier pools, instants' precision, and the rule
that decides when two IP captures name one line at one moment."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from ipaddress import IPv6Address, ip_address
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suraksha.errors import UserInputError
from suraksha.identity.ips import (
    EXACT,
    NO_POOLS,
    RULE_PUBLIC,
    RULE_SHARED,
    AddressClass,
    CarrierPools,
    EventRef,
    IpEvent,
    classify,
    clean_address,
    events_link,
    link_events,
    make_event,
    parse_endpoint,
    prefix64,
    time_precision,
)

JIO = CarrierPools.from_mapping({"jio": ["49.36.0.0/16", "2409:4000::/22"]})
AT = datetime(2026, 3, 4, 10, 22, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("202.88.1.2", AddressClass.PUBLIC),
        ("10.1.2.3", AddressClass.PRIVATE),
        ("172.31.255.1", AddressClass.PRIVATE),
        ("172.32.0.1", AddressClass.PUBLIC),
        ("192.168.1.10", AddressClass.PRIVATE),
        ("100.64.0.1", AddressClass.CGNAT),
        ("100.127.255.254", AddressClass.CGNAT),
        ("100.128.0.1", AddressClass.PUBLIC),
        ("127.0.0.1", AddressClass.LOOPBACK),
        ("169.254.10.1", AddressClass.LINK_LOCAL),
        ("192.0.2.7", AddressClass.DOCUMENTATION),
        ("198.51.100.7", AddressClass.DOCUMENTATION),
        ("203.0.113.7", AddressClass.DOCUMENTATION),
        ("198.18.0.1", AddressClass.RESERVED),
        ("224.0.0.251", AddressClass.RESERVED),
        ("255.255.255.255", AddressClass.RESERVED),
        ("0.1.2.3", AddressClass.RESERVED),  # "this network"
        ("2409:40f4:1a2b:3c4d::1", AddressClass.PUBLIC),
        ("fd12:3456:789a::1", AddressClass.PRIVATE),
        ("fe80::1", AddressClass.LINK_LOCAL),
        ("::1", AddressClass.LOOPBACK),
        ("::", AddressClass.RESERVED),
        ("2001:db8::1", AddressClass.DOCUMENTATION),
        ("3fff::1", AddressClass.DOCUMENTATION),
        ("2001:0:4136:e378::1", AddressClass.RESERVED),  # Teredo
        ("64:ff9b::c000:201", AddressClass.RESERVED),  # NAT64
        ("ff02::1", AddressClass.RESERVED),
        ("4000::1", AddressClass.RESERVED),  # outside 2000::/3
    ],
)
def test_classify(text: str, expected: AddressClass) -> None:
    assert classify(ip_address(text)) is expected


def test_carrier_pools_make_public_addresses_shared_but_never_reclassify_special_ones() -> None:
    assert classify(ip_address("49.36.200.7"), JIO) is AddressClass.CARRIER_POOL
    assert classify(ip_address("49.37.0.1"), JIO) is AddressClass.PUBLIC
    assert classify(ip_address("2409:40f4::9"), JIO) is AddressClass.CARRIER_POOL
    wide = CarrierPools.from_mapping({"odd": ["0.0.0.0/0"]})
    assert classify(ip_address("10.0.0.1"), wide) is AddressClass.PRIVATE
    assert classify(ip_address("100.64.0.1"), wide) is AddressClass.CGNAT
    assert AddressClass.CARRIER_POOL.shared and AddressClass.CGNAT.shared
    assert not AddressClass.PUBLIC.shared and AddressClass.PUBLIC.linkable
    assert not AddressClass.PRIVATE.linkable


def test_pool_lookup_with_nested_and_overlapping_ranges() -> None:
    pools = CarrierPools.from_mapping(
        {"wide": ["49.0.0.0/8"], "narrow": ["49.36.0.0/16"], "v6": ["2409:4000::/22"]}
    )
    assert pools.pool_of(ip_address("49.36.1.1")) in ("wide", "narrow")
    assert pools.pool_of(ip_address("49.200.1.1")) == "wide"
    assert pools.pool_of(ip_address("50.0.0.1")) is None
    assert pools.pool_of(ip_address("2409:4001::1")) == "v6"
    assert pools.pool_of(ip_address("2409:5000::1")) is None
    assert NO_POOLS.pool_of(ip_address("49.36.1.1")) is None


@pytest.mark.parametrize(
    ("text", "address", "port"),
    [
        (" 49.36.1.2 ", "49.36.1.2", None),
        ("049.036.001.002", "49.36.1.2", None),  # zero-padded octets are decimal, not octal
        ("49.36.1.2:51234", "49.36.1.2", 51234),
        ("[2409:40F4:0000:0001::0001]:443", "2409:40f4:0:1::1", 443),
        ("[2409:40f4::1]", "2409:40f4::1", None),
        ("fe80::1%wlan0", "fe80::1", None),
        ("::ffff:49.36.1.2", "49.36.1.2", None),  # IPv4-mapped: the IPv4 client
        ("1.2.3.4:70000", "1.2.3.4", None),
        ("256.1.1.1", None, None),
        ("not an address", None, None),
        ("", None, None),
    ],
)
def test_parse_endpoint(text: str, address: str | None, port: int | None) -> None:
    parsed, found_port = parse_endpoint(text)
    assert (None if parsed is None else str(parsed), found_port) == (address, port)
    assert clean_address(text) == address


def test_prefix64_ignores_the_privacy_suffix() -> None:
    one = IPv6Address("2409:40f4:1a2b:3c4d:1111:2222:3333:4444")
    two = IPv6Address("2409:40f4:1a2b:3c4d:9999:8888:7777:6666")
    assert prefix64(one) == prefix64(two)
    assert str(prefix64(one)) == "2409:40f4:1a2b:3c4d::/64"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-04T10:22:05Z", EXACT),
        ("2026-03-04T10:22:05-08:00", EXACT),
        ("2026-03-04 15:52:05+05:30", EXACT),
        ("2026-03-04T10:22:05.123Z", timedelta(milliseconds=1)),
        ("2026-03-04T10:22:05.123456789Z", timedelta(microseconds=1)),
        ("2026-03-04T10:22Z", timedelta(minutes=1)),
        ("2026-03-04T10Z", timedelta(days=1)),
        ("2026-03-04", timedelta(days=1)),
        ("04/03/2026 15:52:05 IST", EXACT),
        ("yesterday", None),
        (None, None),
    ],
)
def test_time_precision(text: str | None, expected: timedelta | None) -> None:
    assert time_precision(text) == expected


def test_carrier_pools_file(tmp_path: Path) -> None:
    path = tmp_path / "carrier-pools.toml"
    path.write_text('[pools]\njio = ["49.36.0.0/16"]\nairtel = ["106.205.0.0/16"]\n')
    pools = CarrierPools.load(path)
    assert [(str(network), name) for network, name in pools.ranges] == [
        ("49.36.0.0/16", "jio"),
        ("106.205.0.0/16", "airtel"),
    ]
    assert pools.digest == CarrierPools.load(path).digest != NO_POOLS.digest


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('jio = ["49.36.0.0/16"]\n', r"needs a \[pools\] table"),
        ('[pools]\njio = ["49.36.0.0/33"]\n', r"'jio': '49.36.0.0/33' is not a CIDR range"),
        ('[pools]\njio = "49.36.0.0/16"\n', r"must be a list of CIDR ranges"),
        ("[pools\n", r"not valid TOML"),
    ],
)
def test_carrier_pools_file_errors_say_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "carrier-pools.toml"
    path.write_text(text)
    with pytest.raises(UserInputError, match=message):
        CarrierPools.load(path)


def event(
    address: str,
    port: int | None = None,
    at: datetime | None = AT,
    text: str | None = "2026-03-04T10:22:05Z",
    *,
    pools: CarrierPools = JIO,
    proxy: bool = False,
) -> IpEvent:
    made = make_event(address, port, at, text, pools=pools, flagged_shared=proxy)
    assert made is not None
    return made


SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("a", "b", "rule"),
    [
        # A home line: same address, same second; a port on one side only does not matter.
        (event("202.88.1.2"), event("202.88.1.2"), RULE_PUBLIC),
        (event("202.88.1.2", 50000), event("202.88.1.2"), RULE_PUBLIC),
        (event("202.88.1.2"), event("202.88.1.2", at=AT + SECOND), RULE_PUBLIC),
        (event("202.88.1.2"), event("202.88.1.2", at=AT + 2 * SECOND), None),
        # Two different known ports at one second is what a NAT looks like: not linked.
        (event("202.88.1.2", 50000), event("202.88.1.2", 50001), None),
        (event("202.88.1.2"), event("202.88.1.3"), None),
        # The /64 names an IPv6 line; the privacy suffix changes daily.
        (event("2402:3a80:1:2::aaaa"), event("2402:3a80:1:2::bbbb"), RULE_PUBLIC),
        (event("2402:3a80:1:2::aaaa"), event("2402:3a80:1:3::aaaa"), None),
        # Shared addresses: only with the same port.
        (event("49.36.5.6", 51234), event("49.36.5.6", 51234), RULE_SHARED),
        (event("49.36.5.6", 51234), event("49.36.5.6", 51235), None),
        (event("49.36.5.6", 51234), event("49.36.5.6"), None),
        (event("49.36.5.6"), event("49.36.5.6"), None),
        (event("100.70.1.2", 4000), event("100.70.1.2", 4000), RULE_SHARED),
        (event("100.70.1.2"), event("100.70.1.2"), None),
        (event("185.156.46.141", 9, proxy=True), event("185.156.46.141", 9), RULE_SHARED),
        (event("185.156.46.141", proxy=True), event("185.156.46.141"), None),
        # Never without an exact instant on both.
        (event("202.88.1.2", at=None, text=None), event("202.88.1.2"), None),
        (event("202.88.1.2", text="2026-03-04T10:22Z"), event("202.88.1.2"), None),
        (event("202.88.1.2", text=None), event("202.88.1.2"), None),
        # Never on addresses that name nobody outside their own network.
        (event("192.168.1.10"), event("192.168.1.10"), None),
        (event("fe80::1"), event("fe80::1"), None),
        (event("192.0.2.7"), event("192.0.2.7"), None),
        (event("::ffff:202.88.1.2"), event("202.88.1.2"), RULE_PUBLIC),
    ],
)
def test_events_link(a: IpEvent, b: IpEvent, rule: str | None) -> None:
    found = events_link(a, b)
    assert (None if found is None else found.rule) == rule
    assert events_link(b, a) == found


def test_a_link_says_why() -> None:
    found = events_link(event("49.36.5.6", 51234), event("49.36.5.6", 51234, at=AT + SECOND))
    assert found is not None
    assert found.key == "49.36.5.6 port 51234"
    assert found.difference == SECOND
    assert found.note == (
        "shared address 49.36.5.6 (carrier_pool), same source port 51234, instants 1 s apart"
    )


def test_tolerance_is_configurable_and_never_negative() -> None:
    late = event("202.88.1.2", at=AT + 3 * SECOND)
    assert events_link(event("202.88.1.2"), late) is None
    assert events_link(event("202.88.1.2"), late, timedelta(seconds=3)) is not None
    with pytest.raises(ValueError, match="negative"):
        events_link(event("202.88.1.2"), late, -SECOND)


# Property tests: a small world of addresses, ports and instants, so that collisions are common.
_ADDRESSES = [
    "202.88.1.2",
    "202.88.1.3",
    "49.36.5.6",
    "100.70.1.2",
    "2402:3a80:1:2::aaaa",
    "2402:3a80:1:2::bbbb",
    "192.168.1.10",
    "::ffff:202.88.1.2",
]
_TEXTS = ["2026-03-04T10:22:05Z", "2026-03-04T10:22:05.250Z", "2026-03-04T10:22Z", None]


@st.composite
def events(draw: st.DrawFn) -> IpEvent:
    at = draw(st.none() | st.integers(0, 3).map(lambda s: AT + timedelta(seconds=s)))
    return event(
        draw(st.sampled_from(_ADDRESSES)),
        draw(st.sampled_from([None, 1024, 1025])),
        at,
        draw(st.sampled_from(_TEXTS)),
        pools=draw(st.sampled_from([NO_POOLS, JIO])),
        proxy=draw(st.booleans()),
    )


@settings(max_examples=600, deadline=None)
@given(a=events(), b=events(), seconds=st.integers(0, 3))
def test_the_rule_is_symmetric(a: IpEvent, b: IpEvent, seconds: int) -> None:
    tolerance = timedelta(seconds=seconds)
    assert events_link(a, b, tolerance) == events_link(b, a, tolerance)


@settings(max_examples=600, deadline=None)
@given(a=events(), b=events())
def test_never_links_without_an_exact_instant_on_both(a: IpEvent, b: IpEvent) -> None:
    if not (a.exact and b.exact):
        assert events_link(a, b, timedelta(days=365)) is None


@settings(max_examples=600, deadline=None)
@given(a=events(), b=events())
def test_a_shared_address_never_links_without_the_same_port(a: IpEvent, b: IpEvent) -> None:
    found = events_link(a, b, timedelta(days=365))
    if a.shared or b.shared:
        if a.port is None or b.port is None or a.port != b.port or a.address != b.address:
            assert found is None
        elif found is not None:
            assert found.rule == RULE_SHARED


@settings(max_examples=300, deadline=None)
@given(a=events(), b=events(), seconds=st.integers(0, 2))
def test_a_wider_tolerance_never_unlinks(a: IpEvent, b: IpEvent, seconds: int) -> None:
    if events_link(a, b, timedelta(seconds=seconds)) is not None:
        assert events_link(a, b, timedelta(seconds=seconds + 1)) is not None


@settings(max_examples=200, deadline=None)
@given(a=events())
def test_a_flagged_event_differs_only_in_the_flag(a: IpEvent) -> None:
    flagged = a.flagged()
    assert flagged == dataclasses.replace(a, flagged_shared=True)
    assert flagged.shared


def refs(*items: tuple[str, IpEvent]) -> list[EventRef]:
    return [EventRef(account, item, n) for n, (account, item) in enumerate(items)]


def test_link_events_pairs_accounts_and_keeps_clusters() -> None:
    found = link_events(
        refs(
            ("acc-1", event("202.88.1.2")),
            ("acc-2", event("202.88.1.2", at=AT + SECOND)),
            ("acc-3", event("202.88.1.2", at=AT + timedelta(hours=1))),
            ("acc-1", event("49.36.5.6", 51234)),
            ("acc-4", event("49.36.5.6", 51234)),
            ("acc-5", event("49.36.5.6", 40000)),
        ),
        max_accounts=10,
        max_line_accounts=10,
    )
    pairs = sorted(
        (link.left.account_id, link.right.account_id, link.reason.rule) for link in found.links
    )
    assert pairs == [("acc-1", "acc-2", RULE_PUBLIC), ("acc-1", "acc-4", RULE_SHARED)]
    assert sorted(sorted(cluster) for cluster in found.clusters) == [
        ["acc-1", "acc-2"],
        ["acc-1", "acc-4"],
    ]
    assert found.crowded == [] and found.busy_lines == []


def test_a_crowded_second_links_nobody_and_is_reported() -> None:
    crowd = [(f"acc-{n}", event("49.36.5.6", 51234)) for n in range(4)]
    found = link_events(refs(*crowd), max_accounts=3, max_line_accounts=10)
    assert found.links == []
    assert found.crowded == [("49.36.5.6 port 51234 at 2026-03-04T10:22:05+00:00", 4)]


def test_a_busy_public_address_is_treated_as_shared() -> None:
    # An operator pool nobody configured: many accounts on one public address.
    busy = [(f"acc-{n}", event("157.35.1.1", at=AT + timedelta(days=n))) for n in range(4)]
    same_second = [("acc-8", event("157.35.1.1")), ("acc-9", event("157.35.1.1"))]
    found = link_events(refs(*busy, *same_second), max_accounts=10, max_line_accounts=3)
    assert found.busy_lines == [("157.35.1.1", 6)]
    assert found.links == []
    with_port = [("acc-8", event("157.35.1.1", 7000)), ("acc-9", event("157.35.1.1", 7000))]
    found = link_events(refs(*busy, *with_port), max_accounts=10, max_line_accounts=3)
    assert [link.reason.rule for link in found.links] == [RULE_SHARED]


def test_one_platform_flagging_a_proxy_makes_the_address_shared_for_all() -> None:
    found = link_events(
        refs(
            ("acc-1", event("185.156.46.141")),
            ("acc-2", event("185.156.46.141")),
            ("acc-3", event("185.156.46.141", at=AT + timedelta(days=3), proxy=True)),
        ),
        max_accounts=10,
        max_line_accounts=10,
    )
    assert found.links == []
