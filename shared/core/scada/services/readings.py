"""Reading a well's SCADA readings: raw pages, time buckets, the latest per tag."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.core.common.access import ensure_well_visible, require
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import InputError, NotFoundError
from shared.core.common.roles import Permission
from shared.core.common.units_of_work import Record, TenantUnitOfWork
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.ports import TenantDatabases
from shared.core.scada.model.values import type_name, typed_value
from shared.core.scada.ports import ReadingQuery

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


@dataclass(frozen=True)
class ReadingPage:
    well_id: str
    start: datetime
    end: datetime
    bucket: str | None
    items: list[Record]
    limit: int
    offset: int
    next_offset: int | None


class ReadingService:
    def __init__(self, databases: TenantDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock

    def read(self, tenant: Tenant, actor: Actor, request: ReadingRequest) -> ReadingPage:
        require(actor, Permission.WELLS_READ)
        end = request.end or self._clock()
        start = request.start or end - DEFAULT_WINDOW
        if start >= end:
            raise InputError("from", "must be before 'to'")
        with self._databases.unit_of_work(tenant) as uow:
            tags = _well_tags(uow, actor, request.well_id, request.tag)
            query = ReadingQuery(list(tags), start, end, request.limit, request.offset)
            if request.bucket is None:
                rows = uow.readings.raw(query) if tags else []
            else:
                rows = uow.readings.buckets(query, _bucket_seconds(request.bucket, start, end))
        items = [_shaped(row, tags) for row in rows]
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

    def latest(self, tenant: Tenant, actor: Actor, well_id: str) -> list[Record]:
        """The newest reading of each of the well's tags that has one."""
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            tags = _well_tags(uow, actor, well_id, None)
            rows = uow.readings.latest(list(tags)) if tags else []
        newest: dict[str, Record] = {}
        for row in map(lambda r: _shaped(r, tags), rows):
            kept = newest.get(row["tag"])
            if kept is None or row["ts"] > kept["ts"]:
                newest[row["tag"]] = row
        return sorted(newest.values(), key=lambda row: str(row["tag"]))


def _well_tags(
    uow: TenantUnitOfWork, actor: Actor, well_id: str, tag: str | None
) -> dict[int, Record]:
    """The well's tag mappings by id (deleted ones too: their readings stay the well's)."""
    ensure_well_visible(uow, actor, well_id)
    if uow.wells.get(well_id) is None:
        raise NotFoundError("well", well_id)
    rows = uow.scada.tags.for_well(well_id, include_deleted=True)
    if tag is not None:
        rows = [row for row in rows if row["tag_name"] == tag]
        if not rows:
            raise InputError("tag", f"well {well_id} has no tag named {tag!r}")
    return {int(row["id"]): row for row in rows}


def _bucket_seconds(bucket: str, start: datetime, end: datetime) -> int:
    seconds = BUCKETS.get(bucket)
    if seconds is None:
        raise InputError("bucket", f"must be one of {', '.join(BUCKETS)}")
    if (end - start).total_seconds() / seconds > MAX_BUCKETS_PER_TAG:
        raise InputError(
            "bucket", f"more than {MAX_BUCKETS_PER_TAG} buckets: use a coarser bucket or range"
        )
    return seconds


def _shaped(row: Mapping[str, Any], tags: Mapping[int, Record]) -> Record:
    tag = tags[int(row["tag_id"])]
    shaped = {"tag": tag["tag_name"], "unit": tag["unit"], **row}
    if "status" in row:
        shaped["status"] = status_code(int(row["status"]))
        shaped["quality"] = quality(shaped["status"])
    if "value_type" in row:  # a raw reading: its value in its own type
        value_type = int(row["value_type"])
        text = shaped.pop("value_text", None)
        shaped["value"] = typed_value(row["value"], value_type, text)
        shaped["type"] = type_name(value_type)
        shaped["opc_type"] = value_type
        shaped["historical"] = bool(row["historical"])
    return shaped


def status_code(stored: int) -> int:
    """The OPC-UA status code (uint32) of the int32 the table holds."""
    return stored & 0xFFFFFFFF


def quality(status: int) -> str:
    severity = status >> 30
    return {0: "good", 1: "uncertain"}.get(severity, "bad")
