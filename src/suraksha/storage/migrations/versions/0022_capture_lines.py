"""Identity: each IP capture's line and source port kept at intake, instead of a block table (issue 6).

A full `resolve` wrote every linkable capture's block (`identity_ip_blocks`: its line, or its
address and port) so that an incremental run could read only the captures of its accounts'
blocks: 1.7 M rows at a million reports, rewritten by every full run. Intake now stores what a
block is made of beside each capture, `ip_events.line` (the IPv4 address or the IPv6 /64 the
address names) and `ip_events.line_port` (the source port, reported apart or written into the
address), indexed together; the linker works out blocks from them (identity/ip_blocks.py), with
the carrier pools and busy lines of the run. The block table is dropped. Existing captures are
filled here by the rule as it stands at this revision (`identity.ips.capture_line`; a migration
keeps the rule it ran with, and tests/identity/test_ip_blocks.py checks the two agree).

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import re
from ipaddress import IPv6Address, IPv6Network, ip_address

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

_BATCH = 5_000

_MAPPED_V4 = IPv6Network("::ffff:0:0/96")
_ZERO_PADDED_V4 = re.compile(r"\d{1,3}(\.\d{1,3}){3}")
_WITH_PORT_V4 = re.compile(r"(?P<host>[\d.]+):(?P<port>\d{1,5})")
_WITH_PORT_V6 = re.compile(r"\[(?P<host>[0-9A-Fa-f:.%\w]+)\](?::(?P<port>\d{1,5}))?")


def upgrade() -> None:
    with op.batch_alter_table("ip_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("line", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("line_port", sa.Integer(), nullable=True))
    table = sa.table(
        "ip_events",
        sa.column("id", sa.Integer()),
        sa.column("address", sa.Text()),
        sa.column("port", sa.Integer()),
        sa.column("line", sa.String()),
        sa.column("line_port", sa.Integer()),
    )
    bind = op.get_bind()
    statement = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("event_id"))
        .values(line=sa.bindparam("new_line"), line_port=sa.bindparam("new_port"))
    )
    after = 0
    while True:  # in pages of ids: a state's workspace holds millions of captures
        rows = bind.execute(
            sa.select(table.c.id, table.c.address, table.c.port)
            .where(table.c.id > after)
            .order_by(table.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        after = rows[-1].id
        filled = [
            {"event_id": event_id, "new_line": line, "new_port": line_port}
            for event_id, address, port in rows
            for line, line_port in [_capture_line(address, port)]
            if line is not None or line_port is not None
        ]
        if filled:
            bind.execute(statement, filled)
    # After the fill: an index kept during a million updates costs more than building it once.
    op.create_index("ix_ip_events_line", "ip_events", ["line", "line_port"], unique=False)
    op.drop_table("identity_ip_blocks")


def downgrade() -> None:
    # The block table comes back empty: run `suraksha resolve --full` after a downgrade, which
    # fills it, before an incremental run reads it.
    op.create_table(
        "identity_ip_blocks",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("block", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["event_id"], ["ip_events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("identity_ip_blocks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_ip_blocks_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index("ix_identity_ip_blocks_block", ["block"], unique=False)
    op.drop_index("ix_ip_events_line", table_name="ip_events")
    with op.batch_alter_table("ip_events", schema=None) as batch_op:
        batch_op.drop_column("line_port")
        batch_op.drop_column("line")


def _capture_line(text: str, port: int | None) -> tuple[str | None, int | None]:
    """`identity.ips.capture_line` as of this revision: the line (IPv4 address or IPv6 /64) and
    the source port (reported apart, else written into the address) of a capture as reported."""
    value = text.strip()
    embedded: int | None = None
    if (v6 := _WITH_PORT_V6.fullmatch(value)) is not None:
        value = v6["host"]
        embedded = int(v6["port"]) if v6["port"] else None
    elif (v4 := _WITH_PORT_V4.fullmatch(value)) is not None:
        value = v4["host"]
        embedded = int(v4["port"])
    value = value.split("%", 1)[0]
    if _ZERO_PADDED_V4.fullmatch(value):
        octets = [int(part) for part in value.split(".")]
        if any(octet > 255 for octet in octets):
            return None, port
        value = ".".join(str(octet) for octet in octets)
    try:
        address = ip_address(value)
    except ValueError:
        return None, port
    if isinstance(address, IPv6Address) and address in _MAPPED_V4:
        mapped = address.ipv4_mapped
        assert mapped is not None  # inside ::ffff:0:0/96
        address = mapped
    if embedded is not None and embedded > 65535:
        embedded = None
    if isinstance(address, IPv6Address):
        line = str(IPv6Network((int(address) >> 64 << 64, 64)))
    else:
        line = str(address)
    return line, port if port is not None else embedded
