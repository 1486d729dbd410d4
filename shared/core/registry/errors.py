"""Errors of the registry: tenants, their routing, and log-in throttling.

WellOSError
├── NotFoundError
│   └── UnknownTenantError          no tenant with that slug          (404)
├── ConflictError
│   └── DatabaseExistsError         a new tenant's database already exists or holds tables
├── PermissionDeniedError
│   ├── TenantSuspendedError        tenant is suspended               (403)
│   ├── TenantMismatchError         token of another tenant           (403)
│   └── PasswordChangeRequiredError admin-set password not yet changed (403)
├── InputError
│   └── LinkInvalidError            unknown, spent, expired or foreign link (422, field token)
├── PermissionDeniedError: MfaRequiredError (403), MfaEnrolmentRequiredError (403)
├── AuthenticationError: MfaCodeInvalidError (401)
├── TenantRoutingError              no or reserved tenant in request  (400)
└── ThrottledError                  too many attempts                 (429)
"""

from __future__ import annotations

from shared.core.common.errors import (
    AuthenticationError,
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    WellOSError,
)


class UnknownTenantError(NotFoundError):
    code = "unknown_tenant"

    def __init__(self, slug: str) -> None:
        super().__init__("tenant", slug)


class DatabaseExistsError(ConflictError):
    """A new tenant would take over a database that is already there, and all it holds."""

    code = "database_exists"

    def __init__(self, database: str, reason: str) -> None:
        super().__init__(
            f"database {database} {reason}; a new tenant takes over an existing database "
            "only when told to adopt it"
        )
        self.database = database


class TenantSuspendedError(PermissionDeniedError):
    code = "tenant_suspended"

    def __init__(self, slug: str) -> None:
        super().__init__(f"tenant {slug} is suspended")
        self.slug = slug


class TenantMismatchError(PermissionDeniedError):
    code = "tenant_mismatch"

    def __init__(self) -> None:
        super().__init__("the token belongs to another tenant")


class TenantRoutingError(WellOSError):
    code = "tenant_required"


class ThrottledError(WellOSError):
    code = "throttled"

    def __init__(self, detail: str, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


class PasswordChangeRequiredError(PermissionDeniedError):
    """The password was set by an admin: sign in again with `new_password` to replace it."""

    code = "password_change_required"

    def __init__(self) -> None:
        super().__init__(
            "this password was set by an admin and must be changed: sign in again with new_password"
        )


class LinkInvalidError(InputError):
    """One answer for a link that is unknown, spent, expired, revoked or of another tenant."""

    code = "link_invalid"

    def __init__(self, field_name: str = "token") -> None:
        super().__init__(field_name, "the link is invalid or has expired; ask for a new one")


class MfaRequiredError(PermissionDeniedError):
    """The password was right; the account has MFA: sign in again with `mfa_code`."""

    code = "mfa_required"

    def __init__(self) -> None:
        super().__init__("this account uses two-factor sign-in: send mfa_code as well")


class MfaEnrolmentRequiredError(PermissionDeniedError):
    """The tenant requires MFA and this user has none yet: only enrolment is open."""

    code = "mfa_enrolment_required"

    def __init__(self) -> None:
        super().__init__(
            "your organisation requires two-factor sign-in: enrol at /api/v1/auth/mfa/totp first"
        )


class MfaCodeInvalidError(AuthenticationError):
    code = "mfa_code_invalid"

    def __init__(self) -> None:
        super().__init__("the code is not right, was already used, or has expired")


class SsoNotConfiguredError(NotFoundError):
    """The tenant has no single sign-on configured (404)."""

    code = "sso_not_configured"

    def __init__(self, slug: str) -> None:
        super().__init__("sso configuration", slug)


class SsoStateInvalidError(InputError):
    """An unknown, spent, expired or foreign `state` on the SSO callback (422, field state)."""

    code = "sso_state_invalid"

    def __init__(self) -> None:
        super().__init__("state", "is unknown, already used, expired or of another tenant")


class SsoTokenInvalidError(AuthenticationError):
    """The provider's answer or id token failed a check (401); the reason names which."""

    code = "sso_token_invalid"

    def __init__(self, reason: str) -> None:
        super().__init__(f"single sign-on refused: {reason}")
        self.reason = reason


class SsoDomainRefusedError(PermissionDeniedError):
    code = "sso_domain_refused"

    def __init__(self) -> None:
        super().__init__("single sign-on refused: the e-mail domain is not allowed")


class SsoRequiredError(PermissionDeniedError):
    """The tenant signs in with SSO; passwords and links only for its break-glass admin."""

    code = "sso_required"

    def __init__(self) -> None:
        super().__init__("this tenant signs in with single sign-on (/api/v1/auth/sso/start)")


class SsoDiscoveryError(InputError):
    """The provider's discovery document did not answer or is not valid (422)."""

    code = "sso_discovery_failed"

    def __init__(self, reason: str) -> None:
        super().__init__("discovery_url", reason)
