"""Gateways, SCADA connections, tag mappings and readings on the wire."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import pydantic_core
from pydantic import BaseModel, Field, SecretStr

from functions.api.schemas.common import (
    ApiModel,
    PatchInput,
    StrictInput,
    as_response_model,
    rows_fit,
    to_values,
)
from functions.api.schemas.limits import MultilineText, Name, SafeText, bounded
from shared.core.common import limits

Endpoint = Annotated[
    SafeText, Field(max_length=512, pattern=r"^opc\.tcp://", examples=["opc.tcp://10.0.0.5:4840"])
]
SecurityMode = Literal["None", "Sign", "SignAndEncrypt"]
SecurityPolicy = Literal["None", "Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss"]
Acquisition = Literal["subscription", "polling"]
PublishingMs = Annotated[int, Field(ge=50, le=60_000)]
PollingMs = Annotated[int, Field(ge=50, le=3_600_000)]
BackfillSeconds = Annotated[int, Field(ge=1, le=7 * 86_400)]
Pem = Annotated[MultilineText, Field(max_length=20_000)]
DataType = Literal["float", "int", "bool"]
DeadbandType = Literal["none", "absolute", "percent"]
TagName = Annotated[
    str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,99}$", examples=["tubing_pressure"])
]
NodeId = Annotated[SafeText, Field(min_length=1, max_length=512, examples=["ns=2;s=Well07.TP"])]
SamplingMs = Annotated[int, Field(ge=10, le=3_600_000)]
Deadband = Annotated[float, bounded(limits.DEADBAND)]
Bucket = Literal["1m", "5m", "15m", "1h", "1d"]


class GatewayCreate(StrictInput):
    name: Name


class GatewayOut(ApiModel):
    id: uuid.UUID
    name: str
    status: Literal["ACTIVE", "REVOKED"]
    created_at: datetime
    created_by: str
    revoked_at: datetime | None
    last_seen_at: datetime | None


class GatewayCredentialOut(ApiModel):
    gateway_id: uuid.UUID
    secret: str = Field(description="Shown once; signs batches and authenticates the gateway")
    authorization: str = Field(description="The header value: `Gateway <gateway_id>:<secret>`")


class GatewayRegisteredOut(GatewayOut):
    credential: GatewayCredentialOut


class ConnectionFields(StrictInput):
    username: SafeText | None = Field(default=None, max_length=200)
    password: SecretStr | None = Field(
        default=None, max_length=500, description="Write-only; kept in the secret store"
    )
    client_certificate_pem: Pem | None = None
    client_private_key_pem: SecretStr | None = Field(
        default=None, max_length=20_000, description="Write-only; kept in the secret store"
    )
    server_certificate_pem: Pem | None = None


class ConnectionCreate(ConnectionFields):
    gateway_id: uuid.UUID = Field(description="The registered gateway that reads this server")
    name: Name
    endpoint_url: Endpoint
    security_mode: SecurityMode = "None"
    security_policy: SecurityPolicy = "None"
    acquisition: Acquisition = "subscription"
    publishing_interval_ms: PublishingMs = 1000
    polling_interval_ms: PollingMs = 1000
    backfill: bool | None = Field(
        default=None, description="Gap backfill from server history; null: the gateway's default"
    )
    backfill_max_s: BackfillSeconds | None = Field(
        default=None, description="Longest gap read back, seconds; null: the gateway's default"
    )
    enabled: bool = True


class ConnectionPatch(ConnectionFields, PatchInput):
    not_null = frozenset(
        {"gateway_id", "name", "endpoint_url", "security_mode", "security_policy"}
        | {"acquisition", "publishing_interval_ms", "polling_interval_ms", "enabled"}
    )

    gateway_id: uuid.UUID | None = None
    name: Name | None = None
    endpoint_url: Endpoint | None = None
    security_mode: SecurityMode | None = None
    security_policy: SecurityPolicy | None = None
    acquisition: Acquisition | None = None
    publishing_interval_ms: PublishingMs | None = None
    polling_interval_ms: PollingMs | None = None
    backfill: bool | None = None
    backfill_max_s: BackfillSeconds | None = None
    enabled: bool | None = None


class ConnectionOut(ApiModel):
    id: uuid.UUID
    gateway_id: uuid.UUID
    name: str
    endpoint_url: str
    security_mode: str
    security_policy: str
    username: str | None
    has_password: bool
    client_certificate_pem: str | None
    has_client_private_key: bool
    server_certificate_pem: str | None
    acquisition: str
    publishing_interval_ms: int
    polling_interval_ms: int
    backfill: bool | None = None
    backfill_max_s: int | None = None
    enabled: bool
    revision: int
    created_at: datetime
    updated_at: datetime


class TagCreate(StrictInput):
    node_id: NodeId
    well_id: uuid.UUID
    tag_name: TagName
    unit: SafeText | None = Field(default=None, max_length=32, examples=["psi"])
    data_type: DataType = "float"
    sampling_interval_ms: SamplingMs = 1000
    deadband_type: DeadbandType = "none"
    deadband_value: Deadband = 0.0
    enabled: bool = True


class TagPatch(PatchInput):
    not_null = frozenset(
        {"node_id", "well_id", "tag_name", "data_type", "sampling_interval_ms"}
        | {"deadband_type", "deadband_value", "enabled"}
    )

    node_id: NodeId | None = None
    well_id: uuid.UUID | None = None
    tag_name: TagName | None = None
    unit: SafeText | None = Field(default=None, max_length=32)
    data_type: DataType | None = None
    sampling_interval_ms: SamplingMs | None = None
    deadband_type: DeadbandType | None = None
    deadband_value: Deadband | None = None
    enabled: bool | None = None


class TagOut(ApiModel):
    tag_id: int = Field(description="The numeric id readings carry")
    connection_id: uuid.UUID
    node_id: str
    well_id: uuid.UUID
    tag_name: str
    unit: str | None
    data_type: str
    sampling_interval_ms: int
    deadband_type: str
    deadband_value: float
    enabled: bool
    revision: int
    created_at: datetime
    updated_at: datetime


class ReadingOut(ApiModel):
    tag: str
    tag_id: int
    unit: str | None
    ts: datetime = Field(description="Source timestamp")
    value: bool | int | float | str | None = Field(
        description="In its type: a number for float, an integer for int and enum (exact up to"
        " UInt64), true/false for bool, text for string; null when the server sent none"
        " (and for NaN and infinities, which JSON cannot carry)"
    )
    type: Literal["float", "int", "bool", "string", "enum", "null"] = Field(
        description="The value's type (enum: the enumeration's number)"
    )
    opc_type: int = Field(description="OPC-UA built-in type id (11 Double, 29 an enumeration)")
    status: int = Field(description="OPC-UA status code (0 = Good)")
    quality: Literal["good", "uncertain", "bad"]
    server_ts: datetime | None
    historical: bool = Field(description="Backfilled from the server's history after a gap")


class BucketOut(ApiModel):
    """Aggregates over the bucket's numeric readings (integers and floats) only."""

    tag: str
    tag_id: int
    unit: str | None
    bucket_start: datetime
    count: int
    min: float | None
    max: float | None
    avg: float | None
    last: float | None


class ReadingsOut(ApiModel):
    well_id: uuid.UUID
    from_: datetime = Field(alias="from", serialization_alias="from")
    to: datetime
    bucket: Bucket | None
    items: list[ReadingOut] | list[BucketOut]
    limit: int
    offset: int
    next_offset: int | None = Field(description="Offset of the next raw page; null at the end")


class LatestOut(ApiModel):
    well_id: uuid.UUID
    items: list[ReadingOut]


def secret_values(model: BaseModel, only_set: bool = False) -> dict[str, Any]:
    """`to_values`, with SecretStr fields revealed for the service (never echoed back)."""
    values = to_values(model, only_set)
    for name, value in values.items():
        if isinstance(value, SecretStr):
            values[name] = value.get_secret_value()
    return values


def readings_answer_json(content: dict[str, Any]) -> bytes:
    """`content` as `response_model=ReadingsOut` writes it.

    Buckets (two weeks of 8 tags is 2,688 of them) skip validation when they already hold
    what it would produce (`rows_fit`): validating them meant trying each against
    `ReadingOut` first (the union's other side) and cost more than reading them. Raw
    readings, and buckets holding anything validation would change, are validated.
    """
    items = content["items"]
    if content["bucket"] is not None and items:
        names = tuple(BucketOut.model_fields)
        rows = [{name: item[name] for name in names} for item in items]
        if rows_fit(rows, BucketOut):
            envelope = as_response_model(ReadingsOut, {**content, "items": []})
            head, found, tail = envelope.partition(b'"items":[]')
            if found:
                written = pydantic_core.to_json(rows, inf_nan_mode="null")
                return head + b'"items":' + written + tail
    return as_response_model(ReadingsOut, content)
