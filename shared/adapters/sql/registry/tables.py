"""Tables of the master registry database."""

from __future__ import annotations

import sqlalchemy as sa

from shared.adapters.sql.types import JSONType, UUIDType, utc_timestamp

metadata = sa.MetaData()

tenants = sa.Table(
    "tenants",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("slug", sa.String(40), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("tier", sa.String(32), nullable=False),
    sa.Column("features", JSONType, nullable=False),
    sa.Column("database_kind", sa.String(16), nullable=False),
    sa.Column("connection_secret_ref", sa.String(200), nullable=False),
    sa.Column("region", sa.String(64), nullable=False),
    sa.Column("storage_provider", sa.String(32), nullable=False),
    sa.Column("etl_config", JSONType, nullable=True),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Column("updated_at", utc_timestamp(), nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("tenant_id", UUIDType, sa.ForeignKey("tenants.id"), nullable=False),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("full_name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("last_login_at", utc_timestamp(), nullable=True),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Column("updated_at", utc_timestamp(), nullable=False),
    sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("tenant_id", "email", name="uq_users_tenant_email"),
)

refresh_tokens = sa.Table(
    "refresh_tokens",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("family_id", UUIDType, nullable=False, index=True),
    sa.Column("user_id", UUIDType, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("tenant_id", UUIDType, sa.ForeignKey("tenants.id"), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("issued_at", utc_timestamp(), nullable=False),
    sa.Column("expires_at", utc_timestamp(), nullable=False),
    sa.Column("used_at", utc_timestamp(), nullable=True),
    sa.Column("revoked_at", utc_timestamp(), nullable=True),
)

login_throttle = sa.Table(
    "login_throttle",
    metadata,
    sa.Column("throttle_key", sa.String(400), primary_key=True),
    sa.Column("window_started_at", utc_timestamp(), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Index("ix_login_throttle_window_started_at", "window_started_at"),
)

audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    sa.Column("at", utc_timestamp(), nullable=False),
    sa.Column("tenant_id", UUIDType, nullable=True, index=True),
    sa.Column("actor", sa.String(320), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("entity", sa.String(64), nullable=False),
    sa.Column("entity_id", sa.String(64), nullable=False),
    sa.Column("before", JSONType, nullable=True),
    sa.Column("after", JSONType, nullable=True),
    sa.Column("request_id", sa.String(64), nullable=False),
    sa.Column("details", JSONType, nullable=False),
)

user_links = sa.Table(
    "user_links",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("tenant_id", UUIDType, sa.ForeignKey("tenants.id"), nullable=False),
    sa.Column("user_id", UUIDType, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("purpose", sa.String(32), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Column("expires_at", utc_timestamp(), nullable=False),
    sa.Column("used_at", utc_timestamp(), nullable=True),
    sa.Column("revoked_at", utc_timestamp(), nullable=True),
)

mail_outbox = sa.Table(
    "mail_outbox",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("tenant_id", UUIDType, nullable=True),
    sa.Column("recipient", sa.String(320), nullable=False),
    sa.Column("subject", sa.String(300), nullable=False),
    sa.Column("body", sa.Text(), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("next_attempt_at", utc_timestamp(), nullable=False),
    sa.Column("last_error", sa.String(500), nullable=True),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Column("sent_at", utc_timestamp(), nullable=True),
    sa.Index("ix_mail_outbox_status_due", "status", "next_attempt_at"),
)

user_sessions = sa.Table(
    "user_sessions",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("tenant_id", UUIDType, sa.ForeignKey("tenants.id"), nullable=False),
    sa.Column("user_id", UUIDType, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("device", sa.String(200), nullable=False),
    sa.Column("address", sa.String(64), nullable=False),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Column("last_used_at", utc_timestamp(), nullable=False),
    sa.Column("ended_at", utc_timestamp(), nullable=True),
)

user_totp = sa.Table(
    "user_totp",
    metadata,
    sa.Column("user_id", UUIDType, sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("tenant_id", UUIDType, sa.ForeignKey("tenants.id"), nullable=False),
    sa.Column("secret", sa.String(255), nullable=False),  # sealed: "v1:" + AES-GCM, base64url
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Column("confirmed_at", utc_timestamp(), nullable=True),
    sa.Column("last_step", sa.BigInteger(), nullable=True),
)

mfa_recovery_codes = sa.Table(
    "mfa_recovery_codes",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    sa.Column("user_id", UUIDType, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("code_hash", sa.String(64), nullable=False),
    sa.Column("used_at", utc_timestamp(), nullable=True),
)

identity_policies = sa.Table(
    "identity_policies",
    metadata,
    sa.Column("tenant_id", UUIDType, sa.ForeignKey("tenants.id"), primary_key=True),
    sa.Column("mfa_required", sa.String(16), nullable=False),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", UUIDType, primary_key=True),
    sa.Column("tenant_id", UUIDType, sa.ForeignKey("tenants.id"), nullable=False, index=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("read_only", sa.Boolean(), nullable=False),
    sa.Column("prefix", sa.String(16), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Column("last_used_at", utc_timestamp(), nullable=True),
    sa.Column("revoked_at", utc_timestamp(), nullable=True),
)

sso_configs = sa.Table(
    "sso_configs",
    metadata,
    sa.Column("tenant_id", UUIDType, sa.ForeignKey("tenants.id"), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("issuer", sa.String(500), nullable=False),
    sa.Column("discovery_url", sa.String(500), nullable=False),
    sa.Column("client_id", sa.String(200), nullable=False),
    sa.Column("secret_name", sa.String(200), nullable=False),
    sa.Column("allowed_domains", sa.Text(), nullable=False),  # JSON list
    sa.Column("default_role", sa.String(32), nullable=False),
    sa.Column("role_claim", sa.String(100), nullable=True),
    sa.Column("role_map", sa.Text(), nullable=False),  # JSON object value -> role
    sa.Column("require_sso", sa.Boolean(), nullable=False),
    sa.Column("break_glass_email", sa.String(320), nullable=True),
    sa.Column("updated_at", utc_timestamp(), nullable=False),
)

sso_states = sa.Table(
    "sso_states",
    metadata,
    sa.Column("state_hash", sa.String(64), primary_key=True),
    sa.Column("tenant_id", UUIDType, sa.ForeignKey("tenants.id"), nullable=False),
    sa.Column("nonce_hash", sa.String(64), nullable=False),
    sa.Column("created_at", utc_timestamp(), nullable=False),
    sa.Column("expires_at", utc_timestamp(), nullable=False, index=True),
    sa.Column("used_at", utc_timestamp(), nullable=True),
)
