"""FastAPI dependencies: the platform, the request's tenant, the authenticated actor.

All are `async def`: FastAPI runs a plain `def` dependency on a worker thread, and
each hop to the thread pool and back costs more than these dependencies' own work
when the answer is cached (the platform once built, the tenant and the user within
their cache's TTL). Only a cache miss, which queries the registry, goes to a thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from functions.api.logging import set_tenant
from functions.api.middleware import TENANT_STATE
from shared.core.common.actor import Actor
from shared.core.common.errors import AuthenticationError
from shared.core.registry.model.api_keys import looks_like_api_key
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.services.routing import slug_from_request

if TYPE_CHECKING:  # the wiring (every service and adapter) loads with the first request
    from shared.bootstrap import Platform

TENANT_HEADER = "x-wellos-tenant"

bearer = HTTPBearer(
    auto_error=False,
    description="Access token from /api/v1/auth/login, or an API key (wk_…)",
)


async def get_platform(request: Request) -> Platform:
    holder = request.app.state.platform_holder
    built: Platform | None = holder.built
    if built is not None:
        return built
    platform: Platform = await run_in_threadpool(holder.get)  # engines, secrets: off the loop
    return platform


PlatformDep = Annotated["Platform", Depends(get_platform)]


async def get_tenant(request: Request, platform: PlatformDep) -> Tenant:
    """Async so the tenant slug lands in the request's logging context, not a worker's."""
    slug = slug_from_request(
        request.headers.get("host"),
        request.headers.get(TENANT_HEADER),
        platform.settings.base_domain,
    )
    set_tenant(slug)
    tenant = platform.resolver.resolve_cached(slug)
    if tenant is None:
        tenant = await run_in_threadpool(platform.resolver.resolve, slug)
    setattr(request.state, TENANT_STATE, tenant.slug)  # a known tenant: a metrics dimension
    return tenant


TenantDep = Annotated[Tenant, Depends(get_tenant)]


async def get_actor(
    request: Request,
    platform: PlatformDep,
    tenant: TenantDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationError("missing bearer access token")
    request_id = getattr(request.state, "request_id", "")
    token = credentials.credentials
    if looks_like_api_key(token):
        return await run_in_threadpool(
            platform.api_keys.authenticate, tenant, token, request.method, request_id
        )
    cached = platform.auth.authenticate_cached(tenant, token, request_id)
    if cached is not None:
        return cached
    return await run_in_threadpool(platform.auth.authenticate, tenant, token, request_id)


ActorDep = Annotated[Actor, Depends(get_actor)]


def get_enrolling_actor(
    request: Request,
    platform: PlatformDep,
    tenant: TenantDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    """The actor, also when their token only opens MFA enrolment (the MFA routes)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationError("missing bearer access token")
    request_id = getattr(request.state, "request_id", "")
    return platform.auth.authenticate(tenant, credentials.credentials, request_id, enrolling=True)


EnrollingActorDep = Annotated[Actor, Depends(get_enrolling_actor)]


@dataclass(frozen=True)
class Caller:
    """Who asks, in which tenant, of which platform: what a tenant-scoped route passes on."""

    platform: Platform
    tenant: Tenant
    actor: Actor


async def get_caller(platform: PlatformDep, tenant: TenantDep, actor: ActorDep) -> Caller:
    return Caller(platform, tenant, actor)


CallerDep = Annotated[Caller, Depends(get_caller)]


MAX_OFFSET = 1_000_000_000  # beyond any table, and within every database's LIMIT/OFFSET


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int


async def get_paging(
    limit: Annotated[int, Query(ge=1, le=500, description="Page size")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip")] = 0,
) -> Paging:
    return Paging(limit, offset)


PagingDep = Annotated[Paging, Depends(get_paging)]
