"""Registry services over the in-memory master database: creating, suspending and
migrating tenants (a fake provisioner stands in for the database server), resolving a
tenant by slug, sending the queued identity e-mails, and the merged audit trail."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher as Argon2Hasher

from shared.adapters.memory.notifier import InMemoryNotifier
from shared.adapters.memory.operations import MemoryOperationsDatabases
from shared.adapters.memory.registry import MemoryMasterDatabase
from shared.adapters.memory.secrets import InMemorySecrets
from shared.adapters.security.passwords import Argon2PasswordHasher
from shared.core.common.actor import Actor
from shared.core.common.errors import DuplicateError, InfrastructureError, InputError
from shared.core.common.roles import Role
from shared.core.common.units_of_work import AuditEntry, AuditQuery
from shared.core.registry.errors import (
    DatabaseExistsError,
    TenantSuspendedError,
    UnknownTenantError,
)
from shared.core.registry.model.links import OutboxMail
from shared.core.registry.model.tenants import DatabaseKind, TenantStatus
from shared.core.registry.ports import MasterAuditEntry, ProvisionedDatabase
from shared.core.registry.services.audit import AuditService
from shared.core.registry.services.mail import MailDispatcher, MailRetryPolicy
from shared.core.registry.services.routing import TenantResolver
from shared.core.registry.services.tenants import CreateTenant, TenantService
from tests.functional.people import Clock, tenant

HASHER = Argon2PasswordHasher(Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1))


class FakeProvisioner:
    """A database server in a dict: databases by name and the tables each holds."""

    def __init__(self) -> None:
        self.databases: dict[str, list[str]] = {}
        self.migrated: list[str] = []
        self.fail_migration = False

    def _url(self, name: str) -> str:
        return f"postgresql://db.example/{name}"

    def create_database(self, slug: str, adopt_existing: bool = False) -> ProvisionedDatabase:
        name = f"wellos_{slug}"
        if name in self.databases and not adopt_existing:
            raise DatabaseExistsError(name, "exists")
        created = name not in self.databases
        self.databases.setdefault(name, [])
        return ProvisionedDatabase(self._url(name), DatabaseKind.POSTGRESQL, created, name)

    def drop_database(self, slug: str) -> None:
        self.databases.pop(f"wellos_{slug}", None)

    def existing_tables(self, url: str) -> list[str]:
        return sorted(self.databases.get(url.rsplit("/", 1)[1], []))

    def describe(self, url: str) -> ProvisionedDatabase:
        name = url.rsplit("/", 1)[1]
        return ProvisionedDatabase(url, DatabaseKind.POSTGRESQL, False, name)

    def migrate(self, url: str) -> str:
        if self.fail_migration:
            raise InfrastructureError("the database server refused the migration")
        self.migrated.append(url)
        self.databases.setdefault(url.rsplit("/", 1)[1], []).append("wells")
        return "tenant_0010_notification_prefs"


@pytest.fixture
def master() -> MemoryMasterDatabase:
    return MemoryMasterDatabase()


def _service(master: MemoryMasterDatabase, provisioner: FakeProvisioner) -> TenantService:
    return TenantService(
        master, MemoryOperationsDatabases(), provisioner, InMemorySecrets(), HASHER, Clock()
    )


def test_a_new_tenant_gets_a_database_an_admin_and_an_audit_entry(master) -> None:
    provisioner = FakeProvisioner()
    tenants = _service(master, provisioner)
    created = tenants.create(CreateTenant("acme", "Acme", "al@acme.com"))
    assert created.database_created and created.schema_revision == "tenant_0010_notification_prefs"
    assert provisioner.databases == {"wellos_acme": ["wells"]}
    with master.unit_of_work() as uow:
        admin = uow.users.get_by_email(created.tenant.id, "al@acme.com")
    assert admin is not None and admin.role is Role.ADMIN
    assert HASHER.verify(admin.password_hash, created.admin_password)
    assert [e.action for e in master.data.audit] == ["tenant.created"]
    with pytest.raises(DuplicateError):
        tenants.create(CreateTenant("acme", "Acme again", "bo@acme.com"))
    with pytest.raises(InputError):
        tenants.create(CreateTenant("Not A Slug!", "X", "x@x.com"))


def test_a_failed_migration_drops_the_new_database_and_registers_nothing(master) -> None:
    provisioner = FakeProvisioner()
    provisioner.fail_migration = True
    with pytest.raises(InfrastructureError):
        _service(master, provisioner).create(CreateTenant("beta", "Beta", "al@beta.com"))
    assert provisioner.databases == {} and master.data.tenants == {}


def test_a_given_database_with_tables_is_refused_unless_adopted(master) -> None:
    provisioner = FakeProvisioner()
    provisioner.databases["legacy"] = ["wells", "leases"]
    tenants = _service(master, provisioner)
    url = "postgresql://db.example/legacy"
    with pytest.raises(DatabaseExistsError):
        tenants.create(CreateTenant("gamma", "Gamma", "al@gamma.com", database_url=url))
    adopted = tenants.create(
        CreateTenant("gamma", "Gamma", "al@gamma.com", database_url=url,
                     adopt_existing_database=True)
    )  # fmt: skip
    assert adopted.database_adopted and not adopted.database_created


def test_suspended_tenants_stop_resolving_and_resume(master) -> None:
    tenants = _service(master, FakeProvisioner())
    tenants.create(CreateTenant("acme", "Acme", "al@acme.com"))
    tenants.create(CreateTenant("beta", "Beta", "al@beta.com"))
    resolver = TenantResolver(master, ttl_s=0)
    assert resolver.resolve("acme").slug == "acme"
    assert tenants.suspend("acme").status is TenantStatus.SUSPENDED
    assert [(t.slug, t.is_serving) for t in tenants.all()] == [("acme", False), ("beta", True)]
    with pytest.raises(TenantSuspendedError):
        resolver.resolve("acme")
    tenants.resume("acme")
    assert resolver.resolve("acme").is_serving
    with pytest.raises(UnknownTenantError):
        resolver.resolve("nobody")
    assert [e.action for e in master.data.audit][-2:] == ["tenant.suspended", "tenant.active"]
    results = tenants.migrate()
    assert [(r.slug, r.ok) for r in results] == [("acme", True), ("beta", True)]


def test_queued_mail_is_sent_retried_and_given_up(master) -> None:
    clock = Clock(datetime(2026, 11, 3, 12, tzinfo=UTC))
    with master.unit_of_work() as uow:
        for recipient in ("a@acme.com", "b@acme.com"):
            uow.outbox.add(OutboxMail(str(uuid.uuid4()), None, recipient, "Hi", "body",
                                      clock.now, clock.now))  # fmt: skip
        uow.commit()
    dispatcher = MailDispatcher(master, clock, MailRetryPolicy(max_attempts=2, base_delay_s=60))
    notifier = InMemoryNotifier()
    notifier.fail_next = 1
    first = dispatcher.dispatch(notifier)
    assert (first.sent, first.retried, first.failed) == (1, 1, 0)
    assert dispatcher.dispatch(notifier).sent == 0  # the retry is not due yet
    clock.advance(seconds=61)
    notifier.fail_next = 1
    assert dispatcher.dispatch(notifier).failed == 1  # the second attempt was the last
    statuses = sorted(m.status for m in master.data.outbox.values())
    assert statuses == ["FAILED", "SENT"]
    assert all(m.body == "" for m in master.data.outbox.values())  # no link kept


def test_the_audit_trail_merges_the_tenant_and_the_registry_newest_first(master) -> None:
    acme = tenant()
    databases = MemoryOperationsDatabases()
    at = datetime(2026, 11, 3, 12, tzinfo=UTC)
    with databases.unit_of_work(acme) as uow:
        uow.audit.record(AuditEntry("well.create", "well", "w1", "u1", "al@acme.com", at,
                                    None, {"name": "Cole 1"}, "r1"))  # fmt: skip
        uow.commit()
    with master.unit_of_work() as uow:
        uow.audit.record(MasterAuditEntry("user.invited", "user", "u2", "al@acme.com",
                                          at + timedelta(minutes=1), acme.id))  # fmt: skip
        uow.commit()
    audit = AuditService(master, databases)
    admin = Actor("u1", "al@acme.com", Role.ADMIN, acme.id, acme.slug)
    page = audit.search(acme, admin, AuditQuery(), 10, 0)
    assert page.total == 2 and [(r.source, r.action) for r in page.items] == [
        ("registry", "user.invited"),
        ("tenant", "well.create"),
    ]
    csv = "".join(audit.export_csv(acme, admin, AuditQuery(entity="well"))).splitlines()
    assert len(csv) == 2 and csv[0].startswith("at,source,actor") and "well.create" in csv[1]
    with pytest.raises(InputError):
        audit.search(acme, admin, AuditQuery(since=at, until=at), 10, 0)
