"""Videos and variants: a scanned video's vPDQ and stream facts, how a match by video frames was
made, and a scanned picture's PDQ of its 7 rotations and flips (for correlation with tips).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing rows get an empty object; the server default exists only to fill them, as the
    # models (like every other JSON column) set their defaults in Python.
    for table, column, empty in (
        ("triage_files", "video", "'{}'"),
        ("triage_files", "pdq_variants", "'[]'"),
        ("hash_matches", "detail", "'{}'"),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(column, sa.JSON(), nullable=False, server_default=sa.text(empty))
            )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, server_default=None)


def downgrade() -> None:
    for table, column in (
        ("hash_matches", "detail"),
        ("triage_files", "pdq_variants"),
        ("triage_files", "video"),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)
