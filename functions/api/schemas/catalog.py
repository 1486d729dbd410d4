"""Fields, leases, facilities and equipment on the wire."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from functions.api.schemas.common import PatchInput, StrictInput

Name = Annotated[str, Field(min_length=1, max_length=200)]
Fraction = Annotated[float, Field(ge=0, le=1)]
Acres = Annotated[float, Field(ge=0)]
Status = Literal["ACTIVE", "INACTIVE"]
FacilityType = Literal[
    "WELL_PAD", "TANK_BATTERY", "SEPARATOR", "COMPRESSOR", "PUMP_STATION",
    "PROCESSING_PLANT", "TERMINAL", "PIPELINE",
]  # fmt: skip
EquipmentStatus = Literal["ACTIVE", "INACTIVE", "UNDER_MAINTENANCE", "RETIRED"]


class Stamped(BaseModel):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime


class FieldIn(StrictInput):
    name: Name
    code: str | None = Field(default=None, max_length=50)
    basin: str | None = Field(default=None, max_length=200)
    state: str | None = Field(default=None, max_length=64)
    county: str | None = Field(default=None, max_length=100)
    status: Status = "ACTIVE"


class FieldPatch(PatchInput):
    not_null = frozenset({"name", "status"})
    name: Name | None = None
    code: str | None = Field(default=None, max_length=50)
    basin: str | None = Field(default=None, max_length=200)
    state: str | None = Field(default=None, max_length=64)
    county: str | None = Field(default=None, max_length=100)
    status: Status | None = None


class FieldOut(FieldIn, Stamped):
    model_config = {"extra": "ignore"}


class LeaseBase(StrictInput):
    field_id: uuid.UUID | None = None
    lessor: str | None = Field(default=None, max_length=200)
    effective_date: date | None = None
    expiration_date: date | None = None
    working_interest: Fraction | None = None
    net_revenue_interest: Fraction | None = None
    gross_acres: Acres | None = None
    net_acres: Acres | None = None
    # expiration_date >= effective_date is the catalog service's rule: it sees the stored
    # dates that a PATCH leaves, and a response model must never refuse a stored row.


class LeaseIn(LeaseBase):
    lease_number: str = Field(min_length=1, max_length=100)
    name: Name
    royalty_rate: Fraction = Field(description="Landowner royalty as a fraction, e.g. 0.1875")
    status: Status = "ACTIVE"


class LeasePatch(LeaseBase, PatchInput):
    not_null = frozenset({"lease_number", "name", "royalty_rate", "status"})
    lease_number: str | None = Field(default=None, min_length=1, max_length=100)
    name: Name | None = None
    royalty_rate: Fraction | None = None
    status: Status | None = None


class LeaseOut(LeaseIn, Stamped):
    model_config = {"extra": "ignore"}


class FacilityIn(StrictInput):
    name: Name
    code: str | None = Field(default=None, max_length=100)
    facility_type: FacilityType
    field_id: uuid.UUID | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    status: Status = "ACTIVE"


class FacilityPatch(PatchInput):
    not_null = frozenset({"name", "facility_type", "status"})
    name: Name | None = None
    code: str | None = Field(default=None, max_length=100)
    facility_type: FacilityType | None = None
    field_id: uuid.UUID | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    status: Status | None = None


class FacilityOut(FacilityIn, Stamped):
    model_config = {"extra": "ignore"}


class EquipmentBase(StrictInput):
    name: str | None = Field(default=None, max_length=200)
    manufacturer: str | None = Field(default=None, max_length=200)
    model: str | None = Field(default=None, max_length=200)
    serial_number: str | None = Field(default=None, max_length=200)
    well_id: uuid.UUID | None = None
    facility_id: uuid.UUID | None = None
    installation_date: date | None = None


class EquipmentIn(EquipmentBase):
    tag: str = Field(min_length=1, max_length=100)
    equipment_type: str = Field(min_length=1, max_length=64, examples=["ROD_PUMP"])
    status: EquipmentStatus = "ACTIVE"


class EquipmentPatch(EquipmentBase, PatchInput):
    not_null = frozenset({"tag", "equipment_type", "status"})
    tag: str | None = Field(default=None, min_length=1, max_length=100)
    equipment_type: str | None = Field(default=None, min_length=1, max_length=64)
    status: EquipmentStatus | None = None


class EquipmentOut(EquipmentIn, Stamped):
    model_config = {"extra": "ignore"}
