"""The local hour of each user's daily notification digest

Revision ID: tenant_0011_digest_hour
Revises: tenant_0010_notification_prefs
Create Date: 2026-12-05 22:00:00.000000

Users with ``digest`` on get non-critical alerts as one message a day at this
hour (0-23, at their UTC offset); existing rows get 7.
"""

import sqlalchemy as sa
from alembic import op

revision = "tenant_0011_digest_hour"
down_revision = "tenant_0010_notification_prefs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "notification_preferences",
        sa.Column("digest_hour", sa.Integer(), nullable=False, server_default="7"),
    )


def downgrade() -> None:
    op.drop_column("notification_preferences", "digest_hour")
