"""Alerts raised by the nightly scoring: list, acknowledge, resolve.

Admins and managers act on every alert; field operators on alerts of their
assigned wells (the only ones they see); viewers only list. OPEN ->
ACKNOWLEDGED -> RESOLVED (or OPEN -> RESOLVED); other moves are 409.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import Body

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PagingDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.analytics import AlertOut, AlertSeverity, AlertStatus, ResolveIn
from functions.api.schemas.common import PageOut, page_out
from shared.core.analytics.model.alerts import Alert

router = FeatureRouter(tags=["alerts"], route_class=DeferredRoute)


@router.get("/api/v1/alerts", response_model=PageOut[AlertOut])
def list_alerts(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    paging: PagingDep,
    status: AlertStatus | None = None,
    severity: AlertSeverity | None = None,
    well_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """Newest first; field operators see alerts of their assigned wells only."""
    page = platform.analytics.alerts.list(
        tenant,
        actor,
        status.value if status else None,
        severity.value if severity else None,
        str(well_id) if well_id else None,
        paging.limit,
        paging.offset,
    )
    return page_out(page)


@router.post("/api/v1/alerts/{alert_id}/acknowledge", response_model=AlertOut)
def acknowledge_alert(
    alert_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> Alert:
    return platform.analytics.alerts.acknowledge(tenant, actor, str(alert_id))


@router.post("/api/v1/alerts/{alert_id}/resolve", response_model=AlertOut)
def resolve_alert(
    alert_id: uuid.UUID,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    body: ResolveIn | None = Body(default=None),
) -> Alert:
    note = body.note if body else None
    return platform.analytics.alerts.resolve(tenant, actor, str(alert_id), note)
