"""Tenant lifecycle: create (database, schema, first admin), list, suspend, resume, migrate.

A new tenant gets a database of its own. One that is already there (the
`{prefix}{slug}` database left by a deleted tenant or made by another registry
on the same server, or an operator-given database that already holds tables)
is refused unless the command says `adopt_existing_database`; an adoption is
recorded in the master audit log (`database_adopted`). A database made for a
tenant whose creation then fails is dropped again, so a retry starts clean.
There is no delete: a tenant is suspended, and its database stays.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import DuplicateError, WellOSError
from shared.core.common.roles import Role
from shared.core.ports.secrets import Secrets
from shared.core.ports.security import PasswordHasher
from shared.core.registry.errors import DatabaseExistsError, UnknownTenantError
from shared.core.registry.model.tenants import Tenant, TenantStatus, validate_slug
from shared.core.registry.model.users import (
    User,
    UserStatus,
    generate_password,
    validate_email,
    validate_person_name,
)
from shared.core.registry.ports import (
    MasterAuditEntry,
    MasterDatabase,
    ProvisionedDatabase,
    TenantDatabases,
    TenantProvisioner,
)


@dataclass(frozen=True)
class CreateTenant:
    slug: str
    name: str
    admin_email: str
    admin_name: str = "Administrator"
    database_url: str | None = None
    tier: str = "standard"
    status: TenantStatus = TenantStatus.ACTIVE
    region: str = "local"
    storage_provider: str = "filesystem"
    features: dict[str, Any] = field(default_factory=dict)
    actor: str = "ops"
    adopt_existing_database: bool = False


@dataclass(frozen=True)
class TenantCreated:
    tenant: Tenant
    admin_email: str
    admin_password: str
    database_created: bool
    schema_revision: str
    database_name: str = ""
    database_adopted: bool = False


@dataclass(frozen=True)
class MigrationResult:
    slug: str
    ok: bool
    revision: str
    error: str = ""


log = logging.getLogger("wellos.tenants")


def secret_ref_for(slug: str) -> str:
    return f"tenant-{slug}-database-url"


class TenantService:
    def __init__(
        self,
        master: MasterDatabase,
        tenant_databases: TenantDatabases,
        provisioner: TenantProvisioner,
        secrets: Secrets,
        hasher: PasswordHasher,
        clock: Clock = utc_now,
    ) -> None:
        self._master = master
        self._tenant_databases = tenant_databases
        self._provisioner = provisioner
        self._secrets = secrets
        self._hasher = hasher
        self._clock = clock

    def create(self, command: CreateTenant) -> TenantCreated:
        slug = validate_slug(command.slug)
        email = validate_email(command.admin_email, "admin_email")
        name = validate_person_name(command.name, "name")
        admin_name = validate_person_name(command.admin_name, "admin_name")
        with self._master.unit_of_work() as uow:
            if uow.tenants.get_by_slug(slug) is not None:
                raise DuplicateError("slug", slug)
        database, adopted = self._database_for(slug, command)
        try:
            revision = self._provisioner.migrate(database.url)
            tenant, password = self._register(
                command, slug, name, (email, admin_name), database, adopted
            )
        except BaseException:
            if database.created:
                self._drop_quietly(slug)
            raise
        return TenantCreated(
            tenant, email, password, database.created, revision, database.name, adopted
        )

    def _database_for(self, slug: str, command: CreateTenant) -> tuple[ProvisionedDatabase, bool]:
        """The tenant's database, and whether an existing one (with its data) is adopted."""
        adopt = command.adopt_existing_database
        if not command.database_url:
            database = self._provisioner.create_database(slug, adopt_existing=adopt)
            return database, not database.created
        database = self._provisioner.describe(command.database_url)
        tables = self._provisioner.existing_tables(database.url)
        if tables and not adopt:
            shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
            count = f"{len(tables)} table{'' if len(tables) == 1 else 's'}"
            raise DatabaseExistsError(database.name, f"already holds {count} ({shown})")
        return database, bool(tables)

    def _drop_quietly(self, slug: str) -> None:
        try:
            self._provisioner.drop_database(slug)
        except WellOSError as exc:  # the creation's own error is the one to report
            log.warning("could not drop the database of unmade tenant %s: %s", slug, exc.detail)

    def _register(
        self,
        command: CreateTenant,
        slug: str,
        name: str,
        admin: tuple[str, str],
        database: ProvisionedDatabase,
        adopted: bool,
    ) -> tuple[Tenant, str]:
        """Store the URL's secret, then the tenant, its first admin (e-mail, name) and the
        audit entry."""
        email, admin_name = admin
        secret_ref = secret_ref_for(slug)
        self._secrets.set(secret_ref, database.url)
        now = self._clock()
        tenant = Tenant(
            id=str(uuid.uuid4()),
            slug=slug,
            name=name,
            status=command.status,
            tier=command.tier,
            database_kind=database.kind,
            connection_secret_ref=secret_ref,
            region=command.region,
            storage_provider=command.storage_provider,
            features=dict(command.features),
            created_at=now,
            updated_at=now,
        )
        first_admin, password = self._first_admin(tenant.id, email, admin_name, now)
        with self._master.unit_of_work() as uow:
            uow.tenants.add(tenant)
            uow.users.add(first_admin)
            uow.audit.record(
                MasterAuditEntry(
                    action="tenant.created",
                    entity="tenant",
                    entity_id=tenant.id,
                    actor=command.actor,
                    at=now,
                    tenant_id=tenant.id,
                    after={"slug": slug, "name": name, "status": tenant.status.value},
                    details={
                        "database_created": database.created,
                        "database_adopted": adopted,
                        "admin_email": email,
                    },
                )
            )
            uow.commit()
        return tenant, password

    def _first_admin(
        self, tenant_id: str, email: str, full_name: str, now: datetime
    ) -> tuple[User, str]:
        password = generate_password()
        admin = User(
            id=str(uuid.uuid4()),
            tenant_id=tenant_id,
            email=email,
            full_name=full_name,
            role=Role.ADMIN,
            status=UserStatus.ACTIVE,
            password_hash=self._hasher.hash(password),
            created_at=now,
        )
        return admin, password

    def all(self) -> list[Tenant]:
        with self._master.unit_of_work() as uow:
            return uow.tenants.list()

    def get(self, slug: str) -> Tenant:
        with self._master.unit_of_work() as uow:
            tenant = uow.tenants.get_by_slug(slug)
        if tenant is None:
            raise UnknownTenantError(slug)
        return tenant

    def suspend(self, slug: str, actor: str = "ops") -> Tenant:
        return self._set_status(slug, TenantStatus.SUSPENDED, actor)

    def resume(self, slug: str, actor: str = "ops") -> Tenant:
        return self._set_status(slug, TenantStatus.ACTIVE, actor)

    def _set_status(self, slug: str, status: TenantStatus, actor: str) -> Tenant:
        now = self._clock()
        with self._master.unit_of_work() as uow:
            tenant = uow.tenants.get_by_slug(slug)
            if tenant is None:
                raise UnknownTenantError(slug)
            if tenant.status is not status:
                uow.tenants.set_status(tenant.id, status, now)
                uow.audit.record(
                    MasterAuditEntry(
                        action=f"tenant.{status.value.lower()}",
                        entity="tenant",
                        entity_id=tenant.id,
                        actor=actor,
                        at=now,
                        tenant_id=tenant.id,
                        before={"status": tenant.status.value},
                        after={"status": status.value},
                    )
                )
                uow.commit()
        if status is TenantStatus.SUSPENDED:
            self._tenant_databases.forget(tenant)
        return replace(tenant, status=status, updated_at=now)

    def migrate(
        self,
        slugs: Sequence[str] | None = None,
        on_result: Callable[[MigrationResult], None] | None = None,
    ) -> list[MigrationResult]:
        """Migrate the named tenants (all when None); one failure does not stop the rest."""
        tenants = self.all() if slugs is None else [self.get(slug) for slug in slugs]
        results = []
        for tenant in tenants:
            result = self._migrate_one(tenant)
            results.append(result)
            if on_result is not None:
                on_result(result)
        return results

    def _migrate_one(self, tenant: Tenant) -> MigrationResult:
        try:
            url = self._secrets.get(tenant.connection_secret_ref)
            revision = self._provisioner.migrate(url)
        except WellOSError as exc:
            return MigrationResult(tenant.slug, False, "", exc.detail)
        return MigrationResult(tenant.slug, True, revision)
