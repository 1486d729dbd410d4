"""Alerts and well benchmarking: request and response bodies."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from functions.api.schemas.common import ApiModel, StrictInput
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


class AlertOut(ApiModel):
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


class WellRankOut(ApiModel):
    rank: int
    well_id: str
    name: str
    value: float = Field(
        description="boe_per_day: BOE/d; decline_rate: effective annual fraction; "
        "water_cut, downtime: fractions"
    )


class ChokeAdviceOut(ApiModel):
    night: date = Field(description="The scoring night the advice is from")
    model_version: str
    current_choke_64ths: float
    suggested_choke_64ths: float
    current_rate_bbl_d: float
    suggested_rate_bbl_d: float
    expected_gain_pct: float
    change_recommended: bool = Field(description="True for a predicted oil gain of 2 % or more")


class WaterCutOutlookOut(ApiModel):
    night: date
    model_version: str
    current_30d: float = Field(description="Water cut (fraction) of the last 30 days")
    predicted_30d: float = Field(description="Water cut (fraction) expected over the next 30")


class WellOutlookOut(ApiModel):
    well_id: str
    optimizer: ChokeAdviceOut | None = Field(description="None until the optimiser scored it")
    water_cut: WaterCutOutlookOut | None
