"""IP captures block by block: an incremental run reads only the captures in its accounts' blocks (a
line, or a shared address and port), and still gives a full run's subjects when a new capture flags
a line as a proxy or makes it busy."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, delete, func, select

from suraksha.identity.ip_blocks import IpBlocks, IpRules
from suraksha.identity.ips import DEFAULT_TOLERANCE, NO_POOLS, CarrierPools
from suraksha.identity.linker import resolve
from suraksha.identity.models import IpBlock
from suraksha.intake.accounts import account_ids
from suraksha.intake.pipeline import ingest, plan
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


def resolve_both_ways(db: Engine, folder: Path, **options: object) -> tuple[int, int, str]:
    """Ingest, resolve (incrementally after the first time), check that a full run agrees; the
    captures read, the captures kept in blocks and the mode."""
    ingest(db, plan([folder]))
    with transaction(db) as session:
        result = resolve(session, probabilistic=False, **options)  # type: ignore[arg-type]
        incremental = snapshot(session)
        blocks = session.scalar(select(func.count()).select_from(IpBlock))
    with transaction(db) as session:
        resolve(session, full=True, probabilistic=False, **options)  # type: ignore[arg-type]
        assert snapshot(session) == incremental
    assert blocks is not None
    return result.ip_captures, blocks, result.mode


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
    captures, blocks, mode = resolve_both_ways(db, first, pools=JIO)
    assert (captures, blocks, mode) == (32, 32, "full")
    with transaction(db) as session:
        assert frozenset({"8000", "8001"}) in reports_by_subject(session)

    # A stranger on a line of his own: one capture read, not the workspace's.
    alone = tmp_path / "alone"
    write_tip(
        alone, 8200, person(user_id="x", first="Xavier", captures=(Capture("117.202.1.1", AT),))
    )
    assert resolve_both_ways(db, alone, pools=JIO) == (1, 33, "incremental")

    # Another account of the fourth phone's owner, behind the pool address from the same port at
    # that second: it links with that one, and only that address and port are read, not the pool
    # address's other nine.
    pooled = tmp_path / "pooled"
    capture = Capture(POOL, AT, 40003)
    write_tip(pooled, 8250, person(user_id="y", first="M3", captures=(capture,)))
    assert resolve_both_ways(db, pooled, pools=JIO) == (2, 34, "incremental")
    with transaction(db) as session:
        assert frozenset({"8153", "8250"}) in reports_by_subject(session)

    # A platform flags the home address as a proxy: the line no longer links on time alone, so the
    # brothers are recomputed (and split) though only the new tip was read with them.
    flagged = tmp_path / "flagged"
    proxy = Capture(HOME, "2026-07-01T09:00:00Z", proxy=True)
    write_tip(flagged, 8300, person(user_id="v", first="Vinod", captures=(proxy,)))
    assert resolve_both_ways(db, flagged, pools=JIO) == (3, 35, "incremental")
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
    captures, _blocks, mode = resolve_both_ways(db, crowd, max_line_accounts=3)
    assert (captures, mode) == (5, "incremental")
    with transaction(db) as session:
        assert frozenset({"8400", "8401"}) not in reports_by_subject(session)

    # The busy line is now kept by address and port: two accounts of one man behind it, from one
    # port at one second, link; only their own block is read, not the line's other captures.
    behind = tmp_path / "behind"
    for n in range(2):
        capture = Capture(HOME, "2026-09-01T10:00:00Z", 41000)
        write_tip(behind, 8420 + n, person(user_id=f"d{n}", first="Dileep", captures=(capture,)))
    captures, _blocks, mode = resolve_both_ways(db, behind, max_line_accounts=3)
    assert (captures, mode) == (2, "incremental")
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
        ip = IpBlocks.for_new(session, IpRules(NO_POOLS, DEFAULT_TOLERANCE, 50, 3), new)
        ip.load(new)  # the whole line: five accounts, more than three, so busy
        assert ip.busy == {HOME}
        ip.load(brothers)  # their block is their address and port now, loaded with the line
        assert len(ip.facts) == 5
        assert [link.reason.key for link in ip.linking.links] == [f"{HOME} port 5000"]
        session.rollback()


def stored_blocks(db: Engine) -> list[tuple[int, str, str]]:
    with transaction(db) as session:
        rows = session.execute(select(IpBlock.event_id, IpBlock.account_id, IpBlock.block))
        return sorted((event, account, block) for event, account, block in rows)


def test_a_full_run_rewrites_only_the_blocks_that_changed(db: Engine, tmp_path: Path) -> None:
    """A full run keeps the stored blocks that are still right and rewrites the others: the
    table ends as a full run into an empty table leaves it, when nothing changed, when carrier
    pools move a line's captures to blocks by address and port (and one without a port to none),
    and when they move back."""
    folder = tmp_path / "tips"
    for n in range(6):  # six phones behind one address: a line, unless the address is a pool's
        capture = Capture(POOL, AT, 41000 + n)
        write_tip(folder, 8600 + n, person(user_id=f"p{n}", first=f"P{n}", captures=(capture,)))
    write_tip(folder, 8610, person(user_id="h", first="Hari", captures=(Capture(HOME, AT),)))
    # Behind the same address without a port: in the line's block, but in none once it is a pool's.
    write_tip(folder, 8611, person(user_id="q", first="Q", captures=(Capture(POOL, AT),)))
    ingest(db, plan([folder]))

    def full_run(pools: CarrierPools, *, empty_first: bool = False) -> list[tuple[int, str, str]]:
        with transaction(db) as session:
            if empty_first:
                session.execute(delete(IpBlock))
            resolve(session, full=True, probabilistic=False, pools=pools)
        return stored_blocks(db)

    unpooled = full_run(NO_POOLS)
    assert len(unpooled) == 8
    assert {block for _, _, block in unpooled} == {POOL, HOME}
    assert full_run(NO_POOLS) == unpooled  # nothing changed: nothing rewritten wrongly
    pooled = full_run(JIO)
    assert len(pooled) == 7
    assert pooled == full_run(JIO, empty_first=True)
    assert {block for _, _, block in pooled} == {HOME} | {
        f"{POOL} port {41000 + n}" for n in range(6)
    }
    assert full_run(NO_POOLS) == unpooled  # and back
