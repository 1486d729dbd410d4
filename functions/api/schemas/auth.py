"""Auth and users on the wire."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field

from functions.api.schemas.common import ApiModel, StrictInput
from functions.api.schemas.limits import Email, Name, SafeText
from shared.core.common.roles import Role
from shared.core.registry.model.mfa import MfaRequirement
from shared.core.registry.model.sso import SsoProviderKind
from shared.core.registry.model.users import UserStatus

Password = Annotated[str, Field(min_length=1, max_length=1024)]
MfaCode = Annotated[str, Field(min_length=6, max_length=32, pattern=r"^[A-Za-z0-9\- ]+$")]
LinkToken = Annotated[str, Field(min_length=10, max_length=200, pattern=r"^[A-Za-z0-9_\-]+$")]


class LoginIn(StrictInput):
    email: SafeText = Field(min_length=3, max_length=320)
    password: Password
    new_password: Password | None = Field(
        default=None,
        description="Replaces a password an admin set (required then: 403 "
        "password_change_required without it)",
    )
    mfa_code: MfaCode | None = Field(
        default=None,
        description="The authenticator's code or a recovery code (required with MFA on: "
        "403 mfa_required without it)",
    )


class RefreshIn(StrictInput):
    refresh_token: str = Field(min_length=10, max_length=512)


class TokenOut(ApiModel):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int


class UserOut(ApiModel):
    id: uuid.UUID
    email: str
    full_name: str
    role: Role
    status: UserStatus
    last_login_at: datetime | None
    created_at: datetime | None


class MeOut(UserOut):
    tenant: str
    permissions: list[str]


class UserInvite(StrictInput):
    email: Email
    full_name: Name
    role: Role


class UserCreatedOut(UserOut):
    one_time_password: str = Field(description="Shown once; give it to the user")


class UserPatch(StrictInput):
    role: Role


class PasswordChangeIn(StrictInput):
    current_password: Password
    new_password: Password


class ForgotPasswordIn(StrictInput):
    email: SafeText = Field(min_length=3, max_length=320)


class AcceptedOut(ApiModel):
    detail: str


class PasswordResetIn(StrictInput):
    token: LinkToken
    new_password: Password


class InvitationAcceptIn(StrictInput):
    token: LinkToken
    password: Password


class MagicLinkIn(StrictInput):
    email: SafeText = Field(min_length=3, max_length=320)


class MagicLinkSignInIn(StrictInput):
    token: LinkToken
    mfa_code: MfaCode | None = None


class SessionOut(ApiModel):
    id: uuid.UUID
    device: str
    address: str
    created_at: datetime
    last_used_at: datetime
    current: bool = Field(description="The session of the token that asked")


class SessionsEndedOut(ApiModel):
    ended: int


class MfaStatusOut(ApiModel):
    enrolled: bool
    required: bool = Field(description="The tenant requires MFA of your role")
    requirement: str


class TotpSetupOut(ApiModel):
    secret: str = Field(description="Shown once: the authenticator app's key")
    otpauth_uri: str


class MfaCodeIn(StrictInput):
    code: MfaCode


class TotpConfirmedOut(ApiModel):
    recovery_codes: list[str] = Field(description="Shown once; each works once")
    tokens: TokenOut


class MfaPolicyIn(StrictInput):
    mfa_required: MfaRequirement


class MfaPolicyOut(ApiModel):
    mfa_required: MfaRequirement


class ApiKeyIn(StrictInput):
    name: Name
    role: Role
    read_only: bool = False


class ApiKeyOut(ApiModel):
    id: uuid.UUID
    name: str
    role: Role
    read_only: bool
    prefix: str = Field(description="The key's first characters, to tell keys apart")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreatedOut(ApiKeyOut):
    key: str = Field(description="Shown once: send it as `Authorization: Bearer <key>`")


class SsoConfigIn(StrictInput):
    kind: SsoProviderKind = SsoProviderKind.OIDC
    discovery_url: str | None = Field(
        default=None,
        max_length=500,
        description="The issuer or its /.well-known/openid-configuration URL (kind oidc)",
    )
    entra_tenant_id: str | None = Field(
        default=None, max_length=100, description="The Entra directory (tenant) id (kind entra)"
    )
    client_id: str = Field(min_length=1, max_length=200)
    client_secret: str | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="Stored in the secret store, never returned; omit to keep the current one",
    )
    allowed_domains: list[str] = Field(min_length=1, max_length=50)
    default_role: Role = Role.VIEWER
    role_claim: str | None = Field(
        default=None, max_length=100, description="A claim (e.g. groups or roles) mapped to roles"
    )
    role_map: dict[str, Role] = Field(default_factory=dict, max_length=100)
    require_sso: bool = False
    break_glass_email: str | None = Field(
        default=None,
        max_length=320,
        description="The one admin who may still sign in with a password when SSO is required",
    )


class SsoConfigOut(ApiModel):
    kind: SsoProviderKind
    issuer: str
    discovery_url: str
    client_id: str
    client_secret_set: bool
    allowed_domains: list[str]
    default_role: Role
    role_claim: str | None
    role_map: dict[str, Role]
    require_sso: bool
    break_glass_email: str | None
    updated_at: datetime | None


class SsoOptionOut(ApiModel):
    kind: SsoProviderKind = Field(description="entra (Microsoft Entra ID) or oidc (any other)")
    start_path: str = Field(description="Open this path on the tenant's host in the browser")


class SignInOptionsOut(ApiModel):
    """How this tenant's users sign in: what the sign-in page offers (public; no secrets)."""

    tenant: str
    tenant_name: str
    password: bool = Field(description="Everyone may sign in with a password")
    magic_link: bool = Field(description="Everyone may ask for an e-mailed sign-in link")
    sso: SsoOptionOut | None = Field(description="The tenant's single sign-on, if configured")
    sso_required: bool = Field(
        description="Users sign in with SSO; a password works for the break-glass admin only"
    )
