"""The audit view of the tenant (admins and managers), and its CSV export."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Query
from fastapi.responses import StreamingResponse

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PagingDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.common import ApiModel, Moment, PageOut, PlainText, page_out
from shared.core.common.pages import Page
from shared.core.common.units_of_work import AuditQuery

router = FeatureRouter(tags=["audit"], route_class=DeferredRoute)

Filter = Annotated[PlainText | None, Query(max_length=320)]


class AuditOut(ApiModel):
    at: datetime
    source: str
    actor: str
    action: str
    entity_type: str
    entity_id: str
    request_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def audit_query(
    entity_type: Filter = None,
    entity_id: Filter = None,
    actor: Annotated[PlainText | None, Query(max_length=320, description="E-mail")] = None,
    action: Filter = None,
    since: Annotated[Moment | None, Query(alias="from", description="Inclusive")] = None,
    until: Annotated[Moment | None, Query(alias="to", description="Exclusive")] = None,
) -> AuditQuery:
    return AuditQuery(entity_type, entity_id, actor, action, since, until)


AuditQueryDep = Annotated[AuditQuery, Depends(audit_query)]


@router.get("/api/v1/audit", response_model=PageOut[AuditOut])
def audit(
    query: AuditQueryDep,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    paging: PagingDep,
) -> dict[str, Any]:
    """Who did what, newest first: the tenant's data and its users' sign-in and account events."""
    page = platform.audit.search(tenant, actor, query, paging.limit, paging.offset)
    return page_out(Page([asdict(r) for r in page.items], page.total, page.limit, page.offset))


@router.get(
    "/api/v1/audit/export.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def audit_export(
    query: AuditQueryDep, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> StreamingResponse:
    """The same entries as CSV (at most 10,000, newest first); needs reports:export."""
    lines = platform.audit.export_csv(tenant, actor, query)
    headers = {"Content-Disposition": f'attachment; filename="audit-{tenant.slug}.csv"'}
    return StreamingResponse(lines, media_type="text/csv; charset=utf-8", headers=headers)
