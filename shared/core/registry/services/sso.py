"""Single sign-on per tenant: the admin's configuration, and the code flow with PKCE.

`start` stores a fresh `state` and nonce (both hashed; single use, 10 minutes,
bound to the tenant) and answers the provider's authorize URL with a PKCE (S256)
verifier that the host keeps in the browser (a cookie on the callback path), so
the flow is bound to the browser that started it and the database never holds
the verifier. `finish` spends the state, exchanges the code, verifies
the id token (issuer, audience, signature by the provider's JWKS, expiry, nonce),
checks the e-mail domain, provisions the user at first sign-in, and starts a
WellOS session through the same path as every other sign-in.

An Entra ID provider runs the same two steps through MSAL (the `EntraSignIn`
port): MSAL builds the authorize URL and redeems the code, checking the state
and the nonce of the flow the browser's cookie carries; the id token is then
verified here exactly as for any other issuer (MSAL does not check signatures).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from shared.core.common.access import require
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import InputError
from shared.core.common.limits import email_problem
from shared.core.common.roles import Permission, Role
from shared.core.ports.secrets import Secrets
from shared.core.registry.errors import (
    SsoDiscoveryError,
    SsoDomainRefusedError,
    SsoNotConfiguredError,
    SsoStateInvalidError,
    SsoTokenInvalidError,
)
from shared.core.registry.model.sessions import ClientInfo
from shared.core.registry.model.sso import (
    ENTRA_AUTHORITY_HOST,
    SSO_STATE_TTL,
    EntraFlow,
    OidcDiscovery,
    SsoConfig,
    SsoProviderKind,
    SsoState,
    entra_authority,
    entra_discovery_url,
    new_state,
    normalize_discovery_url,
    normalize_domains,
    pkce_challenge,
    secret_name_for,
    sha256_hex,
    url_problem,
)
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.model.users import NO_PASSWORD, User, UserStatus, normalize_email
from shared.core.registry.ports import EntraSignIn, MasterDatabase, OidcProvider
from shared.core.registry.services.auth import AuthService, TokenPair
from shared.core.registry.services.users import audit_user, public_view

CALLBACK_PATH = "/api/v1/auth/sso/callback"
MAX_CLAIM_NAME = 100


@dataclass(frozen=True)
class SsoStart:
    authorize_url: str
    cookie: str
    """The flow's browser-held secret (the PKCE verifier; for Entra also MSAL's state and
    nonce): the host keeps it in an HttpOnly cookie until the callback."""


@dataclass(frozen=True)
class SignInOptions:
    """What a tenant's sign-in page offers; public, so nothing but the kinds of sign-in."""

    sso_kind: SsoProviderKind | None
    sso_required: bool

    @property
    def password(self) -> bool:
        return not self.sso_required

    @property
    def magic_link(self) -> bool:
        return not self.sso_required


@dataclass(frozen=True)
class SsoConfigInput:
    kind: SsoProviderKind
    client_id: str
    client_secret: str | None
    allowed_domains: list[str]
    default_role: Role
    discovery_url: str | None = None
    entra_tenant_id: str | None = None
    role_claim: str | None = None
    role_map: dict[str, Role] | None = None
    require_sso: bool = False
    break_glass_email: str | None = None


def config_view(config: SsoConfig) -> dict[str, object]:
    """What an admin reads back: everything but the secret (not even its name)."""
    return {
        "kind": config.kind.value,
        "issuer": config.issuer,
        "discovery_url": config.discovery_url,
        "client_id": config.client_id,
        "client_secret_set": True,
        "allowed_domains": list(config.allowed_domains),
        "default_role": config.default_role.value,
        "role_claim": config.role_claim,
        "role_map": {k: v.value for k, v in config.role_map.items()},
        "require_sso": config.require_sso,
        "break_glass_email": config.break_glass_email,
    }


class SsoService:
    def __init__(
        self,
        master: MasterDatabase,
        auth: AuthService,
        secrets: Secrets,
        provider: OidcProvider,
        api_url: Callable[[Tenant], str],
        entra: EntraSignIn,
        allow_loopback_http: bool = False,
        entra_host: str = ENTRA_AUTHORITY_HOST,
        clock: Clock = utc_now,
    ) -> None:
        self._master = master
        self._auth = auth
        self._secrets = secrets
        self._provider = provider
        self._entra = entra
        self._entra_host = entra_host
        self._api_url = api_url
        self._allow_loopback_http = allow_loopback_http
        self._clock = clock

    # --- configuration (admins) -------------------------------------------------

    def read_config(self, tenant: Tenant, actor: Actor) -> SsoConfig:
        require(actor, Permission.SETTINGS_WRITE)
        return self.get_config(tenant)

    def sign_in_options(self, tenant: Tenant) -> SignInOptions:
        with self._master.unit_of_work() as uow:
            config = uow.sso.get_config(tenant.id)
        if config is None:
            return SignInOptions(None, False)
        return SignInOptions(config.kind, config.require_sso)

    def get_config(self, tenant: Tenant) -> SsoConfig:
        with self._master.unit_of_work() as uow:
            config = uow.sso.get_config(tenant.id)
        if config is None:
            raise SsoNotConfiguredError(tenant.slug)
        return config

    def put_config(self, tenant: Tenant, actor: Actor, data: SsoConfigInput) -> SsoConfig:
        """Check the provider answers its discovery document, then store; 422 with the reason."""
        require(actor, Permission.SETTINGS_WRITE)
        if data.kind is SsoProviderKind.ENTRA:
            if not data.entra_tenant_id:
                raise InputError("entra_tenant_id", "is required for an Entra ID provider")
            url = entra_discovery_url(data.entra_tenant_id, self._entra_host)
        else:
            if not data.discovery_url:
                raise InputError("discovery_url", "is required for an OIDC provider")
            url = normalize_discovery_url(data.discovery_url)
        problem = url_problem(url, self._allow_loopback_http)
        if problem is not None:
            raise InputError("discovery_url", problem)
        client_id = data.client_id.strip()
        if not client_id or len(client_id) > 200:
            raise InputError("client_id", "must be 1 to 200 characters")
        domains = normalize_domains(data.allowed_domains)
        role_claim = (data.role_claim or "").strip() or None
        if role_claim is not None and len(role_claim) > MAX_CLAIM_NAME:
            raise InputError("role_claim", f"must be at most {MAX_CLAIM_NAME} characters")
        role_map = dict(data.role_map or {})
        if len(role_map) > 100 or any(not k or len(k) > 200 for k in role_map):
            raise InputError("role_map", "at most 100 values of 1 to 200 characters")
        break_glass = None
        if data.break_glass_email:
            break_glass = normalize_email(data.break_glass_email)
            if email_problem(break_glass) is not None:
                raise InputError("break_glass_email", "is not an e-mail address")
        discovery = self._discover(url)
        name = secret_name_for(tenant.id)
        with self._master.unit_of_work() as uow:
            before = uow.sso.get_config(tenant.id)
            if data.client_secret is None and before is None:
                raise InputError("client_secret", "is required when SSO is first configured")
            if break_glass is not None:
                user = uow.users.get_by_email(tenant.id, break_glass)
                if user is None or user.role is not Role.ADMIN:
                    raise InputError("break_glass_email", "must be an admin of this tenant")
            elif data.require_sso:
                raise InputError("break_glass_email", "is required when SSO is required")
            config = SsoConfig(
                tenant_id=tenant.id,
                kind=data.kind,
                issuer=discovery.issuer,
                discovery_url=url,
                client_id=client_id,
                secret_name=name,
                allowed_domains=domains,
                default_role=data.default_role,
                role_claim=role_claim,
                role_map=role_map,
                require_sso=data.require_sso,
                break_glass_email=break_glass,
                updated_at=self._clock(),
            )
            if data.client_secret is not None:
                self._secrets.set(name, data.client_secret)
            uow.sso.put_config(config)
            audit_user(
                uow, tenant, actor, "sso.configured", tenant.id,
                config_view(before) if before else None, config_view(config),
            )  # fmt: skip
            uow.commit()
        return config

    def delete_config(self, tenant: Tenant, actor: Actor) -> None:
        require(actor, Permission.SETTINGS_WRITE)
        with self._master.unit_of_work() as uow:
            before = uow.sso.get_config(tenant.id)
            if before is None:
                raise SsoNotConfiguredError(tenant.slug)
            uow.sso.delete_config(tenant.id)
            audit_user(uow, tenant, actor, "sso.removed", tenant.id, config_view(before), None)
            uow.commit()
        self._secrets.delete(before.secret_name)

    # --- the sign-in ------------------------------------------------------------

    def redirect_uri(self, tenant: Tenant) -> str:
        return self._api_url(tenant).rstrip("/") + CALLBACK_PATH

    def start(self, tenant: Tenant) -> SsoStart:
        """The provider's authorize URL for a new, single-use flow of this tenant."""
        config = self.get_config(tenant)
        if config.kind is SsoProviderKind.ENTRA:
            flow = self._entra.begin(
                entra_authority(config.discovery_url),
                config.client_id,
                self._secrets.get(config.secret_name),
                self.redirect_uri(tenant),
                new_state(),
            )
            self._add_state(tenant, flow.state, flow.nonce)
            return SsoStart(flow.authorize_url, flow.cookie())
        discovery = self._discover(config.discovery_url)
        state, nonce, verifier = new_state(), new_state(), new_state()
        self._add_state(tenant, state, nonce)
        query = urlencode(
            {
                "response_type": "code",
                "client_id": config.client_id,
                "redirect_uri": self.redirect_uri(tenant),
                "scope": "openid email profile",
                "state": state,
                "nonce": nonce,
                "code_challenge": pkce_challenge(verifier),
                "code_challenge_method": "S256",
            }
        )
        separator = "&" if "?" in discovery.authorization_endpoint else "?"
        return SsoStart(f"{discovery.authorization_endpoint}{separator}{query}", verifier)

    def _add_state(self, tenant: Tenant, state: str, nonce: str) -> None:
        now = self._clock()
        with self._master.unit_of_work() as uow:
            uow.sso.add_state(
                SsoState(sha256_hex(state), tenant.id, sha256_hex(nonce), now, now + SSO_STATE_TTL)
            )
            uow.commit()

    def finish(
        self,
        tenant: Tenant,
        code: str,
        state: str,
        cookie: str | None,
        client: ClientInfo | None = None,
    ) -> TokenPair:
        """Spend the state, check the id token and the domain, and start a WellOS session."""
        if not state or len(state) > 200:
            raise SsoStateInvalidError()
        if not code or len(code) > 2000:
            raise InputError("code", "is missing or too long")
        now = self._clock()
        with self._master.unit_of_work() as uow:
            spent = uow.sso.spend_state(sha256_hex(state), tenant.id, now)
            uow.commit()
        if spent is None:
            raise SsoStateInvalidError()
        not_this_browser = InputError("cookie", "the sign-in was not started in this browser")
        if not cookie or len(cookie) > 600:
            raise not_this_browser
        config = self.get_config(tenant)
        discovery = self._discover(config.discovery_url)
        if discovery.issuer != config.issuer:
            raise SsoTokenInvalidError("the provider's issuer changed since SSO was configured")
        secret = self._secrets.get(config.secret_name)
        if config.kind is SsoProviderKind.ENTRA:
            flow = EntraFlow.from_cookie(cookie)
            if flow is None or sha256_hex(flow.nonce) != spent.nonce_hash:
                raise not_this_browser
            id_token = self._entra.complete(
                entra_authority(config.discovery_url),
                config.client_id,
                secret,
                self.redirect_uri(tenant),
                flow,
                code,
                state,
            )
            # MSAL sent sha256(nonce) as the nonce: the token must carry exactly that
            expected_nonce = spent.nonce_hash
        else:
            if len(cookie) > 200:
                raise not_this_browser
            id_token = self._provider.exchange_code(
                discovery, config.client_id, secret, code, self.redirect_uri(tenant), cookie
            )
            expected_nonce = None
        claims = self._provider.verify_id_token(discovery, id_token, config.client_id)
        nonce = claims.get("nonce")
        if not isinstance(nonce, str) or (
            nonce != expected_nonce
            if expected_nonce is not None
            else sha256_hex(nonce) != spent.nonce_hash
        ):
            raise SsoTokenInvalidError("the id token's nonce does not match this sign-in")
        email = claims.get("email")
        if not isinstance(email, str) or email_problem(normalize_email(email)) is not None:
            raise SsoTokenInvalidError("the id token carries no e-mail address")
        if claims.get("email_verified") is False:
            raise SsoTokenInvalidError("the provider has not verified the e-mail address")
        email = normalize_email(email)
        if not config.domain_allowed(email):
            raise SsoDomainRefusedError()
        role = config.role_for(claims.get(config.role_claim) if config.role_claim else None)
        with self._master.unit_of_work() as uow:
            user = uow.users.get_by_email(tenant.id, email)
            if user is None:
                name = claims.get("name")
                user = User(
                    id=str(uuid.uuid4()),
                    tenant_id=tenant.id,
                    email=email,
                    full_name=(name if isinstance(name, str) and name.strip() else email)[:200],
                    role=role,
                    status=UserStatus.ACTIVE,
                    password_hash=NO_PASSWORD,
                    created_at=now,
                )
                uow.users.add(user)
                actor = Actor(user.id, user.email, user.role, tenant.id, tenant.slug)
                audit_user(uow, tenant, actor, "user.provisioned_by_sso", user.id, None,
                           public_view(user))  # fmt: skip
            elif user.status is UserStatus.INVITED:
                user = replace(user, status=UserStatus.ACTIVE)
            elif user.status is not UserStatus.ACTIVE:
                raise SsoTokenInvalidError("the account is deactivated")
            uow.users.update(replace(user, last_login_at=now))
            actor = Actor(user.id, user.email, user.role, tenant.id, tenant.slug)
            audit_user(uow, tenant, actor, "user.signed_in_by_sso", user.id, None, None)
            pair = self._auth.issue_session(uow, tenant, user, client=client)
            uow.commit()
        return pair

    def _discover(self, url: str) -> OidcDiscovery:
        discovery = self._provider.discover(url)
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            problem = url_problem(getattr(discovery, name), self._allow_loopback_http)
            if problem is not None:
                raise SsoDiscoveryError(f"{name} {problem}")
        return discovery
