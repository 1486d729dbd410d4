"""The tenant-side store of ETL runs: one transaction per chunk, and the tenant's ETL lock.

The lock: `pg_try_advisory_lock` on a connection held for the run (PostgreSQL),
or a lease row with an expiry the run renews after every chunk (other dialects;
a crashed run's lease simply expires).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.bulk import upsert_rows
from shared.adapters.sql.engines import TenantEngineCache
from shared.adapters.sql.etl import tables as e
from shared.adapters.sql.etl.load import load_rows, utc
from shared.adapters.sql.etl.records import (
    decode_cursor,
    encode_cursor,
    quarantine_row,
    run_from_row,
    run_values,
)
from shared.adapters.sql.unit_of_work import ConnectionUnitOfWork
from shared.core.common.clock import Clock, utc_now
from shared.core.etl.model.fields import Entity
from shared.core.etl.model.mapping import RejectedRow
from shared.core.etl.ports.runs import QuarantinedRow, RunRecord, RunStatus, Watermark
from shared.core.registry.model.tenants import Tenant

ADVISORY_KEY = 0x57454C4C455443  # "WELLETC": one ETL lock per tenant database
LEASE_NAME = "etl"


class SqlEtlUnitOfWork(ConnectionUnitOfWork):
    def __init__(self, engine: Engine, clock: Clock) -> None:
        super().__init__(engine)
        self._clock = clock

    def __enter__(self) -> Self:
        self._open()
        return self

    def well_ids_by_api(self) -> dict[str, str]:
        c = t.wells.c
        query = sa.select(c.api_number, c.id).where(
            c.api_number.is_not(None), c.deleted_at.is_(None)
        )
        return {str(row.api_number): str(row.id) for row in self._c.execute(query)}

    def load(self, entity: Entity, rows: Sequence[Mapping[str, Any]], actor: str) -> int:
        return load_rows(self._c, entity, rows, actor, self._clock())

    def quarantine(self, entity: Entity, rows: Sequence[RejectedRow], run_id: str) -> int:
        now = utc(self._clock())
        upsert_rows(
            self._c, e.etl_quarantine, [quarantine_row(entity, r, run_id, now) for r in rows]
        )
        return len(rows)

    def quarantined(self, entity: Entity | None, limit: int, offset: int) -> list[QuarantinedRow]:
        c = e.etl_quarantine.c
        query = sa.select(e.etl_quarantine).order_by(c.quarantined_at.desc(), c.row_hash)
        if entity is not None:
            query = query.where(c.entity == entity.value)
        rows = self._c.execute(query.limit(limit).offset(offset))
        return [
            QuarantinedRow(
                entity=row.entity,
                run_id=str(row.run_id),
                source_key=row.source_key,
                field=row.field,
                reason=row.reason,
                row_data=json.loads(row.row_data),
                quarantined_at=row.quarantined_at,
            )
            for row in rows
        ]

    def watermark(self, entity: Entity) -> Watermark | None:
        table = e.etl_watermarks
        row = self._c.execute(sa.select(table).where(table.c.entity == entity.value)).first()
        if row is None:
            return None
        value = decode_cursor(row.cursor_type, row.cursor_value)
        return Watermark(entity, value, utc(row.updated_at))

    def save_watermark(self, entity: Entity, value: Any, run_id: str) -> None:
        kind, text = encode_cursor(value)
        table = e.etl_watermarks
        values = {"cursor_type": kind, "cursor_value": text, "run_id": run_id}
        values["updated_at"] = utc(self._clock())
        where = table.c.entity == entity.value
        if not self._c.execute(table.update().where(where).values(**values)).rowcount:
            self._c.execute(table.insert().values(entity=entity.value, **values))

    def save_run(self, run: RunRecord) -> None:
        values = run_values(run)
        table = e.etl_runs
        updated = self._c.execute(table.update().where(table.c.id == run.id).values(**values))
        if updated.rowcount == 0:
            self._c.execute(table.insert().values(id=run.id, **values))

    def runs(self, limit: int, offset: int) -> list[RunRecord]:
        c = e.etl_runs.c
        query = sa.select(e.etl_runs).order_by(c.started_at.desc(), c.id).limit(limit)
        return [run_from_row(row._mapping) for row in self._c.execute(query.offset(offset))]

    def abandon_running(self, at: datetime) -> int:
        c = e.etl_runs.c
        statement = (
            e.etl_runs.update()
            .where(c.status == RunStatus.RUNNING.value)
            .values(status=RunStatus.ABANDONED.value, finished_at=utc(at))
        )
        return int(self._c.execute(statement).rowcount)

    def remember_keys(self, entity: Entity, keys: Sequence[tuple[str, str]], run_id: str) -> None:
        rows = [
            {"entity": entity.value, "source_key": source, "target_key": target,
             "loaded_run_id": run_id, "deleted_at": None, "deleted_run_id": None}
            for source, target in keys
        ]  # fmt: skip
        upsert_rows(self._c, e.etl_source_keys, rows)

    def mark_seen(self, entity: Entity, source_keys: Sequence[str], run_id: str) -> None:
        rows = [{"run_id": run_id, "entity": entity.value, "source_key": k} for k in source_keys]
        upsert_rows(self._c, e.etl_key_scan, rows)

    def flag_unseen(self, entity: Entity, run_id: str) -> int:
        keys, scan = e.etl_source_keys, e.etl_key_scan
        now = utc(self._clock())
        seen = sa.exists().where(
            scan.c.run_id == run_id,
            scan.c.entity == entity.value,
            scan.c.source_key == keys.c.source_key,
        )
        flagged = self._c.execute(
            keys.update()
            .where(keys.c.entity == entity.value, keys.c.deleted_at.is_(None), ~seen)
            .values(deleted_at=now, deleted_run_id=run_id)
        ).rowcount
        if entity is Entity.WELLS and flagged:
            self._soft_delete_wells(run_id, now)
        self._c.execute(scan.delete().where(scan.c.entity == entity.value))
        return int(flagged)

    def _soft_delete_wells(self, run_id: str, now: datetime) -> None:
        keys = e.etl_source_keys
        gone = sa.select(keys.c.target_key).where(
            keys.c.entity == Entity.WELLS.value, keys.c.deleted_run_id == run_id
        )
        targets = [str(value) for value in self._c.execute(gone).scalars()]
        for start in range(0, len(targets), 1000):
            part = targets[start : start + 1000]
            self._c.execute(
                t.wells.update()
                .where(t.wells.c.api_number.in_(part), t.wells.c.deleted_at.is_(None))
                .values(deleted_at=now, updated_at=now)
            )


@dataclass
class SqlLease:
    held: bool
    renew_with: Any = None

    def renew(self) -> None:
        if self.held and self.renew_with is not None:
            self.renew_with()


class SqlEtlStore:
    def __init__(self, engine: Engine, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._clock = clock

    def unit_of_work(self) -> SqlEtlUnitOfWork:
        return SqlEtlUnitOfWork(self._engine, self._clock)

    @contextmanager
    def exclusive(self, holder: str, ttl_s: float) -> Iterator[SqlLease]:
        if self._engine.dialect.name == "postgresql":
            with self._advisory() as held:
                yield SqlLease(held)
            return
        held = self._take_lease(holder, ttl_s)
        try:
            yield SqlLease(held, lambda: self._extend_lease(holder, ttl_s))
        finally:
            if held:
                self._drop_lease(holder)

    @contextmanager
    def _advisory(self) -> Iterator[bool]:
        with self._engine.connect() as raw:
            connection = raw.execution_options(isolation_level="AUTOCOMMIT")
            take = sa.select(sa.func.pg_try_advisory_lock(ADVISORY_KEY))
            held = bool(connection.execute(take).scalar())
            try:
                yield held
            finally:
                if held:
                    connection.execute(sa.select(sa.func.pg_advisory_unlock(ADVISORY_KEY)))

    def _take_lease(self, holder: str, ttl_s: float) -> bool:
        now = utc(self._clock())
        c = e.etl_leases.c
        expires = now + timedelta(seconds=ttl_s)
        with self._engine.begin() as connection:
            taken = connection.execute(
                e.etl_leases.update()
                .where(c.name == LEASE_NAME, sa.or_(c.expires_at < now, c.holder == holder))
                .values(holder=holder, expires_at=expires)
            ).rowcount
            if taken:
                return True
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    e.etl_leases.insert().values(name=LEASE_NAME, holder=holder, expires_at=expires)
                )
        except IntegrityError:
            return False
        return True

    def _extend_lease(self, holder: str, ttl_s: float) -> None:
        expires = utc(self._clock()) + timedelta(seconds=ttl_s)
        c = e.etl_leases.c
        with self._engine.begin() as connection:
            connection.execute(
                e.etl_leases.update()
                .where(c.name == LEASE_NAME, c.holder == holder)
                .values(expires_at=expires)
            )

    def _drop_lease(self, holder: str) -> None:
        c = e.etl_leases.c
        with self._engine.begin() as connection:
            connection.execute(
                e.etl_leases.delete().where(c.name == LEASE_NAME, c.holder == holder)
            )


class SqlEtlStores:
    def __init__(self, engines: TenantEngineCache, clock: Clock = utc_now) -> None:
        self._engines = engines
        self._clock = clock

    def for_tenant(self, tenant: Tenant) -> SqlEtlStore:
        return SqlEtlStore(self._engines.engine_for(tenant), self._clock)
