"""Identity: analysts' judgements, resolution runs, refused links and subject sizes (issue 6).

- `identity_judgements`: same / different / unsure on a pair of accounts, kept forever (history);
- `identity_runs`: every `resolve`, with the parameters an incremental run must share;
- `account_links.blocked_by`: the judgement that refused a link (NULL for links that joined), and
  an index on `account_b` so a subject's links are found from either end;
- `subjects.member_count`: members at the last resolution (NULL on existing rows, which makes the
  next `resolve` a full one).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_judgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_a", sa.String(length=40), nullable=False),
        sa.Column("account_b", sa.String(length=40), nullable=False),
        sa.Column("accounts_a", sa.JSON(), nullable=False),
        sa.Column("accounts_b", sa.JSON(), nullable=False),
        sa.Column("given_a", sa.Text(), nullable=False),
        sa.Column("given_b", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("analyst", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_judgements")),
    )
    with op.batch_alter_table("identity_judgements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_identity_judgements_pair", ["account_a", "account_b"], unique=False
        )

    op.create_table(
        "identity_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("last_judgement_id", sa.Integer(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_runs")),
    )

    with op.batch_alter_table("account_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("blocked_by", sa.Integer(), nullable=True))
        batch_op.create_index("ix_account_links_account_b", ["account_b"], unique=False)

    with op.batch_alter_table("subjects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("member_count", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subjects", schema=None) as batch_op:
        batch_op.drop_column("member_count")
    with op.batch_alter_table("account_links", schema=None) as batch_op:
        batch_op.drop_index("ix_account_links_account_b")
        batch_op.drop_column("blocked_by")
    op.drop_table("identity_runs")
    with op.batch_alter_table("identity_judgements", schema=None) as batch_op:
        batch_op.drop_index("ix_identity_judgements_pair")
    op.drop_table("identity_judgements")
