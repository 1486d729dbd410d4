"""What the functional tier's tests share: tenants, actors, and the in-memory databases.

`World` is one in-memory deployment: a master database (tenants, gateways, its
audit) and each tenant's database (the features' fakes from shared/adapters/memory,
plus the wells, well assignments and audit log the SCADA and analytics services
consult, held here until the wells feature has its own fake).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from shared.adapters.memory.scada import MemoryGatewayRegistry
from shared.adapters.memory.tenant_data import MemoryTenantDatabases, MemoryTenantUnitOfWork
from shared.adapters.memory.units_of_work import MemoryState, MemoryUnitOfWork
from shared.core.common.actor import Actor
from shared.core.common.change_feed import ChangeEntry
from shared.core.common.pages import Page
from shared.core.common.roles import Role
from shared.core.common.units_of_work import AuditEntry
from shared.core.etl.ports.registry import StoredEtl
from shared.core.registry.model.tenants import DatabaseKind, Tenant, TenantStatus
from shared.core.registry.model.users import User, UserStatus
from shared.core.registry.ports import MasterAuditEntry
from shared.core.scada.ports import Gateway

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


@dataclass
class MasterData:
    tenants: dict[str, Tenant] = field(default_factory=dict)
    gateways: dict[str, Gateway] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    etl: dict[str, tuple[dict[str, Any], datetime | None]] = field(default_factory=dict)
    """tenant id -> (ETL configuration, when a run was last enqueued)."""
    audit: list[MasterAuditEntry] = field(default_factory=list)


class _Tenants:
    def __init__(self, data: MasterData) -> None:
        self._data = data

    def get(self, tenant_id: str) -> Tenant | None:
        return self._data.tenants.get(tenant_id)

    def list(self) -> list[Tenant]:
        return sorted(self._data.tenants.values(), key=lambda t: t.slug)


class _Users:
    def __init__(self, data: MasterData) -> None:
        self._data = data

    def get(self, tenant_id: str, user_id: str) -> User | None:
        user = self._data.users.get(user_id)
        return user if user is not None and user.tenant_id == tenant_id else None

    def list(self, tenant_id: str, limit: int, offset: int) -> Page[User]:
        users = sorted(
            (u for u in self._data.users.values() if u.tenant_id == tenant_id),
            key=lambda u: u.email,
        )
        return Page(users[offset : offset + limit], len(users), limit, offset)


class _EtlRegistry:
    def __init__(self, data: MasterData) -> None:
        self._data = data

    def get(self, tenant_id: str) -> StoredEtl | None:
        tenant, found = self._data.tenants.get(tenant_id), self._data.etl.get(tenant_id)
        return None if tenant is None or found is None else StoredEtl(tenant, *found)

    def save(self, tenant_id: str, config: dict[str, Any], at: datetime) -> None:
        last = self._data.etl.get(tenant_id, ({}, None))[1]
        self._data.etl[tenant_id] = (config, last)

    def mark_enqueued(self, tenant_id: str, at: datetime) -> None:
        if tenant_id in self._data.etl:
            self._data.etl[tenant_id] = (self._data.etl[tenant_id][0], at)

    def all_configured(self) -> list[StoredEtl]:
        found = [self.get(tenant_id) for tenant_id in self._data.etl]
        return sorted((s for s in found if s is not None), key=lambda s: s.tenant.slug)


class _MasterAudit:
    def __init__(self, entries: list[MasterAuditEntry]) -> None:
        self._entries = entries

    def record(self, entry: MasterAuditEntry) -> None:
        self._entries.append(entry)


class MasterUnitOfWork(MemoryUnitOfWork):
    def _bind(self) -> None:
        data = self.data("master", MasterData)
        self.tenants = _Tenants(data)
        self.users = _Users(data)
        self.etl = _EtlRegistry(data)
        self.gateways = MemoryGatewayRegistry(data.gateways)
        self.audit = _MasterAudit(data.audit)


class Master:
    """The master database, as much of it as the SCADA services use."""

    def __init__(self) -> None:
        self.state = MemoryState()
        self.state.store("master", MasterData)

    def unit_of_work(self) -> MasterUnitOfWork:
        return MasterUnitOfWork(self.state)

    def add_tenant(self, tenant: Tenant) -> Tenant:
        with self.unit_of_work() as uow:
            uow.data("master", MasterData).tenants[tenant.id] = tenant
            uow.commit()
        return tenant

    def add_user(self, actor: Actor, status: UserStatus = UserStatus.ACTIVE) -> User:
        """The master user behind `actor`."""
        user = User(
            actor.user_id, actor.tenant_id, actor.email, actor.email, actor.role, status, "!"
        )
        with self.unit_of_work() as uow:
            uow.data("master", MasterData).users[user.id] = user
            uow.commit()
        return user

    def data(self) -> MasterData:
        with self.unit_of_work() as uow:
            return uow.data("master", MasterData)
