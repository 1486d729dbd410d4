"""Queries of the read API over `scada_readings` (index: tag_id, ts).

Buckets are one GROUP BY whose bucket expression is the only dialect-specific
part (`date_bin` on PostgreSQL); the last value of a bucket is the value at its
newest timestamp, joined back through the same index. Buckets take numeric
readings only (integers and floats: `NUMERIC_TYPES`); booleans, strings and
enumerations are left out of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from shared.adapters.sql.json_rows import read_rows
from shared.adapters.sql.scada.tables import scada_readings
from shared.core.scada.model.value_types import NUMERIC_TYPES
from shared.core.scada.ports import RawReading, ReadingBucket, ReadingQuery

_COLUMNS = RawReading._fields
_NUMERIC = sorted(NUMERIC_TYPES)
AVERAGE_LIMIT = 1e150
"""Values this large (a sensor's garbage) are left out of averages: PostgreSQL's
float8 avg keeps a sum of squares, which overflows from about 1.3e154 and fails
the whole query."""


def averageable(value: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """``value`` where an average can take it, else NULL (see :data:`AVERAGE_LIMIT`)."""
    return sa.case((sa.func.abs(value) < AVERAGE_LIMIT, value), else_=sa.null())


def bucket_start(dialect: str, ts: sa.ColumnElement[Any], seconds: int) -> sa.ColumnElement[Any]:
    """The start of the `seconds`-wide bucket of `ts`, aligned to the Unix epoch (UTC)."""
    seconds = int(seconds)  # from a fixed list; rendered literally
    if dialect == "postgresql":
        stride: sa.ColumnElement[Any] = sa.literal_column(f"interval '{seconds} seconds'")
        origin: sa.ColumnElement[Any] = sa.literal_column("TIMESTAMPTZ '1970-01-01 00:00:00+00'")
        return sa.func.date_bin(stride, ts, origin, type_=sa.DateTime(timezone=True))
    if dialect in ("mysql", "mariadb"):
        epoch = sa.func.floor(sa.func.unix_timestamp(ts) / seconds) * seconds
        return sa.func.from_unixtime(epoch)
    since = sa.func.datediff_big(sa.literal_column("second"), sa.literal("1970-01-01"), ts)
    return sa.func.dateadd(
        sa.literal_column("second"), since / seconds * seconds, sa.literal("1970-01-01")
    )


class SqlReadingRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def _range(self, query: ReadingQuery, table: sa.FromClause) -> list[sa.ColumnElement[bool]]:
        return [
            table.c.tag_id.in_(sorted(query.tag_ids)),
            table.c.ts >= query.start,
            table.c.ts < query.end,
        ]

    def _numeric(self, query: ReadingQuery, table: sa.FromClause) -> list[sa.ColumnElement[bool]]:
        return [*self._range(query, table), table.c.value_type.in_(_NUMERIC)]

    def raw(self, query: ReadingQuery) -> list[RawReading]:
        r = scada_readings
        statement = (
            sa.select(*(r.c[name] for name in _COLUMNS))
            .where(*self._range(query, r))
            .order_by(r.c.ts, r.c.tag_id)
            .limit(query.limit)
            .offset(query.offset)
        )
        return [RawReading._make(row) for row in read_rows(self._c, statement, ["ts", "tag_id"])]

    def buckets(self, query: ReadingQuery, bucket_s: int) -> list[ReadingBucket]:
        if not query.tag_ids:
            return []
        r = scada_readings
        start = bucket_start(self._c.dialect.name, r.c.ts, bucket_s).label("bucket_start")
        grouped = (
            sa.select(
                r.c.tag_id,
                start,
                sa.func.count().label("count"),
                sa.func.min(r.c.value).label("min"),
                sa.func.max(r.c.value).label("max"),
                sa.func.avg(averageable(r.c.value), type_=sa.Double()).label("avg"),
                sa.func.max(r.c.ts).label("last_ts"),
            )
            .where(*self._numeric(query, r))
            .group_by(r.c.tag_id, start)
            .subquery("grouped")
        )
        return self._with_last(grouped, query)

    def _with_last(self, grouped: sa.Subquery, query: ReadingQuery) -> list[ReadingBucket]:
        last = scada_readings.alias("last_row")
        g = grouped.c
        keys = (g.tag_id, g.bucket_start, g["count"], g.min, g.max, g.avg)
        statement = (
            sa.select(*keys, sa.func.max(last.c.value).label("last"))
            .join(last, sa.and_(last.c.tag_id == g.tag_id, last.c.ts == g.last_ts))
            .where(*self._numeric(query, last))
            .group_by(*keys)
            .order_by(g.bucket_start, g.tag_id)
        )
        rows = read_rows(self._c, statement, ["bucket_start", "tag_id"])
        return [ReadingBucket._make(row) for row in rows]

    def latest(self, tag_ids: Sequence[int]) -> list[RawReading]:
        """One index probe per tag (newest first): cheap for a well's tens of tags.

        PostgreSQL and MySQL/MariaDB take all the probes in one statement (a UNION ALL
        of them); elsewhere each is its own statement.
        """
        r = scada_readings
        probes = [
            sa.select(*(r.c[name] for name in _COLUMNS))
            .where(r.c.tag_id == tag_id)
            .order_by(r.c.ts.desc())
            .limit(1)
            for tag_id in sorted(tag_ids)
        ]
        if not probes:
            return []
        if self._c.dialect.name in ("postgresql", "mysql", "mariadb"):
            return [RawReading._make(row) for row in self._c.execute(sa.union_all(*probes))]
        rows = []
        for statement in probes:
            row = self._c.execute(statement).first()
            if row is not None:
                rows.append(RawReading._make(row))
        return rows
