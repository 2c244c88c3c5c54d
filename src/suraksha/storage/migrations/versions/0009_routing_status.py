"""Routing: a subject's routing status (agreed, conflict, no evidence), the competing places, and
what routing read but did not use.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing rows get an empty value; server defaults exist only to fill them, as the model
    # (like every other JSON column) sets its defaults in Python. Re-run `suraksha resolve` to
    # compute them.
    with op.batch_alter_table("subject_jurisdictions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "status",
                sa.String(length=16),
                nullable=False,
                server_default=sa.text("'no evidence'"),
            )
        )
        batch_op.add_column(
            sa.Column("candidates", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(
            sa.Column("notes", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
    with op.batch_alter_table("subject_jurisdictions", schema=None) as batch_op:
        for column in ("status", "candidates", "notes"):
            batch_op.alter_column(column, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("subject_jurisdictions", schema=None) as batch_op:
        for column in ("notes", "candidates", "status"):
            batch_op.drop_column(column)
