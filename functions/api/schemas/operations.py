"""Alarm rules and work orders: request and response bodies.

Alarm rule bodies are checked by the core (`parse_alarm_rule`), which names the
field of any rule that cannot work; the model here only types them for the
OpenAPI document.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, Field

from functions.api.schemas.common import ApiModel, StrictInput
from shared.core.operations.model.incidents import IncidentKind, Material, Unit, WaterContact
from shared.core.operations.model.permits import PermitStatus, PermitType
from shared.core.operations.model.work_orders import CostCategory, Priority, WorkOrderStatus


class AlarmKindIn(StrEnum):
    LIMIT = "limit"
    RATE = "rate"
    STALE = "stale"


class AlarmSeverityIn(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class AlarmRuleFields(StrictInput):
    name: str = Field("", max_length=200)
    kind: AlarmKindIn
    tag_id: int | None = Field(None, description="One tag; or give signal_class")
    signal_class: str | None = Field(
        None, max_length=64, description="Every tag of this name (e.g. tubing_pressure)"
    )
    field_id: str | None = Field(None, max_length=64, description="Narrows a signal_class")
    high: float | None = None
    low: float | None = None
    max_rise_per_min: float | None = None
    max_fall_per_min: float | None = None
    stale_after_s: float | None = None
    deadband: float = 0.0
    min_duration_s: float = 0.0
    severity: AlarmSeverityIn = AlarmSeverityIn.MEDIUM
    enabled: bool = True

    def rule_data(self) -> dict[str, Any]:
        data = self.model_dump(mode="json", exclude={"enabled"}, exclude_none=True)
        return data


class AlarmRuleIn(AlarmRuleFields):
    rule_id: str = Field(max_length=64, description="Letters, digits and _.:- (unique)")

    def rule_data(self) -> dict[str, Any]:
        return super().rule_data() | {"rule_id": self.rule_id}


class AlarmRuleOut(ApiModel):
    rule_id: str
    name: str
    kind: str
    tag_id: int | None
    signal_class: str | None
    field_id: str | None
    high: float | None
    low: float | None
    max_rise_per_min: float | None
    max_fall_per_min: float | None
    stale_after_s: float | None
    deadband: float
    min_duration_s: float
    severity: str
    enabled: bool


class WorkOrderIn(StrictInput):
    well_id: uuid.UUID
    title: str = Field(max_length=200)
    priority: Priority = Priority.MEDIUM
    equipment_id: str | None = Field(None, max_length=64)
    due_date: date | None = None
    assignee: str | None = Field(None, max_length=200)
    failure_at: AwareDatetime | None = None


class FromAlertIn(StrictInput):
    alert_id: uuid.UUID


class AssignIn(StrictInput):
    assignee: str = Field(max_length=200, description="A user's e-mail or a contractor")


class StatusIn(StrictInput):
    status: WorkOrderStatus
    note: str = Field("", max_length=2000)
    scheduled_for: AwareDatetime | None = Field(None, description="Needed for scheduled")


class PartIn(StrictInput):
    part_number: str = Field(max_length=64)
    quantity: Decimal
    unit_cost: Decimal
    description: str = Field("", max_length=200)


class CostIn(StrictInput):
    category: CostCategory
    amount: Decimal
    note: str = Field("", max_length=200)


class DowntimeIn(StrictInput):
    start: AwareDatetime
    end: AwareDatetime


class WorkOrderSourceOut(ApiModel):
    kind: str
    reference: str | None


class WorkOrderOut(ApiModel):
    id: str
    well_id: str
    title: str
    status: str
    priority: str
    source: WorkOrderSourceOut
    equipment_id: str | None
    due_date: date | None
    assignee: str | None
    scheduled_for: datetime | None
    failure_at: datetime | None
    created_at: datetime
    closed_at: datetime | None
    parts: list[dict[str, Any]]
    costs: list[dict[str, Any]]
    downtime: list[dict[str, Any]]
    downtime_hours: str
    total_cost: str
    history: list[dict[str, Any]]


class EstimateLineIn(StrictInput):
    category: str = Field(max_length=32, description="A category of the AFE policy (idc, tcc…)")
    amount: Decimal
    note: str = Field("", max_length=200)


class PartnerIn(StrictInput):
    partner_id: str = Field(max_length=64)
    working_interest: Decimal = Field(description="A fraction, e.g. 0.25")


class AfeIn(StrictInput):
    number: str = Field(max_length=64)
    title: str = Field(max_length=200)
    estimate: list[EstimateLineIn] = Field(max_length=50)
    well_id: uuid.UUID | None = None
    lease_id: uuid.UUID | None = None
    partners: list[PartnerIn] = Field(default_factory=list, max_length=50)


class DecisionIn(StrictInput):
    approve: bool
    note: str = Field("", max_length=2000, description="Required to reject")


class ReviseIn(StrictInput):
    estimate: list[EstimateLineIn] | None = Field(None, max_length=50)


class ActualIn(StrictInput):
    category: str = Field(max_length=32)
    amount: Decimal
    reference: str = Field("", max_length=100, description="Invoice or ticket")
    posted_at: AwareDatetime | None = Field(None, description="Default: now")


class ElectionIn(StrictInput):
    partner_id: str = Field(max_length=64)
    election: str = Field(max_length=16, description="consent or non_consent")


class AfeOut(ApiModel):
    id: str
    number: str
    title: str
    status: str
    well_id: str | None
    lease_id: str | None
    created_at: datetime
    submitted_at: datetime | None
    approved_at: datetime | None
    estimate: list[dict[str, Any]]
    total_estimate: str
    total_actual: str
    levels: list[dict[str, Any]]
    waiting_for: str | None
    decisions: list[dict[str, Any]]
    actuals: list[dict[str, Any]]
    budget: list[dict[str, Any]]
    overruns: list[dict[str, Any]]
    partners: list[dict[str, Any]]
    consent: dict[str, Any]


class ConditionIn(StrictInput):
    text: str = Field(max_length=2000)
    due_on: date | None = None


class PermitIn(StrictInput):
    permit_type: PermitType
    agency: str = Field(max_length=100, description="e.g. Texas RRC, TCEQ")
    well_id: uuid.UUID | None = None
    facility_id: uuid.UUID | None = None
    conditions: list[ConditionIn] = Field(default_factory=list, max_length=100)
    renewal_of: uuid.UUID | None = Field(None, description="The permit this one renews")


class PermitStatusIn(StrictInput):
    status: PermitStatus = Field(description="approved goes through /approve")


class PermitApproveIn(StrictInput):
    number: str = Field(max_length=64, description="The agency's permit number")
    issued_on: date
    expires_on: date | None = None


class ConditionMetIn(StrictInput):
    index: int = Field(ge=0, le=99, description="The condition's position (from 0)")


class PermitOut(ApiModel):
    id: str
    permit_type: str
    agency: str
    status: str
    number: str | None
    well_id: str | None
    facility_id: str | None
    issued_on: date | None
    expires_on: date | None
    renewal_of: str | None
    conditions: list[dict[str, Any]]


class PermitReminderOut(ApiModel):
    permit_id: str
    kind: str
    due_on: date
    deadline: date
    lead_days: int
    detail: str
    key: str


class WellTestIn(StrictInput):
    start: AwareDatetime
    end: AwareDatetime
    oil_bbl_per_day: Decimal
    gas_mcf_per_day: Decimal
    water_bbl_per_day: Decimal


class WellTestOut(ApiModel):
    id: str
    well_id: str
    start: datetime
    end: datetime
    hours: str
    oil_bbl_per_day: str
    gas_mcf_per_day: str
    water_bbl_per_day: str
    device_id: str


class MeteredIn(StrictInput):
    oil_bbl_per_day: Decimal | None = Field(None, description="The lease's oil volume, bbl")
    gas_mcf_per_day: Decimal | None = Field(None, description="The lease's gas volume, Mcf")
    water_bbl_per_day: Decimal | None = Field(None, description="The lease's water volume, bbl")


class AllocationIn(StrictInput):
    metered: MeteredIn
    hours: dict[uuid.UUID, Decimal] = Field(
        max_length=1000, description="Producing hours of each well of the lease"
    )
    as_of: AwareDatetime | None = Field(None, description="Use tests finished by then")
    quantum: Decimal = Field(Decimal(1), description="1 (whole bbl) or 0.01")


class AllocationOut(ApiModel):
    lease_id: str
    as_of: datetime
    allocation: dict[str, dict[str, str]]
    tests: dict[str, WellTestOut]


class LocationIn(StrictInput):
    state: str = Field(max_length=2, description="Two-letter state code, e.g. TX")
    county: str = Field("", max_length=100)
    well_id: uuid.UUID | None = None
    lease_id: uuid.UUID | None = None
    facility_id: uuid.UUID | None = None
    latitude: float | None = None
    longitude: float | None = None


class ReleaseIn(StrictInput):
    material: Material
    released: Decimal
    recovered: Decimal = Decimal(0)
    unit: Unit = Unit.BBL
    estimated: bool = False


class IncidentIn(StrictInput):
    kind: IncidentKind
    occurred_at: AwareDatetime
    discovered_at: AwareDatetime
    location: LocationIn
    description: str = Field(max_length=4000)
    cause: str = Field("", max_length=2000)
    releases: list[ReleaseIn] = Field(default_factory=list, max_length=20)
    water: WaterContact = WaterContact.NONE
    sensitive_area: bool = False
    injuries: int = Field(0, ge=0, le=10_000)


class CorrectiveActionIn(StrictInput):
    description: str = Field(max_length=2000)
    owner: str = Field(max_length=200)
    due_on: date
    done_on: date | None = None


class ActionDoneIn(StrictInput):
    index: int = Field(ge=0, le=999)
    done_on: date


class NotificationSentIn(StrictInput):
    rule_id: str = Field(max_length=64)
    at: AwareDatetime
    reference: str = Field("", max_length=100, description="The agency's ticket number")


class IncidentOut(ApiModel):
    id: str
    kind: str
    occurred_at: datetime
    discovered_at: datetime
    location: dict[str, Any]
    description: str
    cause: str
    releases: list[dict[str, Any]]
    water: str
    sensitive_area: bool
    injuries: int
    corrective_actions: list[dict[str, Any]]
    notifications_due: list[dict[str, Any]]


class DocumentIn(StrictInput):
    owner_kind: str = Field(max_length=16, description="well, lease, permit, afe, work_order…")
    owner_id: uuid.UUID
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=120)
    size: int = Field(ge=1, le=1 << 32, description="Bytes")


class DocumentOut(ApiModel):
    id: str
    owner_kind: str
    owner_id: str
    filename: str
    content_type: str
    size: int
    status: str = Field(description="pending, available, unscanned or quarantined")
    scan_engine: str | None
    scan_signature: str | None
    created_by: str
    created_at: datetime
    download_url: str | None = None


class UploadTargetOut(ApiModel):
    method: str
    url: str
    headers: dict[str, str]


class DocumentUploadOut(ApiModel):
    document: DocumentOut
    upload: UploadTargetOut


class EquipmentMetricsOut(ApiModel):
    equipment_id: str
    failures: int
    downtime_hours: str
    uptime_hours: str
    mtbf_hours: str | None
    cost: str
    work_orders: int
