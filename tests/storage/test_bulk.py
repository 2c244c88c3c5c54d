"""`bulk_insert` stores exactly what SQLAlchemy Core's executemany stores, on both databases;
`replace_rows` leaves exactly the rows it is given."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
)

from suraksha.storage.base import UtcDateTime
from suraksha.storage.bulk import bulk_insert, replace_rows

IST = timezone(timedelta(hours=5, minutes=30))


def _table(metadata: MetaData, name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("label", String(64)),
        Column("note", Text),
        Column("flag", Boolean),
        Column("count", Integer),
        Column("at", UtcDateTime()),
        Column("facts", JSON()),
        Column("content", LargeBinary),
    )


ROWS: list[dict[str, Any]] = [
    {
        "label": "ഫോൺ 9847012345",
        "note": None,
        "flag": True,
        "count": 0,
        "at": datetime(2025, 4, 2, 23, 8, 35, tzinfo=UTC),
        "facts": {"accounts": [{"service": "Facebook", "ids": ["100090031714437"]}], "n": 1.5},
        "content": b"<report/>",
    },
    {
        "label": "",
        "note": "a 'quoted' %s %(name)s ? note",
        "flag": False,
        "count": -7,
        "at": datetime(2025, 4, 3, 4, 38, 35, tzinfo=IST),
        "facts": [],
        "content": b"\x00\xff",
    },
    {
        "label": None,
        "note": "नमस्ते",
        "flag": None,
        "count": None,
        "at": None,
        "facts": {},
        "content": None,
    },
]


@pytest.fixture
def tables(db: Engine) -> Iterator[tuple[Table, Table]]:
    metadata = MetaData()
    through_core, through_bulk = _table(metadata, "bulk_core"), _table(metadata, "bulk_fast")
    metadata.create_all(db)
    try:
        yield through_core, through_bulk
    finally:
        metadata.drop_all(db)


def test_bulk_insert_stores_what_core_stores(db: Engine, tables: tuple[Table, Table]) -> None:
    through_core, through_bulk = tables
    with db.begin() as connection:
        connection.execute(insert(through_core), ROWS)
        bulk_insert(connection, through_bulk, ROWS)
    with db.connect() as connection:
        core = [tuple(row) for row in connection.execute(select(through_core).order_by("id"))]
        fast = [tuple(row) for row in connection.execute(select(through_bulk).order_by("id"))]
    assert fast == core
    assert len(fast) == 3
    assert fast[1][5] == datetime(2025, 4, 2, 23, 8, 35, tzinfo=UTC)  # IST stored as UTC
    assert fast[0][6]["accounts"][0]["ids"] == ["100090031714437"]


def test_rows_with_missing_keys_or_unknown_columns_are_refused(
    db: Engine, tables: tuple[Table, Table]
) -> None:
    _, through_bulk = tables
    with db.begin() as connection:
        with pytest.raises(ValueError, match="lacks 'flag'"):
            bulk_insert(connection, through_bulk, [{"flag": True}, {"label": "x"}])
        with pytest.raises(ValueError, match="no column 'colour'"):
            bulk_insert(connection, through_bulk, [{"colour": "red"}])


def test_a_naive_datetime_is_refused_as_through_core(
    db: Engine, tables: tuple[Table, Table]
) -> None:
    _, through_bulk = tables
    with db.begin() as connection, pytest.raises(ValueError, match="naive datetime"):
        bulk_insert(connection, through_bulk, [{"at": datetime(2025, 1, 1)}])


KEYED_ROWS = st.dictionaries(
    st.integers(min_value=1, max_value=40),
    st.tuples(st.sampled_from(["a", "b", "ഫോൺ", None]), st.integers(-2, 2) | st.none()),
    max_size=30,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(before=KEYED_ROWS, after=KEYED_ROWS)
def test_replace_rows_leaves_exactly_the_rows_given_and_keeps_the_unchanged(
    db: Engine,
    tables: tuple[Table, Table],
    before: dict[int, tuple[str | None, int | None]],
    after: dict[int, tuple[str | None, int | None]],
) -> None:
    """Whatever the table held, it ends holding the rows given; rows stored as given are kept
    (not deleted and inserted again: their count is returned)."""
    _, table = tables
    columns = ("id", "label", "count")
    wanted = [(key, *values) for key, values in after.items()]
    with db.begin() as connection:
        connection.execute(table.delete())
        bulk_insert(
            connection,
            table,
            [{"id": key, "label": label, "count": count} for key, (label, count) in before.items()],
        )
        kept = replace_rows(connection, table, columns, wanted)
        read = select(*(table.c[column] for column in columns))
        stored = sorted(tuple(row) for row in connection.execute(read))
    assert stored == sorted(wanted)
    assert kept == sum(1 for key, values in after.items() if before.get(key) == values)
