"""API keys of the tenant (admins): create (shown once), list, revoke."""

from __future__ import annotations

import uuid
from typing import Any

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.auth import ApiKeyCreatedOut, ApiKeyIn, ApiKeyOut
from shared.core.registry.model.api_keys import ApiKey

router = FeatureRouter(tags=["api keys"], route_class=DeferredRoute)


def _view(key: ApiKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "name": key.name,
        "role": key.role,
        "read_only": key.read_only,
        "prefix": key.prefix,
        "created_at": key.created_at,
        "last_used_at": key.last_used_at,
        "revoked_at": key.revoked_at,
    }


@router.get("/api/v1/api-keys", response_model=list[ApiKeyOut])
def list_api_keys(
    platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> list[dict[str, Any]]:
    return [_view(key) for key in platform.api_keys.list(tenant, actor)]


@router.post("/api/v1/api-keys", response_model=ApiKeyCreatedOut, status_code=201)
def create_api_key(
    body: ApiKeyIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    """A key acting with `role` (only reading if `read_only`); the key is in this answer only."""
    key, secret = platform.api_keys.create(tenant, actor, body.name, body.role, body.read_only)
    return {**_view(key), "key": secret}


@router.delete("/api/v1/api-keys/{key_id}", response_model=ApiKeyOut)
def revoke_api_key(
    key_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return _view(platform.api_keys.revoke(tenant, actor, str(key_id)))
