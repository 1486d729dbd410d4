"""Field and office records of month-end: lease profiles, tanks, gauges, run tickets,
dispositions (gas sales and water hauled included).

Who may write: admins and managers everything; field operators post gauges and
run tickets on leases with a well assigned to them (other leases read as
missing). Everyone with ``reports:read`` lists. A record dated in a month that
a filed report covers is refused (409 naming the date field) until the filing
is amended. Every write is audit-logged.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from shared.core.common.access import audit, require, require_office_role, visible_well_ids
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import InputError, NotFoundError, PermissionDeniedError
from shared.core.common.roles import Permission, Role
from shared.core.compliance.errors import ComplianceInputError, PeriodFiledError
from shared.core.compliance.model.balance import DispositionKind
from shared.core.compliance.model.period import Period
from shared.core.compliance.model.rows import (
    Lease,
    LeaseProfile,
    RecordedDisposition,
    RunTicket,
    Tank,
    TankGauge,
    view,
)
from shared.core.compliance.model.run_ticket import (
    TicketReading,
    strapping_table,
    ticket_volumes,
)
from shared.core.compliance.model.strapping import Gauge
from shared.core.compliance.ports import (
    ComplianceDatabases,
    ComplianceStore,
    ComplianceUnitOfWork,
)
from shared.core.registry.model.tenants import Tenant

FIELD_WRITERS = frozenset({Role.ADMIN, Role.MANAGER, Role.FIELD_OPERATOR})
TANK_PRODUCTS = ("oil", "water")
DISPOSITION_PRODUCTS = ("oil", "gas", "water")
STATES = ("TX", "NM", "OK")
MAX_LIST_DAYS = 366


@dataclass(frozen=True)
class NewTank:
    lease_id: str
    name: str
    product: str
    strapping: list[dict[str, str]]
    facility_id: str | None = None
    capacity_bbl: Decimal | None = None


@dataclass(frozen=True)
class NewRunTicket:
    ticket_number: str
    tank_id: str
    ticket_date: date
    purchaser: str
    opening_gauge: str
    closing_gauge: str
    observed_gravity: Decimal
    observed_temperature_f: Decimal
    bsw_percent: Decimal
    truck: str | None = None
    seal_off: str | None = None
    seal_on: str | None = None
    price_per_bbl: Decimal | None = None


@dataclass(frozen=True)
class NewDisposition:
    lease_id: str
    period: str
    product: str
    kind: str
    volume: Decimal
    purchaser: str | None = None
    price: Decimal | None = None
    reference: str | None = None


def ensure_period_open(store: ComplianceStore, lease_id: str, period: Period, field: str) -> None:
    """Refuse a change to a lease's month that a filed report covers."""
    for filing in store.filed_periods(str(period)):
        if lease_id in filing.content.get("lease_ids", []):
            raise PeriodFiledError(field, str(period), filing.form)


def public(record: Mapping[str, Any]) -> dict[str, Any]:
    """JSON-friendly copy for the audit log."""
    return {
        k: (v.isoformat() if isinstance(v, date) else str(v) if isinstance(v, Decimal) else v)
        for k, v in record.items()
    }


class RecordService:
    def __init__(self, databases: ComplianceDatabases, clock: Clock = utc_now) -> None:
        self._databases = databases
        self._clock = clock

    # --- lease profiles ----------------------------------------------------------------

    def put_profile(
        self, tenant: Tenant, actor: Actor, lease_id: str, values: Mapping[str, Any]
    ) -> dict[str, Any]:
        require_office_role(actor, "change compliance lease profiles")
        if values.get("state") not in STATES:
            raise InputError("state", f"must be one of {', '.join(STATES)}")
        profile = LeaseProfile(
            lease_id=lease_id,
            state=str(values["state"]),
            operator_number=values.get("operator_number"),
            district=values.get("district"),
            state_lease_number=values.get("state_lease_number"),
            gas_id=values.get("gas_id"),
            field_name=values.get("field_name"),
            field_number=values.get("field_number"),
            tax_flags=list(values.get("tax_flags") or []),
            updated_at=self._clock(),
        )
        with self._databases.unit_of_work(tenant) as uow:
            store = uow.compliance
            _lease(store, lease_id)
            before = store.profile(lease_id)
            store.put_profile(profile)
            after = store.profile(lease_id)
            assert after is not None
            audit(
                uow,
                self._clock,
                actor,
                "put",
                "compliance_lease_profile",
                lease_id,
                public(view(before)) if before else None,
                public(view(after)),
            )
            uow.commit()
            return view(after)

    def get_profile(self, tenant: Tenant, actor: Actor, lease_id: str) -> dict[str, Any]:
        require(actor, Permission.REPORTS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            _lease(uow.compliance, lease_id)
            found = uow.compliance.profile(lease_id)
            if found is None:
                raise NotFoundError("compliance lease profile", lease_id)
            return view(found)

    # --- tanks -------------------------------------------------------------------------

    def add_tank(self, tenant: Tenant, actor: Actor, new: NewTank) -> dict[str, Any]:
        require_office_role(actor, "add tanks")
        if new.product not in TANK_PRODUCTS:
            raise InputError("product", f"must be one of {', '.join(TANK_PRODUCTS)}")
        strapping_table(new.strapping)  # refused naming the first bad row
        with self._databases.unit_of_work(tenant) as uow:
            store = uow.compliance
            _lease(store, new.lease_id)
            if new.facility_id is not None and uow.facilities.get(new.facility_id) is None:
                raise NotFoundError("facility", new.facility_id)
            now = self._clock()
            tank = Tank(
                id=str(uuid.uuid4()),
                lease_id=new.lease_id,
                facility_id=new.facility_id,
                name=new.name,
                product=new.product,
                capacity_bbl=new.capacity_bbl,
                strapping=new.strapping,
                created_at=now,
                updated_at=now,
            )
            store.add_tank(tank)
            audit(
                uow, self._clock, actor, "create", "compliance_tank", tank.id, None,
                public(view(tank)),
            )  # fmt: skip
            uow.commit()
            stored = store.tank(tank.id)
            assert stored is not None
            return view(stored)

    def list_tanks(
        self, tenant: Tenant, actor: Actor, lease_id: str | None
    ) -> list[dict[str, Any]]:
        require(actor, Permission.REPORTS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            return [view(tank) for tank in uow.compliance.tanks(lease_id)]

    # --- gauges ------------------------------------------------------------------------

    def put_gauge(
        self,
        tenant: Tenant,
        actor: Actor,
        tank_id: str,
        day: date,
        gauge_text: str,
        source: str = "office",
    ) -> dict[str, Any]:
        _field_writer(actor, "post gauges")
        if actor.role is Role.FIELD_OPERATOR:
            source = "field"  # a field operator's gauge is marked as theirs
        gauge = Gauge.parse(gauge_text, "gauge")
        with self._databases.unit_of_work(tenant) as uow:
            store = uow.compliance
            tank = _tank(uow, actor, tank_id)
            volume = strapping_table(tank.strapping).volume(gauge, "gauge")
            ensure_period_open(store, tank.lease_id, Period.of(day), "gauge_date")
            row = TankGauge(
                id=str(uuid.uuid4()),
                tank_id=tank_id,
                gauge_date=day,
                gauge_inches=gauge.total_inches,
                volume_bbl=volume,
                source=source,
                created_by=actor.email,
                created_at=self._clock(),
            )
            stored = view(store.put_gauge(row))
            audit(
                uow,
                self._clock,
                actor,
                "put",
                "compliance_gauge",
                str(stored["id"]),
                None,
                public(stored),
            )
            uow.commit()
            return stored

    def import_synced_gauges(
        self, tenant: Tenant, actor: Actor, lease_id: str, period: Period
    ) -> dict[str, int]:
        """Tank gauges from field sync's production logs become the tanks' daily gauges.

        A synced gauge names its tank; it is matched by name to the lease's tanks. The
        last log of a day wins; a day an office gauge already has is left as it is.
        """
        require_office_role(actor, "import synced gauges")
        with self._databases.unit_of_work(tenant) as uow:
            store = uow.compliance
            _lease(store, lease_id)
            ensure_period_open(store, lease_id, period, "period")
            tanks = {t.name.strip().lower(): t for t in store.tanks(lease_id)}
            latest: dict[tuple[str, date], Decimal] = {}
            unmatched = 0
            for log in store.synced_tank_gauges(lease_id, period.first_day, period.last_day):
                for reading in log.tank_gauges or []:
                    tank = tanks.get(str(reading.get("tank", "")).strip().lower())
                    if tank is None:
                        unmatched += 1
                        continue
                    level = Decimal(str(reading["level_in"]))
                    latest[(tank.id, log.production_date)] = level
            imported = kept = 0
            for (tank_id, day), level in sorted(latest.items()):
                existing = store.gauges(tank_id, day, day)
                if existing and existing[0].source != "sync":
                    kept += 1
                    continue
                gauge = gauge_of_inches(level)
                found = store.tank(tank_id)
                assert found is not None
                volume = strapping_table(found.strapping).volume(gauge, "level_in")
                store.put_gauge(
                    TankGauge(
                        str(uuid.uuid4()), tank_id, day, gauge.total_inches, volume, "sync",
                        actor.email, self._clock(),
                    )
                )  # fmt: skip
                imported += 1
            result = {"imported": imported, "kept_office": kept, "unmatched": unmatched}
            audit(
                uow,
                self._clock,
                actor,
                "import",
                "compliance_gauges",
                lease_id,
                None,
                {"period": str(period), **result},
            )
            uow.commit()
            return result

    def list_gauges(
        self, tenant: Tenant, actor: Actor, tank_id: str, start: date, end: date
    ) -> list[dict[str, Any]]:
        require(actor, Permission.REPORTS_READ)
        _window(start, end)
        with self._databases.unit_of_work(tenant) as uow:
            if uow.compliance.tank(tank_id) is None:
                raise NotFoundError("tank", tank_id)
            return [view(g) for g in uow.compliance.gauges(tank_id, start, end)]

    # --- run tickets -------------------------------------------------------------------

    def add_run_ticket(self, tenant: Tenant, actor: Actor, new: NewRunTicket) -> dict[str, Any]:
        _field_writer(actor, "post run tickets")
        if not new.purchaser.strip():
            raise InputError("purchaser", "a run ticket names its purchaser")
        if new.price_per_bbl is not None and new.price_per_bbl < 0:
            raise InputError("price_per_bbl", "must be 0 or more")
        reading = TicketReading(
            opening=Gauge.parse(new.opening_gauge, "opening_gauge"),
            closing=Gauge.parse(new.closing_gauge, "closing_gauge"),
            observed_gravity=new.observed_gravity,
            observed_temperature_f=new.observed_temperature_f,
            bsw_percent=new.bsw_percent,
        )
        with self._databases.unit_of_work(tenant) as uow:
            store = uow.compliance
            tank = _tank(uow, actor, new.tank_id)
            if tank.product != "oil":
                raise InputError("tank_id", "run tickets are for oil tanks")
            computed = ticket_volumes(strapping_table(tank.strapping), reading)
            ensure_period_open(store, tank.lease_id, Period.of(new.ticket_date), "ticket_date")
            volumes = computed.volumes
            ticket = RunTicket(
                id=str(uuid.uuid4()),
                ticket_number=new.ticket_number.strip(),
                tank_id=new.tank_id,
                lease_id=tank.lease_id,
                ticket_date=new.ticket_date,
                purchaser=new.purchaser.strip(),
                truck=new.truck,
                opening_gauge_inches=reading.opening.total_inches,
                closing_gauge_inches=reading.closing.total_inches,
                observed_gravity=new.observed_gravity,
                observed_temperature_f=new.observed_temperature_f,
                bsw_percent=new.bsw_percent,
                seal_off=new.seal_off,
                seal_on=new.seal_on,
                api_gravity_60=computed.api_gravity_60,
                ctpl=volumes.ctpl,
                gross_observed_bbl=volumes.gross_observed,
                gross_standard_bbl=volumes.gross_standard,
                net_standard_bbl=volumes.net_standard,
                price_per_bbl=new.price_per_bbl,
                created_by=actor.email,
                created_at=self._clock(),
            )
            store.add_run_ticket(ticket)
            row = view(ticket)
            audit(
                uow,
                self._clock,
                actor,
                "create",
                "compliance_run_ticket",
                ticket.id,
                None,
                public(row),
            )
            uow.commit()
            return row

    def list_run_tickets(
        self,
        tenant: Tenant,
        actor: Actor,
        lease_id: str | None,
        period: Period,
        export: bool = False,
    ) -> list[dict[str, Any]]:
        require(actor, Permission.REPORTS_EXPORT if export else Permission.REPORTS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            leases = None if lease_id is None else [lease_id]
            tickets = uow.compliance.run_tickets(leases, period.first_day, period.last_day)
            return [view(ticket) for ticket in tickets]

    # --- dispositions ------------------------------------------------------------------

    def add_disposition(self, tenant: Tenant, actor: Actor, new: NewDisposition) -> dict[str, Any]:
        require_office_role(actor, "record dispositions")
        period = Period.parse(new.period)
        if new.product not in DISPOSITION_PRODUCTS:
            raise InputError("product", f"must be one of {', '.join(DISPOSITION_PRODUCTS)}")
        kinds = [kind.value for kind in DispositionKind]
        if new.kind not in kinds:
            raise InputError("kind", f"must be one of {', '.join(kinds)}")
        if not new.volume.is_finite() or new.volume < 0:
            raise ComplianceInputError("volume", f"must be 0 or more, got {new.volume}")
        if new.kind == DispositionKind.SOLD and not (new.purchaser or "").strip():
            raise InputError("purchaser", "a sale names its purchaser")
        if new.price is not None and new.price < 0:
            raise InputError("price", "must be 0 or more")
        with self._databases.unit_of_work(tenant) as uow:
            store = uow.compliance
            _lease(store, new.lease_id)
            ensure_period_open(store, new.lease_id, period, "period")
            disposition = RecordedDisposition(
                id=str(uuid.uuid4()),
                lease_id=new.lease_id,
                period=str(period),
                product=new.product,
                kind=new.kind,
                volume=new.volume,
                purchaser=new.purchaser,
                price=new.price,
                reference=new.reference,
                created_by=actor.email,
                created_at=self._clock(),
            )
            store.add_disposition(disposition)
            row = view(disposition)
            audit(
                uow,
                self._clock,
                actor,
                "create",
                "compliance_disposition",
                disposition.id,
                None,
                public(row),
            )
            uow.commit()
            return row

    def list_dispositions(
        self, tenant: Tenant, actor: Actor, lease_id: str | None, period: Period
    ) -> list[dict[str, Any]]:
        require(actor, Permission.REPORTS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            leases = None if lease_id is None else [lease_id]
            return [view(d) for d in uow.compliance.dispositions(leases, str(period))]


def gauge_of_inches(level: Decimal) -> Gauge:
    """A level in inches as a gauge, to the nearest quarter inch."""
    quarters = int((level * 4).to_integral_value())
    if quarters < 0:
        raise InputError("level_in", "must not be negative")
    return Gauge(quarters // 48, (quarters // 4) % 12, quarters % 4)


def _field_writer(actor: Actor, what: str) -> None:
    if actor.role not in FIELD_WRITERS:
        raise PermissionDeniedError(f"role {actor.role.value} may not {what}")


def _lease(store: ComplianceStore, lease_id: str) -> Lease:
    found = store.lease(lease_id)
    if found is None:
        raise NotFoundError("lease", lease_id)
    return found


def _tank(uow: ComplianceUnitOfWork, actor: Actor, tank_id: str) -> Tank:
    """The tank, if ``actor`` may see its lease (field operators: a well assigned to them)."""
    tank = uow.compliance.tank(tank_id)
    if tank is None:
        raise NotFoundError("tank", tank_id)
    visible = visible_well_ids(uow, actor)
    if visible is not None and not visible & set(uow.compliance.lease_well_ids(tank.lease_id)):
        raise NotFoundError("tank", tank_id)
    return tank


def _window(start: date, end: date) -> None:
    if end < start:
        raise InputError("end", "is before start")
    if end - start > timedelta(days=MAX_LIST_DAYS):
        raise InputError("end", f"at most {MAX_LIST_DAYS} days after start")
