"""What the master database's contract suites share: a unit of work on either master
(the in-memory twin or a migrated PostgreSQL one) and the tenants they hold.

A suite imports the fixtures `uow` (one per master) and `acme` (a tenant it holds)
as `uow_fixture` and `acme_fixture`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from shared.adapters.memory.registry import MemoryMasterDatabase
from shared.adapters.sql.migrate import upgrade
from shared.adapters.sql.unit_of_work import SqlMasterUnitOfWork
from shared.adapters.sql.urls import normalize_url
from shared.core.registry.model.tenants import DatabaseKind, Tenant, TenantStatus

NOW = datetime(2026, 11, 3, 12, tzinfo=UTC)


@pytest.fixture(name="uow", params=["memory", "postgresql"])
def uow_fixture(request: pytest.FixtureRequest) -> Iterator[Any]:
    """An open unit of work on the master `request.param` names."""
    if request.param == "memory":
        with MemoryMasterDatabase().unit_of_work() as memory:
            yield memory
        return
    url = request.getfixturevalue("fresh_pg_database")
    engine = sa.create_engine(normalize_url(url))
    upgrade(engine, "master")
    try:
        with SqlMasterUnitOfWork(engine) as sql:
            yield sql
    finally:
        engine.dispose()


def make_tenant(slug: str) -> Tenant:
    return Tenant(
        str(uuid.uuid4()), slug, slug.title(), TenantStatus.ACTIVE, "standard",
        DatabaseKind.POSTGRESQL, f"secret-{slug}", "local", "local",
        features={"a": 1}, created_at=NOW, updated_at=NOW,
    )  # fmt: skip


@pytest.fixture(name="acme")
def acme_fixture(uow: Any) -> Tenant:
    tenant = make_tenant("acme")
    uow.tenants.add(tenant)
    return tenant
