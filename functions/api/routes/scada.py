"""SCADA connections and their tag mappings (admins write, managers read)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Response

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PagingDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.common import PageOut, SerialId, page_out, to_values
from functions.api.schemas.scada import (
    ConnectionCreate,
    ConnectionOut,
    ConnectionPatch,
    TagCreate,
    TagOut,
    TagPatch,
    secret_values,
)
from shared.core.common.pages import Page
from shared.core.scada.services.common import shown_connection, shown_tag

router = FeatureRouter(tags=["scada"], route_class=DeferredRoute)
CONNECTIONS = "/api/v1/scada/connections"
CONNECTION = CONNECTIONS + "/{connection_id}"
TAGS = CONNECTION + "/tags"
TAG = TAGS + "/{tag_id}"
Row = TypeVar("Row")


def _shown(page: Page[Row], show: Callable[[Row], dict[str, Any]]) -> Page[dict[str, Any]]:
    return Page([show(row) for row in page.items], page.total, page.limit, page.offset)


@router.get(CONNECTIONS, response_model=PageOut[ConnectionOut])
def list_connections(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    paging: PagingDep,
    gateway_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    gateway = str(gateway_id) if gateway_id else None
    connections = platform.scada.connections
    page = connections.list(tenant, actor, gateway, paging.limit, paging.offset)
    return page_out(_shown(page, shown_connection))


@router.post(CONNECTIONS, response_model=ConnectionOut, status_code=201)
def create_connection(
    body: ConnectionCreate, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return shown_connection(platform.scada.connections.create(tenant, actor, secret_values(body)))


@router.get(CONNECTION, response_model=ConnectionOut)
def get_connection(
    connection_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return shown_connection(platform.scada.connections.get(tenant, actor, str(connection_id)))


@router.patch(CONNECTION, response_model=ConnectionOut)
def patch_connection(
    connection_id: uuid.UUID,
    body: ConnectionPatch,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    changes = secret_values(body, only_set=True)
    return shown_connection(
        platform.scada.connections.update(tenant, actor, str(connection_id), changes)
    )


@router.delete(CONNECTION, status_code=204)
def delete_connection(
    connection_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> Response:
    platform.scada.connections.delete(tenant, actor, str(connection_id))
    return Response(status_code=204)


@router.get(TAGS, response_model=PageOut[TagOut])
def list_tags(
    connection_id: uuid.UUID,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    paging: PagingDep,
) -> dict[str, Any]:
    page = platform.scada.tags.list(tenant, actor, str(connection_id), paging.limit, paging.offset)
    return page_out(_shown(page, shown_tag))


@router.post(TAGS, response_model=TagOut, status_code=201)
def create_tag(
    connection_id: uuid.UUID,
    body: TagCreate,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    return shown_tag(platform.scada.tags.create(tenant, actor, str(connection_id), to_values(body)))


@router.get(TAG, response_model=TagOut)
def get_tag(
    connection_id: uuid.UUID,
    tag_id: SerialId,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    return shown_tag(platform.scada.tags.get(tenant, actor, str(connection_id), tag_id))


@router.patch(TAG, response_model=TagOut)
def patch_tag(
    connection_id: uuid.UUID,
    tag_id: SerialId,
    body: TagPatch,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> dict[str, Any]:
    changes = to_values(body, only_set=True)
    return shown_tag(platform.scada.tags.update(tenant, actor, str(connection_id), tag_id, changes))


@router.delete(TAG, status_code=204)
def delete_tag(
    connection_id: uuid.UUID,
    tag_id: SerialId,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> Response:
    platform.scada.tags.delete(tenant, actor, str(connection_id), tag_id)
    return Response(status_code=204)
