"""Cases: a verdict's outcome and the charges it convicted on, with the move (issue 8).

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: moves before this revision (verdicts included) have no recorded outcome, and
    # statistics count such a verdict as a verdict, never as a conviction.
    with op.batch_alter_table("case_transitions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("convicted_charges", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_transitions", schema=None) as batch_op:
        batch_op.drop_column("convicted_charges")
        batch_op.drop_column("outcome")
