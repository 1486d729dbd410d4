"""The in-memory twin of the operations stores and their unit of work.

`MemoryOperationsDatabases` opens `MemoryOperationsUnitOfWork`s on one
`MemoryState` per tenant. Besides the operations stores (alarm rules and state,
work orders, AFEs, permits, well tests, incidents, documents) the unit of work
carries what the operations services read from the rest of the tenant database:
the audit log and change feed (`shared/adapters/memory/audit.py`), the catalog
they look up (wells, leases, facilities: the wells twin's `WellsData` and
repositories, holding `Well`, `Lease` and `Facility` as the SQL repositories answer
them), the wells' assignments and the alerts the alarms raise. Tests seed the
catalog with `data.catalog.seed_well`, `seed_lease`, ... on the data
(`MemoryOperationsDatabases.data(tenant)`).

Every store keeps what the SQL store promises (tests/contracts/test_operations_stores.py
runs both through the same suite): revisions bumped on save, ids that are not
UUIDs are simply not found, taken AFE numbers and alert source keys refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from shared.adapters.memory.audit import AuditData, MemoryAuditLog, MemoryChangeLog
from shared.adapters.memory.units_of_work import MemoryTenantStates, MemoryUnitOfWork
from shared.adapters.memory.wells import MemoryWellRepository, WellsData, catalog_repositories
from shared.adapters.rows import Record
from shared.core.analytics.model.alerts import Alert, OutboxRow
from shared.core.analytics.ports import NewAlert
from shared.core.operations.model.afe import Afe
from shared.core.operations.model.alarm_rules import AlarmRule, TagInfo
from shared.core.operations.model.incidents import Incident
from shared.core.operations.model.permits import Permit
from shared.core.operations.model.well_tests import WellTest
from shared.core.operations.model.work_orders import WorkOrder
from shared.core.operations.ports import StoredState, WorkOrderQuery
from shared.core.registry.model.tenants import Tenant

STORE = "operations"
T = TypeVar("T")


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@dataclass
class Tag:
    """A SCADA tag mapping as the alarm store reads it."""

    well_id: str
    tag_name: str
    enabled: bool = True
    deleted: bool = False


@dataclass
class OperationsData:
    """One tenant's operations rows (and the catalog rows they are checked against)."""

    catalog: WellsData = field(default_factory=WellsData)
    assignments: dict[str, set[str]] = field(default_factory=dict)
    tags: dict[int, Tag] = field(default_factory=dict)
    rules: dict[str, tuple[AlarmRule, bool]] = field(default_factory=dict)
    rules_version: int = 0
    state: StoredState = field(default_factory=lambda: StoredState(0, None))
    alerts: dict[str, Record] = field(default_factory=dict)
    outbox: list[OutboxRow] = field(default_factory=list)
    work_orders: dict[str, tuple[WorkOrder, int]] = field(default_factory=dict)
    afes: dict[str, tuple[Afe, int]] = field(default_factory=dict)
    permits: dict[str, tuple[Permit, int]] = field(default_factory=dict)
    well_tests: list[WellTest] = field(default_factory=list)
    incidents: dict[str, tuple[Incident, int]] = field(default_factory=dict)
    documents: dict[str, Record] = field(default_factory=dict)

    def assign(self, user_id: str, well_id: str) -> None:
        self.assignments.setdefault(user_id, set()).add(well_id)


_SEEDED = datetime(2026, 1, 1, tzinfo=UTC)
_ALERT_FIELDS = frozenset(f.name for f in fields(Alert))
_ALERT_CHANGES = (
    "status", "acknowledged_by", "acknowledged_at", "resolved_by", "resolved_at", "note",
)  # fmt: skip


def _page(rows: list[Any], limit: int, offset: int) -> list[Any]:
    return rows[offset : offset + limit]


class MemoryAlarmStore:
    def __init__(self, data: OperationsData) -> None:
        self._d = data

    def list_rules(self, enabled_only: bool = False) -> list[tuple[AlarmRule, bool]]:
        rules = [self._d.rules[k] for k in sorted(self._d.rules)]
        return [r for r in rules if r[1] or not enabled_only]

    def get_rule(self, rule_id: str) -> tuple[AlarmRule, bool] | None:
        return self._d.rules.get(rule_id)

    def add_rule(self, rule: AlarmRule, enabled: bool, now: datetime) -> bool:
        if rule.rule_id in self._d.rules:
            return False
        return self._put_rule(rule, enabled)

    def replace_rule(self, rule: AlarmRule, enabled: bool, now: datetime) -> bool:
        return rule.rule_id in self._d.rules and self._put_rule(rule, enabled)

    def _put_rule(self, rule: AlarmRule, enabled: bool) -> bool:
        self._d.rules[rule.rule_id] = (rule, enabled)
        self._d.rules_version += 1
        return True

    def delete_rule(self, rule_id: str) -> bool:
        self._d.rules_version += 1
        return self._d.rules.pop(rule_id, None) is not None

    def tags(self) -> list[TagInfo]:
        found = []
        for tag_id in sorted(self._d.tags):
            tag = self._d.tags[tag_id]
            well = self._d.catalog.wells.get(tag.well_id)
            if tag.deleted or not tag.enabled or well is None or well.deleted_at is not None:
                continue
            found.append(TagInfo(tag_id, tag.well_id, tag.tag_name, well.field_id))
        return found

    def tag_names(self) -> dict[int, str]:
        return {k: t.tag_name for k, t in self._d.tags.items() if not t.deleted}

    def fingerprint(self) -> tuple[object, ...]:
        tags = tuple(sorted((k, t.tag_name, t.enabled, t.deleted) for k, t in self._d.tags.items()))
        return (self._d.rules_version, tags)

    def lock_state(self) -> StoredState:
        return self._d.state

    def save_state(self, revision: int, data: Mapping[str, Any], now: datetime) -> None:
        self._d.state = StoredState(revision, dict(data) or None)

    def add_alarms(self, alerts: Sequence[NewAlert]) -> set[str]:
        return {alert.source_key for alert in alerts if _add_alert(self._d, asdict(alert))}

    def update_alarm_details(self, source_key: str, details: Mapping[str, Any]) -> bool:
        for alert in self._d.alerts.values():
            if alert["source_key"] == source_key:
                alert["details"] = dict(details)
                return True
        return False

    def alarm_details(self, source_key: str) -> Mapping[str, Any] | None:
        for alert in self._d.alerts.values():
            if alert["source_key"] == source_key:
                return dict(alert["details"])
        return None

    def assigned_users(self, well_ids: Sequence[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for user_id, wells in sorted(self._d.assignments.items()):
            for well_id in sorted(wells & set(well_ids)):
                found.setdefault(well_id, []).append(user_id)
        return found


def _add_alert(data: OperationsData, values: Mapping[str, Any]) -> bool:
    if any(a["source_key"] == values["source_key"] for a in data.alerts.values()):
        return False
    data.alerts[str(values["id"])] = dict(values)
    return True


class MemoryAlerts:
    """The part of the analytics store the operations services write: alerts and their outbox."""

    def __init__(self, data: OperationsData) -> None:
        self._d = data

    def add_alert(self, alert: NewAlert) -> bool:
        return _add_alert(self._d, asdict(alert))

    def add_outbox(self, rows: Sequence[OutboxRow]) -> int:
        added = 0
        for row in rows:
            key = (row.alert_id, row.channel, row.recipient)
            if any((o.alert_id, o.channel, o.recipient) == key for o in self._d.outbox):
                continue
            self._d.outbox.append(row)
            added += 1
        return added

    def get_alert(self, alert_id: str) -> Alert | None:
        """The alert as the store returns it (alarm rows are kept as their columns)."""
        found = self._d.alerts.get(alert_id)
        if found is None:
            return None
        return Alert(**{k: v for k, v in found.items() if k in _ALERT_FIELDS})

    def notification_settings(self) -> dict[str, str]:
        """None saved: the escalation delay is the tenant's default."""
        return {}

    def update_alert(self, alert: Alert, expected_status: str) -> bool:
        found = self._d.alerts.get(alert.id)
        if found is None or found["status"] != expected_status:
            return False
        found.update({name: getattr(alert, name) for name in _ALERT_CHANGES})
        return True


class _Revisioned(Generic[T]):
    """Rows kept with a revision: insert at 1, save only at the expected revision."""

    def __init__(self, rows: dict[str, tuple[T, int]]) -> None:
        self._rows = rows

    def get(self, row_id: str) -> tuple[T, int] | None:
        return self._rows.get(row_id) if _is_uuid(row_id) else None

    def _insert(self, row_id: str, row: T) -> None:
        self._rows[row_id] = (row, 1)

    def _save(self, row_id: str, row: T, revision: int) -> bool:
        current = self._rows.get(row_id)
        if current is None or current[1] != revision:
            return False
        self._rows[row_id] = (row, revision + 1)
        return True


class MemoryWorkOrderStore(_Revisioned[WorkOrder]):
    def add(self, order: WorkOrder, now: datetime) -> bool:
        reference = order.source.reference
        if reference is not None and self.by_source(order.source.kind.value, reference):
            return False
        self._insert(order.work_order_id, order)
        return True

    def by_source(self, kind: str, reference: str) -> WorkOrder | None:
        for order, _ in self._rows.values():
            if order.source.kind.value == kind and order.source.reference == reference:
                return order
        return None

    def save(self, order: WorkOrder, revision: int, now: datetime) -> bool:
        return self._save(order.work_order_id, order, revision)

    def with_equipment(self, well_id: str | None) -> Sequence[WorkOrder]:
        return [
            o
            for o, _ in self._rows.values()
            if o.equipment_id is not None and well_id in (None, o.well_id)
        ]

    def list(self, query: WorkOrderQuery) -> tuple[list[WorkOrder], int]:
        rows = [
            o
            for o, _ in self._rows.values()
            if query.well_id in (None, o.well_id)
            and query.status in (None, o.status.value)
            and (query.visible_well_ids is None or o.well_id in query.visible_well_ids)
        ]
        rows.sort(key=lambda o: o.work_order_id)
        rows.sort(key=lambda o: o.created_at, reverse=True)
        return _page(rows, query.limit, query.offset), len(rows)


class MemoryAfeStore(_Revisioned[Afe]):
    def add(self, afe: Afe, now: datetime) -> bool:
        if any(a.number == afe.number for a, _ in self._rows.values()):
            return False
        self._insert(afe.afe_id, afe)
        return True

    def save(self, afe: Afe, revision: int, now: datetime) -> bool:
        return self._save(afe.afe_id, afe, revision)

    def list(self, status: str | None, limit: int, offset: int) -> tuple[list[Afe], int]:
        rows = [a for a, _ in self._rows.values() if status in (None, a.status.value)]
        rows.sort(key=lambda a: a.afe_id)
        rows.sort(key=lambda a: a.created_at, reverse=True)
        return _page(rows, limit, offset), len(rows)


class MemoryPermitStore(_Revisioned[Permit]):
    def add(self, permit: Permit, now: datetime) -> None:
        self._insert(permit.permit_id, permit)

    def save(self, permit: Permit, revision: int, now: datetime) -> bool:
        return self._save(permit.permit_id, permit, revision)

    def list(self, well_id: str | None, limit: int, offset: int) -> tuple[list[Permit], int]:
        rows = [p for p, _ in self._rows.values() if well_id in (None, p.well_id)]
        rows.sort(key=lambda p: p.permit_id)
        # PostgreSQL sorts NULLs last in ascending order
        rows.sort(key=lambda p: (p.expires_on is None, p.expires_on))
        return _page(rows, limit, offset), len(rows)

    def all(self) -> Sequence[Permit]:
        return [p for p, _ in self._rows.values()]


class MemoryIncidentStore(_Revisioned[Incident]):
    def add(self, incident: Incident, now: datetime) -> None:
        self._insert(incident.incident_id, incident)

    def save(self, incident: Incident, revision: int, now: datetime) -> bool:
        return self._save(incident.incident_id, incident, revision)

    def list(
        self, visible_well_ids: frozenset[str] | None, limit: int, offset: int
    ) -> tuple[Sequence[Incident], int]:
        rows = [
            i
            for i, _ in self._rows.values()
            if visible_well_ids is None or i.location.well_id in visible_well_ids
        ]
        rows.sort(key=lambda i: i.incident_id)
        rows.sort(key=lambda i: i.discovered_at, reverse=True)
        return _page(rows, limit, offset), len(rows)


class MemoryWellTestStore:
    def __init__(self, data: OperationsData) -> None:
        self._d = data

    def add(self, test: WellTest, now: datetime) -> None:
        self._d.well_tests.append(test)

    def of_wells(self, well_ids: Sequence[str], until: datetime | None) -> Sequence[WellTest]:
        rows = [
            t
            for t in self._d.well_tests
            if t.well_id in well_ids and (until is None or t.end <= until)
        ]
        rows.sort(key=lambda t: t.test_id)
        rows.sort(key=lambda t: t.end, reverse=True)
        return rows[:1000]


class MemoryDocumentStore:
    def __init__(self, data: OperationsData) -> None:
        self._d = data

    def add(self, values: Mapping[str, Any]) -> None:
        if any(d["blob_key"] == values["blob_key"] for d in self._d.documents.values()):
            raise ValueError("a document already has this blob key")
        self._d.documents[str(values["id"])] = dict(values)

    def get(self, document_id: str) -> dict[str, Any] | None:
        found = self._d.documents.get(document_id)
        return None if found is None else dict(found)

    def update(self, document_id: str, values: Mapping[str, Any]) -> None:
        if document_id in self._d.documents:
            self._d.documents[document_id].update(values)

    def delete(self, document_id: str) -> None:
        self._d.documents.pop(document_id, None)

    def of_owner(self, owner_kind: str, owner_id: str) -> Sequence[dict[str, Any]]:
        rows = [
            dict(d)
            for d in self._d.documents.values()
            if d["owner_kind"] == owner_kind and d["owner_id"] == owner_id
        ]
        return sorted(rows, key=lambda d: (d["created_at"], d["id"]))[:1000]


class _Assignments:
    def __init__(self, data: OperationsData) -> None:
        self._d = data

    def well_ids_for(self, user_id: str) -> set[str]:
        return set(self._d.assignments.get(user_id, set()))


class MemoryOperationsUnitOfWork(MemoryUnitOfWork):
    """One transaction on a tenant's in-memory operations data."""

    def _bind(self) -> None:
        data = self.data(STORE, OperationsData)
        self.audit = MemoryAuditLog(self.data("audit", AuditData))
        self.changes = MemoryChangeLog(self.data("audit", AuditData))
        self.analytics = MemoryAlerts(data)
        self.alarms = MemoryAlarmStore(data)
        self.work_orders = MemoryWorkOrderStore(data.work_orders)
        self.afes = MemoryAfeStore(data.afes)
        self.permits = MemoryPermitStore(data.permits)
        self.well_tests = MemoryWellTestStore(data)
        self.incidents = MemoryIncidentStore(data.incidents)
        self.documents = MemoryDocumentStore(data)
        self.wells = MemoryWellRepository(data.catalog)
        _, self.leases, self.facilities, _ = catalog_repositories(data.catalog)
        self.assignments = _Assignments(data)


class MemoryOperationsDatabases(MemoryTenantStates):
    """Per-tenant in-memory operations data, opened by units of work like the SQL one."""

    STORES = ((STORE, OperationsData), ("audit", AuditData))

    def unit_of_work(self, tenant: Tenant) -> MemoryOperationsUnitOfWork:
        return MemoryOperationsUnitOfWork(self.state_of(tenant))

    def data(self, tenant: Tenant) -> OperationsData:
        """The committed rows, for tests to seed and inspect (read afresh after a commit)."""
        return self.committed(tenant, STORE, OperationsData)

    def audit(self, tenant: Tenant) -> AuditData:
        return self.committed(tenant, "audit", AuditData)


__all__ = [
    "MemoryAfeStore",
    "MemoryAlarmStore",
    "MemoryDocumentStore",
    "MemoryIncidentStore",
    "MemoryOperationsDatabases",
    "MemoryOperationsUnitOfWork",
    "MemoryPermitStore",
    "MemoryWellTestStore",
    "MemoryWorkOrderStore",
    "OperationsData",
    "Tag",
]
