"""Identity: links the shared-line guard refused (issue 6, item 7).

- `account_links.refused`: why the linker did not make a link that no judgement refused
  (`shared_line`: a phone, handset or line held under names that are not one person's); NULL for
  links that joined and for links a judgement refused (`blocked_by`).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("refused", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("account_links", schema=None) as batch_op:
        batch_op.drop_column("refused")
