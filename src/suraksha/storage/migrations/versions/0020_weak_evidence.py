"""Identity: weak features, probabilistic pairs and IP blocks kept between resolutions (issue 6).

An incremental `resolve` used to score every account of the workspace with the probabilistic
layer on every run. It now keeps each account's weak features (`identity_weak_features`) and the
pairs the model links (`identity_weak_pairs`), and scores only the pairs a new account can make
(identity/weak_evidence.py). It also read every IP capture of the workspace; it now reads only
those in the blocks (a line, or a shared address or busy line's address and port) its accounts
used, found through `identity_ip_blocks` and `identity_ip_busy_lines` (identity/ip_blocks.py).
All four tables are derived data: the first resolution after this revision is a full one (the
model's version is part of the run's parameters) and fills them.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_weak_features",
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=True),
        sa.Column("dob", sa.String(length=10), nullable=True),
        sa.Column("handle", sa.Text(), nullable=True),
        sa.Column("handle_stem", sa.Text(), nullable=True),
        sa.Column("pincode", sa.Text(), nullable=True),
        sa.Column("city", sa.Text(), nullable=True),
        sa.Column("line", sa.Text(), nullable=True),
        sa.Column("street", sa.Text(), nullable=True),
        sa.Column("number", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id"),
    )
    op.create_table(
        "identity_weak_pairs",
        sa.Column("account_a", sa.String(length=40), nullable=False),
        sa.Column("account_b", sa.String(length=40), nullable=False),
        sa.Column("match_weight", sa.Double(), nullable=False),
        sa.Column("match_probability", sa.Double(), nullable=False),
        sa.Column("agreeing", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["account_a"], ["accounts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["account_b"], ["accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_a", "account_b"),
    )
    op.create_table(
        "identity_ip_blocks",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("block", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["event_id"], ["ip_events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("identity_ip_blocks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_ip_blocks_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index("ix_identity_ip_blocks_block", ["block"], unique=False)
    op.create_table(
        "identity_ip_busy_lines",
        sa.Column("line", sa.String(length=80), nullable=False),
        sa.Column("accounts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("line"),
    )


def downgrade() -> None:
    op.drop_table("identity_ip_busy_lines")
    op.drop_table("identity_ip_blocks")
    op.drop_table("identity_weak_pairs")
    op.drop_table("identity_weak_features")
