"""sso: per-tenant OpenID Connect configuration and the sign-ins in flight

Revision ID: master_0005_sso
Revises: master_0004_identity
Create Date: 2026-12-05 01:40:00.000000

`sso_configs` holds one provider per tenant; the client secret is in the Secrets
port, the row names it. `sso_states` holds the SHA-256 of each flow's `state`
and of its nonce; a state is spent by its first callback and lives 10 minutes.
"""

import sqlalchemy as sa
from alembic import op

revision = "master_0005_sso"
down_revision = "master_0004_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sso_configs",
        sa.Column("tenant_id", sa.Uuid(as_uuid=False), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("discovery_url", sa.String(length=500), nullable=False),
        sa.Column("client_id", sa.String(length=200), nullable=False),
        sa.Column("secret_name", sa.String(length=200), nullable=False),
        sa.Column("allowed_domains", sa.Text(), nullable=False),
        sa.Column("default_role", sa.String(length=32), nullable=False),
        sa.Column("role_claim", sa.String(length=100), nullable=True),
        sa.Column("role_map", sa.Text(), nullable=False),
        sa.Column("require_sso", sa.Boolean(), nullable=False),
        sa.Column("break_glass_email", sa.String(length=320), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("tenant_id"),
    )
    op.create_table(
        "sso_states",
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.Uuid(as_uuid=False), nullable=False),
        sa.Column("nonce_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("state_hash"),
    )
    op.create_index("ix_sso_states_expires_at", "sso_states", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_sso_states_expires_at", table_name="sso_states")
    op.drop_table("sso_states")
    op.drop_table("sso_configs")
