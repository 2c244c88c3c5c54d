"""Web sessions: the hash of each browser session's token, its user, stage and expiry (issue 7).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "security_web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["security_users.id"],
            name=op.f("fk_security_web_sessions_user_id_security_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_web_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_security_web_sessions_token_hash")),
    )
    op.create_index(
        "ix_security_web_sessions_user_id", "security_web_sessions", ["user_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_security_web_sessions_user_id", table_name="security_web_sessions")
    op.drop_table("security_web_sessions")
