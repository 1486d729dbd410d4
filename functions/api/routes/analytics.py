"""Well benchmarking: wells ranked by a production metric over the last N days; a well's
latest optimiser advice and water-cut outlook from the nightly scoring."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Query

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PagingDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.analytics import (
    BenchmarkMetric,
    ChokeAdviceOut,
    WaterCutOutlookOut,
    WellOutlookOut,
    WellRankOut,
)
from functions.api.schemas.common import PageOut, page_out

router = FeatureRouter(tags=["analytics"], route_class=DeferredRoute)


@router.get("/api/v1/analytics/wells", response_model=PageOut[WellRankOut])
def rank_wells(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    paging: PagingDep,
    metric: BenchmarkMetric = BenchmarkMetric.BOE_PER_DAY,
    days: Annotated[int, Query(ge=1, le=3660, description="Days back from today")] = 90,
) -> dict[str, Any]:
    """Best first: highest BOE/day; lowest decline rate, water cut and downtime."""
    page = platform.analytics.benchmarks.rank_wells(
        tenant, actor, metric.value, days, paging.limit, paging.offset
    )
    return page_out(page)


@router.get("/api/v1/wells/{well_id}/outlook", response_model=WellOutlookOut)
def well_outlook(
    well_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> WellOutlookOut:
    """The newest choke advice and water-cut forecast of the nightly scoring (None: not yet)."""
    found = platform.analytics.predictions.outlook(tenant, actor, str(well_id))
    optimizer = water_cut = None
    if found.optimizer is not None:
        optimizer = ChokeAdviceOut(
            night=found.optimizer.night,
            model_version=found.optimizer.model_version,
            **found.optimizer.values,
        )
    if found.water_cut is not None:
        values = found.water_cut.values
        water_cut = WaterCutOutlookOut(
            night=found.water_cut.night,
            model_version=found.water_cut.model_version,
            current_30d=values["current_30d"],
            predicted_30d=values["predicted_30d"],
        )
    return WellOutlookOut(well_id=found.well_id, optimizer=optimizer, water_cut=water_cut)
