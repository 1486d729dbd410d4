"""What an edge gateway runs from: its OPC-UA connections, tags and batching.

Served by `GET /api/v1/gateways/{id}/config` (to the gateway's own credential),
cached on the gateway's disk, or read from a local YAML/JSON file on air-gapped
sites. The same model validates all three.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

SecurityMode = Literal["None", "Sign", "SignAndEncrypt"]
SecurityPolicy = Literal["None", "Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss"]
DeadbandType = Literal["none", "absolute", "percent"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TagConfig(_Strict):
    tag_id: int = Field(ge=1, description="Numeric id the readings carry (from the tag mapping)")
    node_id: str = Field(min_length=1, max_length=512, examples=["ns=2;s=Well07.TubingPressure"])
    well_id: uuid.UUID
    tag_name: str = Field(min_length=1, max_length=100, examples=["tubing_pressure"])
    unit: str | None = Field(default=None, max_length=32)
    data_type: Literal["float", "int", "bool"] = "float"
    sampling_interval_ms: int = Field(default=1000, ge=10, le=3_600_000)
    deadband_type: DeadbandType = "none"
    deadband_value: float = Field(default=0.0, ge=0)


class ConnectionConfig(_Strict):
    connection_id: uuid.UUID
    name: str = Field(min_length=1, max_length=200)
    endpoint_url: str = Field(pattern=r"^opc\.tcp://", max_length=512)
    security_mode: SecurityMode = "None"
    security_policy: SecurityPolicy = "None"
    username: str | None = None
    password: SecretStr | None = None
    client_certificate_pem: str | None = None
    client_private_key_pem: SecretStr | None = None
    server_certificate_pem: str | None = None
    acquisition: Literal["subscription", "polling"] = "subscription"
    publishing_interval_ms: int = Field(default=1000, ge=50, le=60_000)
    polling_interval_ms: int = Field(default=1000, ge=50, le=3_600_000)
    backfill: bool | None = Field(
        default=None, description="Read gaps back from server history; null: the gateway's default"
    )
    backfill_max_s: float | None = Field(
        default=None, gt=0, le=7 * 86_400, description="Longest gap read back; null: default"
    )
    tags: list[TagConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _security_is_consistent(self) -> ConnectionConfig:
        if (self.security_mode == "None") != (self.security_policy == "None"):
            raise ValueError("security_mode and security_policy must both be None or both be set")
        if self.security_mode != "None" and not self.client_certificate_pem:
            raise ValueError("Sign and SignAndEncrypt need client_certificate_pem and its key")
        return self


class BatchSettings(_Strict):
    max_readings: int = Field(default=10_000, ge=1, le=100_000)
    max_age_s: float = Field(default=5.0, gt=0, le=3600)
    max_bytes: int | None = Field(
        default=None, ge=1024, description="Defaults to the queue's message size limit"
    )


class GatewayConfig(_Strict):
    v: Literal[1] = 1
    tenant_id: uuid.UUID
    gateway_id: uuid.UUID
    revision: int = Field(
        ge=0, description="Grows with every change; the gateway reloads on change"
    )
    queue: str = Field(default="ingest", pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    connections: list[ConnectionConfig] = Field(default_factory=list)
    batch: BatchSettings = Field(default_factory=BatchSettings)


def config_document(config: GatewayConfig) -> dict[str, Any]:
    """The config as JSON-ready data with its secrets revealed (for the gateway only).

    `model_dump(mode="json")` masks SecretStr fields; the gateway needs the values.
    """
    data = config.model_dump(mode="json")
    for connection, dumped in zip(config.connections, data["connections"], strict=True):
        for name in ("password", "client_private_key_pem"):
            secret = getattr(connection, name)
            dumped[name] = secret.get_secret_value() if secret is not None else None
    return data
