"""The demo field's recent past: the hourly sensor history an RTU historian would hold.

Scoring reads the last 14 days of hourly readings, so a demo that only had the
live feed would have nothing to score for two weeks. On every start the demo
writes, for each tag of its simulated wells that a model reads, one reading in
every hour of the last :data:`BACKFILL_DAYS` days that has none yet: the value
the simulator's generated history holds for that hour (a gap stays a gap).
Hours that already hold readings (from the live field) are left as they are,
so restarts only fill what is missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import sqlalchemy as sa
from sqlalchemy import Connection

from functions.local.simulator.catalog import parse_node_id
from functions.local.simulator.history import SIGNAL_NAMES, SensorHistory, hour_floor
from shared.adapters.sql.scada.readings import bucket_start
from shared.adapters.sql.scada.readings_copy import reading_writer_for
from shared.adapters.sql.scada.tables import scada_readings
from shared.core.scada.model.columns import ReadingColumns

BACKFILL_DAYS = 15
HALF_HOUR_US = 1_800_000_000


@dataclass(frozen=True)
class HistoryTag:
    """A tag mapping of a simulated well: database tag id, simulator well number, signal."""

    tag_id: int
    well: int
    signal: str


def history_tags(tags: Iterable[dict[str, object]]) -> list[HistoryTag]:
    """The tag mappings (as the API lists them) that carry a generated sensor signal."""
    found = []
    for tag in tags:
        parsed = parse_node_id(str(tag["node_id"]))
        if parsed is not None and parsed[1] in SIGNAL_NAMES:
            found.append(HistoryTag(int(str(tag["tag_id"])), parsed[0], parsed[1]))
    return found


def backfill(
    connection: Connection,
    history: SensorHistory,
    tags: list[HistoryTag],
    now: datetime,
    days: int = BACKFILL_DAYS,
) -> int:
    """Write the generated reading of each empty hour of the last ``days`` days; returns rows."""
    end = hour_floor(now)
    start = end - timedelta(days=days)
    covered = _covered_hours(connection, [t.tag_id for t in tags], start, end)
    parts = [_missing_rows(history, tag, start, end, covered) for tag in tags]
    parts = [part for part in parts if len(part)]
    if not parts:
        return 0
    columns = ReadingColumns.concat(parts).sorted_by_tag_and_time()
    return reading_writer_for(connection).write([columns])


def _covered_hours(
    connection: Connection, tag_ids: list[int], start: datetime, end: datetime
) -> set[tuple[int, int]]:
    """(tag id, hour as Unix seconds) of every hour in [start, end) with a reading."""
    if not tag_ids:
        return set()
    r = scada_readings
    hour = bucket_start(connection.dialect.name, r.c.ts, 3600).label("hour")
    statement = (
        sa.select(r.c.tag_id, hour)
        .where(r.c.tag_id.in_(tag_ids), r.c.ts >= start, r.c.ts < end)
        .group_by(r.c.tag_id, hour)
    )
    rows = connection.execute(statement)
    return {(int(row.tag_id), int(_aware(row.hour).timestamp())) for row in rows}


def _missing_rows(
    history: SensorHistory,
    tag: HistoryTag,
    start: datetime,
    end: datetime,
    covered: set[tuple[int, int]],
) -> ReadingColumns:
    hours, values = history.hourly(tag.well, start, end)
    series = values[tag.signal]
    keep = [
        i
        for i, hour in enumerate(hours)
        if not np.isnan(series[i]) and (tag.tag_id, int(hour.timestamp())) not in covered
    ]
    ts_us = np.array([int(hours[i].timestamp()) * 1_000_000 for i in keep], dtype=np.int64)
    count = len(keep)
    return ReadingColumns(
        tag_id=np.full(count, tag.tag_id, dtype=np.int32),
        ts_us=ts_us + HALF_HOUR_US,
        server_ts_us=np.zeros(count, dtype=np.int64),
        server_ts_missing=np.ones(count, dtype=bool),
        value=series[keep].astype(np.float64),
        status=np.zeros(count, dtype=np.int32),
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
