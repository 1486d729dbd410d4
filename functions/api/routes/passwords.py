"""Passwords: change one's own, forgotten-password reset, accepting an invitation, and
magic-link sign-in."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import Request, Response

from functions.api.addresses import client_address
from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.schemas.auth import (
    AcceptedOut,
    ForgotPasswordIn,
    InvitationAcceptIn,
    MagicLinkIn,
    MagicLinkSignInIn,
    PasswordChangeIn,
    PasswordResetIn,
    TokenOut,
)
from shared.core.registry.model.sessions import ClientInfo

router = FeatureRouter(tags=["auth"], route_class=DeferredRoute)

RESET_ACCEPTED = "if the address belongs to an active user, a reset link is on its way"
LINK_ACCEPTED = "if the address belongs to an active user, a sign-in link is on its way"


def client_info(request: Request, platform: PlatformDep) -> ClientInfo:
    """The device (User-Agent) and address of a sign-in, for the session list."""
    return ClientInfo.of(request.headers.get("user-agent"), request_address(request, platform))


def request_address(request: Request, platform: PlatformDep) -> str:
    settings = platform.settings
    peer = request.client.host if request.client else None
    return client_address(
        peer,
        ",".join(request.headers.getlist("x-forwarded-for")),
        settings.trusted_proxy_hops,
        settings.trusted_proxy_networks,
    )


@router.post("/api/v1/auth/password", response_model=TokenOut)
def change_password(
    body: PasswordChangeIn,
    request: Request,
    platform: PlatformDep,
    tenant: TenantDep,
    actor: ActorDep,
) -> TokenOut:
    """Change your password; every session ends and the answer starts a new one."""
    client = client_info(request, platform)
    pair = platform.passwords.change(
        tenant, actor, body.current_password, body.new_password, client
    )
    return TokenOut(**asdict(pair))


@router.post("/api/v1/auth/password/forgot", response_model=AcceptedOut, status_code=202)
def forgot_password(
    body: ForgotPasswordIn, request: Request, platform: PlatformDep, tenant: TenantDep
) -> AcceptedOut:
    """The same answer whether or not the address belongs to a user."""
    platform.passwords.request_reset(tenant, body.email, request_address(request, platform))
    return AcceptedOut(detail=RESET_ACCEPTED)


@router.post("/api/v1/auth/password/reset", status_code=204)
def reset_password(body: PasswordResetIn, platform: PlatformDep, tenant: TenantDep) -> Response:
    """Set a new password with the e-mailed link; every session of the user ends."""
    platform.passwords.reset(tenant, body.token, body.new_password)
    return Response(status_code=204)


@router.post("/api/v1/auth/invitation/accept", response_model=TokenOut)
def accept_invitation(
    body: InvitationAcceptIn, request: Request, platform: PlatformDep, tenant: TenantDep
) -> TokenOut:
    """Set the first password with the invitation link, and sign in."""
    client = client_info(request, platform)
    return TokenOut(
        **asdict(platform.invitations.accept(tenant, body.token, body.password, client))
    )


@router.post("/api/v1/auth/magic-link", response_model=AcceptedOut, status_code=202)
def request_magic_link(
    body: MagicLinkIn, request: Request, platform: PlatformDep, tenant: TenantDep
) -> AcceptedOut:
    """E-mail a single-use sign-in link (15 minutes); the same answer for any address."""
    platform.magic_links.request(tenant, body.email, request_address(request, platform))
    return AcceptedOut(detail=LINK_ACCEPTED)


@router.post("/api/v1/auth/magic-link/sign-in", response_model=TokenOut)
def sign_in_with_magic_link(
    body: MagicLinkSignInIn, request: Request, platform: PlatformDep, tenant: TenantDep
) -> TokenOut:
    """Spend the e-mailed link and start a session."""
    client = client_info(request, platform)
    pair = platform.magic_links.sign_in(tenant, body.token, client, body.mfa_code)
    return TokenOut(**asdict(pair))
