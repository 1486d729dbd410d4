"""Typed settings, read once per process from `WELLOS_*` environment variables.

An explicit argument beats an environment variable: `Settings(database_url=...)`.
Every setting is documented in README.md ("Settings").
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def default_state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "wellos"


def child_environment(
    overrides: Mapping[str, str] | None = None, python_path: str | None = None
) -> dict[str, str]:
    """The environment of a child process (the demo's RTU simulators and gateways): this
    process's, with `overrides`, and `python_path` put first on PYTHONPATH."""
    environment = {**os.environ, **(overrides or {})}
    if python_path is not None:
        existing = os.environ.get("PYTHONPATH")
        joined = f"{python_path}{os.pathsep}{existing}" if existing else python_path
        environment["PYTHONPATH"] = joined
    return environment


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


SecretsBackend = Literal["file", "keyvault", "secretsmanager"]
QueueBackend = Literal["local", "servicebus", "sqs"]
BlobBackend = Literal["filesystem", "azure", "s3"]
NotifierBackend = Literal["console", "smtp", "acs", "ses"]
TelemetryBackend = Literal["none", "azure-monitor", "powertools"]
# The names these settings had before: still accepted, read as the new ones.
_QUEUE_ALIASES = {"azure": "servicebus", "aws": "sqs"}
_BLOB_ALIASES = {"local": "filesystem", "aws": "s3"}
SECRET_VARIABLE_PREFIX = "WELLOS_SECRET_"


def secret_variables(environ: Mapping[str, str]) -> dict[str, SecretStr]:
    """The `WELLOS_SECRET_<NAME>` variables, by variable name (the file store's overrides)."""
    return {
        name.upper(): SecretStr(value)
        for name, value in environ.items()
        if name.upper().startswith(SECRET_VARIABLE_PREFIX)
    }


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WELLOS_", extra="ignore", populate_by_name=True)

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
    # Pool defaults: two long-running instances fit a 100-connection server with 20 in
    # reserve, 3 + 4 + 8 × (1 + 3) = 39 each (docs/operations.md, "Connection budget").
    master_pool_size: int = Field(default=3, ge=1)
    master_pool_max_overflow: int = Field(default=4, ge=0)
    tenant_engine_cache_size: int = Field(default=8, ge=1)
    tenant_pool_size: int = Field(default=1, ge=1)
    tenant_pool_max_overflow: int = Field(default=3, ge=0)
    tenant_pool_overflow_linger_seconds: float = Field(
        default=60,
        ge=0,
        description="A tenant pool's overflow connections stay open until unused this long, "
        "so a busy tenant does not connect anew on every few requests (0: close each when "
        "returned).",
    )
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
    secrets_backend: SecretsBackend = Field(
        default="file",
        description="Secret store: the local file (and WELLOS_SECRET_<NAME> variables), Azure "
        "Key Vault (DefaultAzureCredential) or AWS Secrets Manager (the default boto3 chain).",
    )
    key_vault_url: str | None = Field(
        default=None, description="https://<vault>.vault.azure.net (secrets_backend keyvault)."
    )
    secrets_prefix: str = Field(
        default="", description="Prefix of every secret name in the vault (e.g. wellos/prod/)."
    )
    database_url_secret: str | None = Field(
        default=None,
        description="Name of the secret holding the master database URL (when database_url "
        "is unset): the cloud deployments keep it in the vault.",
    )
    blob_backend: BlobBackend = Field(
        default="filesystem",
        description="Default blob store (and the one of a tenant whose storage_provider this "
        "process cannot build): files under state_dir/blobs, Azure Blob Storage, or S3.",
    )
    blob_container: str = Field(
        default="wellos", description="Azure container or S3 bucket (blob_backend azure/s3)."
    )
    azure_storage: SecretStr | None = Field(
        default=None,
        description="Blob Storage connection string, or an account URL (Entra ID identity).",
    )
    queue_backend: QueueBackend = Field(
        default="local",
        description="Queues: SQLite at state_dir/queue.sqlite3, Service Bus, or SQS.",
    )
    service_bus: SecretStr | None = Field(
        default=None,
        description="Service Bus connection string, or a fully qualified namespace (identity).",
    )
    aws_region: str | None = Field(
        default=None, description="AWS region (SQS, S3, Secrets Manager, SES); unset: boto3's."
    )
    aws_endpoint_url: str | None = Field(
        default=None, description="S3/SQS/Secrets Manager endpoint override (moto, LocalStack)."
    )
    notifier: NotifierBackend = Field(
        default="console", description="Where notifications go: the log, SMTP, ACS Email, SES."
    )
    sms_sender: str | None = Field(
        default=None,
        description="ACS SMS sender number (E.164) or SNS sender id; unset: no SMS channel",
    )
    notify_sender: str | None = Field(
        default=None, description="The From address of notifications (smtp, acs, ses)."
    )
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    acs_endpoint: str | None = Field(
        default=None, description="https://<resource>.communication.azure.com (notifier acs)."
    )
    acs_access_key: SecretStr | None = Field(
        default=None, description="The Communication Services access key (notifier acs)."
    )
    telemetry: TelemetryBackend = Field(
        default="none",
        description="Traces and metrics: none, Azure Monitor (OpenTelemetry; its connection "
        "string from APPLICATIONINSIGHTS_CONNECTION_STRING) or Powertools (CloudWatch/X-Ray).",
    )
    applicationinsights_connection_string: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "applicationinsights_connection_string", "APPLICATIONINSIGHTS_CONNECTION_STRING"
        ),
        description="Application Insights (telemetry azure-monitor); the Functions host's name.",
    )
    secret_variables: dict[str, SecretStr] = Field(
        default_factory=lambda: secret_variables(os.environ),
        exclude=True,
        repr=False,
        description="WELLOS_SECRET_<NAME> variables: the file store's overrides.",
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
    sso_allow_loopback_http: bool = Field(
        default=False,
        description="Let a tenant's SSO provider be plain http on a loopback address "
        "(tests and a local provider only); otherwise provider URLs must be https.",
    )
    sso_jwks_refresh_cooldown_s: float = Field(
        default=30,
        ge=0,
        description="An SSO provider's key set is fetched again for an unknown key id at "
        "most once in this many seconds.",
    )
    local_mail_interval_s: float = Field(
        default=2.0,
        gt=0,
        description="`wellos serve` sends the queued identity e-mails (invitations, password "
        "resets, magic links) this often.",
    )
    sso_entra_authority_host: str = Field(
        default="https://login.microsoftonline.com",
        description="The Entra ID sign-in host tenants' Entra providers live at (a national "
        "cloud's, e.g. https://login.microsoftonline.us; a local provider in tests).",
    )
    sso_ca_bundle: str | None = Field(
        default=None,
        description="A PEM file of the CA certificates trusted for SSO providers instead of "
        "the system's (an on-premises provider behind a corporate CA; the tests' local one).",
    )
    log_level: str = "INFO"
    log_json: bool = True
    # --- operations (issue 12): key rotation and the connection budget ---
    key_reload_s: float = Field(
        default=60,
        ge=0,
        description="Server keys (JWT, blob tokens) are re-read from the secret store this "
        "often; a rotated key starts signing this long after the rotation.",
    )
    tenant_idle_seconds: float = Field(
        default=300,
        ge=0,
        description="A tenant's pooled connections are closed after this long unused (0: never).",
    )

    @field_validator("queue_backend", mode="before")
    @classmethod
    def _queue_alias(cls, value: Any) -> Any:
        return _QUEUE_ALIASES.get(value, value) if isinstance(value, str) else value

    @field_validator("blob_backend", mode="before")
    @classmethod
    def _blob_alias(cls, value: Any) -> Any:
        return _BLOB_ALIASES.get(value, value) if isinstance(value, str) else value

    @property
    def cloud_secrets(self) -> bool:
        """True when secrets live in a vault: nothing is written to a local key file."""
        return self.secrets_backend != "file"

    @property
    def serverless_set(self) -> bool:
        """True when WELLOS_SERVERLESS (or an argument) chose the pooling explicitly."""
        return "serverless" in self.model_fields_set

    @property
    def log_level_set(self) -> bool:
        return "log_level" in self.model_fields_set

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

    def missing_settings(self) -> list[str]:
        """The variables the chosen backends need and this process was not given."""
        needs: list[tuple[bool, str]] = [
            (self.database_url is None and not self.database_url_secret,
             "WELLOS_DATABASE_URL (or WELLOS_DATABASE_URL_SECRET)"),
            (self.secrets_backend == "keyvault" and not self.key_vault_url,
             "WELLOS_KEY_VAULT_URL"),
            (self.queue_backend == "servicebus" and self.service_bus is None,
             "WELLOS_SERVICE_BUS"),
            (self.blob_backend == "azure" and self.azure_storage is None, "WELLOS_AZURE_STORAGE"),
            (self.notifier == "smtp" and not self.smtp_host, "WELLOS_SMTP_HOST"),
            (self.notifier == "acs" and not self.acs_endpoint, "WELLOS_ACS_ENDPOINT"),
            (self.notifier == "acs" and self.acs_access_key is None, "WELLOS_ACS_ACCESS_KEY"),
            (self.notifier != "console" and not self.notify_sender, "WELLOS_NOTIFY_SENDER"),
            (self.telemetry == "azure-monitor"
             and self.applicationinsights_connection_string is None,
             "APPLICATIONINSIGHTS_CONNECTION_STRING"),
        ]  # fmt: skip
        return [name for missing, name in needs if missing]

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
