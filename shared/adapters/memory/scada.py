"""The in-memory twin of SCADA in a tenant database.

`ScadaData` is the SCADA store of one tenant's `MemoryState`: connections, tag
mappings, the gateway mirror, the config revision, the batch log and the stored
readings. `MemoryScadaRepositories` and `MemoryReadingRepository` are the tenant
unit of work's `scada` and `readings`; `MemoryIngestDatabases` opens the drain's
unit of work on the same state, so readings the drain writes are the ones the
read API finds. Rules the database enforces (unique names and nodes per live
row are the services'; a connection's gateway must be mirrored) are enforced
here too, so the fakes refuse what the SQL adapters refuse.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from shared.adapters.memory.units_of_work import MemoryState, MemoryUnitOfWork
from shared.core.common.errors import ConflictError, NotFoundError
from shared.core.common.pages import Page
from shared.core.registry.model.tenants import Tenant
from shared.core.scada.model.columns import NUMERIC_TYPES, ReadingColumns
from shared.core.scada.ports import (
    BatchClaim,
    ConfigRevision,
    ConnectionRepository,
    Gateway,
    GatewayMirror,
    IngestedBatchLog,
    IngestUnitOfWork,
    MirroredGateway,
    RawReading,
    ReadingBucket,
    ReadingQuery,
    ReadingWriter,
    ScadaConnection,
    TagIds,
    TagMapping,
    TagMappingRepository,
)

SCADA = "scada"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
AVERAGE_LIMIT = 1e150
"""As the SQL read: values this large are left out of bucket averages."""

T = TypeVar("T")


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ScadaData:
    connections: dict[str, ScadaConnection] = field(default_factory=dict)
    tags: dict[int, TagMapping] = field(default_factory=dict)
    last_tag_id: int = 0
    gateways: dict[str, MirroredGateway] = field(default_factory=dict)
    revision: int = 0
    batches: dict[uuid.UUID, BatchClaim] = field(default_factory=dict)
    readings: list[RawReading] = field(default_factory=list)


def _page(rows: list[T], limit: int, offset: int) -> Page[T]:
    return Page(items=rows[offset : offset + limit], total=len(rows), limit=limit, offset=offset)


class MemoryConnectionRepository:
    def __init__(self, data: ScadaData) -> None:
        self._data = data

    def _live(self) -> list[ScadaConnection]:
        rows = [c for c in self._data.connections.values() if c.deleted_at is None]
        return sorted(rows, key=lambda c: (c.name, c.id))

    def get(self, connection_id: str) -> ScadaConnection | None:
        found = self._data.connections.get(connection_id)
        return found if found is not None and found.deleted_at is None else None

    def find_by_name(self, name: str) -> ScadaConnection | None:
        return next((c for c in self._live() if c.name == name), None)

    def for_gateway(self, gateway_id: str) -> list[ScadaConnection]:
        return [c for c in self._live() if c.gateway_id == gateway_id]

    def _check(self, connection: ScadaConnection) -> None:
        if connection.gateway_id not in self._data.gateways:
            raise ConflictError("scada_connections: conflicts with existing data")

    def add(self, connection: ScadaConnection) -> ScadaConnection:
        if connection.id in self._data.connections:
            raise ConflictError("scada_connections: conflicts with existing data")
        self._check(connection)
        now = _now()
        stored = replace(connection, created_at=now, updated_at=now)
        self._data.connections[connection.id] = stored
        return stored

    def update(self, connection: ScadaConnection) -> ScadaConnection:
        before = self._data.connections.get(connection.id)
        if before is None:
            raise NotFoundError("scada_connections", connection.id)
        self._check(connection)
        stored = replace(connection, created_at=before.created_at, updated_at=_now())
        self._data.connections[connection.id] = stored
        return stored

    def list(self, gateway_id: str | None, limit: int, offset: int) -> Page[ScadaConnection]:
        rows = [c for c in self._live() if gateway_id is None or c.gateway_id == gateway_id]
        return _page(rows, limit, offset)


class MemoryTagMappingRepository:
    def __init__(self, data: ScadaData) -> None:
        self._data = data

    def _all(self) -> list[TagMapping]:
        return sorted(self._data.tags.values(), key=lambda t: t.id)

    def _live(self) -> list[TagMapping]:
        return [t for t in self._all() if t.deleted_at is None]

    def get(self, tag_id: int) -> TagMapping | None:
        found = self._data.tags.get(tag_id)
        return found if found is not None and found.deleted_at is None else None

    def find_node(self, connection_id: str, node_id: str) -> TagMapping | None:
        key = (connection_id, node_id)
        return next((t for t in self._live() if (t.connection_id, t.node_id) == key), None)

    def find_name(self, well_id: str, tag_name: str) -> TagMapping | None:
        key = (well_id, tag_name)
        return next((t for t in self._live() if (t.well_id, t.tag_name) == key), None)

    def for_connections(self, connection_ids: Collection[str]) -> list[TagMapping]:
        return [t for t in self._live() if t.connection_id in connection_ids]

    def for_well(self, well_id: str, include_deleted: bool = True) -> list[TagMapping]:
        rows = self._all() if include_deleted else self._live()
        return [t for t in rows if t.well_id == well_id]

    def _check(self, tag: TagMapping) -> None:
        if tag.connection_id not in self._data.connections:
            raise ConflictError("tag_mappings: conflicts with existing data")

    def add(self, tag: TagMapping) -> TagMapping:
        self._check(tag)
        self._data.last_tag_id += 1
        now = _now()
        stored = replace(tag, id=self._data.last_tag_id, created_at=now, updated_at=now)
        self._data.tags[stored.id] = stored
        return stored

    def update(self, tag: TagMapping) -> TagMapping:
        before = self._data.tags.get(tag.id)
        if before is None:
            raise NotFoundError("tag_mappings", tag.id)
        self._check(tag)
        stored = replace(tag, created_at=before.created_at, updated_at=_now())
        self._data.tags[tag.id] = stored
        return stored

    def delete_for_connection(self, connection_id: str, at: datetime, revision: int) -> int:
        doomed = [t for t in self._live() if t.connection_id == connection_id]
        for tag in doomed:
            self._data.tags[tag.id] = replace(tag, deleted_at=at, updated_at=at, revision=revision)
        return len(doomed)

    def list(self, connection_id: str, limit: int, offset: int) -> Page[TagMapping]:
        rows = [t for t in self._live() if t.connection_id == connection_id]
        return _page(rows, limit, offset)


class MemoryGatewayMirror:
    def __init__(self, data: ScadaData) -> None:
        self._data = data

    def save(self, gateway: Gateway) -> None:
        before = self._data.gateways.get(gateway.id)
        self._data.gateways[gateway.id] = MirroredGateway(
            id=gateway.id,
            name=gateway.name,
            status=gateway.status,
            created_at=before.created_at if before else gateway.created_at,
            revoked_at=gateway.revoked_at,
        )

    def get(self, gateway_id: str) -> MirroredGateway | None:
        return self._data.gateways.get(gateway_id)


class MemoryConfigRevision:
    def __init__(self, data: ScadaData) -> None:
        self._data = data

    def next(self) -> int:
        self._data.revision += 1
        return self._data.revision

    def current(self) -> int:
        return self._data.revision


class MemoryScadaRepositories:
    def __init__(self, data: ScadaData) -> None:
        self.connections: ConnectionRepository = MemoryConnectionRepository(data)
        self.tags: TagMappingRepository = MemoryTagMappingRepository(data)
        self.gateways: GatewayMirror = MemoryGatewayMirror(data)
        self.revision: ConfigRevision = MemoryConfigRevision(data)


def bucket_start(ts: datetime, seconds: int) -> datetime:
    since = (ts - EPOCH) // timedelta(seconds=1)
    return EPOCH + timedelta(seconds=since // seconds * seconds)


class MemoryReadingRepository:
    def __init__(self, data: ScadaData) -> None:
        self._data = data

    def _in_range(self, query: ReadingQuery) -> list[RawReading]:
        tags = set(query.tag_ids)
        return [
            r for r in self._data.readings if r.tag_id in tags and query.start <= r.ts < query.end
        ]

    def raw(self, query: ReadingQuery) -> list[RawReading]:
        rows = sorted(self._in_range(query), key=lambda r: (r.ts, r.tag_id))
        return rows[query.offset : query.offset + query.limit]

    def buckets(self, query: ReadingQuery, bucket_s: int) -> list[ReadingBucket]:
        groups: dict[tuple[datetime, int], list[RawReading]] = {}
        for row in self._in_range(query):
            if row.value_type in NUMERIC_TYPES:
                key = (bucket_start(row.ts, bucket_s), row.tag_id)
                groups.setdefault(key, []).append(row)
        return [_bucket(tag_id, start, rows) for (start, tag_id), rows in sorted(groups.items())]

    def latest(self, tag_ids: Sequence[int]) -> list[RawReading]:
        newest: dict[int, RawReading] = {}
        for row in self._data.readings:
            kept = newest.get(row.tag_id)
            if row.tag_id in tag_ids and (kept is None or row.ts > kept.ts):
                newest[row.tag_id] = row
        return [newest[tag_id] for tag_id in sorted(newest)]


def _bucket(tag_id: int, start: datetime, rows: list[RawReading]) -> ReadingBucket:
    values = [r.value for r in rows if r.value is not None]
    usable = [v for v in values if abs(v) < AVERAGE_LIMIT]
    last_ts = max(r.ts for r in rows)
    last = [r.value for r in rows if r.ts == last_ts and r.value is not None]
    return ReadingBucket(
        tag_id=tag_id,
        bucket_start=start,
        readings=len(rows),
        min=min(values) if values else None,
        max=max(values) if values else None,
        avg=sum(usable) / len(usable) if usable else None,
        last=max(last) if last else None,
    )


def readings_of(columns: ReadingColumns) -> list[RawReading]:
    """The rows a columnar chunk stores (NaN values and missing server times as null)."""
    texts = columns.text
    rows = []
    for i in range(len(columns)):
        value = float(columns.value[i])
        server = None if columns.server_ts_missing[i] else _instant(int(columns.server_ts_us[i]))
        rows.append(
            RawReading(
                tag_id=int(columns.tag_id[i]),
                ts=_instant(int(columns.ts_us[i])),
                value=None if math.isnan(value) else value,
                status=int(columns.status[i]),
                server_ts=server,
                value_type=int(columns.value_type[i]),
                value_text=None if texts is None else texts[i],
                historical=bool(columns.historical[i]),
            )
        )
    return rows


def _instant(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=micros)


class MemoryTagIds:
    def __init__(self, data: ScadaData) -> None:
        self._data = data

    def all_ids(self) -> frozenset[int]:
        return frozenset(self._data.tags)


class MemoryIngestedBatchLog:
    def __init__(self, data: ScadaData) -> None:
        self._data = data
        self._claimed: set[uuid.UUID] = set()

    def claim(self, claims: Sequence[BatchClaim]) -> set[uuid.UUID]:
        new = set()
        for claim in claims:
            if claim.batch_id not in self._data.batches:
                self._data.batches[claim.batch_id] = claim
                new.add(claim.batch_id)
        self._claimed |= new
        return new

    def release(self, batch_ids: Collection[uuid.UUID]) -> None:
        for batch_id in set(batch_ids) & self._claimed:
            del self._data.batches[batch_id]


class MemoryReadingWriter:
    """Live readings are appended; backfilled ones only where (tag_id, ts) is free, once."""

    def __init__(self, data: ScadaData) -> None:
        self._data = data

    def write(self, chunks: Iterable[ReadingColumns]) -> int:
        stored = {(r.tag_id, r.ts) for r in self._data.readings}
        written = 0
        for chunk in chunks:
            for row in readings_of(chunk):
                if row.historical and (row.tag_id, row.ts) in stored:
                    continue
                self._data.readings.append(row)
                stored.add((row.tag_id, row.ts))
                written += 1
        return written


def declare_scada(state: MemoryState) -> None:
    state.store(SCADA, ScadaData)


class MemoryIngestUnitOfWork(MemoryUnitOfWork):
    """The drain's transaction on one tenant's in-memory database."""

    tags: TagIds
    batches: IngestedBatchLog
    readings: ReadingWriter

    def _bind(self) -> None:
        data = self.data(SCADA, ScadaData)
        self.tags = MemoryTagIds(data)
        self.batches = MemoryIngestedBatchLog(data)
        self.readings = MemoryReadingWriter(data)


class MemoryIngestDatabases:
    """The drain's units of work, on the states the tenant databases fake holds."""

    def __init__(self, state_of: Callable[[Tenant], MemoryState]) -> None:
        self._state_of = state_of

    def unit_of_work(self, tenant: Tenant) -> IngestUnitOfWork:
        state = self._state_of(tenant)
        declare_scada(state)
        return MemoryIngestUnitOfWork(state)
