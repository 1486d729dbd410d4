"""Users of the tenant (admins manage, managers read)."""

from __future__ import annotations

import uuid
from typing import Any

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PagingDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.auth import UserCreatedOut, UserInvite, UserOut, UserPatch
from functions.api.schemas.common import PageOut, page_out
from shared.core.common.pages import Page
from shared.core.registry.services.users import public_view

router = FeatureRouter(tags=["users"], route_class=DeferredRoute)


@router.get("/api/v1/users", response_model=PageOut[UserOut])
def list_users(
    platform: PlatformDep, tenant: TenantDep, actor: ActorDep, paging: PagingDep
) -> dict[str, Any]:
    page = platform.users.list(tenant, actor, paging.limit, paging.offset)
    return page_out(Page([public_view(u) for u in page.items], page.total, page.limit, page.offset))


@router.post("/api/v1/users", response_model=UserCreatedOut, status_code=201)
def create_user(
    body: UserInvite, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    """A user with a one-time password for the admin to hand over; it must be changed at the
    first sign-in. To invite by e-mail instead: POST /api/v1/invitations."""
    user, password = platform.users.invite(tenant, actor, body.email, body.full_name, body.role)
    return {**public_view(user), "one_time_password": password}


@router.post("/api/v1/invitations", response_model=UserOut, status_code=201)
def invite_by_email(
    body: UserInvite, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    """An INVITED user and an e-mail with a single-use link to set a password (7 days)."""
    user = platform.invitations.invite(tenant, actor, body.email, body.full_name, body.role)
    return public_view(user)


@router.post("/api/v1/users/{user_id}/invitation", response_model=UserOut)
def resend_invitation(
    user_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    """A new invitation e-mail; the earlier link stops working."""
    return public_view(platform.invitations.resend(tenant, actor, str(user_id)))


@router.delete("/api/v1/users/{user_id}/invitation", response_model=UserOut)
def revoke_invitation(
    user_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    """The link stops working and the user is DEACTIVATED."""
    return public_view(platform.invitations.revoke(tenant, actor, str(user_id)))


@router.get("/api/v1/users/{user_id}", response_model=UserOut)
def get_user(
    user_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return public_view(platform.users.get(tenant, actor, str(user_id)))


@router.patch("/api/v1/users/{user_id}", response_model=UserOut)
def change_role(
    user_id: uuid.UUID, body: UserPatch, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return public_view(platform.users.change_role(tenant, actor, str(user_id), body.role))


@router.post("/api/v1/users/{user_id}/deactivate", response_model=UserOut)
def deactivate(
    user_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    return public_view(platform.users.deactivate(tenant, actor, str(user_id)))


@router.post("/api/v1/users/{user_id}/reactivate", response_model=UserOut)
def reactivate(
    user_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> dict[str, Any]:
    """ACTIVE again (INVITED again if they never set a password)."""
    return public_view(platform.users.reactivate(tenant, actor, str(user_id)))
