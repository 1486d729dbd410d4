"""Well tests (oil, gas and water rates over a test period) and the allocation of a
lease's metered volume to its wells by test rate × producing hours."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.operations import AllocationIn, AllocationOut, WellTestIn, WellTestOut

router = FeatureRouter(tags=["well tests"], route_class=DeferredRoute)


@router.post("/api/v1/wells/{well_id}/well-tests", response_model=WellTestOut, status_code=201)
def log_well_test(
    well_id: uuid.UUID, body: WellTestIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    rates = body.model_dump(include={"oil_bbl_per_day", "gas_mcf_per_day", "water_bbl_per_day"})
    return platform.operations.well_tests.log(
        tenant, actor, str(well_id), body.start, body.end, rates
    )


@router.get("/api/v1/wells/{well_id}/well-tests", response_model=list[WellTestOut])
def list_well_tests(
    well_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> list[dict[str, Any]]:
    """Newest first."""
    return platform.operations.well_tests.list(tenant, actor, str(well_id))


@router.post("/api/v1/leases/{lease_id}/allocation", response_model=AllocationOut)
def allocate_lease_volume(
    lease_id: uuid.UUID,
    body: AllocationIn,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    """Share the lease's metered volumes among its wells (nothing is stored)."""
    metered: dict[str, Decimal] = body.metered.model_dump(exclude_none=True)
    hours = {str(well): value for well, value in body.hours.items()}
    return platform.operations.well_tests.allocate(
        tenant, actor, str(lease_id), metered, hours, body.as_of, body.quantum
    )
