"""Cases: the case model, its stages, events, charges, transfers, deconfliction keys, and the
evidence register with the chain of custody (issue 8).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("fir_number", sa.String(length=80), nullable=True),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("district", sa.Text(), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("offence_date", sa.Date(), nullable=True),
        sa.Column("chargesheet_days", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("opened_by", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("fir_number", name=op.f("uq_cases_fir_number")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_place", ["state", "district"], unique=False)

    op.create_table(
        "case_charges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("act", sa.String(length=16), nullable=False),
        sa.Column("section", sa.String(length=24), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("by", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_charges_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_charges")),
        sa.UniqueConstraint(
            "case_id",
            "act",
            "section",
            "version",
            name=op.f("uq_case_charges_case_id_act_section_version"),
        ),
    )
    with op.batch_alter_table("case_charges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_charges_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_deconflictions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("holder_case", sa.String(length=40), nullable=False),
        sa.Column("holder_unit", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_deconflictions_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_deconflictions")),
    )
    with op.batch_alter_table("case_deconflictions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_deconflictions_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "case_evidence_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("make", sa.Text(), nullable=True),
        sa.Column("model", sa.Text(), nullable=True),
        sa.Column("imeis", sa.JSON(), nullable=False),
        sa.Column("serial", sa.Text(), nullable=True),
        sa.Column("seized_at", sa.DateTime(), nullable=True),
        sa.Column("seized_place", sa.Text(), nullable=True),
        sa.Column("witnesses", sa.JSON(), nullable=False),
        sa.Column("seal_numbers", sa.JSON(), nullable=False),
        sa.Column("videography_ref", sa.Text(), nullable=True),
        sa.Column("scan_id", sa.Integer(), nullable=True),
        sa.Column("scan_source_digest", sa.String(length=64), nullable=True),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_evidence_items_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_evidence_items")),
        sa.UniqueConstraint("case_id", "label", name=op.f("uq_case_evidence_items_case_id_label")),
    )
    with op.batch_alter_table("case_evidence_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_evidence_items_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "case_holdings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_holdings_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_holdings")),
        sa.UniqueConstraint(
            "case_id", "kind", "value", name=op.f("uq_case_holdings_case_id_kind_value")
        ),
    )
    with op.batch_alter_table("case_holdings", schema=None) as batch_op:
        batch_op.create_index("ix_case_holdings_key", ["kind", "value"], unique=False)

    op.create_table(
        "case_officers",
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.Column("assigned_by", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_officers_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "user_name", name=op.f("pk_case_officers")),
    )
    with op.batch_alter_table("case_officers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_officers_user_name"), ["user_name"], unique=False)

    op.create_table(
        "case_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("from_unit", sa.Text(), nullable=False),
        sa.Column("from_state", sa.Text(), nullable=False),
        sa.Column("from_district", sa.Text(), nullable=False),
        sa.Column("to_unit", sa.Text(), nullable=False),
        sa.Column("to_state", sa.Text(), nullable=False),
        sa.Column("to_district", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_transfers_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_transfers")),
    )
    with op.batch_alter_table("case_transfers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_transfers_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_transitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("from_stage", sa.String(length=24), nullable=True),
        sa.Column("to_stage", sa.String(length=24), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("backwards", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_transitions_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_transitions")),
    )
    with op.batch_alter_table("case_transitions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_transitions_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_custody_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("handler", sa.Text(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=128), nullable=True),
        sa.Column("digest_matches", sa.Boolean(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["case_evidence_items.id"],
            name=op.f("fk_case_custody_steps_item_id_case_evidence_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_custody_steps")),
    )
    with op.batch_alter_table("case_custody_steps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_custody_steps_item_id"), ["item_id"], unique=False
        )

    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("transition_id", sa.Integer(), nullable=True),
        sa.Column("by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["transition_id"],
            ["case_transitions.id"],
            name=op.f("fk_case_events_transition_id_case_transitions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_events_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_evidence_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("expected", sa.String(length=128), nullable=False),
        sa.Column("found", sa.String(length=128), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["case_evidence_items.id"],
            name=op.f("fk_case_evidence_alerts_item_id_case_evidence_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["case_custody_steps.id"],
            name=op.f("fk_case_evidence_alerts_step_id_case_custody_steps"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_evidence_alerts")),
    )
    with op.batch_alter_table("case_evidence_alerts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_evidence_alerts_item_id"), ["item_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("case_evidence_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_evidence_alerts_item_id"))

    op.drop_table("case_evidence_alerts")
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_events_case_id"))

    op.drop_table("case_events")
    with op.batch_alter_table("case_custody_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_custody_steps_item_id"))

    op.drop_table("case_custody_steps")
    with op.batch_alter_table("case_transitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_transitions_case_id"))

    op.drop_table("case_transitions")
    with op.batch_alter_table("case_transfers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_transfers_case_id"))

    op.drop_table("case_transfers")
    with op.batch_alter_table("case_officers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_officers_user_name"))

    op.drop_table("case_officers")
    with op.batch_alter_table("case_holdings", schema=None) as batch_op:
        batch_op.drop_index("ix_case_holdings_key")

    op.drop_table("case_holdings")
    with op.batch_alter_table("case_evidence_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_evidence_items_case_id"))

    op.drop_table("case_evidence_items")
    with op.batch_alter_table("case_deconflictions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_deconflictions_case_id"))

    op.drop_table("case_deconflictions")
    with op.batch_alter_table("case_charges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_charges_case_id"))

    op.drop_table("case_charges")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_place")

    op.drop_table("cases")
