"""The compliance store on a tenant database, and a unit of work that carries it."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Self

import sqlalchemy as sa
from sqlalchemy import Connection

from shared.adapters.rows import Record
from shared.adapters.sql.compliance.tables import (
    dispositions,
    emission_entries,
    filings,
    gauges,
    interests,
    lease_profiles,
    owners,
    run_tickets,
    settings,
    tanks,
)
from shared.adapters.sql.engines import TenantEngineCache
from shared.adapters.sql.sync.tables import production_history
from shared.adapters.sql.tenant_tables import facilities, leases, production_daily, wells
from shared.adapters.sql.unit_of_work import SqlTenantUnitOfWork
from shared.core.common.errors import DuplicateError
from shared.core.compliance.model import rows as typed
from shared.core.compliance.ports import ComplianceStore
from shared.core.registry.model.tenants import Tenant


def _record(row: sa.RowMapping) -> Record:
    return {k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in row.items()}


class SqlComplianceStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def _rows(self, statement: sa.Select[Any]) -> list[Record]:
        return [_record(row._mapping) for row in self._c.execute(statement)]

    def _one(self, statement: sa.Select[Any]) -> Record | None:
        row = self._c.execute(statement).first()
        return _record(row._mapping) if row is not None else None

    # --- the catalog and production --------------------------------------------------

    def lease(self, lease_id: str) -> typed.Lease | None:
        c = leases.c
        row = self._c.execute(
            sa.select(c.id, c.lease_number, c.name).where(c.id == lease_id)
        ).first()
        return None if row is None else typed.Lease(str(row.id), row.lease_number, row.name)

    def lease_well_ids(self, lease_id: str) -> list[str]:
        statement = (
            sa.select(wells.c.id)
            .where(wells.c.lease_id == lease_id, wells.c.deleted_at.is_(None))
            .order_by(wells.c.id)
        )
        return [str(i) for i in self._c.execute(statement).scalars()]

    def first_production(self, lease_id: str) -> date | None:
        statement = sa.select(sa.func.min(wells.c.first_production_date)).where(
            wells.c.lease_id == lease_id, wells.c.deleted_at.is_(None)
        )
        value = self._c.execute(statement).scalar_one()
        return value if isinstance(value, date) else None

    def production(self, lease_id: str, start: date, end: date) -> list[typed.ProductionDay]:
        p = production_daily
        statement = (
            sa.select(
                p.c.well_id,
                p.c.production_date,
                p.c.oil_bbl,
                p.c.gas_mcf,
                p.c.water_bbl,
                p.c.hours_on,
            )
            .select_from(p.join(wells, wells.c.id == p.c.well_id))
            .where(
                wells.c.lease_id == lease_id,
                wells.c.deleted_at.is_(None),
                p.c.production_date >= start,
                p.c.production_date <= end,
            )
            .order_by(p.c.production_date, p.c.well_id)
        )
        return [typed.ProductionDay(**row) for row in self._rows(statement)]

    def synced_tank_gauges(
        self, lease_id: str, start: date, end: date
    ) -> list[typed.SyncedGaugeLog]:
        h = production_history
        statement = (
            sa.select(
                h.c.well_id, h.c.production_date, h.c.occurred_at, h.c.recorded_by, h.c.tank_gauges
            )
            .select_from(h.join(wells, wells.c.id == h.c.well_id))
            .where(
                wells.c.lease_id == lease_id,
                h.c.is_winner.is_(True),
                h.c.production_date >= start,
                h.c.production_date <= end,
            )
            .order_by(h.c.production_date, h.c.occurred_at)
        )
        return [typed.SyncedGaugeLog(**row) for row in self._rows(statement)]

    # --- lease profiles ----------------------------------------------------------------

    def profile(self, lease_id: str) -> typed.LeaseProfile | None:
        p = lease_profiles
        found = self._one(sa.select(p).where(p.c.lease_id == lease_id))
        return None if found is None else typed.LeaseProfile(**found)

    def profiles(self, state: str | None) -> list[typed.LeaseProfile]:
        statement = sa.select(lease_profiles).order_by(lease_profiles.c.lease_id)
        if state is not None:
            statement = statement.where(lease_profiles.c.state == state)
        return [typed.LeaseProfile(**row) for row in self._rows(statement)]

    def put_profile(self, profile: typed.LeaseProfile) -> None:
        p = lease_profiles
        values = typed.view(profile)
        updated = self._c.execute(
            p.update().where(p.c.lease_id == profile.lease_id).values(**values)
        )
        if updated.rowcount == 0:
            self._c.execute(p.insert().values(**values))

    # --- tanks and gauges --------------------------------------------------------------

    def add_tank(self, tank: typed.Tank) -> None:
        found = self._c.execute(
            sa.select(tanks.c.id).where(
                tanks.c.lease_id == tank.lease_id, tanks.c.name == tank.name
            )
        ).first()
        if found is not None:
            raise DuplicateError("name", tank.name)
        self._c.execute(tanks.insert().values(**typed.view(tank)))

    def tank(self, tank_id: str) -> typed.Tank | None:
        found = self._one(sa.select(tanks).where(tanks.c.id == tank_id))
        return None if found is None else typed.Tank(**found)

    def tanks(self, lease_id: str | None) -> list[typed.Tank]:
        statement = sa.select(tanks).order_by(tanks.c.lease_id, tanks.c.name)
        if lease_id is not None:
            statement = statement.where(tanks.c.lease_id == lease_id)
        return [typed.Tank(**row) for row in self._rows(statement)]

    def put_gauge(self, gauge: typed.TankGauge) -> typed.TankGauge:
        g = gauges
        where = (g.c.tank_id == gauge.tank_id, g.c.gauge_date == gauge.gauge_date)
        values = typed.view(gauge)
        if self._one(sa.select(g.c.id).where(*where)) is None:
            self._c.execute(g.insert().values(**values))
        else:
            values.pop("id")
            self._c.execute(g.update().where(*where).values(**values))
        stored = self._one(sa.select(g).where(*where))
        assert stored is not None
        return typed.TankGauge(**stored)

    def gauges(self, tank_id: str, start: date, end: date) -> list[typed.TankGauge]:
        g = gauges
        statement = (
            sa.select(g)
            .where(g.c.tank_id == tank_id, g.c.gauge_date >= start, g.c.gauge_date <= end)
            .order_by(g.c.gauge_date)
        )
        return [typed.TankGauge(**row) for row in self._rows(statement)]

    def latest_gauge(self, tank_id: str, on_or_before: date) -> typed.TankGauge | None:
        g = gauges
        statement = (
            sa.select(g)
            .where(g.c.tank_id == tank_id, g.c.gauge_date <= on_or_before)
            .order_by(g.c.gauge_date.desc())
            .limit(1)
        )
        found = self._one(statement)
        return None if found is None else typed.TankGauge(**found)

    # --- run tickets and dispositions --------------------------------------------------

    def add_run_ticket(self, ticket: typed.RunTicket) -> None:
        number = run_tickets.c.ticket_number
        found = self._c.execute(sa.select(number).where(number == ticket.ticket_number)).first()
        if found is not None:
            raise DuplicateError("ticket_number", ticket.ticket_number)
        self._c.execute(run_tickets.insert().values(**typed.view(ticket)))

    def run_tickets(
        self, lease_ids: Collection[str] | None, start: date, end: date
    ) -> list[typed.RunTicket]:
        r = run_tickets
        statement = (
            sa.select(r)
            .where(r.c.ticket_date >= start, r.c.ticket_date <= end)
            .order_by(r.c.ticket_date, r.c.ticket_number)
        )
        if lease_ids is not None:
            if not lease_ids:
                return []
            statement = statement.where(r.c.lease_id.in_(sorted(lease_ids)))
        return [typed.RunTicket(**row) for row in self._rows(statement)]

    def add_disposition(self, disposition: typed.RecordedDisposition) -> None:
        self._c.execute(dispositions.insert().values(**typed.view(disposition)))

    def dispositions(
        self, lease_ids: Collection[str] | None, period: str
    ) -> list[typed.RecordedDisposition]:
        d = dispositions
        statement = sa.select(d).where(d.c.period == period).order_by(d.c.created_at, d.c.id)
        if lease_ids is not None:
            if not lease_ids:
                return []
            statement = statement.where(d.c.lease_id.in_(sorted(lease_ids)))
        return [typed.RecordedDisposition(**row) for row in self._rows(statement)]

    # --- filings -----------------------------------------------------------------------

    def _filing(self, *where: sa.ColumnElement[bool]) -> typed.Filing | None:
        found = self._one(sa.select(filings).where(*where))
        return None if found is None else typed.Filing(**found)

    def filing(self, form: str, operator_number: str, period: str) -> typed.Filing | None:
        f = filings.c
        return self._filing(
            f.form == form, f.operator_number == operator_number, f.period == period
        )

    def filing_by_id(self, filing_id: str) -> typed.Filing | None:
        return self._filing(filings.c.id == filing_id)

    def filed_periods(self, period: str) -> list[typed.Filing]:
        f = filings
        statement = sa.select(f).where(f.c.period == period, f.c.status == "filed")
        return [typed.Filing(**row) for row in self._rows(statement)]

    def add_filing(self, filing: typed.Filing) -> None:
        if self.filing(filing.form, filing.operator_number, filing.period) is not None:
            raise DuplicateError("period", filing.period)
        self._c.execute(filings.insert().values(**typed.view(filing)))

    def update_filing(self, filing: typed.Filing) -> None:
        values = {k: v for k, v in typed.view(filing).items() if k != "id"}
        self._c.execute(filings.update().where(filings.c.id == filing.id).values(**values))

    # --- owners and division orders ----------------------------------------------------

    def add_owner(self, owner: typed.OwnerRow) -> None:
        self._c.execute(owners.insert().values(**typed.view(owner)))

    def owners(self) -> list[typed.OwnerRow]:
        statement = sa.select(owners).order_by(owners.c.name, owners.c.id)
        return [typed.OwnerRow(**row) for row in self._rows(statement)]

    def replace_interests(self, lease_id: str, rows: Sequence[typed.InterestRow]) -> None:
        self._c.execute(interests.delete().where(interests.c.lease_id == lease_id))
        if rows:
            self._c.execute(interests.insert(), [typed.view(row) for row in rows])

    def interests(self, lease_id: str) -> list[typed.InterestRow]:
        i = interests
        statement = (
            sa.select(i)
            .where(i.c.lease_id == lease_id)
            .order_by(i.c.product, i.c.effective_from, i.c.owner_id)
        )
        return [typed.InterestRow(**row) for row in self._rows(statement)]

    # --- emissions ---------------------------------------------------------------------

    def facility(self, facility_id: str) -> typed.Facility | None:
        f = facilities
        row = self._c.execute(sa.select(f.c.id, f.c.name).where(f.c.id == facility_id)).first()
        return None if row is None else typed.Facility(str(row.id), row.name)

    def add_emission_entry(self, entry: typed.EmissionEntry) -> None:
        self._c.execute(emission_entries.insert().values(**typed.view(entry)))

    def emission_entries(self, period: str, facility_id: str | None) -> list[typed.EmissionEntry]:
        e = emission_entries
        statement = (
            sa.select(e).where(e.c.period == period).order_by(e.c.facility_id, e.c.created_at)
        )
        if facility_id is not None:
            statement = statement.where(e.c.facility_id == facility_id)
        return [typed.EmissionEntry(**row) for row in self._rows(statement)]

    def settings(self) -> dict[str, str]:
        return {str(r.name): str(r.value) for r in self._c.execute(sa.select(settings))}

    def put_setting(self, name: str, value: str, by: str | None, at: datetime) -> None:
        row = {"value": value, "updated_by": by, "updated_at": at}
        updated = self._c.execute(settings.update().where(settings.c.name == name).values(**row))
        if updated.rowcount == 0:
            self._c.execute(settings.insert().values(name=name, **row))

    def tenant_production(self, start: date, end: date) -> tuple[float, float]:
        """Oil bbl and gas Mcf of every well, start <= day <= end."""
        p = production_daily
        row = self._c.execute(
            sa.select(sa.func.sum(p.c.oil_bbl), sa.func.sum(p.c.gas_mcf)).where(
                p.c.production_date >= start, p.c.production_date <= end
            )
        ).one()
        return float(row[0] or 0.0), float(row[1] or 0.0)


class SqlComplianceUnitOfWork(SqlTenantUnitOfWork):
    """A tenant unit of work with the compliance store on the same connection."""

    def __enter__(self) -> Self:
        super().__enter__()
        assert self._connection is not None
        self.compliance: ComplianceStore = SqlComplianceStore(self._connection)
        return self


class SqlComplianceDatabases:
    def __init__(self, engines: TenantEngineCache) -> None:
        self._engines = engines

    def unit_of_work(self, tenant: Tenant) -> SqlComplianceUnitOfWork:
        return SqlComplianceUnitOfWork(self._engines.engine_for(tenant))


if TYPE_CHECKING:  # the feature's view of the tenant unit of work
    from shared.core.compliance.ports import ComplianceDatabases

    def _serves(databases: SqlComplianceDatabases) -> ComplianceDatabases:
        return databases
