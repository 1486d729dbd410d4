"""The change log devices pull from, and how each dialect tells a settled row.

A log ordered by an auto-increment sequence alone loses rows: sequence numbers
are taken at insert and committed in any order, so a reader that has passed
number 11 may later see number 10 commit, and never read it. The log is read
in (txid, seq) order instead, and only as far as the fence:

- PostgreSQL: `txid` is the writing transaction's xid8; a reader returns only
  rows whose txid is below its snapshot's xmin. Every transaction below xmin
  has ended, so no row can ever appear behind a position once it is read. A
  long-running transaction anywhere on the server holds the fence back: rows
  arrive later, never out of order.
- Other dialects: `txid` is 0 and a row is settled once it is `SETTLE_S`
  seconds old (longer than any sync transaction takes, plus the clock drift
  between app instances).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import Connection

from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.sync.appends import insert_rows
from shared.adapters.sql.sync.values import read_row, to_json, write_value
from shared.core.common.change_feed import ChangeEntry, ChangePosition, ChangeRead, ChangeRecord

SETTLE_S = 5.0

_c = t.change_log.c


def _as_bigint(expression: sa.ColumnElement[object]) -> sa.ColumnElement[int]:
    return sa.cast(sa.cast(expression, sa.Text), sa.BigInteger)


class SqlChangeLog:
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._xid = connection.dialect.name == "postgresql"

    def _txid(self) -> sa.ColumnElement[int] | int:
        return _as_bigint(sa.func.pg_current_xact_id()) if self._xid else 0

    def _settled(self, now: datetime) -> sa.ColumnElement[bool]:
        if self._xid:
            xmin = _as_bigint(sa.func.pg_snapshot_xmin(sa.func.pg_current_snapshot()))
            return _c.txid < xmin
        cutoff: datetime = write_value(now - timedelta(seconds=SETTLE_S))
        return _c.at <= cutoff

    def append(self, entry: ChangeEntry) -> None:
        self._c.execute(
            t.change_log.insert().values(
                txid=self._txid(),
                at=write_value(entry.at),
                well_id=entry.well_id,
                entity=entry.entity,
                entity_id=entry.entity_id,
                action=entry.action,
                actor_id=entry.actor_id,
                data=to_json(entry.data),
            )
        )

    def append_many(self, entries: Sequence[ChangeEntry]) -> None:
        """One COPY (or multi-row insert) for a batch's entries: one transaction, one txid."""
        if not entries:
            return
        txid = 0
        if self._xid:
            current = _as_bigint(sa.func.pg_current_xact_id())
            txid = int(self._c.execute(sa.select(current)).scalar_one())
        rows = [
            {
                "txid": txid,
                "at": entry.at,
                "well_id": entry.well_id,
                "entity": entry.entity,
                "entity_id": entry.entity_id,
                "action": entry.action,
                "actor_id": entry.actor_id,
                "data": entry.data,
            }
            for entry in entries
        ]
        insert_rows(self._c, t.change_log, rows)

    def read(
        self,
        after: ChangePosition | None,
        well_ids: Collection[str] | None,
        skip_readings_of: str | None,
        limit: int,
        now: datetime,
    ) -> ChangeRead:
        where = [self._settled(now)]
        if after is not None:
            where.append(
                sa.or_(_c.txid > after.txid, sa.and_(_c.txid == after.txid, _c.seq > after.seq))
            )
        if well_ids is not None:
            where.append(_c.well_id.in_(list(well_ids)) if well_ids else sa.false())
        if skip_readings_of is not None:
            where.append(sa.not_(sa.and_(_c.entity == "reading", _c.actor_id == skip_readings_of)))
        query = sa.select(t.change_log).where(*where).order_by(_c.txid, _c.seq).limit(limit + 1)
        rows = [ChangeRecord(**read_row(row._mapping)) for row in self._c.execute(query)]
        items = rows[:limit]
        last = items[-1].position if items else None
        return ChangeRead(items=items, last=last, has_more=len(rows) > limit)

    def head(self, now: datetime) -> ChangePosition | None:
        query = (
            sa.select(_c.txid, _c.seq)
            .where(self._settled(now))
            .order_by(_c.txid.desc(), _c.seq.desc())
            .limit(1)
        )
        row = self._c.execute(query).first()
        return ChangePosition(row.txid, row.seq) if row else None
