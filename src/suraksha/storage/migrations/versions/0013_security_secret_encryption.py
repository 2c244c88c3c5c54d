"""Security: TOTP secrets encrypted at rest (issue 7).

`security_users.totp_secret` (the base32 seed in clear, String(64)) becomes `totp_sealed` (Text):
the seed sealed by `security.secrets.SecretBox`, a Fernet token under SURAKSHA_SECRET_KEY or the
workspace's key file. Existing secrets are sealed here, so confirmed authenticators keep working;
downgrade opens them again (with the same keys) into the clear column.

The sealer comes from `storage.schema.upgrade(engine, sealer=…)`, which `suraksha init` and
`workspace.open_engine(settings, migrate=True)` call with the box of their settings. Without one,
the migration runs only when no account has a secret (nothing to seal), and otherwise refuses.

Columns are added and dropped with plain ALTER TABLE on both databases (SQLite ≥ 3.35 drops a
column in place): a batch-mode rebuild of `security_users` would drop the table under the
`ON DELETE CASCADE` of `security_web_sessions` and sign everyone out.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

from suraksha.errors import StorageError
from suraksha.storage.schema import SEALER_ATTRIBUTE, SecretSealer

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

USERS = sa.table(
    "security_users",
    sa.column("id", sa.Integer()),
    sa.column("totp_secret", sa.String(length=64)),
    sa.column("totp_sealed", sa.Text()),
)


def upgrade() -> None:
    op.add_column("security_users", sa.Column("totp_sealed", sa.Text(), nullable=True))
    _convert(USERS.c.totp_secret, USERS.c.totp_sealed, seal=True)
    op.drop_column("security_users", "totp_secret")


def downgrade() -> None:
    op.add_column("security_users", sa.Column("totp_secret", sa.String(length=64), nullable=True))
    _convert(USERS.c.totp_sealed, USERS.c.totp_secret, seal=False)
    op.drop_column("security_users", "totp_sealed")


def _convert(source: sa.ColumnClause[str], target: sa.ColumnClause[str], *, seal: bool) -> None:
    """Fill `target` from `source` for every account with a secret, sealing or opening it."""
    bind = op.get_bind()
    rows = bind.execute(sa.select(USERS.c.id, source).where(source.is_not(None))).all()
    if not rows:
        return
    sealer = _sealer()
    for user_id, value in rows:
        converted = sealer.seal(value) if seal else sealer.open(value)
        bind.execute(sa.update(USERS).where(USERS.c.id == user_id).values({target: converted}))


def _sealer() -> SecretSealer:
    sealer: SecretSealer | None = context.config.attributes.get(SEALER_ATTRIBUTE)
    if sealer is None:
        raise StorageError(
            "Revision 0013 encrypts the accounts' TOTP secrets and was given no key: run "
            "`suraksha init`, which uses SURAKSHA_SECRET_KEY (or the workspace's secret.key)."
        )
    return sealer
