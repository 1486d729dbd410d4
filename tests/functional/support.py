"""What the functional tier's tests share: tenants, actors, and the in-memory databases.

`World` is one in-memory deployment: a master database (the registry's twin, with its
gateways and ETL configurations) and each tenant's database (the features' fakes from
shared/adapters/memory, plus the wells, well assignments and audit log the SCADA and
analytics services consult, held here until the wells feature has its own fake).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from shared.adapters.memory.registry import MemoryMasterDatabase
from shared.adapters.memory.tenant_data import MemoryTenantDatabases, MemoryTenantUnitOfWork
from shared.adapters.memory.units_of_work import MemoryState
from shared.core.common.actor import Actor
from shared.core.common.change_feed import ChangeEntry
from shared.core.common.roles import Role
from shared.core.common.units_of_work import AuditEntry
from shared.core.registry.model.tenants import DatabaseKind, Tenant, TenantStatus
from shared.core.registry.model.users import User, UserStatus

NOW = datetime(2026, 11, 3, 12, tzinfo=UTC)


def make_tenant(slug: str = "acme", status: TenantStatus = TenantStatus.ACTIVE) -> Tenant:
    return Tenant(
        id=str(uuid.uuid4()),
        slug=slug,
        name=slug.title(),
        status=status,
        tier="standard",
        database_kind=DatabaseKind.POSTGRESQL,
        connection_secret_ref=f"tenant-{slug}",
        region="local",
        storage_provider="local",
    )


def make_actor(tenant: Tenant, role: Role = Role.ADMIN) -> Actor:
    user_id = str(uuid.uuid4())
    return Actor(user_id, f"{role.value.lower()}@{tenant.slug}.test", role, tenant.id, tenant.slug)


class FixedClock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


# --- the tenant database ---------------------------------------------------------------


@dataclass
class TenantWorld:
    """What other features keep in a tenant database, as much as these services read."""

    wells: set[str] = field(default_factory=set)
    assignments: dict[str, set[str]] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    changes: list[ChangeEntry] = field(default_factory=list)
    """The devices' change feed, as appended (reading it back is the sync feature's)."""


class _Changes:
    def __init__(self, entries: list[ChangeEntry]) -> None:
        self._entries = entries

    def append(self, entry: ChangeEntry) -> None:
        self._entries.append(entry)

    def append_many(self, entries: list[ChangeEntry]) -> None:
        self._entries.extend(entries)


class _Wells:
    def __init__(self, world: TenantWorld) -> None:
        self._world = world

    def get(self, well_id: str) -> dict[str, Any] | None:
        return {"id": well_id} if well_id in self._world.wells else None


class _Assignments:
    def __init__(self, world: TenantWorld) -> None:
        self._world = world

    def well_ids_for(self, user_id: str) -> set[str]:
        return set(self._world.assignments.get(user_id, set()))


class _Audit:
    def __init__(self, entries: list[AuditEntry]) -> None:
        self._entries = entries

    def record(self, entry: AuditEntry) -> None:
        self._entries.append(entry)


class WorldTenantUnitOfWork(MemoryTenantUnitOfWork):
    def _bind(self) -> None:
        super()._bind()
        world = self.data("world", TenantWorld)
        self.wells = _Wells(world)
        self.assignments = _Assignments(world)
        self.audit = _Audit(world.audit)
        self.changes = _Changes(world.changes)


class WorldTenantDatabases(MemoryTenantDatabases):
    def state_of(self, tenant: Tenant) -> MemoryState:
        state = super().state_of(tenant)
        state.store("world", TenantWorld)
        return state

    def unit_of_work(self, tenant: Tenant) -> WorldTenantUnitOfWork:  # type: ignore[override]
        return WorldTenantUnitOfWork(self.state_of(tenant))

    def world(self, tenant: Tenant) -> TenantWorld:
        """The committed wells, assignments and audit of `tenant` (to set up and inspect)."""
        with self.unit_of_work(tenant) as uow:
            return uow.data("world", TenantWorld)

    def add_wells(self, tenant: Tenant, *well_ids: str) -> None:
        with self.unit_of_work(tenant) as uow:
            uow.data("world", TenantWorld).wells.update(well_ids)
            uow.commit()

    def assign(self, tenant: Tenant, user_id: str, *well_ids: str) -> None:
        with self.unit_of_work(tenant) as uow:
            uow.data("world", TenantWorld).assignments.setdefault(user_id, set()).update(well_ids)
            uow.commit()


# --- the master database ---------------------------------------------------------------


class Master(MemoryMasterDatabase):
    """The in-memory master database, with the helpers these tests seed it through."""

    def add_tenant(self, tenant: Tenant) -> Tenant:
        with self.unit_of_work() as uow:
            uow.tenants.add(tenant)
            uow.commit()
        return tenant

    def add_user(self, actor: Actor, status: UserStatus = UserStatus.ACTIVE) -> User:
        """The master user behind `actor`."""
        user = User(
            actor.user_id, actor.tenant_id, actor.email, actor.email, actor.role, status, "!"
        )
        with self.unit_of_work() as uow:
            uow.users.add(user)
            uow.commit()
        return user
