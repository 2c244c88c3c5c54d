"""Triage: scans of seized devices, the files they found, and the devices' custody events.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "triage_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.Text(), nullable=False),
        sa.Column("device_label", sa.Text(), nullable=False),
        sa.Column("source_path", sa.Text(), nullable=False),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source_size", sa.BigInteger(), nullable=True),
        sa.Column("source_digest", sa.String(length=64), nullable=True),
        sa.Column("source_digests", sa.JSON(), nullable=False),
        sa.Column("scanner", sa.JSON(), nullable=False),
        sa.Column("banks", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("resumed_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_scans")),
    )
    with op.batch_alter_table("triage_scans", schema=None) as batch_op:
        batch_op.create_index(
            "ix_triage_scans_source", ["case_ref", "device_label", "source_path"], unique=False
        )

    op.create_table(
        "triage_custody_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.Text(), nullable=False),
        sa.Column("device_label", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scan_id"],
            ["triage_scans.id"],
            name=op.f("fk_triage_custody_events_scan_id_triage_scans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_custody_events")),
    )
    with op.batch_alter_table("triage_custody_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_triage_custody_events_scan_id"), ["scan_id"], unique=False
        )

    op.create_table(
        "triage_files",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("inode", sa.BigInteger(), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("modified_at", sa.DateTime(), nullable=True),
        sa.Column("accessed_at", sa.DateTime(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("md5", sa.String(length=32), nullable=True),
        sa.Column("sha1", sa.String(length=40), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("file_type", sa.String(length=100), nullable=False),
        sa.Column("media", sa.String(length=8), nullable=True),
        sa.Column("file_class", sa.String(length=16), nullable=False),
        sa.Column("pdq", sa.String(length=64), nullable=True),
        sa.Column("quality", sa.Integer(), nullable=True),
        sa.Column("exif", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("scanned_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scan_id"],
            ["triage_scans.id"],
            name=op.f("fk_triage_files_scan_id_triage_scans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_files")),
    )
    with op.batch_alter_table("triage_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_triage_files_file_class"), ["file_class"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_triage_files_md5"), ["md5"], unique=False)
        batch_op.create_index(batch_op.f("ix_triage_files_scan_id"), ["scan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_triage_files_sha1"), ["sha1"], unique=False)
        batch_op.create_index(batch_op.f("ix_triage_files_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("triage_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_triage_files_sha256"))
        batch_op.drop_index(batch_op.f("ix_triage_files_sha1"))
        batch_op.drop_index(batch_op.f("ix_triage_files_scan_id"))
        batch_op.drop_index(batch_op.f("ix_triage_files_md5"))
        batch_op.drop_index(batch_op.f("ix_triage_files_file_class"))

    op.drop_table("triage_files")
    with op.batch_alter_table("triage_custody_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_triage_custody_events_scan_id"))

    op.drop_table("triage_custody_events")
    with op.batch_alter_table("triage_scans", schema=None) as batch_op:
        batch_op.drop_index("ix_triage_scans_source")

    op.drop_table("triage_scans")
