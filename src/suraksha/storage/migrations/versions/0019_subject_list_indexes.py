"""Web: indexes the subject list needs at scale (issue 7, item 6).

- `subject_priorities (score, subject_id)`: the list's default order (highest first) read from
  the index, so the first page of a national list costs its 25 rows, not a sort of every
  subject; a deep page or a minimum priority is counted and skipped in the index alone, without
  the wide factor lists.
- `subject_jurisdictions (state, district, subject_id)`: an analyst's or officer's reach
  (policy.restrict), a district filter and the list's count, read from the index alone instead
  of the wide routing rows (evidence, candidates).

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subject_priorities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subject_priorities_score"), ["score", "subject_id"], unique=False
        )
    with op.batch_alter_table("subject_jurisdictions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subject_jurisdictions_place"),
            ["state", "district", "subject_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("subject_jurisdictions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subject_jurisdictions_place"))
    with op.batch_alter_table("subject_priorities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subject_priorities_score"))
