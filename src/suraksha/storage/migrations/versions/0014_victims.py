"""Victims: restricted victim records and support tracking (issue 8).

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "victims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("district", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("claimed_dob", sa.Date(), nullable=True),
        sa.Column("claimed_age", sa.Integer(), nullable=True),
        sa.Column("proven_dob", sa.Date(), nullable=True),
        sa.Column("gender", sa.Text(), nullable=True),
        sa.Column("guardian", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("school", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_victims_case_id_cases"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_victims")),
        sa.UniqueConstraint("case_id", "number", name=op.f("uq_victims_case_id_number")),
        sa.UniqueConstraint("label", name=op.f("uq_victims_label")),
    )
    with op.batch_alter_table("victims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_victims_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_victims_place", ["state", "district"], unique=False)

    op.create_table(
        "victim_tips",
        sa.Column("victim_id", sa.Integer(), nullable=False),
        sa.Column("tip_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["victim_id"],
            ["victims.id"],
            name=op.f("fk_victim_tips_victim_id_victims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("victim_id", "tip_id", name=op.f("pk_victim_tips")),
    )
    with op.batch_alter_table("victim_tips", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_victim_tips_tip_id"), ["tip_id"], unique=False)

    op.create_table(
        "victim_proofs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("victim_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("document_ref", sa.Text(), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("age_low", sa.Integer(), nullable=True),
        sa.Column("age_high", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["victim_id"],
            ["victims.id"],
            name=op.f("fk_victim_proofs_victim_id_victims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_victim_proofs")),
    )
    with op.batch_alter_table("victim_proofs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_victim_proofs_victim_id"), ["victim_id"], unique=False)

    op.create_table(
        "victim_support_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("victim_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("person", sa.Text(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["victim_id"],
            ["victims.id"],
            name=op.f("fk_victim_support_events_victim_id_victims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_victim_support_events")),
    )
    with op.batch_alter_table("victim_support_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_victim_support_events_victim_id"), ["victim_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("victim_support_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_victim_support_events_victim_id"))
    op.drop_table("victim_support_events")
    with op.batch_alter_table("victim_proofs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_victim_proofs_victim_id"))
    op.drop_table("victim_proofs")
    with op.batch_alter_table("victim_tips", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_victim_tips_tip_id"))
    op.drop_table("victim_tips")
    with op.batch_alter_table("victims", schema=None) as batch_op:
        batch_op.drop_index("ix_victims_place")
        batch_op.drop_index(batch_op.f("ix_victims_case_id"))
    op.drop_table("victims")
