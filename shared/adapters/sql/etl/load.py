"""Loading mapped rows into a tenant's tables by business key, through `bulk.upsert_rows`.

- production by (well, day): the table's primary key, straight to the bulk upsert;
- wells by API number and equipment by tag: existing rows are read first, so a
  row keeps its id (and everything the source does not map); new rows get an
  id and the defaults of the API's create. NOT NULL columns never take a null
  from the source.

Each load appends to the devices' change feed: one entry per well and chunk
for production (devices re-read the range), one per well or piece of equipment.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlalchemy import Connection

from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.bulk import (
    copies_on,
    insert_columns,
    insert_rows,
    upsert_columns,
    upsert_rows,
)
from shared.adapters.sql.sync.repositories import to_json
from shared.core.etl.model.column_rows import ColumnRows
from shared.core.etl.model.fields import Entity
from shared.core.wells.model.api_number import format_api_number

IN_CHUNK = 1000
_PRODUCTION_KEY = itemgetter("well_id", "production_date")
_DAY = itemgetter("production_date")
_FIRST, _SECOND = itemgetter(0), itemgetter(1)
WELL_DEFAULTS = {"well_type": "OIL", "status": "PLANNED", "is_horizontal": False}
EQUIPMENT_DEFAULTS = {"equipment_type": "UNKNOWN", "status": "ACTIVE"}


def _not_null(table: sa.Table) -> frozenset[str]:
    return frozenset(column.name for column in table.columns if not column.nullable)


def existing_by(
    connection: Connection, table: sa.Table, column: str, values: Iterable[Any]
) -> dict[Any, dict[str, Any]]:
    """Rows of `table` whose `column` is one of `values`, by that value."""
    found: dict[Any, dict[str, Any]] = {}
    distinct = list(dict.fromkeys(values))
    for start in range(0, len(distinct), IN_CHUNK):
        part = distinct[start : start + IN_CHUNK]
        query = sa.select(table).where(table.c[column].in_(part))
        for row in connection.execute(query):
            found[row._mapping[column]] = _plain(row._mapping)
    return found


def _plain(row: sa.RowMapping) -> dict[str, Any]:
    return {
        key: str(value) if isinstance(value, uuid.UUID) else value for key, value in row.items()
    }


def merge_by_key(
    table: sa.Table,
    key: str,
    rows: Sequence[Mapping[str, Any]],
    existing: Mapping[Any, Mapping[str, Any]],
    defaults: Mapping[str, Any],
    now: datetime,
) -> list[dict[str, Any]]:
    """Complete rows for the upsert: current values (or defaults) overlaid with the source's."""
    required = _not_null(table)
    columns = [column.name for column in table.columns]
    merged = []
    for row in rows:
        current = existing.get(row[key])
        base = dict(current) if current else _new_row(columns, defaults, now)
        for name, value in row.items():
            if value is not None or name not in required:
                base[name] = value
        base["updated_at"] = now
        if "deleted_at" in base:
            base["deleted_at"] = None
        if table is t.wells and base.get("name") is None:
            base["name"] = format_api_number(base["api_number"])
        merged.append({name: utc(base.get(name)) for name in columns})
    return merged


def utc(value: Any) -> Any:
    """Times as aware UTC: MySQL hands back naive UTC, and drops offsets it is given."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def _new_row(columns: Sequence[str], defaults: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(columns)
    row.update(defaults, id=str(uuid.uuid4()), created_at=now, updated_at=now)
    return row


def load_rows(
    connection: Connection,
    entity: Entity,
    rows: Sequence[Mapping[str, Any]],
    actor: str,
    now: datetime,
    origin: str = "synced",
) -> int:
    if not rows:
        return 0
    if entity is Entity.PRODUCTION:
        return load_production(connection, rows, actor, now, origin)
    table, key, defaults = (
        (t.wells, "api_number", WELL_DEFAULTS)
        if entity is Entity.WELLS
        else (t.equipment, "tag", EQUIPMENT_DEFAULTS)
    )
    existing = existing_by(connection, table, key, (row[key] for row in rows))
    merged = merge_by_key(table, key, rows, existing, defaults, now)
    written = upsert_rows(connection, table, merged)
    append_changes(connection, _entity_changes(entity, merged, actor, now, origin))
    return written


def load_production(
    connection: Connection,
    rows: Sequence[Mapping[str, Any]],
    actor: str,
    now: datetime,
    origin: str = "synced",
) -> int:
    """Upsert mapped production rows; completes the mapper's dicts in place (no copies)."""
    if isinstance(rows, ColumnRows) and copies_on(connection):
        return _load_production_columns(connection, rows.columns, len(rows), actor, now, origin)
    stamped = utc(now)
    full = cast(list[dict[str, Any]], list(rows))
    for row in full:
        row["is_estimated"] = bool(row.get("is_estimated") or False)
        row["updated_at"] = stamped
        row["updated_by"] = actor
    full.sort(key=_PRODUCTION_KEY)  # index order: the write touches each page once
    if _none_stored(connection, full):  # an initial load: append, no staging or conflicts
        written = insert_rows(connection, t.production_daily, full)
    else:
        written = upsert_rows(connection, t.production_daily, full)
    append_changes(connection, production_changes(full, actor, now, f"production.{origin}"))
    return written


def _load_production_columns(
    connection: Connection,
    mapped: Mapping[str, list[Any]],
    size: int,
    actor: str,
    now: datetime,
    origin: str,
) -> int:
    """`load_production` of rows given as columns, unique by (well, day): the same columns,
    order and statements, without a dict per row (PostgreSQL, where `copies_on`)."""
    columns: dict[str, Sequence[Any]] = dict(mapped)
    estimated = columns.get("is_estimated")
    columns["is_estimated"] = [False] * size if estimated is None else [bool(v) for v in estimated]
    columns["updated_at"] = [utc(now)] * size
    columns["updated_by"] = [actor] * size
    if size > 1:
        pick = itemgetter(*index_order(columns["well_id"], columns["production_date"]))
        columns = {name: pick(values) for name, values in columns.items()}
    days = columns["production_date"]
    if _no_production_between(connection, min(days), max(days)):
        written = insert_columns(connection, t.production_daily, columns)
    else:
        written = upsert_columns(connection, t.production_daily, columns)
    pairs = zip(columns["well_id"], days, strict=True)
    append_changes(connection, _production_spans(pairs, actor, now, f"production.{origin}"))
    return written


def index_order(wells: Sequence[Any], days: Sequence[Any]) -> list[int]:
    """Row positions in (well, day) order, as `sorted` of the pairs gives them (stable):
    in numpy, each value standing for its rank among the chunk's few distinct ones."""
    well_ranks, day_ranks = _ranks(wells), _ranks(days)
    keys = well_ranks * (int(day_ranks.max()) + 1) + day_ranks
    return cast(list[int], np.argsort(keys, kind="stable").tolist())


def _ranks(values: Sequence[Any]) -> npt.NDArray[np.int64]:
    rank: dict[Any, int] = dict.fromkeys(values, 0)
    for position, value in enumerate(sorted(rank)):
        rank[value] = position
    return np.fromiter(map(rank.__getitem__, values), dtype=np.int64, count=len(values))


def _none_stored(connection: Connection, rows: Sequence[Mapping[str, Any]]) -> bool:
    """PostgreSQL: no stored production at all in the days `rows` cover (an initial load).

    Then the chunk (unique by key) is appended with COPY, skipping the staging table and
    the conflict check. Only the date index is asked: naming the wells too costs more to
    plan than the upsert saves. A concurrent writer of the same well-days makes the append
    fail on the primary key; the run fails and its retry takes the upsert path.
    """
    if connection.dialect.name != "postgresql":
        return False
    days = list(map(_DAY, rows))
    return _no_production_between(connection, min(days), max(days))


def _no_production_between(connection: Connection, first: Any, last: Any) -> bool:
    c = t.production_daily.c
    query = sa.select(sa.literal(1)).where(c.production_date.between(first, last))
    return connection.execute(query.limit(1)).first() is None


def production_changes(
    rows: Sequence[Mapping[str, Any]], actor: str, now: datetime, action: str
) -> list[dict[str, Any]]:
    """One feed entry per well: the range of days this write touched.

    Rows come grouped by well (the load sorts them): each run of one well is taken
    whole (`groupby`, `map` and `min`/`max` in C), and runs of the same well merge.
    """
    return _production_spans(map(_PRODUCTION_KEY, rows), actor, now, action)


def _production_spans(
    pairs: Iterable[tuple[Any, Any]], actor: str, now: datetime, action: str
) -> list[dict[str, Any]]:
    """`production_changes` of (well id, day) pairs grouped by well."""
    spans: dict[str, tuple[Any, Any, int]] = {}
    for well, run in groupby(pairs, key=_FIRST):
        dates = list(map(_SECOND, run))
        first, last, count = min(dates), max(dates), len(dates)
        known = spans.get(well_id := str(well))
        if known is not None:
            first, last, count = min(first, known[0]), max(last, known[1]), count + known[2]
        spans[well_id] = (first, last, count)
    entries = []
    for well_id, (first, last, count) in sorted(spans.items()):
        data = {"well_id": well_id, "from": first, "to": last, "days": count}
        entity_id = f"{well_id}/{data['from']}..{data['to']}"
        entries.append(_change(now, well_id, "production", entity_id, action, actor, data))
    return entries


def _entity_changes(
    entity: Entity, rows: Sequence[Mapping[str, Any]], actor: str, now: datetime, origin: str
) -> list[dict[str, Any]]:
    if entity is Entity.WELLS:
        action = f"well.{origin}"
        return [_change(now, r["id"], "well", r["id"], action, actor, r) for r in rows]
    return [
        _change(now, r["well_id"], "equipment", r["id"], f"equipment.{origin}", actor, r)
        for r in rows
        if r.get("well_id")
    ]


def _change(
    at: datetime, well_id: str, entity: str, entity_id: str, action: str, actor: str, data: Any
) -> dict[str, Any]:
    return {
        "at": utc(at),
        "well_id": str(well_id),
        "entity": entity,
        "entity_id": str(entity_id)[:128],
        "action": action,
        "actor_id": actor,
        "data": to_json(data),
    }


def append_changes(connection: Connection, entries: Sequence[Mapping[str, Any]]) -> None:
    """txid: the writing transaction's id on PostgreSQL (see sync/change_log.py), 0 elsewhere."""
    if not entries:
        return
    if connection.dialect.name != "postgresql":
        insert_rows(connection, t.change_log, [{**entry, "txid": 0} for entry in entries])
        return
    current = sa.cast(sa.cast(sa.func.pg_current_xact_id(), sa.Text), sa.BigInteger)
    txid = int(connection.execute(sa.select(current)).scalar_one())
    rows = [
        {**e, "txid": txid, "data": json.dumps(e["data"], separators=(",", ":"))} for e in entries
    ]
    insert_rows(connection, t.change_log, rows)  # COPY: JSON goes as text
