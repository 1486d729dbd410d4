"""Month-end compliance on the wire: lease profiles, tanks, gauges, run tickets,
dispositions, Form PR filings, owners and division orders.

Volumes, prices and interests are exact decimals (JSON numbers or strings); ranges of
the standards (API gravity, temperature, BS&W) are checked by the core, which names
the field at fault.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import Path, Query
from pydantic import Field

from functions.api.schemas.common import PlainText, StrictInput
from functions.api.schemas.limits import SafeText

PERIOD_PATTERN = r"^\d{4}-\d{2}$"
PeriodText = Annotated[str, Field(pattern=PERIOD_PATTERN, examples=["2026-10"])]
PeriodQuery = Annotated[
    PlainText, Query(max_length=7, description="Production month YYYY-MM", examples=["2026-10"])
]
PeriodPath = Annotated[
    PlainText, Path(max_length=7, description="Production month YYYY-MM", examples=["2026-10"])
]
Short = Annotated[SafeText, Field(min_length=1, max_length=40)]
Volume = Annotated[Decimal, Field(ge=0, le=Decimal("999999999999"), decimal_places=2)]
Price = Annotated[Decimal, Field(ge=0, le=Decimal("99999999"), decimal_places=4)]
GaugeText = Annotated[
    SafeText, Field(min_length=1, max_length=20, examples=["5' 3 1/4\"", "5-3-1"])
]
State = Literal["TX", "NM", "OK"]


class ProfileIn(StrictInput):
    state: State
    operator_number: Annotated[str, Field(pattern=r"^\d{1,6}$")] | None = None
    district: Annotated[str, Field(pattern=r"^[0-9]{1,2}[A-Z]?$")] | None = None
    state_lease_number: Annotated[str, Field(pattern=r"^[0-9]{1,6}$")] | None = None
    gas_id: Annotated[str, Field(pattern=r"^[0-9]{1,6}$")] | None = None
    field_name: Annotated[SafeText, Field(max_length=100)] | None = None
    field_number: Annotated[str, Field(pattern=r"^[0-9]{1,8}$")] | None = None
    tax_flags: list[Annotated[str, Field(pattern=r"^[a-z0-9_]{1,64}$")]] = Field(
        default_factory=list, max_length=20
    )


class StrappingRowIn(StrictInput):
    height_inches: Annotated[Decimal, Field(ge=0, le=1200, decimal_places=4)]
    volume_bbl: Annotated[Decimal, Field(ge=0, le=100000, decimal_places=4)]


class TankIn(StrictInput):
    lease_id: uuid.UUID
    facility_id: uuid.UUID | None = None
    name: Short
    product: Literal["oil", "water"] = "oil"
    capacity_bbl: Volume | None = None
    strapping: list[StrappingRowIn] = Field(min_length=2, max_length=2000)


class GaugeIn(StrictInput):
    gauge: GaugeText
    source: Literal["office", "field", "sync"] = "office"


class RunTicketIn(StrictInput):
    ticket_number: Short
    tank_id: uuid.UUID
    ticket_date: date
    purchaser: Annotated[SafeText, Field(min_length=1, max_length=200)]
    truck: Short | None = None
    opening_gauge: GaugeText
    closing_gauge: GaugeText
    observed_gravity: Annotated[Decimal, Field(decimal_places=1, max_digits=5)]
    observed_temperature_f: Annotated[Decimal, Field(decimal_places=1, max_digits=5)]
    bsw_percent: Annotated[Decimal, Field(decimal_places=3, max_digits=6)] = Decimal(0)
    seal_off: Short | None = None
    seal_on: Short | None = None
    price_per_bbl: Price | None = None


class DispositionIn(StrictInput):
    lease_id: uuid.UUID
    period: PeriodText
    product: Literal["oil", "gas", "water"]
    kind: Literal[
        "sold", "used_on_lease", "flared", "vented", "injected", "lost", "transferred", "other"
    ]
    volume: Volume
    purchaser: Annotated[SafeText, Field(max_length=200)] | None = None
    price: Price | None = None
    reference: Annotated[SafeText, Field(max_length=100)] | None = None


class FormPrIn(StrictInput):
    operator_number: Annotated[str, Field(pattern=r"^\d{1,6}$")]
    period: PeriodText


class OwnerIn(StrictInput):
    name: Annotated[SafeText, Field(min_length=1, max_length=200)]
    tax_id: Annotated[SafeText, Field(max_length=20)] | None = None
    address: Annotated[SafeText, Field(max_length=500)] | None = None
    hold_reason: Annotated[SafeText, Field(max_length=200)] | None = None


class InterestIn(StrictInput):
    owner_id: uuid.UUID
    interest_type: Literal["royalty", "overriding_royalty", "working"]
    product: Literal["oil", "gas", "condensate"]
    decimal_interest: Annotated[Decimal, Field(gt=0, le=1, decimal_places=10)]
    effective_from: date
    effective_to: date | None = None


class InterestsIn(StrictInput):
    interests: list[InterestIn] = Field(max_length=500)


ExportFormat = Literal["csv", "xlsx"]
ReportFormat = Literal["csv", "xlsx", "pdf"]


class EmissionEntryIn(StrictInput):
    facility_id: uuid.UUID
    period: PeriodText
    source_kind: Literal["combustion", "flare", "pneumatic", "storage_tank"]
    gas_scf: Annotated[float, Field(ge=0, le=1e13)] = 0.0
    hhv_mmbtu_per_mscf: Annotated[float, Field(gt=0, le=5)] | None = None
    composition: (
        dict[Annotated[str, Field(max_length=20)], Annotated[float, Field(ge=0, le=1)]] | None
    ) = Field(default=None, max_length=20)
    efficiency: Annotated[float, Field(gt=0, le=1)] | None = None
    note: Annotated[SafeText, Field(max_length=500)] | None = None
    device_counts: (
        dict[Annotated[str, Field(max_length=40)], Annotated[int, Field(ge=0, le=100000)]] | None
    ) = Field(default=None, max_length=10, description="pneumatic: device kind → count")
    ch4_mole_fraction: Annotated[float, Field(ge=0, le=1)] | None = None
    co2_mole_fraction: Annotated[float, Field(ge=0, le=1)] | None = None
    units: Annotated[int, Field(ge=0, le=10000)] | None = None
    liquid: Literal["crude_oil", "condensate"] | None = None


class SettingsIn(StrictInput):
    form_pr_due_date_variant: Annotated[str, Field(max_length=64)] | None = None
    gwp: Annotated[str, Field(max_length=16)] | None = None
