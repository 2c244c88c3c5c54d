"""Web: each subject's nearest open freshness deadline stored and indexed (issue 7, item 6).

The subject list sorted by deadline, or filtered to subjects due within N days, computed every
subject's deadline from its factor list (JSON) in SQL on every request: about 30 µs a subject on
PostgreSQL, over a second for a state's list. `subject_priorities.next_deadline` now holds it
(`intel.freshness.next_deadline`, kept by the model's hooks on every write) with an index on
(next_deadline, score, subject_id). Existing rows are filled here from their factors, by the rule
as it stands at this revision.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

_BATCH = 1_000


def upgrade() -> None:
    with op.batch_alter_table("subject_priorities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_deadline", sa.Date(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_subject_priorities_deadline"),
            ["next_deadline", "score", "subject_id"],
            unique=False,
        )
    table = sa.table(
        "subject_priorities",
        sa.column("subject_id", sa.String()),
        sa.column("factors", sa.JSON()),
        sa.column("computed_at", sa.DateTime()),
        sa.column("next_deadline", sa.Date()),
    )
    bind = op.get_bind()
    statement = (
        sa.update(table)
        .where(table.c.subject_id == sa.bindparam("id"))
        .values(next_deadline=sa.bindparam("deadline"))
    )
    after = ""
    while True:  # in pages of subject ids: a state's workspace holds hundreds of thousands
        rows = bind.execute(
            sa.select(table.c.subject_id, table.c.factors, table.c.computed_at)
            .where(table.c.subject_id > after)
            .order_by(table.c.subject_id)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        after = rows[-1].subject_id
        filled = [
            {"id": subject_id, "deadline": deadline}
            for subject_id, factors, computed_at in rows
            if (deadline := _nearest_open(factors or [], computed_at)) is not None
        ]
        if filled:
            bind.execute(statement, filled)


def _nearest_open(factors: list[dict[str, Any]], computed_at: datetime | None) -> date | None:
    """`freshness.next_deadline` as of this revision (a migration keeps the rule it ran with)."""
    since = computed_at.date() if computed_at is not None else date.min
    best: date | None = None
    for factor in factors:
        deadline = factor.get("deadline")
        if not deadline or float(factor.get("weight", 0)) <= 0:
            continue
        when = date.fromisoformat(str(deadline)[:10])
        if when >= since and (best is None or when < best):
            best = when
    return best


def downgrade() -> None:
    with op.batch_alter_table("subject_priorities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subject_priorities_deadline"))
        batch_op.drop_column("next_deadline")
