"""Errors of the registry: tenants, their routing, and log-in throttling.

WellOSError
├── NotFoundError
│   └── UnknownTenantError          no tenant with that slug          (404)
├── ConflictError
│   └── DatabaseExistsError         a new tenant's database already exists or holds tables
├── PermissionDeniedError
│   ├── TenantSuspendedError        tenant is suspended               (403)
│   └── TenantMismatchError         token of another tenant           (403)
├── TenantRoutingError              no or reserved tenant in request  (400)
└── ThrottledError                  too many attempts                 (429)
"""

from __future__ import annotations

from shared.core.common.errors import (
    ConflictError,
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
