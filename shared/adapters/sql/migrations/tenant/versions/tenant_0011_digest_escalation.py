"""The local hour of each user's daily notification digest; the tenant's notification settings

Revision ID: tenant_0011_digest_escalation
Revises: tenant_0010_notification_prefs
Create Date: 2026-12-05 22:00:00.000000

Users with ``digest`` on get non-critical alerts as one message a day at this
hour (0-23, at their UTC offset); existing rows get 7. ``notification_settings``
holds the admin's settings by name (``escalation_delay_minutes``).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "tenant_0011_digest_escalation"
down_revision = "tenant_0010_notification_prefs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "notification_preferences",
        sa.Column("digest_hour", sa.Integer(), nullable=False, server_default="7"),
    )
    op.create_table(
        "notification_settings",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("updated_by", sa.String(320), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
    )


def downgrade() -> None:
    op.drop_table("notification_settings")
    op.drop_column("notification_preferences", "digest_hour")
