"""The analytics store on a tenant database, and a unit of work that carries it.

Inserts that must happen once use ON CONFLICT DO NOTHING on PostgreSQL and a
look-up before the insert elsewhere (the unique keys still guard races there).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Self

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql

from shared.adapters.rows import Record
from shared.adapters.sql.analytics.tables import (
    alerts,
    anomalies,
    notification_outbox,
    notification_preferences,
    notification_settings,
    predictions,
)
from shared.adapters.sql.engines import TenantEngineCache
from shared.adapters.sql.scada.readings import averageable, bucket_start
from shared.adapters.sql.scada.tables import scada_readings, tag_mappings
from shared.adapters.sql.tenant_tables import production_daily, wells
from shared.adapters.sql.unit_of_work import SqlTenantUnitOfWork
from shared.core.analytics.model.alerts import Alert, OutboxOutcome, OutboxRow
from shared.core.analytics.model.preferences import Preferences
from shared.core.analytics.ports import (
    AlertQuery,
    AnalyticsStore,
    Anomaly,
    HourlyValue,
    NewAlert,
    Prediction,
    ProductionDay,
)
from shared.core.common.pages import Page
from shared.core.registry.model.tenants import Tenant

HOUR_S = 3600
_PRODUCTION = ProductionDay._fields


def _record(row: sa.RowMapping) -> Record:
    return {k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in row.items()}


def _alert(row: sa.RowMapping) -> Alert:
    return Alert(**_record(row))


def _outbox_row(row: sa.RowMapping) -> OutboxRow:
    return OutboxRow(**_record(row))


_ALERT_CHANGES = (
    "status", "acknowledged_by", "acknowledged_at", "resolved_by", "resolved_at", "note",
)  # fmt: skip
"""The columns `update_alert` writes: the ones an alert's life changes."""


class SqlAnalyticsStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def active_well_ids(self) -> list[str]:
        statement = sa.select(wells.c.id).where(wells.c.deleted_at.is_(None)).order_by(wells.c.id)
        return [str(i) for i in self._c.execute(statement).scalars()]

    def well_names(self) -> dict[str, str]:
        statement = sa.select(wells.c.id, wells.c.name).where(wells.c.deleted_at.is_(None))
        return {str(row.id): str(row.name) for row in self._c.execute(statement)}

    def hourly_values(
        self, well_ids: Sequence[str], tag_names: Collection[str], start: datetime, end: datetime
    ) -> list[HourlyValue]:
        if not well_ids:
            return []
        r, t = scada_readings, tag_mappings
        hour = bucket_start(self._c.dialect.name, r.c.ts, HOUR_S).label("hour")
        statement = (
            sa.select(
                t.c.well_id, t.c.tag_name, hour, sa.func.avg(averageable(r.c.value)).label("value")
            )
            .select_from(r.join(t, t.c.id == r.c.tag_id))
            .where(
                t.c.well_id.in_(list(well_ids)),
                t.c.tag_name.in_(sorted(tag_names)),
                r.c.ts >= start,
                r.c.ts < end,
                r.c.value.is_not(None),
                r.c.status >= 0,  # Good and Uncertain; Bad codes (0x8…) are negative int32
            )
            .group_by(t.c.well_id, t.c.tag_name, hour)
        )
        return [
            HourlyValue(str(row.well_id), str(row.tag_name), _utc(row.hour), float(row.value))
            for row in self._c.execute(statement)
            if row.value is not None  # an hour of nothing but garbage values
        ]

    def production_days(
        self, well_ids: Sequence[str] | None, start: date, end: date
    ) -> list[ProductionDay]:
        p = production_daily
        statement = sa.select(*(p.c[name] for name in _PRODUCTION)).where(
            p.c.production_date >= start, p.c.production_date <= end
        )
        if well_ids is not None:
            if not well_ids:
                return []
            statement = statement.where(p.c.well_id.in_(list(well_ids)))
        return [ProductionDay(str(row[0]), *row[1:]) for row in self._c.execute(statement)]

    def _insert_once(self, table: sa.Table, values: Mapping[str, Any], keys: Sequence[str]) -> bool:
        if self._c.dialect.name == "postgresql":
            statement = postgresql.insert(table).values(**values).on_conflict_do_nothing()
            return bool(self._c.execute(statement).rowcount)
        found = self._c.execute(
            sa.select(sa.literal(1)).where(*(table.c[k] == values[k] for k in keys))
        ).first()
        if found is not None:
            return False
        self._c.execute(table.insert().values(**values))
        return True

    def add_prediction(self, prediction: Prediction) -> bool:
        return self._insert_once(predictions, asdict(prediction), ("well_id", "model", "night"))

    def add_anomaly(self, anomaly: Anomaly) -> bool:
        keys = ("well_id", "anomaly_type", "night")
        return self._insert_once(anomalies, asdict(anomaly), keys)

    def add_alert(self, alert: NewAlert) -> bool:
        return self._insert_once(alerts, asdict(alert), ("source_key",))

    def add_outbox(self, rows: Sequence[OutboxRow]) -> int:
        keys = ("alert_id", "channel", "recipient")
        return sum(self._insert_once(notification_outbox, asdict(row), keys) for row in rows)

    def list_alerts(self, query: AlertQuery) -> Page[Alert]:
        a = alerts
        where: list[sa.ColumnElement[bool]] = []
        if query.status is not None:
            where.append(a.c.status == query.status)
        if query.severity is not None:
            where.append(a.c.severity == query.severity)
        if query.well_id is not None:
            where.append(a.c.well_id == query.well_id)
        if query.visible_well_ids is not None:
            if not query.visible_well_ids:
                return Page([], 0, query.limit, query.offset)
            where.append(a.c.well_id.in_(sorted(query.visible_well_ids)))
        total = int(
            self._c.execute(sa.select(sa.func.count()).select_from(a).where(*where)).scalar_one()
        )
        statement = (
            sa.select(a)
            .where(*where)
            .order_by(a.c.created_at.desc(), a.c.id)
            .limit(query.limit)
            .offset(query.offset)
        )
        items = [_alert(row._mapping) for row in self._c.execute(statement)]
        return Page(items, total, query.limit, query.offset)

    def get_alert(self, alert_id: str) -> Alert | None:
        row = self._c.execute(sa.select(alerts).where(alerts.c.id == alert_id)).first()
        return _alert(row._mapping) if row is not None else None

    def update_alert(self, alert: Alert, expected_status: str) -> bool:
        statement = (
            alerts.update()
            .where(alerts.c.id == alert.id, alerts.c.status == expected_status)
            .values({name: getattr(alert, name) for name in _ALERT_CHANGES})
        )
        return self._c.execute(statement).rowcount == 1

    def due_notifications(self, now: datetime, limit: int) -> list[OutboxRow]:
        return self._due_outbox("PENDING", now, limit)

    def claim_notification(self, row_id: str, due: datetime, lease_until: datetime) -> bool:
        return self._claim_outbox("PENDING", row_id, due, lease_until)

    def latest_prediction(self, well_id: str, model: str) -> Prediction | None:
        p = predictions
        statement = (
            sa.select(p)
            .where(p.c.well_id == well_id, p.c.model == model)
            .order_by(p.c.night.desc())
            .limit(1)
        )
        row = self._c.execute(statement).first()
        if row is None:
            return None
        return Prediction(
            str(row.id),
            str(row.well_id),
            row.model,
            row.model_version,
            row.night,
            dict(row.values),
            row.created_at,
        )

    def notification_settings(self) -> dict[str, str]:
        t = notification_settings
        return {row.name: row.value for row in self._c.execute(sa.select(t.c.name, t.c.value))}

    def put_notification_setting(self, name: str, value: str, by: str, at: datetime) -> None:
        t = notification_settings
        values = {"value": value, "updated_by": by, "updated_at": at}
        changed = t.update().where(t.c.name == name).values(**values)
        if self._c.execute(changed).rowcount > 0:
            return
        try:
            with self._c.begin_nested():  # a concurrent first save may insert the row first
                self._c.execute(t.insert().values(name=name, **values))
        except sa.exc.IntegrityError:
            self._c.execute(changed)

    def due_digest_rows(self, now: datetime, limit: int) -> list[OutboxRow]:
        return self._due_outbox("DIGEST", now, limit)

    def claim_digest_row(self, row_id: str, due: datetime, lease_until: datetime) -> bool:
        return self._claim_outbox("DIGEST", row_id, due, lease_until)

    def _due_outbox(self, status: str, now: datetime, limit: int) -> list[OutboxRow]:
        """Outbox rows of `status` due by `now`, oldest first."""
        o = notification_outbox
        statement = (
            sa.select(o)
            .where(o.c.status == status, o.c.next_attempt_at <= now)
            .order_by(o.c.next_attempt_at, o.c.id)
            .limit(limit)
        )
        return [_outbox_row(row._mapping) for row in self._c.execute(statement)]

    def _claim_outbox(self, status: str, row_id: str, due: datetime, lease: datetime) -> bool:
        """Lease a row still of `status` and due at `due`: one taker wins."""
        o = notification_outbox
        statement = (
            o.update()
            .where(o.c.id == row_id, o.c.status == status, o.c.next_attempt_at == due)
            .values(next_attempt_at=lease)
        )
        return self._c.execute(statement).rowcount == 1

    def finish_notification(self, row_id: str, outcome: OutboxOutcome) -> None:
        values = {k: v for k, v in asdict(outcome).items() if v is not None}
        if values:
            o = notification_outbox
            self._c.execute(o.update().where(o.c.id == row_id).values(**values))

    def get_preferences(self, user_id: str) -> Preferences | None:
        p = notification_preferences
        row = self._c.execute(sa.select(p).where(p.c.user_id == user_id)).first()
        if row is None:
            return None
        return Preferences(
            channels=tuple(row.channels),
            phone=row.phone,
            quiet_start=row.quiet_start,
            quiet_end=row.quiet_end,
            utc_offset_minutes=int(row.utc_offset_minutes),
            digest=bool(row.digest),
            digest_hour=int(row.digest_hour),
        )

    def put_preferences(self, user_id: str, preferences: Preferences, at: datetime) -> None:
        p = notification_preferences
        values = {"user_id": user_id, **preferences.as_record(), "updated_at": at}
        changed = p.update().where(p.c.user_id == user_id).values(**values)
        if self._c.execute(changed).rowcount > 0:
            return
        try:
            with self._c.begin_nested():  # a concurrent first save may insert the row first
                self._c.execute(p.insert().values(**values))
        except sa.exc.IntegrityError:
            self._c.execute(changed)

    def get_notification(self, row_id: str) -> OutboxRow | None:
        o = notification_outbox
        row = self._c.execute(sa.select(o).where(o.c.id == row_id)).first()
        return _outbox_row(row._mapping) if row is not None else None


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class SqlAnalyticsUnitOfWork(SqlTenantUnitOfWork):
    """A tenant unit of work with the analytics store on the same connection."""

    def __enter__(self) -> Self:
        super().__enter__()
        assert self._connection is not None
        self.analytics: AnalyticsStore = SqlAnalyticsStore(self._connection)
        return self


class SqlAnalyticsDatabases:
    def __init__(self, engines: TenantEngineCache) -> None:
        self._engines = engines

    def unit_of_work(self, tenant: Tenant) -> SqlAnalyticsUnitOfWork:
        return SqlAnalyticsUnitOfWork(self._engines.engine_for(tenant))


if TYPE_CHECKING:  # the feature's view of the tenant unit of work
    from shared.core.analytics.ports import AnalyticsDatabases

    def _serves(databases: SqlAnalyticsDatabases) -> AnalyticsDatabases:
        return databases
