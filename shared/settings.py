"""Typed settings, read once per process from `WELLOS_*` environment variables.

An explicit argument beats an environment variable: `Settings(database_url=...)`.
Every setting is documented in README.md ("Settings").
"""

from __future__ import annotations

import os
from datetime import timedelta
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def default_state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "wellos"


def public_base_url(value: str) -> str:
    """`http(s)://host[:port][/path]` without a trailing slash, user, query or fragment."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError("must not carry a user, a query or a fragment")
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def proxy_networks(value: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """The networks of a comma-separated list of addresses and CIDRs."""
    entries = [entry.strip() for entry in value.split(",") if entry.strip()]
    try:
        return tuple(ip_network(entry, strict=False) for entry in entries)
    except ValueError as exc:
        raise ValueError(f"not an address or CIDR list: {exc}") from None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WELLOS_", extra="ignore")

    database_url: SecretStr | None = Field(
        default=None, description="Master registry database (PostgreSQL URL)."
    )
    base_domain: str = Field(
        default="localhost", description="Tenants live at {slug}.{base_domain}."
    )
    jwt_secret: SecretStr | None = Field(
        default=None, description="HS256 signing key (>= 32 chars); generated locally when unset."
    )
    access_token_ttl_s: int = Field(default=3600, ge=60)
    refresh_token_ttl_s: int = Field(default=30 * 86400, ge=3600)
    tenant_engine_cache_size: int = Field(default=64, ge=1)
    tenant_pool_size: int = Field(default=2, ge=1)
    tenant_pool_max_overflow: int = Field(default=3, ge=0)
    serverless: bool = Field(
        default=False, description="Use NullPool (one connection per request)."
    )
    registry_cache_ttl_s: float = Field(default=15.0, ge=0)
    tenant_db_prefix: str = Field(default="wellos_t_", pattern=r"^[a-z_][a-z0-9_]{0,30}$")
    state_dir: Path = Field(default_factory=default_state_dir)
    secrets_file: Path | None = None
    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    import_max_bytes: int = Field(
        default=100 * 1024 * 1024, ge=1024, description="Body limit of POST /api/v1/imports only."
    )
    import_max_uncompressed_bytes: int = Field(
        default=1024 * 1024 * 1024,
        ge=1024 * 1024,
        description="An XLSX import may unpack to this many bytes, all its parts together.",
    )
    import_max_shared_strings: int = Field(
        default=1_000_000, ge=1, description="Distinct strings an XLSX import may hold."
    )
    import_max_columns: int = Field(
        default=1_000, ge=1, le=16_384, description="Columns a spreadsheet import may have."
    )
    import_max_rows: int = Field(
        default=1_000_000, ge=1, description="Data rows a spreadsheet import may have."
    )
    blob_backend: Literal["local", "azure", "aws"] = Field(
        default="local",
        description="Blob store: files under state_dir/blobs, Azure Blob Storage, or S3.",
    )
    blob_container: str = Field(
        default="wellos", description="Azure container or S3 bucket (blob_backend azure/aws)."
    )
    azure_storage: SecretStr | None = Field(
        default=None,
        description="Blob Storage connection string, or an account URL (Entra ID identity).",
    )
    queue_backend: Literal["local", "azure", "aws"] = Field(
        default="local",
        description="Queues: SQLite at state_dir/queue.sqlite3, Service Bus, or SQS.",
    )
    service_bus: SecretStr | None = Field(
        default=None,
        description="Service Bus connection string, or a fully qualified namespace (identity).",
    )
    aws_endpoint_url: str | None = Field(
        default=None, description="S3/SQS endpoint override (moto, LocalStack); region: AWS_REGION."
    )
    public_api_url: str | None = Field(
        default=None,
        description="This API's public base URL (http or https), for the local blob store's "
        "upload/download links. Never taken from a request's Host header; unset: `wellos "
        "serve`/`demo` use their own bind address, other hosts hand out relative links.",
    )
    public_app_url: str | None = Field(
        default=None,
        description="The office app's public base URL, for the links in invitation and "
        "password-reset e-mails; unset: https://{slug}.{base_domain} per tenant.",
    )
    sync_job_requeue_after_s: int = Field(
        default=600,
        ge=60,
        description="A sync job still queued this long gets its queue message sent again.",
    )
    session_check_ttl_s: float = Field(
        default=30.0,
        ge=0,
        le=60,
        description="How long an instance trusts that a session has not ended: an ended "
        "session's access tokens stop within this time everywhere (at once where it ended).",
    )
    login_failure_window_s: int = Field(default=900, ge=1)
    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=30, ge=1)
    trusted_proxy_hops: int = Field(
        default=0, ge=0, le=10, description="Proxies whose X-Forwarded-For entry is believed."
    )
    trusted_proxies: str = Field(
        default="127.0.0.1,::1",
        description="Comma-separated addresses or CIDRs of those proxies: X-Forwarded-For is "
        "believed only from a peer in this list (and only with trusted_proxy_hops > 0).",
    )
    etl_allowed_networks: Annotated[tuple[IPv4Network | IPv6Network, ...], NoDecode] = Field(
        default=(),
        description="Comma-separated CIDRs an ETL source may be in besides public addresses "
        "(private ranges, loopback): e.g. 10.20.0.0/16 on premises.",
    )
    log_level: str = "INFO"
    log_json: bool = True

    @field_validator("public_api_url", "public_app_url")
    @classmethod
    def _check_public_url(cls, value: str | None) -> str | None:
        return None if value is None or not value.strip() else public_base_url(value)

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: str) -> str:
        proxy_networks(value)
        return value

    @property
    def trusted_proxy_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        return proxy_networks(self.trusted_proxies)

    @field_validator("base_domain")
    @classmethod
    def _lower_domain(cls, value: str) -> str:
        return value.strip().lower().strip(".")

    @field_validator("etl_allowed_networks", mode="before")
    @classmethod
    def _split_networks(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @property
    def resolved_secrets_file(self) -> Path:
        return self.secrets_file or self.state_dir / "secrets.json"

    @property
    def sync_job_requeue_after(self) -> timedelta:
        return timedelta(seconds=self.sync_job_requeue_after_s)

    def require_database_url(self) -> str:
        if self.database_url is None:
            raise RuntimeError(
                "WELLOS_DATABASE_URL is not set: point it at the master PostgreSQL database, "
                "or run `wellos demo`, which starts an embedded PostgreSQL"
            )
        return self.database_url.get_secret_value()
