"""Wells on the wire."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pydantic_core
from pydantic import Field, computed_field

from functions.api.schemas.common import (
    ApiModel,
    PatchInput,
    StrictInput,
    json_fits,
    page_out,
    rows_fit,
)
from functions.api.schemas.limits import (
    DepthFt,
    ElevationFt,
    Latitude,
    Longitude,
    Name,
    SafeText,
    WellHistoryDate,
)
from shared.core.common.json_text import JsonPage
from shared.core.common.pages import Page
from shared.core.wells.model.api_number import format_api_number
from shared.core.wells.model.lifecycle import WellStatus, WellType, allowed_transitions
from shared.core.wells.model.records import Well


class WellFields(StrictInput):
    api_number: SafeText | None = Field(
        default=None, max_length=24, description="10, 12 or 14 digits, dashes allowed"
    )
    well_number: SafeText | None = Field(default=None, max_length=50)
    lease_id: uuid.UUID | None = None
    field_id: uuid.UUID | None = None
    spud_date: WellHistoryDate | None = None
    completion_date: WellHistoryDate | None = None
    first_production_date: WellHistoryDate | None = None
    plugged_date: WellHistoryDate | None = None
    surface_latitude: Latitude | None = None
    surface_longitude: Longitude | None = None
    bottom_hole_latitude: Latitude | None = None
    bottom_hole_longitude: Longitude | None = None
    total_depth_ft: DepthFt | None = None
    true_vertical_depth_ft: DepthFt | None = None
    ground_elevation_ft: ElevationFt | None = None


class WellCreate(WellFields):
    name: Name
    well_type: WellType
    status: WellStatus = WellStatus.PLANNED
    is_horizontal: bool = False


class WellPatch(WellFields, PatchInput):
    not_null = frozenset({"name", "well_type", "status", "is_horizontal"})

    name: Name | None = None
    well_type: WellType | None = None
    status: WellStatus | None = Field(default=None, description="Follows the well lifecycle")
    is_horizontal: bool | None = None


class WellOut(ApiModel):
    id: uuid.UUID
    name: str
    api_number: str | None
    well_number: str | None
    lease_id: uuid.UUID | None
    field_id: uuid.UUID | None
    well_type: WellType
    status: WellStatus
    spud_date: date | None
    completion_date: date | None
    first_production_date: date | None
    plugged_date: date | None
    surface_latitude: float | None
    surface_longitude: float | None
    bottom_hole_latitude: float | None
    bottom_hole_longitude: float | None
    total_depth_ft: float | None
    true_vertical_depth_ft: float | None
    ground_elevation_ft: float | None
    is_horizontal: bool
    created_at: datetime
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def api_number_formatted(self) -> str | None:
        return format_api_number(self.api_number) if self.api_number else None

    @computed_field(description="The statuses the lifecycle allows next")  # type: ignore[prop-decorator]
    @property
    def next_statuses(self) -> list[WellStatus]:
        return list(allowed_transitions(self.status))


class AssignmentOut(ApiModel):
    well_id: uuid.UUID
    user_id: uuid.UUID
    assigned: bool


_COMPUTED = ("api_number_formatted", "next_statuses")
_COMPUTED_KINDS = (str, list)


def written_wells_page_json(page: JsonPage) -> bytes | None:
    """The page the database wrote (`WellRepository.list_json`) as `PageOut[WellOut]`
    writes it: its items as they came, the envelope around them; None when its objects
    are not `WellOut`'s fields then its two computed fields, or hold what the model
    would write otherwise."""
    objects = page.objects
    if tuple(WellOut.model_computed_fields) != _COMPUTED or objects.keys[-2:] != _COMPUTED:
        return None
    if objects.kinds[-2:] != _COMPUTED_KINDS:
        return None
    if not json_fits(objects.keys[:-2], objects.kinds[:-2], WellOut, objects.known, True):
        return None
    envelope = page_out(Page([], page.total, page.limit, page.offset))
    del envelope["items"]  # first: the database's items go there
    items = b'{"items":[' + objects.items.encode() + b"],"
    return items + pydantic_core.to_json(envelope)[1:]


_NEXT_STATUSES = {status.value: list(allowed_transitions(status)) for status in WellStatus}


def wells_page_json(page: Page[Well]) -> bytes | None:
    """The page as `PageOut[WellOut]` writes it, without a model per well (validating 50
    cost more than reading them); None when a well holds a value validation would change
    or refuse, or the computed fields are not the two written here: then validate."""
    if tuple(WellOut.model_computed_fields) != ("api_number_formatted", "next_statuses"):
        return None
    names = tuple(WellOut.model_fields)
    rows = [{name: values[name] for name in names} for values in map(vars, page.items)]
    if not rows_fit(rows, WellOut, computed=True):
        return None
    for row in rows:
        api = row["api_number"]
        row["api_number_formatted"] = format_api_number(api) if api else None
        row["next_statuses"] = _NEXT_STATUSES[row["status"]]
    content = page_out(page)
    content["items"] = rows
    return pydantic_core.to_json(content, inf_nan_mode="null")  # as the models write them
