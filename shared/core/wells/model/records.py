"""The rows of wells as the repositories take and return them: the catalog, daily
production and assignments. Where each is stored is the adapters' business.

Ids are text (UUIDs as strings); optional attributes default to None so a caller
names only what it knows. `values_of` turns a record into the plain mapping the
audit log and the change feed keep.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol


class CatalogRecord(Protocol):
    """What every catalog row has: an id (the audit log and the services use it)."""

    @property
    def id(self) -> str: ...

    @property
    def created_at(self) -> datetime: ...


@dataclass(frozen=True, kw_only=True)
class Well:
    id: str
    name: str
    api_number: str | None = None
    well_number: str | None = None
    lease_id: str | None = None
    field_id: str | None = None
    well_type: str
    status: str
    spud_date: date | None = None
    completion_date: date | None = None
    first_production_date: date | None = None
    plugged_date: date | None = None
    surface_latitude: float | None = None
    surface_longitude: float | None = None
    bottom_hole_latitude: float | None = None
    bottom_hole_longitude: float | None = None
    total_depth_ft: float | None = None
    true_vertical_depth_ft: float | None = None
    ground_elevation_ft: float | None = None
    is_horizontal: bool = False
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class OilField:
    """A field in the oil-and-gas sense: an area of leases, wells and facilities."""

    id: str
    name: str
    code: str | None = None
    basin: str | None = None
    state: str | None = None
    county: str | None = None
    status: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, kw_only=True)
class Lease:
    id: str
    lease_number: str
    name: str
    field_id: str | None = None
    lessor: str | None = None
    effective_date: date | None = None
    expiration_date: date | None = None
    royalty_rate: float
    working_interest: float | None = None
    net_revenue_interest: float | None = None
    gross_acres: float | None = None
    net_acres: float | None = None
    status: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, kw_only=True)
class Facility:
    id: str
    name: str
    code: str | None = None
    facility_type: str
    field_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    status: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, kw_only=True)
class Equipment:
    id: str
    tag: str
    name: str | None = None
    equipment_type: str
    manufacturer: str | None = None
    model: str | None = None
    serial_number: str | None = None
    well_id: str | None = None
    facility_id: str | None = None
    installation_date: date | None = None
    status: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, kw_only=True)
class ProductionDay:
    """One well's production on one day (volumes in bbl and Mcf, pressures in psi)."""

    well_id: str
    production_date: date
    oil_bbl: float | None = None
    gas_mcf: float | None = None
    water_bbl: float | None = None
    condensate_bbl: float | None = None
    hours_on: float | None = None
    choke_64ths: float | None = None
    tubing_pressure_psi: float | None = None
    casing_pressure_psi: float | None = None
    line_pressure_psi: float | None = None
    temperature_f: float | None = None
    bsw_pct: float | None = None
    gor_scf_bbl: float | None = None
    is_estimated: bool = False
    notes: str | None = None
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class Assignment:
    """A field operator assigned to a well, by whom and when."""

    user_id: str
    well_id: str
    assigned_by: str
    assigned_at: datetime


@dataclass(frozen=True)
class LinkedPhoto:
    """A photo a device linked to a well (its bytes are in the blob store at `blob_key`)."""

    event_id: str
    well_id: str
    blob_key: str
    content_type: str
    caption: str | None
    occurred_at: datetime
    device_id: str
    recorded_by: str


def values_of(record: object) -> dict[str, Any]:
    """A record's attributes by name, in declaration order (for the audit log)."""
    assert dataclasses.is_dataclass(record) and not isinstance(record, type)
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def attribute_names(kind: object) -> frozenset[str]:
    """The attributes a record type has (to refuse changes to unknown ones)."""
    assert isinstance(kind, type) and dataclasses.is_dataclass(kind)
    return frozenset(f.name for f in dataclasses.fields(kind))
