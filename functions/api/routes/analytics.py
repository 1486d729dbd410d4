"""Well benchmarking: wells ranked by a production metric over the last N days."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from functions.api.dependencies import ActorDep, PagingDep, PlatformDep, TenantDep
from functions.api.schemas.analytics import BenchmarkMetric, WellRankOut
from functions.api.schemas.common import PageOut, page_out

router = APIRouter(tags=["analytics"])


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
