"""Ports of operations: the alarm and work-order stores, their unit of work, the virus scanner.

The operations unit of work is the analytics one (alarm episodes are alerts)
with two more stores on the same connection.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from shared.core.analytics.ports import AnalyticsUnitOfWork, NewAlert
from shared.core.operations.model.afe import Afe
from shared.core.operations.model.alarm_rules import AlarmRule, TagInfo
from shared.core.operations.model.incidents import Incident
from shared.core.operations.model.permits import Permit
from shared.core.operations.model.scanning import ScanResult, ScanVerdict
from shared.core.operations.model.well_tests import WellTest
from shared.core.operations.model.work_orders import WorkOrder
from shared.core.registry.model.tenants import Tenant

__all__ = [
    "AfeStore",
    "AlarmStore",
    "DocumentStore",
    "IncidentStore",
    "OperationsDatabases",
    "OperationsUnitOfWork",
    "PermitStore",
    "ScanResult",
    "ScanVerdict",
    "StoredState",
    "VirusScanner",
    "WellTestStore",
    "WorkOrderQuery",
    "WorkOrderStore",
]


@dataclass(frozen=True)
class StoredState:
    """The evaluator's memory as stored: a revision (bumped on every save) and its JSON."""

    revision: int
    data: Mapping[str, Any] | None


class AlarmStore(Protocol):
    def list_rules(self, enabled_only: bool = False) -> list[tuple[AlarmRule, bool]]:
        """Every rule with its enabled flag, by rule id."""
        ...

    def get_rule(self, rule_id: str) -> tuple[AlarmRule, bool] | None: ...

    def add_rule(self, rule: AlarmRule, enabled: bool, now: datetime) -> bool:
        """Insert; False when the rule id is taken."""
        ...

    def replace_rule(self, rule: AlarmRule, enabled: bool, now: datetime) -> bool:
        """Update; False when there is no such rule."""
        ...

    def delete_rule(self, rule_id: str) -> bool: ...

    def tags(self) -> list[TagInfo]:
        """The tenant's mapped, enabled tags (signal class = tag name) with the well's field."""
        ...

    def tag_names(self) -> dict[int, str]: ...

    def fingerprint(self) -> tuple[object, ...]:
        """Changes whenever a rule or a tag mapping changes (the compiled-index cache key)."""
        ...

    def lock_state(self) -> StoredState:
        """The evaluator's memory, locked until the transaction ends (one drain at a time)."""
        ...

    def save_state(self, revision: int, data: Mapping[str, Any], now: datetime) -> None: ...

    def add_alarms(self, alerts: Sequence[NewAlert]) -> set[str]:
        """Insert alert rows in one statement, skipping source keys already there;
        the source keys inserted."""
        ...

    def update_alarm_details(self, source_key: str, details: Mapping[str, Any]) -> bool:
        """Replace the details of the alert with this source key; False if there is none."""
        ...

    def alarm_details(self, source_key: str) -> Mapping[str, Any] | None: ...

    def assigned_users(self, well_ids: Sequence[str]) -> dict[str, list[str]]:
        """User ids assigned to each of these wells (wells without any are left out)."""
        ...


@dataclass(frozen=True)
class WorkOrderQuery:
    well_id: str | None
    status: str | None
    visible_well_ids: frozenset[str] | None
    limit: int
    offset: int


class WorkOrderStore(Protocol):
    def add(self, order: WorkOrder, now: datetime) -> bool:
        """Insert; False when a work order already has this source (alert, inspection)."""
        ...

    def get(self, work_order_id: str) -> tuple[WorkOrder, int] | None:
        """The work order and its revision."""
        ...

    def by_source(self, kind: str, reference: str) -> WorkOrder | None: ...

    def save(self, order: WorkOrder, revision: int, now: datetime) -> bool:
        """Update when still at `revision`; False when it changed meanwhile."""
        ...

    def with_equipment(self, well_id: str | None) -> Sequence[WorkOrder]:
        """Work orders that name a piece of equipment (of one well, or all)."""
        ...

    def list(self, query: WorkOrderQuery) -> tuple[list[WorkOrder], int]: ...


class AfeStore(Protocol):
    def add(self, afe: Afe, now: datetime) -> bool:
        """Insert; False when the AFE number is taken."""
        ...

    def get(self, afe_id: str) -> tuple[Afe, int] | None:
        """The AFE and its revision."""
        ...

    def save(self, afe: Afe, revision: int, now: datetime) -> bool:
        """Update when still at `revision`; False when it changed meanwhile."""
        ...

    def list(self, status: str | None, limit: int, offset: int) -> tuple[list[Afe], int]: ...


class PermitStore(Protocol):
    def add(self, permit: Permit, now: datetime) -> None: ...

    def get(self, permit_id: str) -> tuple[Permit, int] | None:
        """The permit and its revision."""
        ...

    def save(self, permit: Permit, revision: int, now: datetime) -> bool:
        """Update when still at `revision`; False when it changed meanwhile."""
        ...

    def list(self, well_id: str | None, limit: int, offset: int) -> tuple[list[Permit], int]: ...

    def all(self) -> Sequence[Permit]:
        """Every permit (the reminders look at approved ones and their renewals)."""
        ...


class WellTestStore(Protocol):
    def add(self, test: WellTest, now: datetime) -> None: ...

    def of_wells(self, well_ids: Sequence[str], until: datetime | None) -> Sequence[WellTest]:
        """Tests of these wells that ended by `until` (None: all), newest first."""
        ...


class IncidentStore(Protocol):
    def add(self, incident: Incident, now: datetime) -> None: ...

    def get(self, incident_id: str) -> tuple[Incident, int] | None:
        """The incident and its revision."""
        ...

    def save(self, incident: Incident, revision: int, now: datetime) -> bool:
        """Update when still at `revision`; False when it changed meanwhile."""
        ...

    def list(
        self, visible_well_ids: frozenset[str] | None, limit: int, offset: int
    ) -> tuple[Sequence[Incident], int]:
        """Newest discovery first; with `visible_well_ids`, only incidents at those wells."""
        ...


class DocumentStore(Protocol):
    """Document rows as records (id, owner_kind, owner_id, filename, content_type, size,
    blob_key, status, scan_engine, scan_signature, created_by, created_at, updated_at)."""

    def add(self, values: Mapping[str, Any]) -> None: ...

    def get(self, document_id: str) -> dict[str, Any] | None: ...

    def update(self, document_id: str, values: Mapping[str, Any]) -> None: ...

    def delete(self, document_id: str) -> None: ...

    def of_owner(self, owner_kind: str, owner_id: str) -> Sequence[dict[str, Any]]:
        """Oldest first."""
        ...


class OperationsUnitOfWork(AnalyticsUnitOfWork, Protocol):
    alarms: AlarmStore
    work_orders: WorkOrderStore
    afes: AfeStore
    permits: PermitStore
    well_tests: WellTestStore
    incidents: IncidentStore
    documents: DocumentStore


class OperationsDatabases(Protocol):
    def unit_of_work(self, tenant: Tenant) -> OperationsUnitOfWork: ...


class VirusScanner(Protocol):
    """Scans an uploaded document's bytes before anyone can download it."""

    def scan(self, blob_key: str, data: bytes) -> ScanResult:
        """The verdict on `data`, stored at `blob_key`; raises InfrastructureError if the
        scanner cannot answer (the document then waits and is scanned again)."""
        ...
