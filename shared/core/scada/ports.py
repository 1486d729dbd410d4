"""Ports of SCADA ingestion: the gateway registry, the drain's tenant store, readings.

master database   GatewayRegistry            (GatewayMasterUnitOfWork.gateways)
tenant database   ScadaRepositories          (ScadaUnitOfWork.scada)
                  ReadingRepository          (ScadaUnitOfWork.readings)
                  IngestUnitOfWork           (IngestDatabases, the drain's own)
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import TracebackType
from typing import TYPE_CHECKING, NamedTuple, Protocol, Self

from shared.core.common.pages import Page
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.ports import MasterUnitOfWork
from shared.core.wells.ports import WellsUnitOfWork

if TYPE_CHECKING:  # numpy loads with the drain, not with the API
    from shared.core.scada.model.columns import ReadingColumns


class GatewayStatus(StrEnum):
    ACTIVE = "ACTIVE"
    REVOKED = "REVOKED"


@dataclass(frozen=True)
class Gateway:
    id: str
    tenant_id: str
    name: str
    status: GatewayStatus
    created_at: datetime
    created_by: str
    revoked_at: datetime | None = None
    last_seen_at: datetime | None = None


class GatewayRegistry(Protocol):
    """Gateways of every tenant, in the master database (the drain maps gateway → tenant)."""

    def add(self, gateway: Gateway) -> None: ...

    def get(self, gateway_id: str) -> Gateway | None: ...

    def list_for_tenant(self, tenant_id: str) -> list[Gateway]: ...

    def revoke(self, gateway_id: str, at: datetime) -> None: ...

    def touch(self, gateway_ids: Collection[str], at: datetime) -> None:
        """Set last_seen_at (never moves it backwards)."""
        ...


@dataclass(frozen=True)
class ScadaConnection:
    """An OPC-UA server a gateway reads; secrets are references into the Secrets store."""

    id: str
    gateway_id: str
    name: str
    endpoint_url: str
    security_mode: str
    security_policy: str
    username: str | None
    password_secret_ref: str | None
    client_certificate_pem: str | None
    client_key_secret_ref: str | None
    server_certificate_pem: str | None
    acquisition: str
    publishing_interval_ms: int
    polling_interval_ms: int
    backfill: bool | None
    """Gap backfill through HistoryRead; None: the gateway's own setting."""
    backfill_max_s: int | None
    enabled: bool
    revision: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None


@dataclass(frozen=True)
class TagMapping:
    """OPC node -> well and tag name; `id` is the number readings carry (never reused)."""

    id: int
    connection_id: str
    well_id: str
    node_id: str
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
    deleted_at: datetime | None = None


@dataclass(frozen=True)
class MirroredGateway:
    """The tenant's copy of a master registry gateway."""

    id: str
    name: str
    status: GatewayStatus
    created_at: datetime
    revoked_at: datetime | None = None


class ConnectionRepository(Protocol):
    """Connections; `add` and `update` stamp created_at/updated_at themselves."""

    def get(self, connection_id: str) -> ScadaConnection | None:
        """A connection that is not deleted, or None."""
        ...

    def find_by_name(self, name: str) -> ScadaConnection | None: ...

    def for_gateway(self, gateway_id: str) -> list[ScadaConnection]:
        """The gateway's live connections, by name."""
        ...

    def add(self, connection: ScadaConnection) -> ScadaConnection:
        """Store a new connection (a conflicting row: ConflictError)."""
        ...

    def update(self, connection: ScadaConnection) -> ScadaConnection:
        """Replace the stored connection of `connection.id` (created_at is kept)."""
        ...

    def list(self, gateway_id: str | None, limit: int, offset: int) -> Page[ScadaConnection]:
        """Live connections by name then id (of one gateway if given)."""
        ...


class TagMappingRepository(Protocol):
    """Tag mappings; `add` and `update` stamp created_at/updated_at themselves."""

    def get(self, tag_id: int) -> TagMapping | None:
        """A tag mapping that is not deleted, or None."""
        ...

    def find_node(self, connection_id: str, node_id: str) -> TagMapping | None: ...

    def find_name(self, well_id: str, tag_name: str) -> TagMapping | None: ...

    def for_connections(self, connection_ids: Collection[str]) -> list[TagMapping]:
        """The live mappings of these connections, by id."""
        ...

    def for_well(self, well_id: str, include_deleted: bool = True) -> list[TagMapping]:
        """The well's mappings by id."""
        ...

    def add(self, tag: TagMapping) -> TagMapping:
        """Store a new mapping under a fresh id (the given `id` is not used)."""
        ...

    def update(self, tag: TagMapping) -> TagMapping:
        """Replace the stored mapping of `tag.id` (created_at is kept)."""
        ...

    def delete_for_connection(self, connection_id: str, at: datetime, revision: int) -> int:
        """Soft-delete the connection's live mappings; returns how many."""
        ...

    def list(self, connection_id: str, limit: int, offset: int) -> Page[TagMapping]:
        """The connection's live mappings by id."""
        ...


class GatewayMirror(Protocol):
    """The tenant's copy of its gateways, so connections can reference them."""

    def save(self, gateway: Gateway) -> None: ...

    def get(self, gateway_id: str) -> MirroredGateway | None: ...


class ConfigRevision(Protocol):
    def next(self) -> int:
        """Increment and return the tenant's SCADA config revision (locks until commit)."""
        ...

    def current(self) -> int: ...


class ScadaRepositories(Protocol):
    connections: ConnectionRepository
    tags: TagMappingRepository
    gateways: GatewayMirror
    revision: ConfigRevision


@dataclass(frozen=True)
class ReadingQuery:
    tag_ids: Sequence[int]
    start: datetime
    end: datetime
    limit: int = 1000
    offset: int = 0


class RawReading(NamedTuple):
    """One stored reading (a tuple: pages of thousands are read at once)."""

    tag_id: int
    ts: datetime
    value: float | None
    status: int
    """The int32 the database holds (see `status_code` for the OPC-UA code)."""
    server_ts: datetime | None
    value_type: int
    """OPC-UA built-in type id."""
    value_text: str | None
    historical: bool


class ReadingBucket(NamedTuple):
    """Figures of one tag's numeric readings in one time bucket."""

    tag_id: int
    bucket_start: datetime
    readings: int
    """How many numeric readings the bucket holds."""
    min: float | None
    max: float | None
    avg: float | None
    last: float | None


class ReadingRepository(Protocol):
    def raw(self, query: ReadingQuery) -> list[RawReading]:
        """Readings in [start, end), by ts then tag."""
        ...

    def buckets(self, query: ReadingQuery, bucket_s: int) -> list[ReadingBucket]:
        """Per tag and bucket: bucket start, count, min, max, avg and last value."""
        ...

    def latest(self, tag_ids: Sequence[int]) -> list[RawReading]:
        """The newest reading of each tag that has one."""
        ...


@dataclass(frozen=True)
class BatchClaim:
    batch_id: uuid.UUID
    gateway_id: uuid.UUID
    sequence: int
    count: int
    ingested_at: datetime


class IngestedBatchLog(Protocol):
    def claim(self, claims: Sequence[BatchClaim]) -> set[uuid.UUID]:
        """Record these batch ids; returns those not recorded before (the ones to write).

        A concurrent transaction claiming the same id waits for this one and then
        does not get it, so two drains never both write one batch.
        """
        ...

    def release(self, batch_ids: Collection[uuid.UUID]) -> None:
        """Forget ids claimed in this transaction whose batches turned out unwritable."""
        ...


class ReadingWriter(Protocol):
    def write(self, chunks: Iterable[ReadingColumns]) -> int:
        """Append the readings of every chunk (one COPY on PostgreSQL); returns how many.

        Chunks are pulled while the database takes the earlier ones, so a producer
        can decode the next chunk meanwhile. Backfilled readings (`historical`) are
        written only where no reading of the same (tag_id, ts) is stored, and once
        each; the count is of the rows actually written.
        """
        ...


class TagIds(Protocol):
    def all_ids(self) -> frozenset[int]:
        """Every tag id the tenant ever mapped (deleted mappings too: buffered data)."""
        ...


class ScadaUnitOfWork(WellsUnitOfWork, Protocol):
    """One transaction on one tenant's database, as SCADA configuration and readings see it."""

    scada: ScadaRepositories
    readings: ReadingRepository


class ScadaDatabases(Protocol):
    def unit_of_work(self, tenant: Tenant) -> ScadaUnitOfWork: ...


class GatewayMasterUnitOfWork(MasterUnitOfWork, Protocol):
    """One transaction on the master database, with the gateway registry."""

    gateways: GatewayRegistry


class GatewayMasterDatabase(Protocol):
    def unit_of_work(self) -> GatewayMasterUnitOfWork: ...


class IngestUnitOfWork(Protocol):
    """One transaction of the drain on one tenant's database; rolls back unless committed.

    Database failures surface as `IngestDatabaseError` (an InfrastructureError).
    """

    tags: TagIds
    batches: IngestedBatchLog
    readings: ReadingWriter

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...


class IngestDatabases(Protocol):
    def unit_of_work(self, tenant: Tenant) -> IngestUnitOfWork: ...


class ReadingMaintenance(Protocol):
    def ensure_partitions(self, tenant: Tenant, months_ahead: int, months_behind: int) -> int:
        """Create the monthly reading partitions ahead of time; returns how many were new."""
        ...
