"""Sessions: list and end one's own; admins end a user's."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Query, Response

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.auth import SessionOut, SessionsEndedOut

router = FeatureRouter(tags=["auth"], route_class=DeferredRoute)


@router.get("/api/v1/auth/sessions", response_model=list[SessionOut])
def list_sessions(platform: PlatformDep, tenant: TenantDep, actor: ActorDep) -> list[SessionOut]:
    """Your sessions that have not ended (device, address, last use), latest first."""
    return [
        SessionOut(
            id=uuid.UUID(s.id),
            device=s.device,
            address=s.address,
            created_at=s.created_at,
            last_used_at=s.last_used_at,
            current=s.id == actor.session_id,
        )
        for s in platform.sessions.list_own(tenant, actor)
    ]


@router.delete("/api/v1/auth/sessions/{session_id}", status_code=204)
def end_session(
    session_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> Response:
    """End one of your sessions (this one too)."""
    platform.sessions.end_own(tenant, actor, str(session_id))
    return Response(status_code=204)


@router.delete("/api/v1/auth/sessions", response_model=SessionsEndedOut)
def end_all_sessions(
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
    include_current: Annotated[
        bool, Query(description="End the session that asks too (sign out everywhere)")
    ] = False,
) -> SessionsEndedOut:
    """End your other sessions (sign out other devices), or all of them."""
    keep_current = not include_current
    return SessionsEndedOut(ended=platform.sessions.end_all_own(tenant, actor, keep_current))


@router.delete("/api/v1/users/{user_id}/sessions", response_model=SessionsEndedOut)
def end_user_sessions(
    user_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> SessionsEndedOut:
    """An admin ends every session of a user."""
    return SessionsEndedOut(ended=platform.sessions.end_for_user(tenant, actor, str(user_id)))
