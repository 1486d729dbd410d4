"""Big sync batches taken as jobs: status, progress and per-event outcomes."""

from __future__ import annotations

import uuid
from typing import Any

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PagingDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.sync_jobs import JobOut, job_out

router = FeatureRouter(tags=["sync"], route_class=DeferredRoute)


@router.get("/api/v1/sync/jobs/{job_id}", response_model=JobOut)
def get_job(
    job_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep, paging: PagingDep
) -> dict[str, Any]:
    """Where a big batch stands: `queued`, `running`, `done` or `failed`, events done of
    the total, outcome counts, and a page of per-event outcomes (`limit`, `offset`) in
    the order the events were sent. Only whoever sent it, managers and admins see it."""
    report = platform.sync_jobs.report(tenant, actor, str(job_id), paging.limit, paging.offset)
    return job_out(report)
