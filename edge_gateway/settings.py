"""Gateway settings, read once from `WELLOS_GATEWAY_*` variables; arguments win.

The configuration of connections and tags comes from elsewhere (the API or a local
file, see `config_source`); these settings say where to get it, how to sign and
where to publish.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import default_state_dir

TWO_GB = 2 * 1024**3


class ConnectionTuning(BaseModel):
    """Per-connection overrides of the acquisition settings (keyed by connection name or
    id in `WELLOS_GATEWAY_CONNECTIONS`, JSON)."""

    model_config = ConfigDict(extra="forbid")

    backfill: bool | None = None
    backfill_max_s: float | None = Field(default=None, gt=0)
    local: bool | None = Field(
        default=None, description="A site-network RTU (lower reconnect cap); default by address"
    )


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WELLOS_GATEWAY_", extra="ignore")

    config_url: str | None = Field(
        default=None, description="Full URL of GET /api/v1/gateways/{id}/config."
    )
    config_file: Path | None = Field(default=None, description="Local YAML/JSON config.")
    gateway_id: uuid.UUID | None = None
    secret: SecretStr | None = Field(default=None, description="The gateway's credential.")
    tenant: str | None = Field(default=None, description="Tenant slug (X-WellOS-Tenant).")
    state_dir: Path = Field(default_factory=lambda: default_state_dir() / "gateway")
    config_poll_s: float = Field(default=60.0, gt=0)

    queue_backend: Literal["sqlite", "service_bus", "sqs"] = "sqlite"
    sqlite_queue_path: Path | None = Field(
        default=None, description="The local platform's queue file (default state_dir/queue.db)."
    )
    queue_max_message_bytes: int | None = Field(default=None, ge=4096)
    service_bus_connection_string: SecretStr | None = None
    service_bus_namespace: str | None = None
    sqs_region: str | None = None
    sqs_endpoint_url: str | None = None

    max_buffer_bytes: int = Field(default=TWO_GB, ge=16 * 1024)
    sqlite_synchronous: Literal["FULL", "NORMAL"] = "FULL"
    flush_interval_s: float = Field(default=0.1, gt=0)
    max_pending_readings: int = Field(default=200_000, ge=1000)
    publish_retry_max_s: float = Field(default=30.0, gt=0)
    shutdown_grace_s: float = Field(default=10.0, ge=0)

    opc_timeout_s: float = Field(default=4.0, gt=0)
    watchdog_interval_s: float = Field(
        default=15.0, gt=0, description="Keepalive probe interval (and its timeout)."
    )
    reconnect_initial_s: float = Field(default=0.5, gt=0)
    reconnect_max_s: float = Field(default=30.0, gt=0)
    reconnect_max_local_s: float = Field(
        default=5.0, gt=0, description="Reconnect backoff cap for RTUs on the site network."
    )
    probe_interval_s: float = Field(
        default=0.5, gt=0, description="TCP reachability probe between reconnect attempts."
    )
    backfill: bool = Field(default=True, description="Read gaps back from server history.")
    backfill_max_s: float = Field(default=3600.0, gt=0, description="Longest gap read back.")
    connections: dict[str, ConnectionTuning] = Field(
        default_factory=dict, description="Per-connection overrides by name or id (JSON)."
    )
    envelope_version: Literal[1, 2] = Field(
        default=2,
        description="Reading-batch envelope sent: 2 (typed values, per-reading backfill flag);"
        " 1 for a platform whose drain predates version 2 (values as floats).",
    )
    no_data_timeout_s: float = Field(
        default=300.0, ge=0, description="Rebuild a session that delivers no value this long."
    )
    subscription_queue_size: int = Field(default=200_000, ge=1000)

    http_host: str = "127.0.0.1"
    http_port: int = Field(default=9108, ge=0, le=65535, description="0 picks a free port.")
    http_enabled: bool = True
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _one_config_source(self) -> GatewaySettings:
        if (self.config_url is None) == (self.config_file is None):
            raise ValueError("set exactly one of config_url (--config-url) and config_file")
        return self

    @property
    def buffer_path(self) -> Path:
        return self.state_dir / "buffer.db"

    @property
    def config_cache_path(self) -> Path:
        return self.state_dir / "config-cache.json"

    @property
    def queue_path(self) -> Path:
        return self.sqlite_queue_path or self.state_dir / "queue.db"

    def tuning(self, name: str, connection_id: str) -> ConnectionTuning:
        """The overrides for one connection (by id first, then by name)."""
        found = self.connections.get(connection_id) or self.connections.get(name)
        return found or ConnectionTuning()

    def secret_bytes(self) -> bytes:
        if self.secret is None:
            from edge_gateway.errors import SettingsError

            raise SettingsError("WELLOS_GATEWAY_SECRET", "the gateway credential is required")
        return self.secret.get_secret_value().encode()
