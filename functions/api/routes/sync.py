"""Offline field sync: push a batch of events, pull what changed since a cursor."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.common import PlainText
from functions.api.schemas.sync import (
    ChangesOut,
    JobAccepted,
    SyncRequest,
    SyncResponse,
    change_out,
    parse_events,
    result_out,
)

router = FeatureRouter(tags=["sync"], route_class=DeferredRoute)


@router.post(
    "/api/v1/sync",
    response_model=SyncResponse,
    responses={
        202: {"model": JobAccepted, "description": "Over 500 events or 1 MiB: taken as a job"},
        413: {"description": "Over what even a job takes (100,000 events): split the batch"},
        503: {"description": "The job could not be queued: send the batch again later"},
    },
)
async def sync(
    body: SyncRequest,
    request: Request,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> Any:
    """Apply a device's batch: one outcome per event (applied, duplicate, conflict, rejected).

    Events apply in `device_seq` order in one transaction, each on its own (a bad
    one is rejected, the rest apply); sending the same batch again answers
    `duplicate` for what was taken and changes nothing. Over 500 events or 1 MiB
    the batch is kept and applied in the background: `202` with a job id, whose
    progress and outcomes `GET /api/v1/sync/jobs/{id}` reports. Needs
    `field-data:write` (field operators, for the wells assigned to them).
    """
    raw = await request.body()
    if platform.sync.needs_job(actor, len(body.events), len(raw)):
        submit = platform.sync_jobs.submit
        job = await run_in_threadpool(submit, tenant, actor, body.device.id, raw, len(body.events))
        url = f"/api/v1/sync/jobs/{job.id}"
        accepted = JobAccepted(
            job_id=job.id, status=job.status, events=len(body.events), status_url=url
        )
        return JSONResponse(accepted.model_dump(mode="json"), 202, headers={"Location": url})
    events = parse_events(body.events)
    device = body.device.to_domain()
    outcomes = await run_in_threadpool(platform.sync.apply_batch, tenant, actor, device, events)
    cursor = await run_in_threadpool(platform.sync.cursor, tenant, actor)
    return {"results": [result_out(outcome) for outcome in outcomes], "cursor": cursor}


@router.get("/api/v1/sync/changes", response_model=ChangesOut)
def changes(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    since: Annotated[
        PlainText | None,
        Query(max_length=200, description="Cursor from the last pull (none: all)"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Page size")] = 200,
) -> dict[str, Any]:
    """What changed on the wells you may see: wells, equipment, production, others'
    readings, notes, inspections, conflicts. Repeat with the returned cursor while
    `has_more`."""
    page = platform.sync.pull_changes(tenant, actor, since, limit)
    items = [change_out(change) for change in page.items]
    return {"changes": items, "cursor": page.cursor, "has_more": page.has_more}
