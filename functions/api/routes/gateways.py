"""Edge gateways: register (credential once), list, read, revoke, and their own config.

The config endpoint authenticates the gateway itself, not a user:

    Authorization: Gateway <gateway_id>:<secret>
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Depends, Response
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.scada import GatewayCreate, GatewayOut, GatewayRegisteredOut
from shared.core.scada.model.gateway_config import GatewayConfig, config_document
from shared.core.scada.ports import Gateway

router = FeatureRouter(tags=["gateways"], route_class=DeferredRoute)

gateway_credential = APIKeyHeader(
    name="Authorization",
    scheme_name="GatewayCredential",
    description="`Gateway <gateway_id>:<secret>` as returned once by POST /api/v1/gateways",
    auto_error=False,
)
NO_STORE = {"Cache-Control": "no-store"}


def gateway_out(gateway: Gateway) -> dict[str, Any]:
    return {
        "id": gateway.id,
        "name": gateway.name,
        "status": gateway.status.value,
        "created_at": gateway.created_at,
        "created_by": gateway.created_by,
        "revoked_at": gateway.revoked_at,
        "last_seen_at": gateway.last_seen_at,
    }


@router.post("/api/v1/gateways", response_model=GatewayRegisteredOut, status_code=201)
def register_gateway(
    body: GatewayCreate,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    response: Response,
) -> dict[str, Any]:
    registered = platform.scada.gateways.register(tenant, actor, body.name)
    response.headers.update(NO_STORE)
    credential = registered.credential
    return {
        **gateway_out(registered.gateway),
        "credential": {
            "gateway_id": credential.gateway_id,
            "secret": credential.secret,
            "authorization": credential.authorization,
        },
    }


@router.get("/api/v1/gateways", response_model=list[GatewayOut])
def list_gateways(platform: PlatformDep, tenant: TenantDep, actor: ActorDep) -> list[Any]:
    return [gateway_out(g) for g in platform.scada.gateways.list(tenant, actor)]


@router.get("/api/v1/gateways/{gateway_id}", response_model=GatewayOut)
def get_gateway(
    gateway_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return gateway_out(platform.scada.gateways.get(tenant, actor, str(gateway_id)))


@router.delete("/api/v1/gateways/{gateway_id}", status_code=204)
def revoke_gateway(
    gateway_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> Response:
    platform.scada.gateways.revoke(tenant, actor, str(gateway_id))
    return Response(status_code=204)


@router.get(
    "/api/v1/gateways/{gateway_id}/config",
    response_model=None,
    responses={200: {"model": GatewayConfig, "description": "The gateway's config, secrets in"}},
)
def gateway_config(
    gateway_id: uuid.UUID,
    platform: PlatformDep,
    tenant: TenantDep,
    authorization: Annotated[str | None, Depends(gateway_credential)],
) -> JSONResponse:
    config = platform.scada.gateways.config_for(tenant, str(gateway_id), authorization)
    return JSONResponse(config_document(config), headers=NO_STORE)
