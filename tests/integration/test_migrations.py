"""Migrations: two Alembic trees to head, idempotent, a database per tenant, no secrets stored."""

from __future__ import annotations

import sqlalchemy as sa

from shared.adapters.sql.engines import PoolSettings, create_engine
from shared.adapters.sql.migrate import VERSION_TABLES, current_revision, head_revision, upgrade
from shared.adapters.sql.provisioning import SqlTenantProvisioner
from shared.adapters.sql.urls import connectable, normalize_url
from shared.core.registry.services.tenants import CreateTenant
from tests.conftest import _admin_engine

MASTER_TABLES = {"tenants", "users", "refresh_tokens", "login_throttle", "audit_events"}
TENANT_TABLES = {
    "fields",
    "leases",
    "wells",
    "facilities",
    "equipment",
    "production_daily",
    "well_assignments",
    "audit_log",
}


def _tables(url: str) -> set[str]:
    engine = create_engine(url, PoolSettings(serverless=True))
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _versions(url: str, tree: str) -> list[str]:
    """The revisions recorded in `tree`'s version table (empty when it has none)."""
    table = VERSION_TABLES[tree]  # type: ignore[index]
    if table not in _tables(url):
        return []
    engine = create_engine(url, PoolSettings(serverless=True))
    try:
        with engine.connect() as connection:
            return list(connection.execute(sa.text(f"SELECT version_num FROM {table}")).scalars())
    finally:
        engine.dispose()


def test_the_master_tree_reaches_head_and_is_idempotent(fresh_pg_database):
    # GIVEN an empty database
    engine = create_engine(fresh_pg_database, PoolSettings(serverless=True))
    try:
        assert current_revision(engine, "master") is None
        # WHEN the master tree is applied twice
        first = upgrade(engine, "master")
        second = upgrade(engine, "master")
        # THEN both runs end at head and the registry tables exist
        assert first == second == head_revision("master") == current_revision(engine, "master")
    finally:
        engine.dispose()
    assert MASTER_TABLES <= _tables(fresh_pg_database)
    assert not TENANT_TABLES & _tables(fresh_pg_database)


def test_the_tenant_tree_reaches_head_and_is_idempotent(fresh_pg_database):
    provisioner = SqlTenantProvisioner(normalize_url(fresh_pg_database), "unused_")
    first = provisioner.migrate(fresh_pg_database)
    second = provisioner.migrate(fresh_pg_database)
    assert first == second == head_revision("tenant")
    assert TENANT_TABLES <= _tables(fresh_pg_database)
    assert not MASTER_TABLES & _tables(fresh_pg_database)


def test_each_tenant_gets_its_own_database_named_from_the_prefix(platform, settings, pg_server_url):
    # GIVEN two tenants, one with a dash in its slug
    for slug in ("acme", "west-texas"):
        platform.tenants.create(CreateTenant(slug=slug, name=slug, admin_email=f"a@{slug}.test"))
    # WHEN the server's databases are listed
    admin = _admin_engine(pg_server_url)
    with admin.connect() as connection:
        names = set(
            connection.execute(
                sa.text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                {"p": settings.tenant_db_prefix + "%"},
            ).scalars()
        )
    admin.dispose()
    # THEN there is one per tenant, named prefix + slug
    prefix = settings.tenant_db_prefix
    assert names == {f"{prefix}acme", f"{prefix}west_texas"}
    # AND each holds the tenant schema at the tenant head, the master its own head, apart
    master_url = settings.require_database_url()
    for slug in ("acme", "west-texas"):
        tenant = platform.tenants.get(slug)
        url = platform.secrets.get(tenant.connection_secret_ref)
        assert sa.make_url(url).database == prefix + slug.replace("-", "_")
        assert _versions(url, "tenant") == [head_revision("tenant")]
        assert _versions(url, "master") == []
        assert TENANT_TABLES <= _tables(url)
        assert not MASTER_TABLES & _tables(url)
    assert _versions(master_url, "master") == [head_revision("master")]
    assert _versions(master_url, "tenant") == []
    # AND migrating all tenants again changes nothing
    results = platform.tenants.migrate()
    assert [(r.slug, r.ok, r.revision) for r in results] == [
        ("acme", True, head_revision("tenant")),
        ("west-texas", True, head_revision("tenant")),
    ]


def test_a_tenant_database_shared_with_another_alembic_app_migrates(fresh_pg_database):
    # GIVEN an operator's database whose own application records "abc123" in alembic_version
    engine = create_engine(fresh_pg_database, PoolSettings(serverless=True))
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
            )
            connection.execute(sa.text("INSERT INTO alembic_version VALUES ('abc123')"))
        # WHEN the tenant tree is applied, twice
        first = upgrade(engine, "tenant")
        second = upgrade(engine, "tenant")
        with engine.connect() as connection:
            theirs = connection.execute(sa.text("SELECT version_num FROM alembic_version")).all()
    finally:
        engine.dispose()
    # THEN WellOS reaches its head in its own version table and leaves theirs alone
    assert first == second == head_revision("tenant")
    assert _versions(fresh_pg_database, "tenant") == [head_revision("tenant")]
    assert theirs == [("abc123",)]


def test_a_database_migrated_with_the_old_shared_version_table_keeps_its_place(
    fresh_pg_database,
):
    # GIVEN a tenant database at head whose revision sits in the old `alembic_version`
    engine = create_engine(fresh_pg_database, PoolSettings(serverless=True))
    try:
        upgrade(engine, "tenant")
        head = head_revision("tenant")
        with engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE alembic_version_tenant"))
            connection.execute(
                sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
            )
            connection.execute(sa.text(f"INSERT INTO alembic_version VALUES ('{head}')"))
        # WHEN it is migrated again
        revision = upgrade(engine, "tenant")
    finally:
        engine.dispose()
    # THEN nothing is re-created and the revision moved to the tree's own table
    assert revision == head_revision("tenant")
    assert _versions(fresh_pg_database, "tenant") == [head_revision("tenant")]


def test_the_registry_keeps_only_a_secret_reference_never_the_url(
    platform, settings, pg_server_url
):
    # GIVEN a tenant on an operator-given database URL that carries a password
    own = sa.make_url(pg_server_url).set(database=settings.tenant_db_prefix + "own")
    admin = _admin_engine(pg_server_url)
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{own.database}"'))
    admin.dispose()
    with_password = own.set(password="s3cret-Pa55")
    url = connectable(with_password)
    created = platform.tenants.create(
        CreateTenant(slug="ownsdb", name="Own DB", admin_email="a@own.test", database_url=url)
    )
    platform.tenants.create(CreateTenant(slug="acme", name="Acme", admin_email="a@acme.test"))
    acme_url = platform.secrets.get(platform.tenants.get("acme").connection_secret_ref)
    # WHEN every column of every registry row is read
    engine = create_engine(settings.require_database_url(), PoolSettings(serverless=True))
    try:
        with engine.connect() as connection:
            rows = [
                dict(row._mapping)
                for table in ("tenants", "audit_events")
                for row in connection.execute(sa.text(f"SELECT * FROM {table}"))
            ]
    finally:
        engine.dispose()
    # THEN no value holds a URL or the password, only the secret reference
    text = repr(rows)
    assert "s3cret-Pa55" not in text
    assert acme_url not in text
    assert "://" not in text
    assert sa.make_url(acme_url).database not in text
    tenants = [r for r in rows if "connection_secret_ref" in r]
    assert {r["connection_secret_ref"] for r in tenants} == {
        "tenant-ownsdb-database-url",
        "tenant-acme-database-url",
    }
    # AND the secret resolves to the URL, password included
    stored = sa.make_url(platform.secrets.get(created.tenant.connection_secret_ref))
    assert (stored.password, stored.database) == ("s3cret-Pa55", own.database)
    assert created.database_created is False
