"""Security: user accounts and the hash-chained audit log with its head (issue 7).

- `security_users`: name, role, jurisdiction, argon2id hash, TOTP secret, lockout state;
- `security_audit_events`: the chain (seq assigned by the application, never by the database);
- `security_audit_head`: one row, the newest event's seq and hash, created here at seq 0 so
  that the first append has a row to lock.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
ROLES = "'admin', 'state_analyst', 'district_officer', 'investigating_officer', 'prosecutor', 'victim_support', 'auditor'"
STATE_ROLES = "'state_analyst', 'district_officer', 'victim_support'"
DISTRICT_ROLES = "'district_officer', 'victim_support'"


def upgrade() -> None:
    op.create_table(
        "security_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=100), nullable=True),
        sa.Column("district", sa.String(length=100), nullable=True),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("totp_confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
        sa.Column("failed_sign_ins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(f"role IN ({ROLES})", name=op.f("ck_security_users_role")),
        sa.CheckConstraint(
            f"role NOT IN ({STATE_ROLES}) OR state IS NOT NULL",
            name=op.f("ck_security_users_state_given"),
        ),
        sa.CheckConstraint(
            f"role NOT IN ({DISTRICT_ROLES}) OR district IS NOT NULL",
            name=op.f("ck_security_users_district_given"),
        ),
        sa.CheckConstraint("failed_sign_ins >= 0", name=op.f("ck_security_users_failed_sign_ins")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_users")),
        sa.UniqueConstraint("name", name=op.f("uq_security_users_name")),
    )
    op.create_table(
        "security_audit_events",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("format", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("actor_role", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_kind", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_security_audit_events")),
    )
    with op.batch_alter_table("security_audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_security_audit_events_actor", ["actor"], unique=False)
        batch_op.create_index(
            "ix_security_audit_events_object", ["object_kind", "object_id"], unique=False
        )
    head = op.create_table(
        "security_audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_security_audit_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_audit_head")),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS}])


def downgrade() -> None:
    op.drop_table("security_audit_head")
    with op.batch_alter_table("security_audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_security_audit_events_object")
        batch_op.drop_index("ix_security_audit_events_actor")
    op.drop_table("security_audit_events")
    op.drop_table("security_users")
