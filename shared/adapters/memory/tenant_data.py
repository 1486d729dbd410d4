"""The in-memory twin of a tenant's database: `MemoryTenantDatabases`.

Each tenant gets its own `MemoryState`; `unit_of_work(tenant)` opens a
`MemoryTenantUnitOfWork` on it, whose repositories are the features' fakes
(`shared/adapters/memory/<feature>.py`) bound to the unit of work's working copy.
A feature adds its stores in `_declare_stores` and its repositories in `_bind`.
"""

from __future__ import annotations

from shared.adapters.memory.analytics import ANALYTICS, AnalyticsData, MemoryAnalyticsStore
from shared.adapters.memory.scada import (
    SCADA,
    MemoryReadingRepository,
    MemoryScadaRepositories,
    ScadaData,
    declare_scada,
)
from shared.adapters.memory.units_of_work import MemoryState, MemoryUnitOfWork
from shared.core.analytics.ports import AnalyticsStore
from shared.core.registry.model.tenants import Tenant
from shared.core.scada.ports import ReadingRepository, ScadaRepositories


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


def _declare_stores(state: MemoryState) -> None:
    """Every feature's store, so a unit of work finds them all."""
    declare_scada(state)
    state.store(ANALYTICS, AnalyticsData)


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
