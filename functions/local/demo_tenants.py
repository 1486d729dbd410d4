"""The two demo tenants: created once, migrated on every start, logged in as their admin."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from functions.local.credentials import AdminCredentials, DemoState
from shared.adapters.security.passwords import Argon2PasswordHasher
from shared.bootstrap import Platform
from shared.core.common.actor import Actor
from shared.core.common.clock import utc_now
from shared.core.common.errors import AuthenticationError, ConflictError, InfrastructureError
from shared.core.registry.errors import UnknownTenantError
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.model.users import generate_password
from shared.core.registry.ports import MasterAuditEntry
from shared.core.registry.services.tenants import CreateTenant

LOGIN_ADDRESS = "127.0.0.1"
DEMO_FEATURE = "demo"


@dataclass(frozen=True)
class DemoTenantSpec:
    slug: str
    name: str
    admin_email: str
    admin_name: str


DEMO_TENANTS = (
    DemoTenantSpec("acme", "Acme Oil & Gas", "admin@acme.example", "Dana Whitfield"),
    DemoTenantSpec("permian", "Permian Basin Operating", "admin@permian.example", "Ray Castillo"),
)


@dataclass(frozen=True)
class DemoTenant:
    tenant: Tenant
    credentials: AdminCredentials
    access_token: str
    actor: Actor
    created: bool


def open_demo_tenant(
    platform: Platform, spec: DemoTenantSpec, state: DemoState, say: Callable[[str], None]
) -> DemoTenant:
    """The tenant of `spec` (created or migrated) with its admin logged in."""
    tenant, created = _created_or_migrated(platform, spec, state, say)
    credentials = state.credentials(spec.slug)
    if credentials is None:
        credentials = _reset_admin_password(platform, tenant, spec, state, say)
    try:
        pair = platform.auth.login(tenant, credentials.email, credentials.password, LOGIN_ADDRESS)
    except AuthenticationError:
        credentials = _reset_admin_password(platform, tenant, spec, state, say)
        pair = platform.auth.login(tenant, credentials.email, credentials.password, LOGIN_ADDRESS)
    actor = platform.auth.authenticate(tenant, pair.access_token)
    if not tenant.is_serving:
        say(f"{tenant.slug} is suspended, the API answers 403: wellos tenant resume {tenant.slug}")
    return DemoTenant(tenant, credentials, pair.access_token, actor, created)


def _created_or_migrated(
    platform: Platform, spec: DemoTenantSpec, state: DemoState, say: Callable[[str], None]
) -> tuple[Tenant, bool]:
    try:
        tenant = platform.tenants.get(spec.slug)
    except UnknownTenantError:
        say(f"Creating tenant {spec.slug} ({spec.name}) with its own database")
        created = platform.tenants.create(
            CreateTenant(
                slug=spec.slug,
                name=spec.name,
                admin_email=spec.admin_email,
                admin_name=spec.admin_name,
                features={DEMO_FEATURE: True},
                actor="demo",
            )
        )
        state.save_credentials(
            spec.slug, AdminCredentials(created.admin_email, created.admin_password)
        )
        return created.tenant, True
    say(f"Migrating tenant {spec.slug}")
    result = platform.tenants.migrate([spec.slug])[0]
    if not result.ok:
        raise InfrastructureError(f"migrating tenant {spec.slug} failed: {result.error}")
    return tenant, False


def _reset_admin_password(
    platform: Platform,
    tenant: Tenant,
    spec: DemoTenantSpec,
    state: DemoState,
    say: Callable[[str], None],
) -> AdminCredentials:
    """A new password for the demo admin, when the saved one is missing or wrong.

    Only for tenants the demo created (the `demo` feature): a real tenant that
    happens to be called `acme` is never touched.
    """
    if not tenant.features.get(DEMO_FEATURE):
        raise ConflictError(
            f"tenant {tenant.slug} exists but was not created by the demo; "
            "point WELLOS_DATABASE_URL at another database or unset it"
        )
    password = generate_password()
    email = _set_password(platform, tenant, spec.admin_email, password)
    say(f"Reset the demo admin's password of {tenant.slug} (saved credentials were missing)")
    credentials = AdminCredentials(email, password)
    state.save_credentials(tenant.slug, credentials)
    return credentials


def _set_password(platform: Platform, tenant: Tenant, email: str, password: str) -> str:
    """Store a new password hash for the tenant's user `email`, audited; the user's e-mail."""
    with platform.master.unit_of_work() as uow:
        user = uow.users.get_by_email(tenant.id, email)
        if user is None:
            raise ConflictError(f"the demo admin {email} of {tenant.slug} is gone")
        uow.users.update(replace(user, password_hash=Argon2PasswordHasher().hash(password)))
        uow.audit.record(
            MasterAuditEntry(
                action="user.password_reset",
                entity="user",
                entity_id=user.id,
                actor="demo",
                at=utc_now(),
                tenant_id=tenant.id,
            )
        )
        uow.commit()
        return user.email
