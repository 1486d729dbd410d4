"""Single sign-on per tenant: the admin's OIDC configuration, and the browser flow.

The flow is two browser navigations on the tenant's host: open
`/api/v1/auth/sso/start`, which redirects to the provider with a PKCE
challenge (its verifier, and for Entra ID MSAL's state and nonce, kept in an
HttpOnly cookie on the callback path); the
provider sends the browser back to `/api/v1/auth/sso/callback?code&state`, which
answers a 302 to the office app with the WellOS tokens in the URL fragment:
`{app}/#/sso?access_token=…&refresh_token=…&token_type=bearer&expires_in=…`
(a fragment never reaches a server or its logs). A refused sign-in answers a
problem+json (401, 403 or 422) naming the reason.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query, Request, Response
from fastapi.responses import RedirectResponse

from functions.api.deferred_routes import DeferredRoute
from functions.api.dependencies import ActorDep, PlatformDep, TenantDep
from functions.api.feature_router import FeatureRouter
from functions.api.routes.passwords import client_info
from functions.api.schemas.auth import (
    SignInOptionsOut,
    SsoConfigIn,
    SsoConfigOut,
    SsoOptionOut,
)
from functions.api.schemas.common import PlainText
from shared.core.registry.errors import SsoTokenInvalidError
from shared.core.registry.model.sso import SsoConfig
from shared.core.registry.services.sso import CALLBACK_PATH, SsoConfigInput, config_view

router = FeatureRouter(tags=["auth"], route_class=DeferredRoute)

VERIFIER_COOKIE = "wellos_sso_pkce"
COOKIE_MAX_AGE_S = 600


def _out(config: SsoConfig) -> SsoConfigOut:
    return SsoConfigOut.model_validate({**config_view(config), "updated_at": config.updated_at})


@router.get("/api/v1/auth/options", response_model=SignInOptionsOut)
def sign_in_options(
    response: Response, platform: PlatformDep, tenant: TenantDep
) -> SignInOptionsOut:
    """How this tenant signs in (public, for the sign-in page): password, e-mailed link,
    and the SSO provider's kind with the path that starts it; never any configuration."""
    options = platform.sso.sign_in_options(tenant)
    response.headers["Cache-Control"] = "no-cache"
    sso = None
    if options.sso_kind is not None:
        sso = SsoOptionOut(kind=options.sso_kind, start_path="/api/v1/auth/sso/start")
    return SignInOptionsOut(
        tenant=tenant.slug,
        tenant_name=tenant.name,
        password=options.password,
        magic_link=options.magic_link,
        sso=sso,
        sso_required=options.sso_required,
    )


@router.get("/api/v1/auth/sso/config", response_model=SsoConfigOut)
def get_sso_config(platform: PlatformDep, tenant: TenantDep, actor: ActorDep) -> SsoConfigOut:
    """The tenant's SSO provider (admins); the client secret is never returned."""
    return _out(platform.sso.read_config(tenant, actor))


@router.put("/api/v1/auth/sso/config", response_model=SsoConfigOut)
def put_sso_config(
    body: SsoConfigIn, platform: PlatformDep, tenant: TenantDep, actor: ActorDep
) -> SsoConfigOut:
    """Configure SSO (admins); the provider's discovery document must answer (else 422)."""
    data = SsoConfigInput(
        kind=body.kind,
        client_id=body.client_id,
        client_secret=body.client_secret,
        allowed_domains=body.allowed_domains,
        default_role=body.default_role,
        discovery_url=body.discovery_url,
        entra_tenant_id=body.entra_tenant_id,
        role_claim=body.role_claim,
        role_map=body.role_map,
        require_sso=body.require_sso,
        break_glass_email=body.break_glass_email,
    )
    return _out(platform.sso.put_config(tenant, actor, data))


@router.delete("/api/v1/auth/sso/config", status_code=204)
def delete_sso_config(platform: PlatformDep, tenant: TenantDep, actor: ActorDep) -> Response:
    """Remove SSO (admins): passwords work again; the client secret is deleted."""
    platform.sso.delete_config(tenant, actor)
    return Response(status_code=204)


@router.get("/api/v1/auth/sso/start", status_code=302, response_class=RedirectResponse)
def start_sso(request: Request, platform: PlatformDep, tenant: TenantDep) -> RedirectResponse:
    """Open in a browser: redirects to the tenant's identity provider."""
    started = platform.sso.start(tenant)
    response = RedirectResponse(started.authorize_url, status_code=302)
    response.set_cookie(
        VERIFIER_COOKIE,
        started.cookie,
        max_age=COOKIE_MAX_AGE_S,
        path=CALLBACK_PATH,
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )
    return response


@router.get("/api/v1/auth/sso/callback", status_code=302, response_class=RedirectResponse)
def finish_sso(
    request: Request,
    platform: PlatformDep,
    tenant: TenantDep,
    code: Annotated[PlainText, Query(max_length=2000)] = "",
    state: Annotated[PlainText, Query(max_length=200)] = "",
    error: Annotated[PlainText | None, Query(max_length=100)] = None,
) -> RedirectResponse:
    """The provider's redirect: starts a WellOS session, then on to the office app."""
    if error is not None:
        raise SsoTokenInvalidError(f"the provider answered {error}")
    cookie = request.cookies.get(VERIFIER_COOKIE)
    pair = platform.sso.finish(tenant, code, state, cookie, client_info(request, platform))
    fragment = urlencode(
        {
            "access_token": pair.access_token,
            "refresh_token": pair.refresh_token,
            "token_type": pair.token_type,
            "expires_in": pair.expires_in,
        }
    )
    from shared.bootstrap import app_url  # the wiring is loaded: the platform is built

    target = f"{app_url(platform.settings)(tenant).rstrip('/')}/#/sso?{fragment}"
    response = RedirectResponse(target, status_code=302)
    response.delete_cookie(VERIFIER_COOKIE, path=CALLBACK_PATH)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
