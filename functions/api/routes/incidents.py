"""Incidents and spills: what, where, volumes released and recovered, cause, the agencies
to notify and by when (rules as data: the Texas RRC's and others), corrective actions.

Writers report (field operators at their assigned wells); everyone who reads wells
lists them (field operators: their wells'); admins and managers follow them up.
"""

from __future__ import annotations

import uuid
from typing import Any

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PagingDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.common import PageOut, id_text, page_out
from functions.api.schemas.operations import (
    ActionDoneIn,
    CorrectiveActionIn,
    IncidentIn,
    IncidentOut,
    NotificationSentIn,
)
from shared.core.common.pages import Page
from shared.core.operations.model import incidents as model

router = FeatureRouter(tags=["incidents"], route_class=DeferredRoute)
BASE = "/api/v1/incidents"
ITEM = BASE + "/{incident_id}"


@router.get(BASE, response_model=PageOut[IncidentOut])
def list_incidents(
    platform: PlatformDep, tenant: TenantDep, actor: ActorDep, paging: PagingDep
) -> dict[str, Any]:
    items, total = platform.operations.incidents.list(tenant, actor, paging.limit, paging.offset)
    return page_out(Page(items, total, paging.limit, paging.offset))


@router.post(BASE, response_model=IncidentOut, status_code=201)
def report_incident(
    body: IncidentIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    loc = body.location
    incident = model.Incident(
        incident_id="new",
        kind=body.kind,
        occurred_at=body.occurred_at,
        discovered_at=body.discovered_at,
        location=model.Location(
            loc.state,
            loc.county,
            id_text(loc.well_id),
            id_text(loc.lease_id),
            id_text(loc.facility_id),
            loc.latitude,
            loc.longitude,
        ),
        description=body.description,
        cause=body.cause,
        releases=tuple(
            model.Release(r.material, r.released, r.recovered, r.unit, r.estimated)
            for r in body.releases
        ),
        water=body.water,
        sensitive_area=body.sensitive_area,
        injuries=body.injuries,
    )
    return platform.operations.incidents.report(tenant, actor, incident)


@router.get(ITEM, response_model=IncidentOut)
def get_incident(
    incident_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    """With the notifications it calls for: agency, deadline, sent or overdue."""
    return platform.operations.incidents.get(tenant, actor, str(incident_id))


@router.post(ITEM + "/corrective-actions", response_model=IncidentOut)
def add_corrective_action(
    incident_id: uuid.UUID,
    body: CorrectiveActionIn,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    action = model.CorrectiveAction(body.description, body.owner, body.due_on, body.done_on)
    return platform.operations.incidents.add_action(tenant, actor, str(incident_id), action)


@router.post(ITEM + "/corrective-actions-done", response_model=IncidentOut)
def complete_corrective_action(
    incident_id: uuid.UUID,
    body: ActionDoneIn,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    return platform.operations.incidents.complete_action(
        tenant, actor, str(incident_id), body.index, body.done_on
    )


@router.post(ITEM + "/notifications", response_model=IncidentOut)
def record_incident_notification(
    incident_id: uuid.UUID,
    body: NotificationSentIn,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    sent = model.SentNotification(body.rule_id, body.at, body.reference)
    return platform.operations.incidents.record_notification(tenant, actor, str(incident_id), sent)
