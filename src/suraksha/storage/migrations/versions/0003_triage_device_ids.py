"""Triage: the device identifiers (IMEI, serial numbers) an examiner records for a scanned device.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing scans get an empty list; the server default exists only to fill them, as the
    # model (like every other JSON column) sets its default in Python.
    with op.batch_alter_table("triage_scans", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("device_ids", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
    with op.batch_alter_table("triage_scans", schema=None) as batch_op:
        batch_op.alter_column("device_ids", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("triage_scans", schema=None) as batch_op:
        batch_op.drop_column("device_ids")
