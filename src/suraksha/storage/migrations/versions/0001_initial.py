"""Initial schema: intake, hashing, identity and intel tables.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hash_banks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("category_scheme", sa.String(length=32), nullable=True),
        sa.Column("pdq_threshold", sa.Integer(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hash_banks")),
        sa.UniqueConstraint("name", name=op.f("uq_hash_banks_name")),
    )
    op.create_table(
        "ingest_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("paths", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_runs")),
    )
    op.create_table(
        "subjects",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subjects")),
    )
    op.create_table(
        "tips",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_digest", sa.String(length=64), nullable=False),
        sa.Column("format_name", sa.String(length=32), nullable=False),
        sa.Column("record_kind", sa.String(length=64), nullable=False),
        sa.Column("incident_type", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.Column("incident_at", sa.DateTime(), nullable=True),
        sa.Column("reporting_platform", sa.Text(), nullable=True),
        sa.Column("annotations", sa.JSON(), nullable=False),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("batch_reason", sa.Text(), nullable=True),
        sa.Column("file_set_digest", sa.String(length=64), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("first_ingested_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tips")),
        sa.UniqueConstraint("source", "source_id", name=op.f("uq_tips_source_source_id")),
    )
    with op.batch_alter_table("tips", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tips_file_set_digest"), ["file_set_digest"], unique=False
        )

    op.create_table(
        "accounts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tip_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("relation", sa.Text(), nullable=True),
        sa.Column("parent_account_id", sa.String(length=40), nullable=True),
        sa.Column("service", sa.Text(), nullable=True),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("estimated_location", sa.JSON(), nullable=False),
        sa.Column("prior_reports", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_account_id"],
            ["accounts.id"],
            name=op.f("fk_accounts_parent_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tip_id"], ["tips.id"], name=op.f("fk_accounts_tip_id_tips"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accounts_tip_id"), ["tip_id"], unique=False)

    op.create_table(
        "bank_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("algorithm", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("quality", sa.Integer(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("added_version", sa.Integer(), nullable=False),
        sa.Column("last_seen_version", sa.Integer(), nullable=False),
        sa.Column("removed_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bank_id"],
            ["hash_banks.id"],
            name=op.f("fk_bank_entries_bank_id_hash_banks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_entries")),
    )
    with op.batch_alter_table("bank_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bank_entries_algorithm_value", ["algorithm", "value"], unique=False
        )
        batch_op.create_index(
            "ix_bank_entries_bank_key", ["bank_id", "algorithm", "value"], unique=False
        )

    op.create_table(
        "bank_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("source_digest", sa.String(length=64), nullable=False),
        sa.Column("format_name", sa.String(length=32), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_id"],
            ["hash_banks.id"],
            name=op.f("fk_bank_versions_bank_id_hash_banks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_versions")),
        sa.UniqueConstraint("bank_id", "version", name=op.f("uq_bank_versions_bank_id_version")),
    )
    op.create_table(
        "incident_details",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tip_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tip_id"],
            ["tips.id"],
            name=op.f("fk_incident_details_tip_id_tips"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_details")),
    )
    with op.batch_alter_table("incident_details", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_details_tip_id"), ["tip_id"], unique=False)

    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("format_name", sa.String(length=32), nullable=True),
        sa.Column("content_digest", sa.String(length=64), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("resolved_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["resolved_run_id"],
            ["ingest_runs.id"],
            name=op.f("fk_quarantine_resolved_run_id_ingest_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ingest_runs.id"], name=op.f("fk_quarantine_run_id_ingest_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantine")),
    )
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarantine_origin"), ["origin"], unique=False)

    op.create_table(
        "subject_jurisdictions",
        sa.Column("subject_id", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=100), nullable=True),
        sa.Column("district", sa.String(length=100), nullable=True),
        sa.Column("police_station", sa.String(length=200), nullable=True),
        sa.Column("confidence", sa.Double(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_subject_jurisdictions_subject_id_subjects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("subject_id", name=op.f("pk_subject_jurisdictions")),
    )
    op.create_table(
        "subject_priorities",
        sa.Column("subject_id", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("factors", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_subject_priorities_subject_id_subjects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("subject_id", name=op.f("pk_subject_priorities")),
    )
    op.create_table(
        "tip_files",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tip_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Text(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=True),
        sa.Column("original_file_name", sa.Text(), nullable=True),
        sa.Column("md5", sa.Text(), nullable=True),
        sa.Column("sha1", sa.Text(), nullable=True),
        sa.Column("sha256", sa.Text(), nullable=True),
        sa.Column("pdq", sa.Text(), nullable=True),
        sa.Column("other_hashes", sa.JSON(), nullable=False),
        sa.Column("classification", sa.Text(), nullable=True),
        sa.Column("annotations", sa.JSON(), nullable=False),
        sa.Column("viewed_by_esp", sa.Boolean(), nullable=True),
        sa.Column("publicly_available", sa.Boolean(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=True),
        sa.Column("exif", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tip_id"], ["tips.id"], name=op.f("fk_tip_files_tip_id_tips"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tip_files")),
    )
    with op.batch_alter_table("tip_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tip_files_md5"), ["md5"], unique=False)
        batch_op.create_index(batch_op.f("ix_tip_files_sha1"), ["sha1"], unique=False)
        batch_op.create_index(batch_op.f("ix_tip_files_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_tip_files_tip_id"), ["tip_id"], unique=False)

    op.create_table(
        "tip_versions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tip_id", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_digest", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ingest_runs.id"], name=op.f("fk_tip_versions_run_id_ingest_runs")
        ),
        sa.ForeignKeyConstraint(
            ["tip_id"], ["tips.id"], name=op.f("fk_tip_versions_tip_id_tips"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tip_versions")),
        sa.UniqueConstraint("content_digest", name=op.f("uq_tip_versions_content_digest")),
        sa.UniqueConstraint("tip_id", "version", name=op.f("uq_tip_versions_tip_id_version")),
    )
    op.create_table(
        "tip_warnings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tip_id", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tip_id"], ["tips.id"], name=op.f("fk_tip_warnings_tip_id_tips"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tip_warnings")),
    )
    with op.batch_alter_table("tip_warnings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tip_warnings_tip_id"), ["tip_id"], unique=False)

    op.create_table(
        "account_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_a", sa.String(length=40), nullable=False),
        sa.Column("account_b", sa.String(length=40), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_a"],
            ["accounts.id"],
            name=op.f("fk_account_links_account_a_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_b"],
            ["accounts.id"],
            name=op.f("fk_account_links_account_b_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_links")),
    )
    with op.batch_alter_table("account_links", schema=None) as batch_op:
        batch_op.create_index("ix_account_links_pair", ["account_a", "account_b"], unique=False)

    op.create_table(
        "addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=True),
        sa.Column("incident_id", sa.String(length=40), nullable=True),
        sa.Column("street", sa.Text(), nullable=True),
        sa.Column("city", sa.Text(), nullable=True),
        sa.Column("state", sa.Text(), nullable=True),
        sa.Column("postal_code", sa.Text(), nullable=True),
        sa.Column("country", sa.Text(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_addresses_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident_details.id"],
            name=op.f("fk_addresses_incident_id_incident_details"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addresses")),
    )
    with op.batch_alter_table("addresses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_addresses_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_addresses_incident_id"), ["incident_id"], unique=False)

    op.create_table(
        "hash_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.String(length=64), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("bank_version", sa.Integer(), nullable=False),
        sa.Column("algorithm", sa.String(length=16), nullable=False),
        sa.Column("distance", sa.Integer(), nullable=False),
        sa.Column("matched_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_id"],
            ["hash_banks.id"],
            name=op.f("fk_hash_matches_bank_id_hash_banks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["bank_entries.id"],
            name=op.f("fk_hash_matches_entry_id_bank_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hash_matches")),
        sa.UniqueConstraint(
            "target_kind",
            "target_id",
            "entry_id",
            name=op.f("uq_hash_matches_target_kind_target_id_entry_id"),
        ),
    )
    with op.batch_alter_table("hash_matches", schema=None) as batch_op:
        batch_op.create_index("ix_hash_matches_target", ["target_kind", "target_id"], unique=False)

    op.create_table(
        "identifiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=True),
        sa.Column("incident_id", sa.String(length=40), nullable=True),
        sa.Column("file_id", sa.String(length=40), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("service", sa.Text(), nullable=True),
        sa.Column("qualifier", sa.Text(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_identifiers_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["tip_files.id"],
            name=op.f("fk_identifiers_file_id_tip_files"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident_details.id"],
            name=op.f("fk_identifiers_incident_id_incident_details"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identifiers")),
    )
    with op.batch_alter_table("identifiers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identifiers_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_identifiers_file_id"), ["file_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_identifiers_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index("ix_identifiers_kind_value", ["kind", "value"], unique=False)

    op.create_table(
        "ip_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=True),
        sa.Column("file_id", sa.String(length=40), nullable=True),
        sa.Column("incident_id", sa.String(length=40), nullable=True),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("port", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=True),
        sa.Column("at_text", sa.Text(), nullable=True),
        sa.Column("event", sa.Text(), nullable=True),
        sa.Column("possible_proxy", sa.Boolean(), nullable=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_ip_events_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["tip_files.id"],
            name=op.f("fk_ip_events_file_id_tip_files"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident_details.id"],
            name=op.f("fk_ip_events_incident_id_incident_details"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ip_events")),
    )
    with op.batch_alter_table("ip_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ip_events_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ip_events_address"), ["address"], unique=False)
        batch_op.create_index(batch_op.f("ix_ip_events_file_id"), ["file_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ip_events_incident_id"), ["incident_id"], unique=False)

    op.create_table(
        "raw_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tip_version_id", sa.String(length=40), nullable=False),
        sa.Column("part_name", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tip_version_id"],
            ["tip_versions.id"],
            name=op.f("fk_raw_documents_tip_version_id_tip_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_raw_documents")),
        sa.UniqueConstraint(
            "tip_version_id", "part_name", name=op.f("uq_raw_documents_tip_version_id_part_name")
        ),
    )
    op.create_table(
        "subject_members",
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_subject_members_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_subject_members_subject_id_subjects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_subject_members")),
    )
    with op.batch_alter_table("subject_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subject_members_subject_id"), ["subject_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("subject_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subject_members_subject_id"))

    op.drop_table("subject_members")
    op.drop_table("raw_documents")
    with op.batch_alter_table("ip_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ip_events_incident_id"))
        batch_op.drop_index(batch_op.f("ix_ip_events_file_id"))
        batch_op.drop_index(batch_op.f("ix_ip_events_address"))
        batch_op.drop_index(batch_op.f("ix_ip_events_account_id"))

    op.drop_table("ip_events")
    with op.batch_alter_table("identifiers", schema=None) as batch_op:
        batch_op.drop_index("ix_identifiers_kind_value")
        batch_op.drop_index(batch_op.f("ix_identifiers_incident_id"))
        batch_op.drop_index(batch_op.f("ix_identifiers_file_id"))
        batch_op.drop_index(batch_op.f("ix_identifiers_account_id"))

    op.drop_table("identifiers")
    with op.batch_alter_table("hash_matches", schema=None) as batch_op:
        batch_op.drop_index("ix_hash_matches_target")

    op.drop_table("hash_matches")
    with op.batch_alter_table("addresses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_addresses_incident_id"))
        batch_op.drop_index(batch_op.f("ix_addresses_account_id"))

    op.drop_table("addresses")
    with op.batch_alter_table("account_links", schema=None) as batch_op:
        batch_op.drop_index("ix_account_links_pair")

    op.drop_table("account_links")
    with op.batch_alter_table("tip_warnings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tip_warnings_tip_id"))

    op.drop_table("tip_warnings")
    op.drop_table("tip_versions")
    with op.batch_alter_table("tip_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tip_files_tip_id"))
        batch_op.drop_index(batch_op.f("ix_tip_files_sha256"))
        batch_op.drop_index(batch_op.f("ix_tip_files_sha1"))
        batch_op.drop_index(batch_op.f("ix_tip_files_md5"))

    op.drop_table("tip_files")
    op.drop_table("subject_priorities")
    op.drop_table("subject_jurisdictions")
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarantine_origin"))

    op.drop_table("quarantine")
    with op.batch_alter_table("incident_details", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_details_tip_id"))

    op.drop_table("incident_details")
    op.drop_table("bank_versions")
    with op.batch_alter_table("bank_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_bank_entries_bank_key")
        batch_op.drop_index("ix_bank_entries_algorithm_value")

    op.drop_table("bank_entries")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounts_tip_id"))

    op.drop_table("accounts")
    with op.batch_alter_table("tips", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tips_file_set_digest"))

    op.drop_table("tips")
    op.drop_table("subjects")
    op.drop_table("ingest_runs")
    op.drop_table("hash_banks")
