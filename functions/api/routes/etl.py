"""ETL sync from the operator's own database: configuration (admins), tools, runs.

`POST /api/v1/etl/run` queues a run by default (`mode=queue`, 202): the ETL
worker (Service Bus trigger, SQS handler, local runner) runs it. `mode=now`
runs it inside the request and answers the run record (200): for small sources
and first tests, since the HTTP function's timeout bounds it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Body, Query, Response

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PagingDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.etl import (
    ConnectionReportOut,
    PreviewOut,
    QuarantinedOut,
    RunOut,
    RunQueuedOut,
    RunsOut,
    TestConnectionIn,
    preview_out,
    report_out,
    run_out,
)
from shared.core.etl.model.config import EtlConfig, EtlConfigInput
from shared.core.etl.model.fields import Entity
from shared.core.etl.ports.runs import QuarantinedRow

router = FeatureRouter(tags=["etl"], route_class=DeferredRoute)
BASE = "/api/v1/etl"


@router.get(BASE + "/config", response_model=EtlConfig)
def get_config(platform: PlatformDep, tenant: TenantDep, actor: ActorDep) -> EtlConfig:
    """The tenant's ETL configuration; the source URL is never shown, only its secret reference."""
    return platform.etl.get_config(tenant, actor)


@router.put(BASE + "/config", response_model=EtlConfig)
def put_config(
    body: EtlConfigInput, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> EtlConfig:
    """Save the configuration (admins). Every table and column is checked against the source's
    reflected schema first: a missing one is a 422 naming the setting, e.g.
    `entities.production.column_mapping.oil_bbl`. `connection_url` is stored in the secret
    store; omit it to keep the stored one. The URL must pass the source-connection policy
    (allowed drivers, TLS options only, never WellOS's own databases or internal addresses):
    a refusal is a 422 `etl_source_refused` naming the option, driver or kind of address."""
    return platform.etl.put_config(tenant, actor, body)


@router.post(BASE + "/test-connection", response_model=ConnectionReportOut)
def test_connection(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    body: Annotated[TestConnectionIn | None, Body()] = None,
) -> dict[str, Any]:
    """Connect read-only (the stored URL, or `connection_url` without storing it) and check the
    configured tables. A failure to connect is an answer with `ok: false`, not an error; a URL
    the source-connection policy refuses is a 422 `etl_source_refused` naming the option."""
    url = body.connection_url.get_secret_value() if body and body.connection_url else None
    return report_out(platform.etl.test_connection(tenant, actor, url))


@router.post(BASE + "/preview", response_model=PreviewOut)
def preview(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    entity: Annotated[Entity, Query(description="wells, production or equipment")],
) -> dict[str, Any]:
    """The first 20 rows as they would be stored, and every mapping error among the rows read."""
    return preview_out(platform.etl.preview(tenant, actor, entity))


@router.post(
    BASE + "/run",
    response_model=RunOut | RunQueuedOut,
    status_code=202,
    responses={200: {"model": RunOut, "description": "mode=now: the finished run"}},
)
def run(
    response: Response,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    mode: Annotated[
        Literal["queue", "now"], Query(description="queue (202) or now (200)")
    ] = "queue",
) -> dict[str, Any]:
    """Queue a run for the ETL worker (default), or run it now; 409 while a run is going."""
    if mode == "now":
        response.status_code = 200
        return run_out(platform.etl.run_now(tenant, actor))
    return {"queued": True, "message_id": platform.etl.request_run(tenant, actor)}


@router.get(BASE + "/runs", response_model=RunsOut)
def runs(
    platform: PlatformDep, tenant: TenantDep, actor: ActorDep, paging: PagingDep
) -> dict[str, Any]:
    """Every run, newest first: started, finished, status, rows read/written/quarantined, error."""
    items = platform.etl.runs(tenant, actor, paging.limit, paging.offset)
    return {"items": [run_out(item) for item in items], **vars(paging)}


@router.get(BASE + "/quarantine", response_model=list[QuarantinedOut])
def quarantine(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    paging: PagingDep,
    entity: Entity | None = None,
) -> list[QuarantinedRow]:
    """Source rows that failed a transform or a rule, with the field and the reason."""
    return platform.etl.quarantined(tenant, actor, entity, paging.limit, paging.offset)
