"""login throttle: one atomic attempt counter per key, replacing the failure log

Revision ID: master_0003_login_throttle
Revises: master_0002_gateways
Create Date: 2026-12-02 09:00:00.000000

Counting rows and then inserting one let concurrent wrong passwords all pass the
check; a counter row updated in one statement (INSERT … ON CONFLICT DO UPDATE …
RETURNING) numbers each attempt. The old rows only held failures of the last 15
minutes: they are dropped, not carried over.
"""

import sqlalchemy as sa
from alembic import op

revision = "master_0003_login_throttle"
down_revision = "master_0002_gateways"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("throttle_key", sa.String(length=400), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("throttle_key"),
    )
    op.create_index("ix_login_throttle_window_started_at", "login_throttle", ["window_started_at"])
    op.drop_index("ix_login_failures_key_at", table_name="login_failures")
    op.drop_table("login_failures")


def downgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("throttle_key", sa.String(length=400), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_login_failures_key_at", "login_failures", ["throttle_key", "at"])
    op.drop_index("ix_login_throttle_window_started_at", table_name="login_throttle")
    op.drop_table("login_throttle")
