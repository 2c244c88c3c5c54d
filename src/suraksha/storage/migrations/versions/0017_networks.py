"""Networks: groups of subjects, their members and edges, membership judgements (issue 9).

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_runs")),
    )
    op.create_table(
        "network_groups",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["network_runs.id"], name=op.f("fk_network_groups_run_id_network_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_groups")),
    )
    op.create_table(
        "network_members",
        sa.Column("group_id", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("measures", sa.JSON(), nullable=False),
        sa.Column("abroad", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["network_groups.id"],
            name=op.f("fk_network_members_group_id_network_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_network_members_subject_id_subjects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "subject_id", name=op.f("pk_network_members")),
    )
    op.create_index(
        op.f("ix_network_members_subject_id"), "network_members", ["subject_id"], unique=False
    )
    op.create_table(
        "network_edges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_a", sa.String(length=40), nullable=False),
        sa.Column("subject_b", sa.String(length=40), nullable=False),
        sa.Column("weight", sa.Double(), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_a"],
            ["subjects.id"],
            name=op.f("fk_network_edges_subject_a_subjects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_b"],
            ["subjects.id"],
            name=op.f("fk_network_edges_subject_b_subjects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_edges")),
    )
    op.create_index("ix_network_edges_subject_a", "network_edges", ["subject_a"], unique=False)
    op.create_index("ix_network_edges_subject_b", "network_edges", ["subject_b"], unique=False)
    op.create_table(
        "network_judgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.String(length=40), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("analyst", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["network_groups.id"],
            name=op.f("fk_network_judgements_group_id_network_groups"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_judgements")),
    )
    op.create_index(
        "ix_network_judgements_pair", "network_judgements", ["group_id", "subject_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_network_judgements_pair", table_name="network_judgements")
    op.drop_table("network_judgements")
    op.drop_index("ix_network_edges_subject_b", table_name="network_edges")
    op.drop_index("ix_network_edges_subject_a", table_name="network_edges")
    op.drop_table("network_edges")
    op.drop_index(op.f("ix_network_members_subject_id"), table_name="network_members")
    op.drop_table("network_members")
    op.drop_table("network_groups")
    op.drop_table("network_runs")
