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
