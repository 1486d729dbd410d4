"""Notification preferences of each user (channels, phone, quiet hours, digest)

Revision ID: tenant_0010_notification_prefs
Revises: tenant_0009_compliance
Create Date: 2026-12-05 02:00:00.000000

Kept in the tenant database, beside the outbox the dispatcher reads them with.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql, postgresql

revision = "tenant_0010_notification_prefs"
down_revision = "tenant_0009_compliance"
branch_labels = None
depends_on = None


def _instant() -> sa.DateTime:
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Uuid(as_uuid=False), primary_key=True),
        sa.Column("channels", _json(), nullable=False),
        sa.Column("phone", sa.String(16), nullable=True),
        sa.Column("quiet_start", sa.String(5), nullable=True),
        sa.Column("quiet_end", sa.String(5), nullable=True),
        sa.Column("utc_offset_minutes", sa.Integer(), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("updated_at", _instant(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("notification_preferences")
