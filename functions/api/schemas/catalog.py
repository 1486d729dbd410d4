"""Fields, leases, facilities and equipment on the wire."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from functions.api.schemas.common import ApiModel, PatchInput, StrictInput
from functions.api.schemas.limits import (
    Acres,
    ContractDate,
    Fraction,
    HappenedDate,
    Latitude,
    Longitude,
    Name,
    SafeText,
)

Status = Literal["ACTIVE", "INACTIVE"]
FacilityType = Literal[
    "WELL_PAD", "TANK_BATTERY", "SEPARATOR", "COMPRESSOR", "PUMP_STATION",
    "PROCESSING_PLANT", "TERMINAL", "PIPELINE",
]  # fmt: skip
EquipmentStatus = Literal["ACTIVE", "INACTIVE", "UNDER_MAINTENANCE", "RETIRED"]


class Stamped(ApiModel):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime


class FieldIn(StrictInput):
    name: Name
    code: SafeText | None = Field(default=None, max_length=50)
    basin: SafeText | None = Field(default=None, max_length=200)
    state: SafeText | None = Field(default=None, max_length=64)
    county: SafeText | None = Field(default=None, max_length=100)
    status: Status = "ACTIVE"


class FieldPatch(PatchInput):
    not_null = frozenset({"name", "status"})
    name: Name | None = None
    code: SafeText | None = Field(default=None, max_length=50)
    basin: SafeText | None = Field(default=None, max_length=200)
    state: SafeText | None = Field(default=None, max_length=64)
    county: SafeText | None = Field(default=None, max_length=100)
    status: Status | None = None


class FieldOut(Stamped):
    """As stored: read models do not re-check input limits (older rows stay readable)."""

    name: str
    code: str | None = None
    basin: str | None = None
    state: str | None = None
    county: str | None = None
    status: Status = "ACTIVE"


class LeaseBase(StrictInput):
    field_id: uuid.UUID | None = None
    lessor: SafeText | None = Field(default=None, max_length=200)
    effective_date: ContractDate | None = None
    expiration_date: ContractDate | None = None
    working_interest: Fraction | None = None
    net_revenue_interest: Fraction | None = None
    gross_acres: Acres | None = None
    net_acres: Acres | None = None
    # expiration_date >= effective_date is the catalog service's rule: it sees the stored
    # dates that a PATCH leaves, and a response model must never refuse a stored row.


class LeaseIn(LeaseBase):
    lease_number: SafeText = Field(min_length=1, max_length=100)
    name: Name
    royalty_rate: Fraction = Field(description="Landowner royalty as a fraction, e.g. 0.1875")
    status: Status = "ACTIVE"


class LeasePatch(LeaseBase, PatchInput):
    not_null = frozenset({"lease_number", "name", "royalty_rate", "status"})
    lease_number: SafeText | None = Field(default=None, min_length=1, max_length=100)
    name: Name | None = None
    royalty_rate: Fraction | None = None
    status: Status | None = None


class LeaseOut(Stamped):
    field_id: uuid.UUID | None = None
    lessor: str | None = None
    effective_date: date | None = None
    expiration_date: date | None = None
    working_interest: float | None = None
    net_revenue_interest: float | None = None
    gross_acres: float | None = None
    net_acres: float | None = None
    lease_number: str
    name: str
    royalty_rate: float
    status: Status = "ACTIVE"


class FacilityIn(StrictInput):
    name: Name
    code: SafeText | None = Field(default=None, max_length=100)
    facility_type: FacilityType
    field_id: uuid.UUID | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    status: Status = "ACTIVE"


class FacilityPatch(PatchInput):
    not_null = frozenset({"name", "facility_type", "status"})
    name: Name | None = None
    code: SafeText | None = Field(default=None, max_length=100)
    facility_type: FacilityType | None = None
    field_id: uuid.UUID | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    status: Status | None = None


class FacilityOut(Stamped):
    name: str
    code: str | None = None
    facility_type: FacilityType
    field_id: uuid.UUID | None = None
    latitude: float | None = None
    longitude: float | None = None
    status: Status = "ACTIVE"


class EquipmentBase(StrictInput):
    name: SafeText | None = Field(default=None, max_length=200)
    manufacturer: SafeText | None = Field(default=None, max_length=200)
    model: SafeText | None = Field(default=None, max_length=200)
    serial_number: SafeText | None = Field(default=None, max_length=200)
    well_id: uuid.UUID | None = None
    facility_id: uuid.UUID | None = None
    installation_date: HappenedDate | None = None


class EquipmentIn(EquipmentBase):
    tag: SafeText = Field(min_length=1, max_length=100)
    equipment_type: SafeText = Field(min_length=1, max_length=64, examples=["ROD_PUMP"])
    status: EquipmentStatus = "ACTIVE"


class EquipmentPatch(EquipmentBase, PatchInput):
    not_null = frozenset({"tag", "equipment_type", "status"})
    tag: SafeText | None = Field(default=None, min_length=1, max_length=100)
    equipment_type: SafeText | None = Field(default=None, min_length=1, max_length=64)
    status: EquipmentStatus | None = None


class EquipmentOut(Stamped):
    name: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    serial_number: str | None = None
    well_id: uuid.UUID | None = None
    facility_id: uuid.UUID | None = None
    installation_date: date | None = None
    tag: str
    equipment_type: str
    status: EquipmentStatus = "ACTIVE"
