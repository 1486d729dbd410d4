"""Daily production on the wire."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from functions.api.schemas.common import StrictInput

Quantity = Annotated[float, Field(description="must not be negative")]


class ProductionValues(StrictInput):
    """Volumes in bbl and Mcf, pressures in psi, temperature in °F, choke in 64ths of an inch."""

    oil_bbl: float | None = None
    gas_mcf: float | None = None
    water_bbl: float | None = None
    condensate_bbl: float | None = None
    hours_on: float | None = Field(default=None, description="0 to 24")
    choke_64ths: float | None = None
    tubing_pressure_psi: float | None = None
    casing_pressure_psi: float | None = None
    line_pressure_psi: float | None = None
    temperature_f: float | None = Field(default=None, ge=-100, le=1000)
    bsw_pct: float | None = Field(default=None, description="basic sediment and water, 0 to 100")
    gor_scf_bbl: float | None = None
    is_estimated: bool = False
    notes: str | None = Field(default=None, max_length=2000)


class ProductionRow(ProductionValues):
    well_id: uuid.UUID
    production_date: date


class ProductionBatch(StrictInput):
    rows: list[ProductionRow] = Field(min_length=1, max_length=5000)


class ProductionBatchResult(BaseModel):
    written: int


class ProductionOut(BaseModel):
    well_id: uuid.UUID
    production_date: date
    oil_bbl: float | None
    gas_mcf: float | None
    water_bbl: float | None
    condensate_bbl: float | None
    hours_on: float | None
    choke_64ths: float | None
    tubing_pressure_psi: float | None
    casing_pressure_psi: float | None
    line_pressure_psi: float | None
    temperature_f: float | None
    bsw_pct: float | None
    gor_scf_bbl: float | None
    is_estimated: bool
    notes: str | None
    updated_at: datetime
    updated_by: str


class ProductionSeries(BaseModel):
    well_id: uuid.UUID
    start: date = Field(alias="from")
    end: date = Field(alias="to")
    days: int
    items: list[ProductionOut]

    model_config = {"populate_by_name": True}
