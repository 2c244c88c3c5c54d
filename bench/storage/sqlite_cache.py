"""Benchmark: a million-row write into an indexed SQLite table, SQLite's default page cache against
Suraksha's (`storage.engine.SQLITE_CACHE_MIB`).

Until migration 0022 a full resolution wrote each IP capture's block (`identity_ip_blocks`: the
capture's id as key, an account id and a block, both indexed, both foreign keys) in one
transaction, in key order; it still writes memberships and links of that size. This builds a
database of the block table's shape with `--rows` captures of a million accounts, then times the same
insert on a fresh copy for each cache size: SQLite's default (2 MiB, the baseline), Suraksha's, and
`--also` sizes. The connection is `storage.engine.engine_for_url`'s (WAL, foreign keys, the cache
pragma), its cache then set to the size measured. Prints Markdown: seconds and the ratio to the
baseline.

Run: `.venv/bin/python -m bench.storage.sqlite_cache --rows 1700000`.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

from suraksha.storage.engine import SQLITE_CACHE_MIB, engine_for_url

SQLITE_DEFAULT_MIB = 2  # SQLite's own: PRAGMA cache_size=-2000 (KiB)

SCHEMA = (
    "CREATE TABLE accounts (id VARCHAR(40) PRIMARY KEY, payload TEXT)",
    "CREATE TABLE ip_events (id INTEGER PRIMARY KEY, account_id VARCHAR(40) REFERENCES accounts(id),"
    " payload TEXT)",
    "CREATE TABLE blocks (event_id INTEGER PRIMARY KEY REFERENCES ip_events(id) ON DELETE CASCADE,"
    " account_id VARCHAR(40) REFERENCES accounts(id) ON DELETE CASCADE, block VARCHAR(80))",
    "CREATE INDEX ix_blocks_block ON blocks (block)",
    "CREATE INDEX ix_blocks_account ON blocks (account_id)",
)


def build(
    path: Path, rows: int, seed: int, accounts: int = 1_000_000
) -> list[tuple[int, str, str]]:
    """The database without blocks, and the block rows to insert (in key order)."""
    rng = random.Random(seed)
    ids = [f"account-{rng.getrandbits(64):016x}" for _ in range(accounts)]
    engine = engine_for_url(f"sqlite:///{path}")
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        for statement in SCHEMA:
            cursor.execute(statement)
        cursor.execute("BEGIN")
        cursor.executemany("INSERT INTO accounts VALUES (?, ?)", [(a, "x" * 300) for a in ids])
        cursor.executemany(
            "INSERT INTO ip_events VALUES (?, ?, ?)",
            [(n, ids[n % len(ids)], "y" * 200) for n in range(rows)],
        )
        cursor.execute("COMMIT")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
        engine.dispose()
    return [
        (n, ids[n % len(ids)], f"{rng.getrandbits(32):08x}:{rng.randrange(65536)}")
        for n in range(rows)
    ]


def insert_seconds(path: Path, blocks: list[tuple[int, str, str]], cache_mib: int) -> float:
    """Seconds to insert `blocks` in one transaction with a page cache of `cache_mib`."""
    engine = engine_for_url(f"sqlite:///{path}")
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(f"PRAGMA cache_size=-{cache_mib * 1024}")
        started = time.perf_counter()
        cursor.execute("BEGIN")
        cursor.executemany("INSERT INTO blocks VALUES (?, ?, ?)", blocks)
        cursor.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        connection.close()
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_700_000, help="block rows to insert")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--also", type=int, nargs="*", default=[256], help="more sizes, MiB")
    args = parser.parse_args()
    sizes = [SQLITE_DEFAULT_MIB, SQLITE_CACHE_MIB, *args.also]
    with tempfile.TemporaryDirectory() as tmp:
        original = Path(tmp) / "original.sqlite3"
        blocks = build(original, args.rows, args.seed)
        print(
            f"{args.rows:,} block rows into a table with two secondary indexes, one transaction\n"
        )
        print("| page cache | seconds | ratio to SQLite's default |")
        print("|---|---:|---:|")
        baseline = 0.0
        for size in sizes:
            copy = Path(tmp) / f"cache-{size}.sqlite3"
            shutil.copyfile(original, copy)
            seconds = insert_seconds(copy, blocks, size)
            baseline = baseline or seconds
            name = {SQLITE_DEFAULT_MIB: "SQLite's default", SQLITE_CACHE_MIB: "Suraksha's"}.get(
                size, "also"
            )
            print(f"| {size} MiB ({name}) | {seconds:.1f} | {seconds / baseline:.2f} |")
            copy.unlink()


if __name__ == "__main__":
    main()
