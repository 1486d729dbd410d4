"""Ports that open units of work and provision tenant databases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from shared.core.common.units_of_work import TenantUnitOfWork
from shared.core.registry.model.tenants import DatabaseKind, Tenant
from shared.core.registry.ports import MasterUnitOfWork


class MasterDatabase(Protocol):
    def unit_of_work(self) -> MasterUnitOfWork: ...


class TenantDatabases(Protocol):
    """Opens units of work on the database of one tenant (and no other)."""

    def unit_of_work(self, tenant: Tenant) -> TenantUnitOfWork: ...

    def forget(self, tenant: Tenant) -> None:
        """Drop any cached connection pool of `tenant` (after suspend or a URL change)."""
        ...


@dataclass(frozen=True)
class ProvisionedDatabase:
    url: str
    kind: DatabaseKind
    created: bool
    name: str


class TenantProvisioner(Protocol):
    def create_database(self, slug: str, adopt_existing: bool = False) -> ProvisionedDatabase:
        """Create the tenant's database on the master's server and return its URL.

        One of that name that already exists raises `DatabaseExistsError`, unless
        `adopt_existing` (then it is used as it is, `created` False).
        """
        ...

    def drop_database(self, slug: str) -> None:
        """Drop the tenant's database on the master's server (one whose tenant was never made)."""
        ...

    def existing_tables(self, url: str) -> list[str]:
        """The tables the database at `url` already holds (its default schema), sorted."""
        ...

    def describe(self, url: str) -> ProvisionedDatabase:
        """Check an operator-given URL and tell its kind, without creating anything."""
        ...

    def migrate(self, url: str) -> str:
        """Bring the tenant schema at `url` to head; returns the revision reached."""
        ...
