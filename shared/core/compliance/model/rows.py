"""The compliance store's rows as the services see them: frozen, typed, one per table.

The SQL store (shared/adapters/sql/compliance/store.py) owns the mapping to columns;
the in-memory twin keeps these objects as they are. `view` is the JSON-ready mapping
the services answer with (the same keys the API has always returned).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any


def view(row: object) -> dict[str, Any]:
    """The row's fields by name, values as they are (shallow: nested JSON stays shared)."""
    return {f.name: getattr(row, f.name) for f in fields(row)}  # type: ignore[arg-type]


@dataclass(frozen=True)
class Facility:
    """The catalog's facility, as far as compliance reads it."""

    id: str
    name: str | None


@dataclass(frozen=True)
class EmissionEntry:
    """One emission source's month at a facility (40 CFR 98 subparts C and W)."""

    id: str
    facility_id: str
    period: str
    source_kind: str
    gas_scf: float
    hhv_mmbtu_per_mscf: float | None
    composition: Mapping[str, float] | None
    efficiency: float | None
    details: Mapping[str, Any] | None
    note: str | None
    created_by: str | None
    created_at: datetime


@dataclass(frozen=True)
class Filing:
    """A state report of one operator's month (Form PR), its content as built."""

    id: str
    form: str
    operator_number: str
    period: str
    status: str
    amended: bool
    content: dict[str, Any]
    filed_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Tank:
    """A lease's tank and its strapping table (rows of height_inches, volume_bbl as text)."""

    id: str
    lease_id: str
    facility_id: str | None
    name: str
    product: str
    capacity_bbl: Decimal | None
    strapping: list[dict[str, str]]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class TankGauge:
    """A tank's gauge of one day and the volume its strapping table gives."""

    id: str
    tank_id: str
    gauge_date: date
    gauge_inches: Decimal
    volume_bbl: Decimal
    source: str
    created_by: str | None
    created_at: datetime


@dataclass(frozen=True)
class Lease:
    """The catalog's lease, as far as compliance reads it."""

    id: str
    lease_number: str | None
    name: str


@dataclass(frozen=True)
class LeaseProfile:
    """A lease's state identifiers for month-end reports, and its severance tax flags."""

    lease_id: str
    state: str
    operator_number: str | None
    district: str | None
    state_lease_number: str | None
    gas_id: str | None
    field_name: str | None
    field_number: str | None
    tax_flags: list[str]
    updated_at: datetime


@dataclass(frozen=True)
class RunTicket:
    """A purchaser's run ticket: the gauges, the oil's gravity, temperature and BS&W, and
    the volumes computed from them (API MPMS 11.1 / 12.2)."""

    id: str
    ticket_number: str
    tank_id: str
    lease_id: str
    ticket_date: date
    purchaser: str
    truck: str | None
    opening_gauge_inches: Decimal
    closing_gauge_inches: Decimal
    observed_gravity: Decimal
    observed_temperature_f: Decimal
    bsw_percent: Decimal
    seal_off: str | None
    seal_on: str | None
    api_gravity_60: Decimal
    ctpl: Decimal
    gross_observed_bbl: Decimal
    gross_standard_bbl: Decimal
    net_standard_bbl: Decimal
    price_per_bbl: Decimal | None
    created_by: str | None
    created_at: datetime


@dataclass(frozen=True)
class RecordedDisposition:
    """Where a lease's month of a product went, as the office records it (gas sales,
    water hauled, oil used on lease ...); oil sold by run ticket is a `RunTicket`."""

    id: str
    lease_id: str
    period: str
    product: str
    kind: str
    volume: Decimal
    purchaser: str | None
    price: Decimal | None
    reference: str | None
    created_by: str | None
    created_at: datetime


@dataclass(frozen=True)
class ProductionDay:
    """A well's day of production as the catalog holds it (None: not reported)."""

    well_id: str
    production_date: date
    oil_bbl: float | None
    gas_mcf: float | None
    water_bbl: float | None
    hours_on: float | None

    def volume(self, column: str) -> float | None:
        """One of oil_bbl, gas_mcf, water_bbl, hours_on by name."""
        value: float | None = getattr(self, column)
        return value


@dataclass(frozen=True)
class SyncedGaugeLog:
    """A field-synced production log (the winner of its day) and the tank gauges it
    carries: ``[{"tank", "level_in", "temperature_f"}]``."""

    well_id: str
    production_date: date
    occurred_at: datetime
    recorded_by: str | None
    tank_gauges: list[dict[str, Any]] | None


@dataclass(frozen=True)
class OwnerRow:
    """An owner of lease interests (royalty or working) paid from the month's sales."""

    id: str
    name: str
    tax_id: str | None
    address: str | None
    hold_reason: str | None
    created_at: datetime


@dataclass(frozen=True)
class InterestRow:
    """One line of a lease's division order: an owner's decimal interest in a product."""

    id: str
    lease_id: str
    owner_id: str
    interest_type: str
    product: str
    decimal_interest: Decimal
    effective_from: date
    effective_to: date | None
