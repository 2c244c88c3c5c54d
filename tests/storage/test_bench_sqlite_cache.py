"""The SQLite page-cache benchmark at a tiny size: it writes every row, whatever the cache."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.storage.sqlite_cache import build, insert_seconds


def test_every_block_row_is_written_with_either_cache(tmp_path: Path) -> None:
    for cache_mib in (2, 64):
        database = tmp_path / f"cache-{cache_mib}.sqlite3"
        blocks = build(database, rows=2_000, seed=1, accounts=300)
        assert insert_seconds(database, blocks, cache_mib) > 0
        with sqlite3.connect(database) as connection:
            stored = connection.execute("SELECT event_id, account_id, block FROM blocks").fetchall()
            orphans = connection.execute(
                "SELECT count(*) FROM blocks LEFT JOIN accounts ON accounts.id = blocks.account_id"
                " WHERE accounts.id IS NULL"
            ).fetchone()
        assert sorted(stored) == sorted(blocks) and len(blocks) == 2_000
        assert orphans == (0,)
