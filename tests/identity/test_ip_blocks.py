"""IP captures block by block: an incremental run reads only the captures in its accounts' blocks (a
line, or a shared address and port), and still gives a full run's subjects when a new capture flags
a line as a proxy or makes it busy; intake (and migration 0022, for earlier captures) stores the
line and port each capture's block is found by."""

from __future__ import annotations

import importlib.util
from ipaddress import ip_network
from pathlib import Path
from types import ModuleType

from alembic import command
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from suraksha.identity.ip_blocks import IpBlocks, IpRules
from suraksha.identity.ips import DEFAULT_TOLERANCE, NO_POOLS, CarrierPools, capture_line
from suraksha.identity.linker import resolve
from suraksha.intake.accounts import account_ids
from suraksha.intake.pipeline import ingest, plan
from suraksha.storage import schema
from suraksha.storage.migrations import versions
from suraksha.storage.session import transaction
from tests.identity.tips import (
    Capture,
    account_of,
    person,
    reports_by_subject,
    snapshot,
    write_tip,
)

HOME = "117.200.12.34"  # a public line (BSNL)
POOL = "49.36.7.8"  # an address of a mobile carrier's pool, shared by many phones at once
JIO = CarrierPools.from_mapping({"jio": ["49.36.0.0/16"]})
AT = "2026-06-01T11:00:00Z"


def resolve_both_ways(db: Engine, folder: Path, **options: object) -> tuple[int, str]:
    """Ingest, resolve (incrementally after the first time), check that a full run agrees; the
    captures read and the mode."""
    ingest(db, plan([folder]))
    with transaction(db) as session:
        result = resolve(session, probabilistic=False, **options)  # type: ignore[arg-type]
        incremental = snapshot(session)
    with transaction(db) as session:
        resolve(session, full=True, probabilistic=False, **options)  # type: ignore[arg-type]
        assert snapshot(session) == incremental
    return result.ip_captures, result.mode


def test_incremental_runs_read_only_their_blocks(db: Engine, tmp_path: Path) -> None:
    # Two brothers' accounts on the home line in one second link on time alone; twenty strangers
    # each have a line of their own; ten phones went out through one carrier-pool address, each
    # from its own port.
    first = tmp_path / "first"
    write_tip(first, 8000, person(user_id="a", first="Shaji", captures=(Capture(HOME, AT),)))
    write_tip(first, 8001, person(user_id="b", first="Shaji", captures=(Capture(HOME, AT),)))
    for n in range(20):
        capture = Capture(f"117.201.{n}.9", AT)
        write_tip(first, 8100 + n, person(user_id=f"s{n}", first=f"N{n}", captures=(capture,)))
    for n in range(10):
        capture = Capture(POOL, AT, 40000 + n)
        write_tip(first, 8150 + n, person(user_id=f"m{n}", first=f"M{n}", captures=(capture,)))
    assert resolve_both_ways(db, first, pools=JIO) == (32, "full")
    with transaction(db) as session:
        assert frozenset({"8000", "8001"}) in reports_by_subject(session)

    # A stranger on a line of his own: one capture read, not the workspace's.
    alone = tmp_path / "alone"
    write_tip(
        alone, 8200, person(user_id="x", first="Xavier", captures=(Capture("117.202.1.1", AT),))
    )
    assert resolve_both_ways(db, alone, pools=JIO) == (1, "incremental")

    # Another account of the fourth phone's owner, behind the pool address from the same port at
    # that second: it links with that one, and only that address and port are read, not the pool
    # address's other nine.
    pooled = tmp_path / "pooled"
    capture = Capture(POOL, AT, 40003)
    write_tip(pooled, 8250, person(user_id="y", first="M3", captures=(capture,)))
    assert resolve_both_ways(db, pooled, pools=JIO) == (2, "incremental")
    with transaction(db) as session:
        assert frozenset({"8153", "8250"}) in reports_by_subject(session)

    # A platform flags the home address as a proxy: the line no longer links on time alone, so the
    # brothers are recomputed (and split) though only the new tip was read with them.
    flagged = tmp_path / "flagged"
    proxy = Capture(HOME, "2026-07-01T09:00:00Z", proxy=True)
    write_tip(flagged, 8300, person(user_id="v", first="Vinod", captures=(proxy,)))
    assert resolve_both_ways(db, flagged, pools=JIO) == (3, "incremental")
    with transaction(db) as session:
        split = reports_by_subject(session)
    assert frozenset({"8000"}) in split and frozenset({"8001"}) in split


def test_a_line_made_busy_by_new_accounts_is_reopened(db: Engine, tmp_path: Path) -> None:
    first = tmp_path / "first"
    write_tip(first, 8400, person(user_id="a", first="Shaji", captures=(Capture(HOME, AT),)))
    write_tip(first, 8401, person(user_id="b", first="Shaji", captures=(Capture(HOME, AT),)))
    resolve_both_ways(db, first, max_line_accounts=3)
    # Three more accounts on the line at other times: five accounts, more than three, so the line
    # is busy and links only with the same port; the brothers gave none.
    crowd = tmp_path / "crowd"
    for n in range(3):
        capture = Capture(HOME, f"2026-08-0{n + 1}T10:00:00Z")
        write_tip(crowd, 8410 + n, person(user_id=f"c{n}", first=f"C{n}", captures=(capture,)))
    assert resolve_both_ways(db, crowd, max_line_accounts=3) == (5, "incremental")
    with transaction(db) as session:
        assert frozenset({"8400", "8401"}) not in reports_by_subject(session)

    # The busy line is now kept by address and port: two accounts of one man behind it, from one
    # port at one second, link; only their own block is read, not the line's other captures.
    behind = tmp_path / "behind"
    for n in range(2):
        capture = Capture(HOME, "2026-09-01T10:00:00Z", 41000)
        write_tip(behind, 8420 + n, person(user_id=f"d{n}", first="Dileep", captures=(capture,)))
    assert resolve_both_ways(db, behind, max_line_accounts=3) == (2, "incremental")
    with transaction(db) as session:
        assert frozenset({"8420", "8421"}) in reports_by_subject(session)


def test_a_line_found_busy_is_read_once(db: Engine, tmp_path: Path) -> None:
    """A line loaded whole, found busy and stored again by address and port, is not read again
    when the closure reaches its other accounts: each link is found once."""
    first = tmp_path / "first"
    for n in range(2):  # two accounts of one man, one port, one second: they link
        capture = Capture(HOME, AT, 5000)
        write_tip(first, 8500 + n, person(user_id=f"e{n}", first="Eapen", captures=(capture,)))
    resolve_both_ways(db, first, max_line_accounts=3)
    crowd = tmp_path / "crowd"
    for n in range(3):
        capture = Capture(HOME, f"2026-08-0{n + 1}T10:00:00Z", 6000 + n)
        write_tip(crowd, 8510 + n, person(user_id=f"f{n}", first=f"F{n}", captures=(capture,)))
    ingest(db, plan([crowd]))
    with transaction(db) as session:
        brothers = {account_of(session)[report] for report in ("8500", "8501")}
        new = set(account_ids(session)) - brothers
        ip = IpBlocks.on_demand(session, IpRules(NO_POOLS, DEFAULT_TOLERANCE, 50, 3))
        ip.load(new)  # the whole line: five accounts, more than three, so busy
        assert ip.busy == {HOME}
        ip.load(brothers)  # their block is their address and port now, loaded with the line
        assert len(ip.facts) == 5
        assert [link.reason.key for link in ip.linking.links] == [f"{HOME} port 5000"]
        session.rollback()


def test_blocks_by_ipv6_prefix_and_by_a_port_written_into_the_address(
    db: Engine, tmp_path: Path
) -> None:
    """An IPv6 line is its /64, whatever address within it a device chose; a port written into
    a shared address's text counts as its source port. An incremental run finds both blocks
    through the captures' stored lines and ports, and reads nothing else."""
    first = tmp_path / "first"
    write_tip(
        first,
        8700,
        person(user_id="a", first="Anil", captures=(Capture("2409:40f4:1a:2b::10", AT),)),
    )
    write_tip(
        first,
        8701,
        person(user_id="b", first="Bala", captures=(Capture("49.36.7.8", AT, 40100),)),
    )
    for n in range(5):  # the same pool address from other ports, and another /64
        capture = Capture(POOL, AT, 40200 + n)
        write_tip(first, 8710 + n, person(user_id=f"o{n}", first=f"O{n}", captures=(capture,)))
    other = Capture("2409:40f4:1a:2c::10", AT)
    write_tip(first, 8720, person(user_id="z", first="Zak", captures=(other,)))
    assert resolve_both_ways(db, first, pools=JIO) == (8, "full")

    later = tmp_path / "later"
    sibling = Capture("[2409:40f4:1a:2b:9c3e:11ff:fe20:7]", AT)  # same /64, another address
    write_tip(later, 8730, person(user_id="c", first="Anil", captures=(sibling,)))
    embedded = Capture("49.36.7.8:40100", AT)  # the port in the address, none apart
    write_tip(later, 8731, person(user_id="d", first="Bala", captures=(embedded,)))
    # Their own two captures and the two they link with: not the pool's other ports, not the
    # other /64.
    assert resolve_both_ways(db, later, pools=JIO) == (4, "incremental")
    with transaction(db) as session:
        subjects = reports_by_subject(session)
    assert frozenset({"8700", "8730"}) in subjects
    assert frozenset({"8701", "8731"}) in subjects


def test_a_prefix_a_carrier_pool_splits_is_read_both_ways_once(db: Engine, tmp_path: Path) -> None:
    """A pool narrower than a /64 makes part of the prefix shared (blocks by address and port)
    and leaves the rest a line: a new account (one man's, by his name) with captures on both
    sides asks for the /64 as a line and as a line and port, and links as a full run does."""
    pools = CarrierPools.from_mapping({"jio": ["2409:40f4:1a:2b::/96"]})
    pooled, public = "2409:40f4:1a:2b::5", "2409:40f4:1a:2b:1::7"
    first = tmp_path / "first"
    write_tip(
        first,
        8750,
        person(user_id="a", first="Anil", captures=(Capture(pooled, AT, 4000),)),
    )
    write_tip(first, 8751, person(user_id="b", first="Anil", captures=(Capture(public, AT),)))
    assert resolve_both_ways(db, first, pools=pools) == (2, "full")
    later = tmp_path / "later"
    both = (Capture(pooled, AT, 4000), Capture(public, AT))
    write_tip(later, 8760, person(user_id="c", first="Anil", captures=both))
    # Its two captures and the two it links with (the line's read returns the pooled capture
    # too, and the port's read returns it again: kept once).
    assert resolve_both_ways(db, later, pools=pools) == (4, "incremental")
    with transaction(db) as session:
        assert frozenset({"8750", "8751", "8760"}) in reports_by_subject(session)


ADDRESS_FORMS = [
    "117.200.12.34",
    " 117.200.12.34 ",
    "049.036.007.008",  # zero-padded, read as decimal
    "49.36.7.8:51234",  # a port written into the address
    "[2409:40F4:1A:2B::10]:443",
    "2409:40f4:1a:2b:9c3e:11ff:fe20:7",
    "fe80::1%wlan0",
    "::ffff:49.36.1.2",  # IPv4-mapped: the IPv4 line
    "10.0.0.7",
    "999.1.1.1",
    "not an address",
]


def stored_lines(db: Engine) -> list[tuple[str, int | None, str | None, int | None]]:
    with db.connect() as connection:
        rows = connection.execute(
            text("SELECT address, port, line, line_port FROM ip_events ORDER BY id")
        )
        return [(address, port, line, line_port) for address, port, line, line_port in rows]


def test_intake_and_migration_0022_store_each_captures_line_and_port(
    db: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "tips"
    for n, address in enumerate(ADDRESS_FORMS):
        captures = (Capture(address, AT), Capture(address, AT, 5000 + n))
        write_tip(folder, 8800 + n, person(user_id=f"l{n}", first=f"L{n}", captures=captures))
    ingest(db, plan([folder]))
    stored = stored_lines(db)
    assert len(stored) == 2 * len(ADDRESS_FORMS)
    assert [(line, line_port) for address, port, line, line_port in stored] == [
        capture_line(address, port) for address, port, _line, _port in stored
    ]
    assert ("049.036.007.008", None, "49.36.7.8", None) in stored
    assert ("49.36.7.8:51234", None, "49.36.7.8", 51234) in stored
    assert ("49.36.7.8:51234", 5003, "49.36.7.8", 5003) in stored  # the port reported apart wins
    assert ("[2409:40F4:1A:2B::10]:443", None, "2409:40f4:1a:2b::/64", 443) in stored
    assert ("::ffff:49.36.1.2", None, "49.36.1.2", None) in stored
    assert ("not an address", None, None, None) in stored

    # A workspace ingested before revision 0022: the migration fills the same lines and ports.
    config = schema.alembic_config()
    with db.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0021")
    with db.connect() as connection:
        columns = connection.execute(text("SELECT * FROM ip_events")).keys()
        assert "line" not in columns and "line_port" not in columns
    with db.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert stored_lines(db) == stored


def migration_0022() -> ModuleType:
    path = Path(versions.__file__).parent / "0022_capture_lines.py"
    spec = importlib.util.spec_from_file_location("migration_0022", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MIGRATION_0022 = migration_0022()

ipv4_texts = st.builds(
    lambda octets, padded: ".".join(f"{o:03d}" if padded else str(o) for o in octets),
    st.lists(st.integers(0, 999), min_size=4, max_size=4),
    st.booleans(),
)
ipv6_texts = st.ip_addresses(v=6).map(str)
address_texts = st.one_of(
    ipv4_texts,
    ipv6_texts,
    st.tuples(ipv4_texts, st.integers(0, 99999)).map(lambda p: f"{p[0]}:{p[1]}"),
    st.tuples(ipv6_texts, st.integers(0, 99999)).map(lambda p: f"[{p[0]}]:{p[1]}"),
    st.tuples(ipv6_texts, st.sampled_from(["%eth0", "%1", ""])).map("".join),
    st.ip_addresses(v=4).map(lambda a: f"::ffff:{a}"),
    st.text(max_size=40),
)


@given(address=address_texts, port=st.none() | st.integers(0, 65535))
def test_migration_0022_keeps_the_rule_intake_uses(address: str, port: int | None) -> None:
    """The migration's copy of the rule (a migration keeps the rule it ran with) agrees with
    `ips.capture_line`, which intake uses, on every form an address is reported in."""
    assert MIGRATION_0022._capture_line(address, port) == capture_line(address, port)
    line, _port = capture_line(address, port)
    if line is not None:  # the line is an address or a /64 (the column holds 80 characters)
        assert ip_network(line).prefixlen in (32, 64) and len(line) <= 80
