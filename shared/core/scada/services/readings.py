"""Reading a well's SCADA readings: raw pages, time buckets, the latest per tag."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypedDict

from shared.core.common.access import ensure_well_visible, require
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import InputError, NotFoundError
from shared.core.common.roles import Permission
from shared.core.registry.model.tenants import Tenant
from shared.core.scada.model.values import TypedValue, TypeName, type_name, typed_value
from shared.core.scada.ports import (
    RawReading,
    ReadingBucket,
    ReadingQuery,
    ScadaDatabases,
    ScadaUnitOfWork,
    TagMapping,
)

BUCKETS = {"1m": 60, "5m": 300, "15m": 900, "1h": 3600, "1d": 86400}
MAX_BUCKETS_PER_TAG = 10_000
DEFAULT_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class ReadingRequest:
    well_id: str
    tag: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    bucket: str | None = None
    limit: int = 1000
    offset: int = 0


class ReadingItem(TypedDict):
    """One reading as the API shows it (a dict: pages of thousands are built at once)."""

    tag: str
    unit: str | None
    tag_id: int
    ts: datetime
    value: TypedValue
    type: TypeName
    opc_type: int
    status: int
    quality: str
    server_ts: datetime | None
    historical: bool


class BucketItem(TypedDict):
    tag: str
    unit: str | None
    tag_id: int
    bucket_start: datetime
    count: int
    min: float | None
    max: float | None
    avg: float | None
    last: float | None


@dataclass(frozen=True)
class ReadingPage:
    well_id: str
    start: datetime
    end: datetime
    bucket: str | None
    items: list[ReadingItem] | list[BucketItem]
    limit: int
    offset: int
    next_offset: int | None


class ReadingService:
    def __init__(self, databases: ScadaDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock

    def read(self, tenant: Tenant, actor: Actor, request: ReadingRequest) -> ReadingPage:
        require(actor, Permission.WELLS_READ)
        end = request.end or self._clock()
        start = request.start or end - DEFAULT_WINDOW
        if start >= end:
            raise InputError("from", "must be before 'to'")
        items: list[ReadingItem] | list[BucketItem]
        with self._databases.unit_of_work(tenant) as uow:
            tags = _well_tags(uow, actor, request.well_id, request.tag)
            query = ReadingQuery(list(tags), start, end, request.limit, request.offset)
            if request.bucket is None:
                raw = uow.readings.raw(query) if tags else []
                items = [_shaped(row, tags) for row in raw]
            else:
                seconds = _bucket_seconds(request.bucket, start, end)
                items = [_bucket(row, tags) for row in uow.readings.buckets(query, seconds)]
        full = request.bucket is None and len(items) == request.limit
        return ReadingPage(
            request.well_id,
            start,
            end,
            request.bucket,
            items,
            request.limit,
            request.offset,
            request.offset + request.limit if full else None,
        )

    def latest(self, tenant: Tenant, actor: Actor, well_id: str) -> list[ReadingItem]:
        """The newest reading of each of the well's tags that has one."""
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            tags = _well_tags(uow, actor, well_id, None)
            rows = uow.readings.latest(list(tags)) if tags else []
        newest: dict[str, ReadingItem] = {}
        for row in (_shaped(r, tags) for r in rows):
            kept = newest.get(row["tag"])
            if kept is None or row["ts"] > kept["ts"]:
                newest[row["tag"]] = row
        return sorted(newest.values(), key=lambda row: str(row["tag"]))


def _well_tags(
    uow: ScadaUnitOfWork, actor: Actor, well_id: str, tag: str | None
) -> dict[int, TagMapping]:
    """The well's tag mappings by id (deleted ones too: their readings stay the well's)."""
    ensure_well_visible(uow, actor, well_id)
    if uow.wells.get(well_id) is None:
        raise NotFoundError("well", well_id)
    rows = uow.scada.tags.for_well(well_id, include_deleted=True)
    if tag is not None:
        rows = [row for row in rows if row.tag_name == tag]
        if not rows:
            raise InputError("tag", f"well {well_id} has no tag named {tag!r}")
    return {row.id: row for row in rows}


def _bucket_seconds(bucket: str, start: datetime, end: datetime) -> int:
    seconds = BUCKETS.get(bucket)
    if seconds is None:
        raise InputError("bucket", f"must be one of {', '.join(BUCKETS)}")
    if (end - start).total_seconds() / seconds > MAX_BUCKETS_PER_TAG:
        raise InputError(
            "bucket", f"more than {MAX_BUCKETS_PER_TAG} buckets: use a coarser bucket or range"
        )
    return seconds


def _shaped(row: RawReading, tags: Mapping[int, TagMapping]) -> ReadingItem:
    tag = tags[int(row.tag_id)]
    status = status_code(int(row.status))
    value_type = int(row.value_type)
    return {
        "tag": tag.tag_name,
        "unit": tag.unit,
        "tag_id": row.tag_id,
        "ts": row.ts,
        "value": typed_value(row.value, value_type, row.value_text),
        "type": type_name(value_type),
        "opc_type": value_type,
        "status": status,
        "quality": quality(status),
        "server_ts": row.server_ts,
        "historical": bool(row.historical),
    }


def _bucket(row: ReadingBucket, tags: Mapping[int, TagMapping]) -> BucketItem:
    tag = tags[int(row.tag_id)]
    return {
        "tag": tag.tag_name,
        "unit": tag.unit,
        "tag_id": row.tag_id,
        "bucket_start": row.bucket_start,
        "count": row.readings,
        "min": row.min,
        "max": row.max,
        "avg": row.avg,
        "last": row.last,
    }


def status_code(stored: int) -> int:
    """The OPC-UA status code (uint32) of the int32 the table holds."""
    return stored & 0xFFFFFFFF


def quality(status: int) -> str:
    severity = status >> 30
    return {0: "good", 1: "uncertain"}.get(severity, "bad")
