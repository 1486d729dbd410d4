"""Two-factor sign-in: TOTP enrolment, recovery codes, the tenant's requirement."""

from __future__ import annotations

import uuid
from dataclasses import asdict

from fastapi import Request, Response

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, EnrollingActorDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.routes.passwords import client_info
from functions.api.schemas.auth import (
    MfaCodeIn,
    MfaPolicyIn,
    MfaPolicyOut,
    MfaStatusOut,
    TokenOut,
    TotpConfirmedOut,
    TotpSetupOut,
)

router = FeatureRouter(tags=["auth"], route_class=DeferredRoute)


@router.get("/api/v1/auth/mfa", response_model=MfaStatusOut)
def mfa_status(platform: PlatformDep, tenant: TenantDep, actor: EnrollingActorDep) -> MfaStatusOut:
    status = platform.mfa.status(tenant, actor)
    return MfaStatusOut(
        enrolled=status.enrolled, required=status.required, requirement=status.requirement.value
    )


@router.post("/api/v1/auth/mfa/totp", response_model=TotpSetupOut)
def start_totp(platform: PlatformDep, tenant: TenantDep, actor: EnrollingActorDep) -> TotpSetupOut:
    """A new authenticator key; confirm it with a code to turn two-factor sign-in on."""
    setup = platform.mfa.start_totp(tenant, actor)
    return TotpSetupOut(secret=setup.secret, otpauth_uri=setup.otpauth_uri)


@router.post("/api/v1/auth/mfa/totp/confirm", response_model=TotpConfirmedOut)
def confirm_totp(
    body: MfaCodeIn,
    request: Request,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: EnrollingActorDep,
) -> TotpConfirmedOut:
    """Turn it on: ten recovery codes (shown once) and a new session."""
    done = platform.mfa.confirm_totp(tenant, actor, body.code, client_info(request, platform))
    return TotpConfirmedOut(
        recovery_codes=done.recovery_codes, tokens=TokenOut(**asdict(done.tokens))
    )


@router.post("/api/v1/auth/mfa/totp/disable", status_code=204)
def disable_totp(
    body: MfaCodeIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> Response:
    platform.mfa.disable(tenant, actor, body.code)
    return Response(status_code=204)


@router.put("/api/v1/auth/mfa/policy", response_model=MfaPolicyOut)
def set_mfa_policy(
    body: MfaPolicyIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> MfaPolicyOut:
    """Require two-factor sign-in of nobody, admins or everyone (admins)."""
    return MfaPolicyOut(mfa_required=platform.mfa.set_requirement(tenant, actor, body.mfa_required))


@router.delete("/api/v1/users/{user_id}/mfa", status_code=204)
def reset_user_mfa(
    user_id: uuid.UUID, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> Response:
    """Remove a user's authenticator (a lost phone); they enrol again."""
    platform.mfa.reset_for_user(tenant, actor, str(user_id))
    return Response(status_code=204)
