"""Log in, refresh, log out, and who am I."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import Request, Response

from functions.api.addresses import client_address
from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import EnrollingActorDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.auth import LoginIn, MeOut, RefreshIn, TokenOut
from shared.core.common.roles import ROLE_PERMISSIONS
from shared.core.registry.model.sessions import describe_device
from shared.core.registry.services.users import public_view

router = FeatureRouter(tags=["auth"], route_class=DeferredRoute)


@router.post("/api/v1/auth/login", response_model=TokenOut)
def login(body: LoginIn, request: Request, platform: PlatformDep, tenant: TenantDep) -> TokenOut:
    settings = platform.settings
    peer = request.client.host if request.client else None
    address = client_address(
        peer,
        ",".join(request.headers.getlist("x-forwarded-for")),
        settings.trusted_proxy_hops,
        settings.trusted_proxy_networks,
    )
    device = describe_device(request.headers.get("user-agent"))
    pair = platform.auth.login(
        tenant, body.email, body.password, address, body.new_password, device, body.mfa_code
    )
    return TokenOut(**asdict(pair))


@router.post("/api/v1/auth/refresh", response_model=TokenOut)
def refresh(body: RefreshIn, platform: PlatformDep, tenant: TenantDep) -> TokenOut:
    return TokenOut(**asdict(platform.auth.refresh(tenant, body.refresh_token)))


@router.post("/api/v1/auth/logout", status_code=204)
def logout(body: RefreshIn, platform: PlatformDep, tenant: TenantDep) -> Response:
    platform.auth.logout(tenant, body.refresh_token)
    return Response(status_code=204)


@router.get("/api/v1/me", response_model=MeOut)
def me(platform: PlatformDep, tenant: TenantDep, actor: EnrollingActorDep) -> MeOut:
    user = platform.users.get(tenant, actor, actor.user_id)
    permissions = sorted(p.value for p in ROLE_PERMISSIONS[user.role])
    return MeOut(**public_view(user), tenant=tenant.slug, permissions=permissions)
