"""Cases: triage examinations read from their scans, not copied into the register (issue 8).

The evidence register used to copy a linked scan's source digest into the exhibit
(`scan_source_digest`) and into an `examined` custody step. The scan is now the one record of its
examination, read each time the exhibit is shown (cases/evidence.py); an alert about a scan's
digest names the scan (`scan_id`) instead of a custody step.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Their alerts go with them and are raised again, from the scan, on the next read (the audit
    # log keeps the first raising). Deleted explicitly: SQLite enforces no cascade in a migration.
    # The copies are the `examined` steps `evidence link-scan` wrote, with the handler
    # "triage scan N" (cases/evidence.py before this revision).
    op.execute(
        "DELETE FROM case_evidence_alerts WHERE step_id IN (SELECT id FROM case_custody_steps "
        "WHERE kind = 'examined' AND handler LIKE 'triage scan %')"
    )
    op.execute(
        "DELETE FROM case_custody_steps WHERE kind = 'examined' AND handler LIKE 'triage scan %'"
    )
    with op.batch_alter_table("case_evidence_alerts", schema=None) as batch_op:
        batch_op.alter_column("step_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("scan_id", sa.Integer(), nullable=True))
    # Not in batch mode: on SQLite that copies the table, drops the old one and, with foreign keys
    # on, its custody steps cascade away with it. SQLite (3.35 and later) drops a plain column in
    # place, as PostgreSQL does. The alerts table above may be copied: nothing refers to it.
    op.drop_column("case_evidence_items", "scan_source_digest")


def downgrade() -> None:
    # The copied digest is taken again from the scan named for the exhibit; scans joined by
    # device ids only, and the alerts about scans, are not known to the older revision.
    op.add_column(
        "case_evidence_items", sa.Column("scan_source_digest", sa.String(length=64), nullable=True)
    )
    op.execute(
        "UPDATE case_evidence_items SET scan_source_digest = (SELECT source_digest FROM "
        "triage_scans WHERE triage_scans.id = case_evidence_items.scan_id) "
        "WHERE scan_id IS NOT NULL"
    )
    op.execute("DELETE FROM case_evidence_alerts WHERE step_id IS NULL")
    with op.batch_alter_table("case_evidence_alerts", schema=None) as batch_op:
        batch_op.drop_column("scan_id")
        batch_op.alter_column("step_id", existing_type=sa.Integer(), nullable=False)
