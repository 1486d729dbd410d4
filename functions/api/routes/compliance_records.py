"""Month-end records: lease compliance profiles, tanks with strapping, daily gauges,
run tickets and dispositions (gas sales and water hauled are dispositions of gas
and water).

Office roles write everything; field operators post gauges and run tickets on the
leases of their assigned wells; every role reads. A record dated in a filed month
is refused with 409 naming the date field until the filing is amended.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Query, Response

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PlatformDep, TenantDep
from functions.api.exports import download
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.common import Day
from functions.api.schemas.compliance import (
    DispositionIn,
    ExportFormat,
    GaugeIn,
    PeriodQuery,
    ProfileIn,
    RunTicketIn,
    TankIn,
)
from shared.core.compliance.model.period import Period
from shared.core.compliance.services.records import NewDisposition, NewRunTicket, NewTank

router = FeatureRouter(tags=["compliance"], route_class=DeferredRoute)
BASE = "/api/v1/compliance"


@router.put(f"{BASE}/leases/{{lease_id}}/profile")
def put_profile(
    lease_id: uuid.UUID,
    body: ProfileIn,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    """The lease's state identifiers (RRC district, lease number, gas id) and tax flags."""
    values = body.model_dump()
    return platform.compliance.records.put_profile(tenant, actor, str(lease_id), values)


@router.get(f"{BASE}/leases/{{lease_id}}/profile")
def get_profile(
    lease_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return platform.compliance.records.get_profile(tenant, actor, str(lease_id))


@router.post(f"{BASE}/tanks", status_code=201)
def add_tank(
    body: TankIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    new = NewTank(
        lease_id=str(body.lease_id),
        facility_id=str(body.facility_id) if body.facility_id else None,
        name=body.name,
        product=body.product,
        capacity_bbl=body.capacity_bbl,
        strapping=[
            {"height_inches": str(row.height_inches), "volume_bbl": str(row.volume_bbl)}
            for row in body.strapping
        ],
    )
    return platform.compliance.records.add_tank(tenant, actor, new)


@router.get(f"{BASE}/tanks")
def list_tanks(
    platform: PlatformDep, tenant: TenantDep, actor: ActorDep, lease_id: uuid.UUID | None = None
) -> list[dict[str, Any]]:
    leases = str(lease_id) if lease_id else None
    return platform.compliance.records.list_tanks(tenant, actor, leases)


@router.put(f"{BASE}/tanks/{{tank_id}}/gauges/{{gauge_date}}")
def put_gauge(
    tank_id: uuid.UUID,
    gauge_date: Day,
    body: GaugeIn,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    """The tank's gauge of that day (one per day; a second one replaces it), strapped to bbl."""
    return platform.compliance.records.put_gauge(
        tenant, actor, str(tank_id), gauge_date, body.gauge, body.source
    )


@router.post(f"{BASE}/leases/{{lease_id}}/gauges:import-sync")
def import_synced_gauges(
    lease_id: uuid.UUID,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    period: PeriodQuery,
) -> dict[str, int]:
    """The month's tank gauges from field sync's production logs, matched to the lease's
    tanks by name (office gauges of the same day are kept)."""
    month = Period.parse(period)
    return platform.compliance.records.import_synced_gauges(tenant, actor, str(lease_id), month)


@router.get(f"{BASE}/tanks/{{tank_id}}/gauges")
def list_gauges(
    tank_id: uuid.UUID,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    start: Annotated[Day, Query()],
    end: Annotated[Day, Query()],
) -> list[dict[str, Any]]:
    return platform.compliance.records.list_gauges(tenant, actor, str(tank_id), start, end)


@router.post(f"{BASE}/run-tickets", status_code=201)
def add_run_ticket(
    body: RunTicketIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    """A haul: gauges strapped to gross observed bbl, API MPMS 11.1 to net standard bbl."""
    new = NewRunTicket(**{**body.model_dump(), "tank_id": str(body.tank_id)})
    return platform.compliance.records.add_run_ticket(tenant, actor, new)


@router.get(f"{BASE}/run-tickets")
def list_run_tickets(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    period: PeriodQuery,
    lease_id: uuid.UUID | None = None,
) -> list[dict[str, Any]]:
    month = Period.parse(period)
    leases = str(lease_id) if lease_id else None
    return platform.compliance.records.list_run_tickets(tenant, actor, leases, month)


@router.get(f"{BASE}/run-tickets/export", response_class=Response)
def export_run_tickets(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    period: PeriodQuery,
    lease_id: uuid.UUID | None = None,
    format_: ExportFormat = Query(default="csv", alias="format"),
) -> Response:
    """The month's run tickets with their volumes (the hauling register)."""
    month = Period.parse(period)
    leases = str(lease_id) if lease_id else None
    rows = platform.compliance.records.list_run_tickets(tenant, actor, leases, month, export=True)
    return download(rows, f"run-tickets-{period}", format_)


@router.post(f"{BASE}/dispositions", status_code=201)
def add_disposition(
    body: DispositionIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    """A month's disposition other than a run ticket: gas sold per meter statement, lease
    use, flared, vented, injected, lost, transferred; water hauled or disposed."""
    new = NewDisposition(**{**body.model_dump(), "lease_id": str(body.lease_id)})
    return platform.compliance.records.add_disposition(tenant, actor, new)


@router.get(f"{BASE}/dispositions")
def list_dispositions(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    period: PeriodQuery,
    lease_id: uuid.UUID | None = None,
) -> list[dict[str, Any]]:
    month = Period.parse(period)
    leases = str(lease_id) if lease_id else None
    return platform.compliance.records.list_dispositions(tenant, actor, leases, month)
