"""gateways registry: edge gateway → tenant, status, last seen

Revision ID: master_0002_gateways
Revises: master_0001
Create Date: 2026-11-22 04:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "master_0002_gateways"
down_revision = "master_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gateways",
        sa.Column("id", sa.Uuid(as_uuid=False), nullable=False),
        sa.Column("tenant_id", sa.Uuid(as_uuid=False), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_gateways_tenant_id"), "gateways", ["tenant_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_gateways_tenant_id"), table_name="gateways")
    op.drop_table("gateways")
