"""A well's field timeline, its assignments and its decline forecast on the wire."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import Field

from functions.api.schemas.common import ApiModel
from shared.core.wells.ports import TimelineKind


class TimelineEntryOut(ApiModel):
    kind: TimelineKind
    id: str = Field(description="The sync event (or inspection) id")
    occurred_at: datetime = Field(description="When it happened, by the device's clock")
    recorded_by: str
    device_id: str
    equipment_id: uuid.UUID | None
    details: dict[str, Any] = Field(
        description="note: text; inspection: inspection_date, checklist, passed, notes, status; "
        "downtime: downtime_date, reason_code, hours; reading: tag, value, unit"
    )


class TimelineOut(ApiModel):
    well_id: uuid.UUID
    items: list[TimelineEntryOut]


class WellAssignmentOut(ApiModel):
    user_id: uuid.UUID
    well_id: uuid.UUID
    assigned_by: str
    assigned_at: datetime


class WellAssignmentsOut(ApiModel):
    well_id: uuid.UUID
    items: list[WellAssignmentOut]


class ForecastPointOut(ApiModel):
    month: int
    date: date | None
    rate: float
    volume: float
    cumulative: float


class ForecastOut(ApiModel):
    """An Arps fit of the well's own history and its monthly forecast."""

    well_id: uuid.UUID
    product: str
    model: str = Field(description="exponential, harmonic, hyperbolic or modified_hyperbolic")
    origin: date = Field(description="Day 0 of the fit")
    frequency: str
    unit: str = Field(description="Time unit of the declines")
    parameters: dict[str, Any] = Field(description="qi, b, di (nominal, tangent, secant), …")
    goodness_of_fit: dict[str, float | None]
    points: dict[str, Any]
    candidates: list[dict[str, Any]]
    economic_limit: float
    limit_date: date | None
    produced: float
    remaining: float
    eur: float
    forecast: list[ForecastPointOut]
