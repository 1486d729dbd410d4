"""What the compliance services need from a tenant database, beside the usual unit of work.

Rows cross as frozen dataclasses (``shared.core.compliance.model.rows``), volumes and
money as ``Decimal``; the catalog's leases and facilities only as far as compliance reads
them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Protocol

from shared.core.common.units_of_work import UnitOfWork
from shared.core.compliance.model.rows import (
    EmissionEntry,
    Facility,
    Filing,
    InterestRow,
    Lease,
    LeaseProfile,
    OwnerRow,
    ProductionDay,
    RecordedDisposition,
    RunTicket,
    SyncedGaugeLog,
    Tank,
    TankGauge,
)
from shared.core.registry.model.tenants import Tenant
from shared.core.wells.ports import AssignmentRepository, CatalogRepository
from shared.core.wells.ports import Facility as CatalogFacility


class ComplianceStore(Protocol):
    def lease(self, lease_id: str) -> Lease | None:
        """The catalog's lease."""
        ...

    def lease_well_ids(self, lease_id: str) -> list[str]:
        """Wells of the lease that are not deleted."""
        ...

    def first_production(self, lease_id: str) -> date | None:
        """The earliest first-production date of the lease's wells."""
        ...

    def production(self, lease_id: str, start: date, end: date) -> list[ProductionDay]:
        """Daily production of the lease's wells, start <= day <= end, by day then well."""
        ...

    def synced_tank_gauges(self, lease_id: str, start: date, end: date) -> list[SyncedGaugeLog]:
        """Field-synced production logs (the winners) of the lease's wells, oldest first."""
        ...

    def profile(self, lease_id: str) -> LeaseProfile | None: ...

    def profiles(self, state: str | None) -> list[LeaseProfile]:
        """By lease id; of one state, or all."""
        ...

    def put_profile(self, profile: LeaseProfile) -> None:
        """Insert or replace the lease's profile."""
        ...

    def add_tank(self, tank: Tank) -> None:
        """Raises DuplicateError on a tank name the lease already has."""
        ...

    def tank(self, tank_id: str) -> Tank | None: ...

    def tanks(self, lease_id: str | None) -> list[Tank]:
        """By lease, then name."""
        ...

    def put_gauge(self, gauge: TankGauge) -> TankGauge:
        """Insert or replace the tank's gauge of that day (a replaced one keeps its id);
        the stored gauge."""
        ...

    def gauges(self, tank_id: str, start: date, end: date) -> list[TankGauge]: ...

    def latest_gauge(self, tank_id: str, on_or_before: date) -> TankGauge | None: ...

    def add_run_ticket(self, ticket: RunTicket) -> None:
        """Raises DuplicateError on a ticket number already recorded."""
        ...

    def run_tickets(
        self, lease_ids: Collection[str] | None, start: date, end: date
    ) -> list[RunTicket]:
        """By date, then ticket number; of these leases (None: all)."""
        ...

    def add_disposition(self, disposition: RecordedDisposition) -> None: ...

    def dispositions(
        self, lease_ids: Collection[str] | None, period: str
    ) -> list[RecordedDisposition]:
        """By time recorded; of these leases (None: all)."""
        ...

    def filing(self, form: str, operator_number: str, period: str) -> Filing | None: ...

    def filing_by_id(self, filing_id: str) -> Filing | None: ...

    def filed_periods(self, period: str) -> list[Filing]:
        """Filings of ``period`` whose status is filed (their content names the leases)."""
        ...

    def add_filing(self, filing: Filing) -> None:
        """Raises DuplicateError when the operator's month has a filing already."""
        ...

    def update_filing(self, filing: Filing) -> None:
        """Store the filing's new state (found by its id)."""
        ...

    def add_owner(self, owner: OwnerRow) -> None: ...

    def owners(self) -> list[OwnerRow]:
        """By name, then id."""
        ...

    def replace_interests(self, lease_id: str, rows: Sequence[InterestRow]) -> None:
        """The lease's division order: every interest line replaced by ``rows``."""
        ...

    def interests(self, lease_id: str) -> list[InterestRow]:
        """By product, effective date, then owner id."""
        ...

    def facility(self, facility_id: str) -> Facility | None:
        """The catalog's facility."""
        ...

    def add_emission_entry(self, entry: EmissionEntry) -> None: ...

    def emission_entries(self, period: str, facility_id: str | None) -> list[EmissionEntry]: ...

    def settings(self) -> dict[str, str]:
        """The tenant's compliance settings by name (absent: the documented default)."""
        ...

    def put_setting(self, name: str, value: str, by: str | None, at: datetime) -> None: ...

    def tenant_production(self, start: date, end: date) -> tuple[float, float]:
        """Oil bbl and gas Mcf of every well, start <= day <= end."""
        ...


class ComplianceUnitOfWork(UnitOfWork, Protocol):
    """One transaction on one tenant's database, as compliance sees it."""

    compliance: ComplianceStore
    facilities: CatalogRepository[CatalogFacility]
    assignments: AssignmentRepository


class ComplianceDatabases(Protocol):
    def unit_of_work(self, tenant: Tenant) -> ComplianceUnitOfWork: ...
