"""The in-memory twin of the compliance store, for unit and functional tests.

Rows are plain dicts in lists; the catalog (leases, wells, facilities) and daily
production the store reads are held here too, as the tests set them up. Duplicate
tank names and ticket numbers are refused like the SQL store refuses them.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from shared.adapters.memory.audit import AuditData, MemoryAuditLog, MemoryChangeLog
from shared.adapters.memory.units_of_work import MemoryTenantStates, MemoryUnitOfWork
from shared.adapters.rows import Record
from shared.core.common.errors import DuplicateError
from shared.core.compliance.model import rows as typed
from shared.core.compliance.ports import ComplianceStore
from shared.core.registry.model.tenants import Tenant

STORE = "compliance"


@dataclass
class ComplianceData:
    leases: dict[str, Record] = field(default_factory=dict)
    wells: dict[str, Record] = field(default_factory=dict)
    facilities: dict[str, Record] = field(default_factory=dict)
    production: list[Record] = field(default_factory=list)
    profiles: dict[str, typed.LeaseProfile] = field(default_factory=dict)
    tanks: dict[str, typed.Tank] = field(default_factory=dict)
    gauges: list[typed.TankGauge] = field(default_factory=list)
    run_tickets: list[typed.RunTicket] = field(default_factory=list)
    dispositions: list[typed.RecordedDisposition] = field(default_factory=list)
    filings: dict[str, typed.Filing] = field(default_factory=dict)
    owners: dict[str, typed.OwnerRow] = field(default_factory=dict)
    interests: list[typed.InterestRow] = field(default_factory=list)
    emission_entries: list[typed.EmissionEntry] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)
    synced_logs: list[typed.SyncedGaugeLog] = field(default_factory=list)
    """The winning field-synced production logs (seeded by tests; sync is not modelled)."""


def _copy(row: Mapping[str, Any]) -> Record:
    return copy.deepcopy(dict(row))


class MemoryComplianceStore:
    def __init__(self, data: ComplianceData | None = None) -> None:
        self.data = data or ComplianceData()

    def lease(self, lease_id: str) -> typed.Lease | None:
        found = self.data.leases.get(lease_id)
        if not found:
            return None
        return typed.Lease(str(found["id"]), found.get("lease_number"), str(found["name"]))

    def _wells_of(self, lease_id: str) -> list[Record]:
        return [
            w
            for w in self.data.wells.values()
            if w.get("lease_id") == lease_id and w.get("deleted_at") is None
        ]

    def lease_well_ids(self, lease_id: str) -> list[str]:
        return sorted(str(w["id"]) for w in self._wells_of(lease_id))

    def first_production(self, lease_id: str) -> date | None:
        days = [
            w["first_production_date"]
            for w in self._wells_of(lease_id)
            if w.get("first_production_date")
        ]
        return min(days) if days else None

    def production(self, lease_id: str, start: date, end: date) -> list[typed.ProductionDay]:
        wells = set(self.lease_well_ids(lease_id))
        rows = [
            typed.ProductionDay(
                str(r["well_id"]),
                r["production_date"],
                r.get("oil_bbl"),
                r.get("gas_mcf"),
                r.get("water_bbl"),
                r.get("hours_on"),
            )
            for r in self.data.production
            if r["well_id"] in wells and start <= r["production_date"] <= end
        ]
        return sorted(rows, key=lambda r: (r.production_date, r.well_id))

    def synced_tank_gauges(
        self, lease_id: str, start: date, end: date
    ) -> list[typed.SyncedGaugeLog]:
        wells = set(self.lease_well_ids(lease_id))
        logs = [
            log
            for log in self.data.synced_logs
            if log.well_id in wells and start <= log.production_date <= end
        ]
        return sorted(logs, key=lambda log: (log.production_date, log.occurred_at))

    def profile(self, lease_id: str) -> typed.LeaseProfile | None:
        return self.data.profiles.get(lease_id)

    def profiles(self, state: str | None) -> list[typed.LeaseProfile]:
        held = [p for _, p in sorted(self.data.profiles.items())]
        return [p for p in held if state in (None, p.state)]

    def put_profile(self, profile: typed.LeaseProfile) -> None:
        self.data.profiles[profile.lease_id] = copy.deepcopy(profile)

    def add_tank(self, tank: typed.Tank) -> None:
        for held in self.data.tanks.values():
            if held.lease_id == tank.lease_id and held.name == tank.name:
                raise DuplicateError("name", tank.name)
        self.data.tanks[tank.id] = copy.deepcopy(tank)

    def tank(self, tank_id: str) -> typed.Tank | None:
        return self.data.tanks.get(tank_id)

    def tanks(self, lease_id: str | None) -> list[typed.Tank]:
        rows = [t for t in self.data.tanks.values() if lease_id in (None, t.lease_id)]
        return sorted(rows, key=lambda t: (t.lease_id, t.name))

    def put_gauge(self, gauge: typed.TankGauge) -> typed.TankGauge:
        for index, held in enumerate(self.data.gauges):
            if (held.tank_id, held.gauge_date) == (gauge.tank_id, gauge.gauge_date):
                self.data.gauges[index] = replace(gauge, id=held.id)
                return self.data.gauges[index]
        self.data.gauges.append(gauge)
        return gauge

    def gauges(self, tank_id: str, start: date, end: date) -> list[typed.TankGauge]:
        rows = [
            g for g in self.data.gauges if g.tank_id == tank_id and start <= g.gauge_date <= end
        ]
        return sorted(rows, key=lambda g: g.gauge_date)

    def latest_gauge(self, tank_id: str, on_or_before: date) -> typed.TankGauge | None:
        rows = [
            g for g in self.data.gauges if g.tank_id == tank_id and g.gauge_date <= on_or_before
        ]
        return max(rows, key=lambda g: g.gauge_date) if rows else None

    def add_run_ticket(self, ticket: typed.RunTicket) -> None:
        if any(t.ticket_number == ticket.ticket_number for t in self.data.run_tickets):
            raise DuplicateError("ticket_number", ticket.ticket_number)
        self.data.run_tickets.append(ticket)

    def run_tickets(
        self, lease_ids: Collection[str] | None, start: date, end: date
    ) -> list[typed.RunTicket]:
        rows = [
            t
            for t in self.data.run_tickets
            if start <= t.ticket_date <= end and (lease_ids is None or t.lease_id in lease_ids)
        ]
        return sorted(rows, key=lambda t: (t.ticket_date, t.ticket_number))

    def add_disposition(self, disposition: typed.RecordedDisposition) -> None:
        self.data.dispositions.append(disposition)

    def dispositions(
        self, lease_ids: Collection[str] | None, period: str
    ) -> list[typed.RecordedDisposition]:
        rows = [
            d
            for d in self.data.dispositions
            if d.period == period and (lease_ids is None or d.lease_id in lease_ids)
        ]
        return sorted(rows, key=lambda d: (d.created_at, d.id))

    def filing(self, form: str, operator_number: str, period: str) -> typed.Filing | None:
        key = (form, operator_number, period)
        found = (
            f for f in self.data.filings.values() if (f.form, f.operator_number, f.period) == key
        )
        return next(found, None)

    def filing_by_id(self, filing_id: str) -> typed.Filing | None:
        return self.data.filings.get(filing_id)

    def filed_periods(self, period: str) -> list[typed.Filing]:
        return [f for f in self.data.filings.values() if f.period == period and f.status == "filed"]

    def add_filing(self, filing: typed.Filing) -> None:
        if self.filing(filing.form, filing.operator_number, filing.period):
            raise DuplicateError("period", filing.period)
        self.data.filings[filing.id] = copy.deepcopy(filing)

    def update_filing(self, filing: typed.Filing) -> None:
        if filing.id in self.data.filings:
            self.data.filings[filing.id] = copy.deepcopy(filing)

    def add_owner(self, owner: typed.OwnerRow) -> None:
        self.data.owners[owner.id] = owner

    def owners(self) -> list[typed.OwnerRow]:
        return sorted(self.data.owners.values(), key=lambda o: (o.name, o.id))

    def replace_interests(self, lease_id: str, rows: Sequence[typed.InterestRow]) -> None:
        self.data.interests = [i for i in self.data.interests if i.lease_id != lease_id]
        self.data.interests.extend(rows)

    def interests(self, lease_id: str) -> list[typed.InterestRow]:
        rows = [i for i in self.data.interests if i.lease_id == lease_id]
        return sorted(rows, key=lambda i: (i.product, i.effective_from, i.owner_id))

    def facility(self, facility_id: str) -> typed.Facility | None:
        found = self.data.facilities.get(facility_id)
        return typed.Facility(str(found["id"]), found.get("name")) if found else None

    def add_emission_entry(self, entry: typed.EmissionEntry) -> None:
        self.data.emission_entries.append(entry)

    def emission_entries(self, period: str, facility_id: str | None) -> list[typed.EmissionEntry]:
        found = [
            e
            for e in self.data.emission_entries
            if e.period == period and facility_id in (None, e.facility_id)
        ]
        return sorted(found, key=lambda e: (e.facility_id, e.created_at))

    def settings(self) -> dict[str, str]:
        return dict(self.data.settings)

    def put_setting(self, name: str, value: str, by: str | None, at: datetime) -> None:
        self.data.settings[name] = value

    def tenant_production(self, start: date, end: date) -> tuple[float, float]:
        rows = [r for r in self.data.production if start <= r["production_date"] <= end]
        return (
            float(sum(r.get("oil_bbl") or 0.0 for r in rows)),
            float(sum(r.get("gas_mcf") or 0.0 for r in rows)),
        )


class _Rows:
    """Catalog lookups by id over the compliance data's rows (facilities)."""

    def __init__(self, rows: dict[str, Record]) -> None:
        self._rows = rows

    def get(self, entity_id: str) -> Record | None:
        found = self._rows.get(entity_id)
        return _copy(found) if found and not found.get("deleted_at") else None


class _Assignments:
    def __init__(self, assignments: dict[str, set[str]]) -> None:
        self._assignments = assignments

    def well_ids_for(self, user_id: str) -> set[str]:
        return set(self._assignments.get(user_id, set()))


@dataclass
class ComplianceTenant:
    """One tenant's in-memory database as the compliance services see it."""

    compliance: ComplianceData = field(default_factory=ComplianceData)
    assignments: dict[str, set[str]] = field(default_factory=dict)


class MemoryComplianceUnitOfWork(MemoryUnitOfWork):
    """A transaction over a tenant's compliance data, its audit log and change feed."""

    def _bind(self) -> None:
        tenant = self.data(STORE, ComplianceTenant)
        self.compliance = MemoryComplianceStore(tenant.compliance)
        self.facilities = _Rows(tenant.compliance.facilities)
        self.assignments = _Assignments(tenant.assignments)
        self.audit = MemoryAuditLog(self.data("audit", AuditData))
        self.changes = MemoryChangeLog(self.data("audit", AuditData))


class MemoryComplianceDatabases(MemoryTenantStates):
    """Per-tenant compliance data in memory, opened by units of work like the SQL one."""

    STORES = ((STORE, ComplianceTenant), ("audit", AuditData))

    def unit_of_work(self, tenant: Tenant) -> MemoryComplianceUnitOfWork:
        return MemoryComplianceUnitOfWork(self.state_of(tenant))

    def data(self, tenant: Tenant) -> ComplianceTenant:
        """The committed rows, for tests to seed and inspect (read afresh after a commit)."""
        return self.committed(tenant, STORE, ComplianceTenant)

    def audit(self, tenant: Tenant) -> AuditData:
        return self.committed(tenant, "audit", AuditData)


if TYPE_CHECKING:
    _satisfies: ComplianceStore = MemoryComplianceStore()
