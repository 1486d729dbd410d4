"""The operations stores on a tenant database, and the unit of work that carries them."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Self

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql

from shared.adapters.sql.analytics.store import SqlAnalyticsStore
from shared.adapters.sql.analytics.tables import alerts
from shared.adapters.sql.engines import TenantEngineCache
from shared.adapters.sql.operations.afes import SqlAfeStore
from shared.adapters.sql.operations.documents import SqlDocumentStore
from shared.adapters.sql.operations.incidents import SqlIncidentStore
from shared.adapters.sql.operations.permits import SqlPermitStore
from shared.adapters.sql.operations.tables import alarm_rules, alarm_state, work_orders
from shared.adapters.sql.operations.well_tests import SqlWellTestStore
from shared.adapters.sql.scada.tables import tag_mappings
from shared.adapters.sql.tenant_tables import well_assignments, wells
from shared.adapters.sql.unit_of_work import SqlTenantUnitOfWork
from shared.core.analytics.ports import AnalyticsStore, NewAlert
from shared.core.operations.model import work_orders as wo
from shared.core.operations.model.alarm_rules import (
    AlarmKind,
    AlarmRule,
    Severity,
    TagInfo,
    TagSelector,
    rule_fields,
)
from shared.core.operations.ports import (
    AfeStore,
    AlarmStore,
    DocumentStore,
    IncidentStore,
    PermitStore,
    StoredState,
    WellTestStore,
    WorkOrderQuery,
    WorkOrderStore,
)
from shared.core.registry.model.tenants import Tenant

STATE_ROW = 1


def _rule_values(rule: AlarmRule, enabled: bool) -> dict[str, Any]:
    values = rule_fields(rule, enabled)
    values["id"] = values.pop("rule_id")
    return values


def _rule(row: sa.Row[Any]) -> tuple[AlarmRule, bool]:
    m = row._mapping
    rule = AlarmRule(
        rule_id=m["id"],
        kind=AlarmKind(m["kind"]),
        target=TagSelector(m["tag_id"], m["signal_class"], m["field_id"]),
        high=m["high"],
        low=m["low"],
        max_rise_per_min=m["max_rise_per_min"],
        max_fall_per_min=m["max_fall_per_min"],
        stale_after_s=m["stale_after_s"],
        deadband=m["deadband"],
        min_duration_s=m["min_duration_s"],
        severity=Severity(m["severity"]),
        name=m["name"],
    )
    return rule, bool(m["enabled"])


class SqlAlarmStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def list_rules(self, enabled_only: bool = False) -> list[tuple[AlarmRule, bool]]:
        statement = sa.select(alarm_rules).order_by(alarm_rules.c.id)
        if enabled_only:
            statement = statement.where(alarm_rules.c.enabled.is_(True))
        return [_rule(row) for row in self._c.execute(statement)]

    def get_rule(self, rule_id: str) -> tuple[AlarmRule, bool] | None:
        row = self._c.execute(sa.select(alarm_rules).where(alarm_rules.c.id == rule_id)).first()
        return None if row is None else _rule(row)

    def add_rule(self, rule: AlarmRule, enabled: bool, now: datetime) -> bool:
        if self.get_rule(rule.rule_id) is not None:
            return False
        values = _rule_values(rule, enabled) | {"created_at": now, "updated_at": now}
        self._c.execute(alarm_rules.insert().values(**values))
        return True

    def replace_rule(self, rule: AlarmRule, enabled: bool, now: datetime) -> bool:
        values = _rule_values(rule, enabled) | {"updated_at": now}
        statement = alarm_rules.update().where(alarm_rules.c.id == rule.rule_id).values(**values)
        return self._c.execute(statement).rowcount == 1

    def delete_rule(self, rule_id: str) -> bool:
        statement = alarm_rules.delete().where(alarm_rules.c.id == rule_id)
        return self._c.execute(statement).rowcount == 1

    def _tag_rows(self) -> sa.Select[Any]:
        t = tag_mappings
        return (
            sa.select(t.c.id, t.c.well_id, t.c.tag_name, wells.c.field_id)
            .select_from(t.join(wells, wells.c.id == t.c.well_id))
            .where(t.c.deleted_at.is_(None), t.c.enabled.is_(True), wells.c.deleted_at.is_(None))
            .order_by(t.c.id)
        )

    def tags(self) -> list[TagInfo]:
        return [
            TagInfo(
                int(row.id),
                str(row.well_id),
                str(row.tag_name),
                None if row.field_id is None else str(row.field_id),
            )
            for row in self._c.execute(self._tag_rows())
        ]

    def tag_names(self) -> dict[int, str]:
        t = tag_mappings
        statement = sa.select(t.c.id, t.c.tag_name).where(t.c.deleted_at.is_(None))
        return {int(row.id): str(row.tag_name) for row in self._c.execute(statement)}

    def fingerprint(self) -> tuple[object, ...]:
        r, t = alarm_rules, tag_mappings
        parts = [
            sa.select(aggregate).select_from(table).scalar_subquery()
            for table in (r, t)
            for aggregate in (sa.func.count(), sa.func.max(table.c.updated_at))
        ]
        return tuple(self._c.execute(sa.select(*parts)).one())

    def lock_state(self) -> StoredState:
        s = alarm_state
        statement = sa.select(s.c.revision, s.c.state).where(s.c.id == STATE_ROW)
        row = self._c.execute(statement.with_for_update()).first()
        if row is None:
            first = {"id": STATE_ROW, "revision": 0, "state": {}, "updated_at": datetime.now(UTC)}
            if self._c.dialect.name == "postgresql":
                self._c.execute(postgresql.insert(s).values(**first).on_conflict_do_nothing())
            else:
                self._c.execute(s.insert().prefix_with("IGNORE").values(**first))
            row = self._c.execute(statement.with_for_update()).one()
        data = row.state or None
        return StoredState(int(row.revision), data)

    def save_state(self, revision: int, data: Mapping[str, Any], now: datetime) -> None:
        s = alarm_state
        values = {"revision": revision, "state": dict(data), "updated_at": now}
        self._c.execute(s.update().where(s.c.id == STATE_ROW).values(**values))

    def alarm_details(self, source_key: str) -> Mapping[str, Any] | None:
        statement = sa.select(alerts.c.details).where(alerts.c.source_key == source_key)
        row = self._c.execute(statement).first()
        return None if row is None else dict(row.details)

    def add_alarms(self, new: Sequence[NewAlert]) -> set[str]:
        if not new:
            return set()
        rows = [asdict(alert) for alert in new]
        keys = [str(row["source_key"]) for row in rows]
        if self._c.dialect.name == "postgresql":
            statement = (
                postgresql.insert(alerts)
                .values(rows)
                .on_conflict_do_nothing()
                .returning(alerts.c.source_key)
            )
            return {str(key) for key in self._c.execute(statement).scalars()}
        taken = set(
            self._c.execute(
                sa.select(alerts.c.source_key).where(alerts.c.source_key.in_(keys))
            ).scalars()
        )
        fresh = [row for row in rows if row["source_key"] not in taken]
        if fresh:
            self._c.execute(alerts.insert(), fresh)
        return {str(row["source_key"]) for row in fresh}

    def assigned_users(self, well_ids: Sequence[str]) -> dict[str, list[str]]:
        if not well_ids:
            return {}
        c = well_assignments.c
        statement = sa.select(c.well_id, c.user_id).where(c.well_id.in_(sorted(set(well_ids))))
        found: dict[str, list[str]] = {}
        for well_id, user_id in self._c.execute(statement):
            found.setdefault(str(well_id), []).append(str(user_id))
        return found

    def update_alarm_details(self, source_key: str, details: Mapping[str, Any]) -> bool:
        statement = (
            alerts.update().where(alerts.c.source_key == source_key).values(details=dict(details))
        )
        return self._c.execute(statement).rowcount == 1


# --- work orders -------------------------------------------------------------------------


def _iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def _when(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _body(order: wo.WorkOrder) -> dict[str, Any]:
    return {
        "scheduled_for": _iso(order.scheduled_for),
        "failure_at": _iso(order.failure_at),
        "parts": [
            [p.part_number, str(p.quantity), str(p.unit_cost), p.description] for p in order.parts
        ],
        "costs": [[c.category.value, str(c.amount), c.note] for c in order.costs],
        "downtime": [[d.start.isoformat(), d.end.isoformat()] for d in order.downtime],
        "history": [[h.status.value, h.at.isoformat(), h.by, h.note] for h in order.history],
    }


def _columns(order: wo.WorkOrder) -> dict[str, Any]:
    return {
        "well_id": order.well_id,
        "title": order.title,
        "status": order.status.value,
        "priority": order.priority.value,
        "source_kind": order.source.kind.value,
        "source_ref": order.source.reference,
        "equipment_id": order.equipment_id,
        "due_date": order.due_date,
        "assignee": order.assignee,
        "closed_at": order.closed_at,
        "body": _body(order),
    }


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _order(row: sa.Row[Any]) -> wo.WorkOrder:
    m = row._mapping
    body = m["body"]
    return wo.WorkOrder(
        work_order_id=str(m["id"]),
        well_id=str(m["well_id"]),
        title=m["title"],
        source=wo.Source(wo.SourceKind(m["source_kind"]), m["source_ref"]),
        priority=wo.Priority(m["priority"]),
        created_at=_utc(m["created_at"]),
        status=wo.WorkOrderStatus(m["status"]),
        equipment_id=m["equipment_id"],
        due_date=m["due_date"],
        assignee=m["assignee"],
        scheduled_for=_when(body.get("scheduled_for")),
        failure_at=_when(body.get("failure_at")),
        parts=tuple(
            wo.PartLine(n, Decimal(q), Decimal(c), d) for n, q, c, d in body.get("parts", [])
        ),
        costs=tuple(
            wo.CostLine(wo.CostCategory(kind), Decimal(amount), note)
            for kind, amount, note in body.get("costs", [])
        ),
        downtime=tuple(
            wo.Downtime(datetime.fromisoformat(s), datetime.fromisoformat(e))
            for s, e in body.get("downtime", [])
        ),
        history=tuple(
            wo.StatusChange(wo.WorkOrderStatus(s), datetime.fromisoformat(at), by, note)
            for s, at, by, note in body.get("history", [])
        ),
    )


class SqlWorkOrderStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, order: wo.WorkOrder, now: datetime) -> bool:
        values = _columns(order) | {
            "id": order.work_order_id,
            "created_at": order.created_at,
            "updated_at": now,
            "revision": 1,
        }
        if order.source.reference is not None:
            if self.by_source(order.source.kind.value, order.source.reference) is not None:
                return False
        self._c.execute(work_orders.insert().values(**values))
        return True

    def get(self, work_order_id: str) -> tuple[wo.WorkOrder, int] | None:
        try:
            uuid.UUID(work_order_id)
        except ValueError:
            return None
        row = self._c.execute(
            sa.select(work_orders).where(work_orders.c.id == work_order_id)
        ).first()
        return None if row is None else (_order(row), int(row.revision))

    def by_source(self, kind: str, reference: str) -> wo.WorkOrder | None:
        w = work_orders
        statement = sa.select(w).where(w.c.source_kind == kind, w.c.source_ref == reference)
        row = self._c.execute(statement).first()
        return None if row is None else _order(row)

    def save(self, order: wo.WorkOrder, revision: int, now: datetime) -> bool:
        w = work_orders
        statement = (
            w.update()
            .where(w.c.id == order.work_order_id, w.c.revision == revision)
            .values(**_columns(order), updated_at=now, revision=revision + 1)
        )
        return self._c.execute(statement).rowcount == 1

    def with_equipment(self, well_id: str | None) -> Sequence[wo.WorkOrder]:
        w = work_orders
        statement = sa.select(w).where(w.c.equipment_id.is_not(None))
        if well_id is not None:
            statement = statement.where(w.c.well_id == well_id)
        return [_order(row) for row in self._c.execute(statement.limit(100_000))]

    def list(self, query: WorkOrderQuery) -> tuple[list[wo.WorkOrder], int]:
        w = work_orders
        where: list[sa.ColumnElement[bool]] = []
        if query.well_id is not None:
            where.append(w.c.well_id == query.well_id)
        if query.status is not None:
            where.append(w.c.status == query.status)
        if query.visible_well_ids is not None:
            if not query.visible_well_ids:
                return [], 0
            where.append(w.c.well_id.in_(sorted(query.visible_well_ids)))
        count = sa.select(sa.func.count()).select_from(w).where(*where)
        total = int(self._c.execute(count).scalar_one())
        statement = (
            sa.select(w)
            .where(*where)
            .order_by(w.c.created_at.desc(), w.c.id)
            .limit(query.limit)
            .offset(query.offset)
        )
        return [_order(row) for row in self._c.execute(statement)], total


class SqlOperationsUnitOfWork(SqlTenantUnitOfWork):
    """A tenant unit of work with the analytics and operations stores on one connection."""

    def __enter__(self) -> Self:
        super().__enter__()
        assert self._connection is not None
        self.analytics: AnalyticsStore = SqlAnalyticsStore(self._connection)
        self.alarms: AlarmStore = SqlAlarmStore(self._connection)
        self.work_orders: WorkOrderStore = SqlWorkOrderStore(self._connection)
        self.afes: AfeStore = SqlAfeStore(self._connection)
        self.permits: PermitStore = SqlPermitStore(self._connection)
        self.well_tests: WellTestStore = SqlWellTestStore(self._connection)
        self.incidents: IncidentStore = SqlIncidentStore(self._connection)
        self.documents: DocumentStore = SqlDocumentStore(self._connection)
        return self


class SqlOperationsDatabases:
    def __init__(self, engines: TenantEngineCache) -> None:
        self._engines = engines

    def unit_of_work(self, tenant: Tenant) -> SqlOperationsUnitOfWork:
        return SqlOperationsUnitOfWork(self._engines.engine_for(tenant))


__all__ = ["SqlAlarmStore", "SqlOperationsDatabases", "SqlWorkOrderStore"]


if TYPE_CHECKING:  # the feature's view of the tenant unit of work
    from shared.core.operations.ports import OperationsDatabases

    def _serves(databases: SqlOperationsDatabases) -> OperationsDatabases:
        return databases
