"""Daily production on the wire."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import ConfigDict, Field

from functions.api.schemas.common import ApiModel, StrictInput
from functions.api.schemas.limits import described
from shared.core.common import limits


class ProductionValues(StrictInput):
    """Volumes in bbl and Mcf, pressures in psi, temperature in °F, choke in 64ths of an inch.

    The plausibility limits (in each field's description) are checked by the
    production rules, so a batch reports every row's errors at once.
    """

    oil_bbl: Annotated[float, described(limits.OIL_BBL_PER_DAY)] | None = None
    gas_mcf: Annotated[float, described(limits.GAS_MCF_PER_DAY)] | None = None
    water_bbl: Annotated[float, described(limits.WATER_BBL_PER_DAY)] | None = None
    condensate_bbl: Annotated[float, described(limits.CONDENSATE_BBL_PER_DAY)] | None = None
    hours_on: Annotated[float, described(limits.HOURS_PER_DAY)] | None = None
    choke_64ths: Annotated[float, described(limits.CHOKE_64THS)] | None = None
    tubing_pressure_psi: Annotated[float, described(limits.PRESSURE_PSI)] | None = None
    casing_pressure_psi: Annotated[float, described(limits.PRESSURE_PSI)] | None = None
    line_pressure_psi: Annotated[float, described(limits.PRESSURE_PSI)] | None = None
    temperature_f: Annotated[float, described(limits.TEMPERATURE_F)] | None = None
    bsw_pct: Annotated[float, described(limits.BSW_PCT)] | None = None
    gor_scf_bbl: Annotated[float, described(limits.GOR_SCF_BBL)] | None = None
    is_estimated: bool = False
    notes: str | None = Field(
        default=None, max_length=2000, description="Lines of text; no control characters"
    )


class ProductionRow(ProductionValues):
    well_id: uuid.UUID
    production_date: date = Field(description="1900-01-01 to today")


class ProductionBatch(StrictInput):
    rows: list[ProductionRow] = Field(min_length=1, max_length=5000)


class ProductionBatchResult(ApiModel):
    written: int


class ProductionOut(ApiModel):
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


class ProductionSeries(ApiModel):
    well_id: uuid.UUID
    start: date = Field(alias="from")
    end: date = Field(alias="to")
    days: int
    items: list[ProductionOut]

    model_config = ConfigDict(populate_by_name=True)
