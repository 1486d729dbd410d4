"""A new tenant never takes over a database that is already there, unless told to adopt it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import SecretStr

from shared.adapters.memory.secrets import InMemorySecrets
from shared.adapters.sql.engines import PoolSettings, create_engine
from shared.adapters.sql.urls import connectable
from shared.bootstrap import Platform, build_platform
from shared.core.common.errors import InfrastructureError
from shared.core.registry.errors import DatabaseExistsError, UnknownTenantError
from shared.core.registry.services.tenants import CreateTenant
from shared.core.wells.model.records import Well
from shared.core.wells.ports import WellQuery
from shared.settings import Settings
from tests.conftest import _admin_engine

WELL = Well(
    id=str(uuid.uuid4()), name="Left Behind 1", api_number="42501301230000", well_type="OIL",
    status="PRODUCING", created_at=datetime(2026, 1, 5, tzinfo=UTC),
    updated_at=datetime(2026, 1, 5, tzinfo=UTC),
)  # fmt: skip


def acme(**options: Any) -> CreateTenant:
    return CreateTenant(slug="acme", name="Acme", admin_email="admin@acme.test", **options)


@pytest.fixture
def other_registry(settings: Settings, pg_server_url: str, tmp_path: Path) -> Iterator[Platform]:
    """A second registry (its own master database) on the same server, same tenant prefix."""
    name = f"wt_m_{uuid.uuid4().hex[:10]}"
    admin = _admin_engine(pg_server_url)
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = connectable(sa.make_url(pg_server_url), name)
    other = settings.model_copy(
        update={"database_url": SecretStr(url), "state_dir": tmp_path / "other"}
    )
    platform = build_platform(other)
    platform.migrate_master()
    yield platform
    platform.close()
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def databases(server_url: str, prefix: str) -> list[str]:
    with _admin_engine(server_url).connect() as connection:
        query = sa.text("SELECT datname FROM pg_database WHERE datname LIKE :p ORDER BY 1")
        return list(connection.execute(query, {"p": prefix + "%"}).scalars())


def audit_details(platform: Platform, action: str) -> list[dict]:
    engine = create_engine(platform.settings.require_database_url(), PoolSettings(serverless=True))
    try:
        with engine.connect() as connection:
            query = sa.text("SELECT details FROM audit_events WHERE action = :a ORDER BY id")
            return list(connection.execute(query, {"a": action}).scalars())
    finally:
        engine.dispose()


def wells_of(platform: Platform, slug: str) -> list[str]:
    tenant = platform.tenants.get(slug)
    with platform.tenant_databases.unit_of_work(tenant) as uow:
        return [well.name for well in uow.wells.list(WellQuery()).items]


def test_a_database_another_registry_left_is_refused_then_adopted_on_purpose(
    platform: Platform, other_registry: Platform, settings: Settings
) -> None:
    # GIVEN tenant acme with a well in one registry: its database is {prefix}acme
    platform.tenants.create(acme())
    tenant = platform.tenants.get("acme")
    with platform.tenant_databases.unit_of_work(tenant) as uow:
        uow.wells.add(WELL)
        uow.commit()
    # WHEN another registry on the same server creates its own acme
    with pytest.raises(DatabaseExistsError) as refused:
        other_registry.tenants.create(acme())
    # THEN it is refused naming the database, and nothing is registered or touched
    assert refused.value.database == f"{settings.tenant_db_prefix}acme"
    assert f"database {settings.tenant_db_prefix}acme already exists" in refused.value.detail
    with pytest.raises(UnknownTenantError):
        other_registry.tenants.get("acme")
    assert wells_of(platform, "acme") == ["Left Behind 1"]
    # WHEN the operator says to adopt it
    adopted = other_registry.tenants.create(acme(adopt_existing_database=True))
    # THEN the database (and its well) is the new tenant's, and the audit log says so
    assert (adopted.database_created, adopted.database_adopted) == (False, True)
    assert wells_of(other_registry, "acme") == ["Left Behind 1"]
    details = audit_details(other_registry, "tenant.created")
    assert [(d["database_adopted"], d["database_created"]) for d in details] == [(True, False)]
    assert audit_details(platform, "tenant.created")[0]["database_adopted"] is False


def test_an_operator_database_that_holds_tables_is_refused_unless_adopted(
    platform: Platform, settings: Settings, pg_server_url: str
) -> None:
    # GIVEN an operator-given database that already holds a table
    name = f"{settings.tenant_db_prefix}legacy"
    with _admin_engine(pg_server_url).connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = connectable(sa.make_url(pg_server_url), name)
    with _admin_engine(url).connect() as connection:
        connection.execute(sa.text("CREATE TABLE legacy_wells (id int)"))
    # WHEN a tenant is created on it, then again with adoption
    with pytest.raises(DatabaseExistsError) as refused:
        platform.tenants.create(acme(database_url=url))
    adopted = platform.tenants.create(acme(database_url=url, adopt_existing_database=True))
    # THEN the first is refused naming the database and its table, the second adopts it
    assert refused.value.detail.startswith(
        f"database {name} already holds 1 table (legacy_wells); "
    )
    assert (adopted.database_created, adopted.database_adopted) == (False, True)


class SecretStoreDownForTenants(InMemorySecrets):
    """A secret store that fails when a tenant's database URL is stored."""

    def set(self, name: str, value: str) -> None:
        if name.startswith("tenant-"):
            raise InfrastructureError("the secret store does not answer")
        super().set(name, value)


def test_a_tenant_whose_creation_fails_leaves_no_database_behind(
    platform: Platform, settings: Settings, pg_server_url: str
) -> None:
    # GIVEN a registry whose secret store fails after the tenant's database was made
    broken = build_platform(settings, secrets=SecretStoreDownForTenants())
    try:
        with pytest.raises(InfrastructureError):
            broken.tenants.create(acme())
    finally:
        broken.close()
    # THEN the database made for it is gone, and creating the tenant again just works
    assert databases(pg_server_url, settings.tenant_db_prefix) == []
    created = platform.tenants.create(acme())
    assert (created.database_created, created.database_adopted) == (True, False)
