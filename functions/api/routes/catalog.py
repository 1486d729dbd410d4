"""Fields, leases, facilities and equipment: the same four routes for each.

No `from __future__ import annotations` here: FastAPI reads the models of each
generated route from the closure at runtime.
"""

import uuid
from typing import Annotated, Any, Literal

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PagingDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas import catalog as s
from functions.api.schemas.common import PageOut, PlainText, page_out, to_values
from shared.core.wells.services.catalog import EQUIPMENT, FACILITIES, FIELDS, LEASES, CatalogKind

router = FeatureRouter(route_class=DeferredRoute)


class QueryFilter(BaseModel):
    """Query filters share the query string with `limit`/`offset`, so other keys are ignored."""

    model_config = ConfigDict(extra="ignore")


class FieldFilter(QueryFilter):
    status: Literal["ACTIVE", "INACTIVE"] | None = None


class LeaseFilter(QueryFilter):
    field_id: uuid.UUID | None = None
    status: Literal["ACTIVE", "INACTIVE"] | None = None


class FacilityFilter(QueryFilter):
    field_id: uuid.UUID | None = None
    facility_type: PlainText | None = Field(default=None, max_length=64)


class EquipmentFilter(QueryFilter):
    well_id: uuid.UUID | None = None
    facility_id: uuid.UUID | None = None
    equipment_type: PlainText | None = Field(default=None, max_length=64)


def _add_routes(
    kind: CatalogKind[Any],
    path: str,
    create_model: type[BaseModel],
    patch_model: type[BaseModel],
    out_model: type[BaseModel],
    filter_model: type[BaseModel],
) -> None:
    tags: list[str | Any] = [kind.plural]

    @router.get(path, response_model=PageOut[out_model], tags=tags, name=f"list_{kind.plural}")  # type: ignore[valid-type]
    def list_items(
        platform: PlatformDep,
        tenant: TenantDep,
        actor: ActorDep,
        paging: PagingDep,
        filters: Annotated[filter_model, Query()],  # type: ignore[valid-type]
    ) -> dict[str, Any]:
        values = to_values(filters)
        page = platform.catalog.list(kind, tenant, actor, values, paging.limit, paging.offset)
        return page_out(page)

    @router.post(
        path, response_model=out_model, status_code=201, tags=tags, name=f"create_{kind.name}"
    )
    def create_item(
        body: create_model,  # type: ignore[valid-type]
        platform: PlatformDep,
        tenant: TenantDep,
        actor: ActorDep,
    ) -> Any:
        return platform.catalog.create(kind, tenant, actor, to_values(body))

    @router.get(path + "/{item_id}", response_model=out_model, tags=tags, name=f"get_{kind.name}")
    def get_item(
        item_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
    ) -> Any:
        return platform.catalog.get(kind, tenant, actor, str(item_id))

    @router.patch(
        path + "/{item_id}", response_model=out_model, tags=tags, name=f"patch_{kind.name}"
    )
    def patch_item(
        item_id: uuid.UUID,
        body: patch_model,  # type: ignore[valid-type]
        platform: PlatformDep,
        tenant: TenantDep,
        actor: ActorDep,
    ) -> Any:
        changes = to_values(body, only_set=True)
        return platform.catalog.update(kind, tenant, actor, str(item_id), changes)


_add_routes(FIELDS, "/api/v1/fields", s.FieldIn, s.FieldPatch, s.FieldOut, FieldFilter)
_add_routes(LEASES, "/api/v1/leases", s.LeaseIn, s.LeasePatch, s.LeaseOut, LeaseFilter)
_add_routes(
    FACILITIES, "/api/v1/facilities", s.FacilityIn, s.FacilityPatch, s.FacilityOut, FacilityFilter
)
_add_routes(
    EQUIPMENT, "/api/v1/equipment", s.EquipmentIn, s.EquipmentPatch, s.EquipmentOut, EquipmentFilter
)
