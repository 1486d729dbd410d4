"""Alerts and well benchmarking: request and response bodies."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from functions.api.schemas.common import StrictInput
from functions.api.schemas.limits import MultilineText


class AlertStatus(StrEnum):
    OPEN = "OPEN"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    RESOLVED = "RESOLVED"


class AlertSeverity(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


class BenchmarkMetric(StrEnum):
    BOE_PER_DAY = "boe_per_day"
    DECLINE_RATE = "decline_rate"
    WATER_CUT = "water_cut"
    DOWNTIME = "downtime"


class AlertOut(BaseModel):
    id: str
    well_id: str
    source: str = Field(description="anomaly or prediction")
    title: str
    severity: AlertSeverity
    status: AlertStatus
    details: dict[str, Any]
    created_at: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    resolved_by: str | None
    resolved_at: datetime | None
    note: str | None


class ResolveIn(StrictInput):
    note: MultilineText | None = Field(default=None, max_length=2000, description="What was done")


class WellRankOut(BaseModel):
    rank: int
    well_id: str
    name: str
    value: float = Field(
        description="boe_per_day: BOE/d; decline_rate: effective annual fraction; "
        "water_cut, downtime: fractions"
    )
