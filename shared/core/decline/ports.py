"""Ports of decline-curve forecasting: the wells, their daily production and who sees them."""

from __future__ import annotations

from typing import Protocol

from shared.core.common.units_of_work import UnitOfWork
from shared.core.registry.model.tenants import Tenant
from shared.core.wells.ports import AssignmentRepository, ProductionRepository, WellRepository


class DeclineUnitOfWork(UnitOfWork, Protocol):
    """One transaction on one tenant's database, as a forecast sees it."""

    wells: WellRepository
    production: ProductionRepository
    assignments: AssignmentRepository


class DeclineDatabases(Protocol):
    def unit_of_work(self, tenant: Tenant) -> DeclineUnitOfWork: ...
