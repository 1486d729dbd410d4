"""The in-memory twin of a tenant's database: `MemoryTenantDatabases`.

Each tenant gets its own `MemoryState`; `unit_of_work(tenant)` opens a
`MemoryTenantUnitOfWork` on it, whose repositories are the features' fakes
(`shared/adapters/memory/<feature>.py`) bound to the unit of work's working copy.
A feature adds its stores in `_declare_stores` and its repositories in `_bind`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.adapters.memory.analytics import ANALYTICS, AnalyticsData, MemoryAnalyticsStore
from shared.adapters.memory.audit import AuditData, MemoryAuditLog, MemoryChangeLog
from shared.adapters.memory.scada import (
    SCADA,
    MemoryReadingRepository,
    MemoryScadaRepositories,
    ScadaData,
    declare_scada,
)
from shared.adapters.memory.sync import (
    MemoryConflictRepository,
    MemoryFieldRecordRepository,
    MemorySyncEventRepository,
    MemorySyncJobRepository,
    MemoryWellActivityReader,
    SyncData,
)
from shared.adapters.memory.units_of_work import MemoryState, MemoryUnitOfWork
from shared.adapters.memory.wells import (
    MemoryAssignmentRepository,
    MemoryProductionRepository,
    MemoryWellRepository,
    WellsData,
    catalog_repositories,
)
from shared.core.analytics.ports import AnalyticsDatabases, AnalyticsStore
from shared.core.common.change_feed import ChangeLog
from shared.core.common.units_of_work import AuditLog
from shared.core.decline.ports import DeclineDatabases
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.ports import TenantAuditDatabases, TenantDatabases
from shared.core.scada.ports import ReadingRepository, ScadaDatabases, ScadaRepositories
from shared.core.sync.ports import (
    ConflictRepository,
    FieldRecordRepository,
    SyncDatabases,
    SyncEventRepository,
    SyncJobRepository,
)
from shared.core.wells.ports import (
    AssignmentRepository,
    CatalogRepository,
    Equipment,
    Facility,
    Lease,
    OilField,
    PhotosDatabases,
    ProductionRepository,
    WellActivityDatabases,
    WellActivityReader,
    WellRepository,
    WellsDatabases,
)


class MemoryTenantUnitOfWork(MemoryUnitOfWork):
    """One transaction on one tenant's in-memory database."""

    scada: ScadaRepositories
    readings: ReadingRepository
    analytics: AnalyticsStore

    def _bind(self) -> None:
        """Build every feature's repositories over the working copy."""
        scada = self.data(SCADA, ScadaData)
        self.scada = MemoryScadaRepositories(scada)
        self.readings = MemoryReadingRepository(scada)
        self.analytics = MemoryAnalyticsStore(self.data(ANALYTICS, AnalyticsData), scada)
        audit = self.data("audit", AuditData)
        self.audit: AuditLog = MemoryAuditLog(audit)
        self.changes: ChangeLog = MemoryChangeLog(audit)
        wells, sync = self.data("wells", WellsData), self.data("sync", SyncData)
        self._bind_wells(wells)
        self.activity: WellActivityReader = MemoryWellActivityReader(sync, wells)
        self.sync_events: SyncEventRepository = MemorySyncEventRepository(sync, wells)
        self.field_records: FieldRecordRepository = MemoryFieldRecordRepository(sync, wells, audit)
        self.conflicts: ConflictRepository = MemoryConflictRepository(sync)
        self.sync_jobs: SyncJobRepository = MemorySyncJobRepository(sync)

    def _bind_wells(self, wells: WellsData) -> None:
        self.wells: WellRepository = MemoryWellRepository(wells)
        fields, leases, facilities, equipment = catalog_repositories(wells)
        self.fields: CatalogRepository[OilField] = fields
        self.leases: CatalogRepository[Lease] = leases
        self.facilities: CatalogRepository[Facility] = facilities
        self.equipment: CatalogRepository[Equipment] = equipment
        self.production: ProductionRepository = MemoryProductionRepository(wells)
        self.assignments: AssignmentRepository = MemoryAssignmentRepository(wells)


def _declare_stores(state: MemoryState) -> None:
    """Every feature's store, so a unit of work finds them all."""
    declare_scada(state)
    state.store(ANALYTICS, AnalyticsData)
    state.store("audit", AuditData)
    state.store("wells", WellsData)
    state.store("sync", SyncData)


class MemoryTenantDatabases:
    """Opens units of work on the in-memory database of one tenant (and no other)."""

    def __init__(self) -> None:
        self._states: dict[str, MemoryState] = {}

    def state_of(self, tenant: Tenant) -> MemoryState:
        state = self._states.get(tenant.id)
        if state is None:
            state = self._states[tenant.id] = MemoryState()
            _declare_stores(state)
        return state

    def unit_of_work(self, tenant: Tenant) -> MemoryTenantUnitOfWork:
        return MemoryTenantUnitOfWork(self.state_of(tenant))

    def forget(self, tenant: Tenant) -> None:
        """Nothing is cached per tenant besides its data, which stays."""


if TYPE_CHECKING:  # the fakes satisfy the ports the services ask for

    def _serves(
        databases: MemoryTenantDatabases,
    ) -> tuple[
        WellsDatabases,
        WellActivityDatabases,
        PhotosDatabases,
        SyncDatabases,
        ScadaDatabases,
        AnalyticsDatabases,
        DeclineDatabases,
        TenantDatabases,
        TenantAuditDatabases,
    ]:
        return (databases,) * 9
