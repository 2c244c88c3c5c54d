"""Bulk inserts for the hot path: the statement compiled once, values converted column by column.

SQLAlchemy's Core `executemany` builds a parameter dictionary for every row and looks up every
column's converter again for each; at tens of thousands of rows a second that bookkeeping costs more
than the database does. `bulk_insert` compiles `INSERT INTO table (given columns)` once per table,
dialect and column set, takes each column's bind processor from the column type's dialect
implementation (the very converter SQLAlchemy would apply: `UtcDateTime`, JSON, booleans…) and
hands the driver ready rows in one `executemany`. The stored values are the same as through Core,
and a test compares the two on SQLite and PostgreSQL.

Rows are plain dicts with the same keys. Columns left out get what the database gives them (an
autoincrement key, NULL, a server default); a left-out column with a Python-side default is a
mistake the caller must fix, so it is refused rather than silently stored as NULL.

`replace_rows` makes a derived table hold exactly the rows given, writing only those that differ
from what it holds: a full identity resolution recomputes a million rows or more, most of them as
they were, and deleting and inserting every one costs more than reading them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select
from sqlalchemy.engine import Dialect

Row = dict[str, Any]
_Processor = Callable[[Any], Any] | None
_DELETE_BATCH = 500


@dataclass(frozen=True, slots=True)
class _Statement:
    sql: str
    keys: tuple[str, ...]  # row keys in parameter order
    processors: tuple[_Processor, ...]
    positional: bool
    names: tuple[str, ...]  # parameter names, for named paramstyles


def bulk_insert(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert `rows` (dicts with the same keys) into `table` in one driver `executemany`."""
    if not rows:
        return
    statement = _statement(table, connection.dialect, tuple(rows[0]))
    try:
        # Column by column: one C-level map per column instead of Python work per value.
        columns = [
            [row[key] for row in rows]
            if process is None
            else list(map(process, (row[key] for row in rows)))
            for key, process in zip(statement.keys, statement.processors, strict=True)
        ]
    except KeyError as err:
        raise ValueError(
            f"a row for {table.name} lacks {err}: every row of one bulk insert has the same keys"
        ) from err
    if statement.positional:
        connection.exec_driver_sql(statement.sql, list(zip(*columns, strict=True)))
    else:
        names = statement.names
        connection.exec_driver_sql(
            statement.sql,
            [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)],
        )


def replace_rows(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
) -> int:
    """Make `table` hold exactly `rows` (tuples of `columns`' values; the first column is the
    table's key, unique in `rows`), deleting and inserting only the rows that differ from those
    stored; how many stored rows were kept. With none to keep, the table is emptied at once.

    Stored values are compared as read back, so `columns` must read back as they are given
    (text, numbers, NULL: not JSON or times that a type converts).
    """
    key = table.columns[columns[0]]
    stored = {
        row[0]: tuple(row) for row in connection.execute(select(*(table.c[c] for c in columns)))
    }
    kept = 0
    new: list[tuple[Any, ...]] = []
    changed: list[Any] = []
    for row in rows:
        before = stored.pop(row[0], None)
        if before == row:
            kept += 1
            continue
        new.append(row)
        if before is not None:
            changed.append(row[0])
    if not kept:
        connection.execute(delete(table))
    else:
        stale = sorted([*stored, *changed])  # left in `stored`: keys no longer wanted
        for start in range(0, len(stale), _DELETE_BATCH):
            connection.execute(delete(table).where(key.in_(stale[start : start + _DELETE_BATCH])))
    new.sort(key=lambda row: row[0])  # the table's key order: appended, not scattered
    bulk_insert(connection, table, [dict(zip(columns, row, strict=True)) for row in new])
    return kept


@lru_cache(maxsize=256)
def _statement(table: Table, dialect: Dialect, keys: tuple[str, ...]) -> _Statement:
    unknown = [key for key in keys if key not in table.columns]
    if unknown:
        raise ValueError(f"{table.name} has no column {', '.join(map(repr, unknown))}")
    for column in table.columns:
        if column.key not in keys and column.default is not None and not _autoincrement(column):
            raise ValueError(
                f"{table.name}.{column.key} has a Python-side default; give it in every row"
            )
    compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
    key_of = {name: bind.key for bind, name in compiled.bind_names.items()}
    order = tuple(compiled.positiontup or ()) if compiled.positional else tuple(key_of)
    row_keys = tuple(key_of[name] for name in order)
    processors = tuple(
        table.columns[key].type.dialect_impl(dialect).bind_processor(dialect) for key in row_keys
    )
    return _Statement(
        sql=compiled.string,
        keys=row_keys,
        processors=processors,
        positional=compiled.positional,
        names=order,
    )


def _autoincrement(column: Any) -> bool:
    return bool(column.primary_key and column.autoincrement in (True, "auto"))
