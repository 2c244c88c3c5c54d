"""Triage: the audit record of each opt-in preview of a scan's media (who, when, which files, why).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "triage_preview_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("file_ids", sa.JSON(), nullable=False),
        sa.Column("previews", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scan_id"],
            ["triage_scans.id"],
            name=op.f("fk_triage_preview_events_scan_id_triage_scans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_preview_events")),
    )
    with op.batch_alter_table("triage_preview_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_triage_preview_events_scan_id"), ["scan_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("triage_preview_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_triage_preview_events_scan_id"))
    op.drop_table("triage_preview_events")
