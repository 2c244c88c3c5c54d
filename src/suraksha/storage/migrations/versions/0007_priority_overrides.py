"""Priority: officers' overrides with their reasons, and the weights each score was priced with.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intel_priority_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("points", sa.Double(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("officer", sa.Text(), nullable=False),
        sa.Column("report_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("superseded_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "mode IN ('set', 'add', 'withdraw')", name=op.f("ck_intel_priority_overrides_mode")
        ),
        sa.CheckConstraint(
            "length(trim(reason)) > 0", name=op.f("ck_intel_priority_overrides_reason_given")
        ),
        sa.CheckConstraint(
            "length(trim(officer)) > 0", name=op.f("ck_intel_priority_overrides_officer_given")
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["intel_priority_overrides.id"],
            name=op.f("fk_intel_priority_overrides_superseded_by_intel_priority_overrides"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_priority_overrides")),
    )
    with op.batch_alter_table("intel_priority_overrides", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intel_priority_overrides_subject_id"), ["subject_id"], unique=False
        )
    # Scores computed before this revision keep None: which weights priced them is unknown.
    with op.batch_alter_table("subject_priorities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("weights_label", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("weights_digest", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subject_priorities", schema=None) as batch_op:
        batch_op.drop_column("weights_digest")
        batch_op.drop_column("weights_label")
    with op.batch_alter_table("intel_priority_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intel_priority_overrides_subject_id"))
    op.drop_table("intel_priority_overrides")
