"""WellOS's own PostgreSQL is never an ETL source: not by name, not by address, not by alias.

Before the policy, `preview` on `postgresql://postgres@127.0.0.1/<master>` returned
every tenant's users and password hashes. Addresses are compared after
resolution, so `localhost`, `127.1` or an IPv4-mapped IPv6 address are the same
server as `127.0.0.1`. Allowing loopback explicitly (on premises) opens the
address, never a WellOS database by name.
"""

from __future__ import annotations

import ipaddress
import socket
import uuid

import pytest
import sqlalchemy as sa

from shared.adapters.network import resolve_host
from shared.adapters.sql.etl.platform_databases import SqlPlatformDatabases
from shared.adapters.sql.etl.source import SqlSourceConnector
from shared.adapters.sql.urls import connectable, normalize_url
from shared.bootstrap import build_source_policy
from shared.core.etl.errors import SourceUnavailableError
from shared.core.registry.services.tenants import CreateTenant
from tests.integration.api_support import problem_field
from tests.integration.etl_support import mysql_source, seed_operator
from tests.security.etl.conftest import source_config
from tests.security.etl.hostile import PostgresTlsProbe, self_signed

TEST_CONNECTION = "/api/v1/etl/test-connection"
CONFIG = "/api/v1/etl/config"


def pg_url(pg_server_url: str, database: str, host: str | None = None) -> str:
    server = sa.make_url(pg_server_url)
    return connectable(server.set(host=host or server.host), database)


def database_of(url: str) -> str:
    return str(sa.make_url(url).database)


def aliases(pg_server_url: str) -> list[str]:
    """Other names of the platform's PostgreSQL host: its address, and loopback spellings."""
    host = str(sa.make_url(pg_server_url).host)
    address = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)[0][4][0]
    names = [host, address]
    if ipaddress.ip_address(address).is_loopback:
        names += ["localhost", "127.1", "::ffff:127.0.0.1", "2130706433"]
    return list(dict.fromkeys(names))


def check_url(session, url: str):
    return session.client.post(
        TEST_CONNECTION, json={"connection_url": url}, headers=session.headers
    )


def assert_refused(response, reason: str) -> None:
    assert response.status_code == 422, response.text
    assert problem_field(response) == "connection_url"
    assert reason in response.json()["detail"], response.json()["detail"]


def test_the_master_and_tenant_databases_are_refused_by_name(
    strict_platform, strict, pg_server_url
):
    # GIVEN the master database and another tenant's database, on the platform's server
    master = database_of(strict_platform.settings.database_url.get_secret_value())
    slug = f"other-{uuid.uuid4().hex[:6]}"
    other = strict_platform.tenants.create(
        CreateTenant(slug=slug, name="Other", admin_email=f"a@{slug}.test")
    ).tenant
    tenant_db = database_of(strict_platform.secrets.get(other.connection_secret_ref))
    # WHEN an admin names them as a source, for a test and for a save
    for database in (master, tenant_db, tenant_db.upper()):
        url = pg_url(pg_server_url, database)
        saved = strict.client.put(CONFIG, json=source_config(url), headers=strict.headers)
        # THEN both are refused as WellOS databases
        for response in (check_url(strict, url), saved):
            assert_refused(response, "the database is a WellOS database")


def test_the_platform_server_is_refused_under_any_of_its_names(strict, pg_server_url):
    # WHEN the maintenance database of the platform's server is named by any alias
    for host in aliases(pg_server_url):
        response = check_url(strict, pg_url(pg_server_url, "postgres", host))
        # THEN the resolved address is recognized as WellOS's own database server
        assert_refused(response, "the host resolves to a WellOS database server")


def test_allowing_loopback_never_opens_a_wellos_database(
    loopback_platform, loopback, pg_server_url
):
    # GIVEN a deployment that allows 127.0.0.0/8 explicitly
    master = database_of(loopback_platform.settings.database_url.get_secret_value())
    tenant = loopback_platform.tenants.get(loopback.slug)
    own = database_of(loopback_platform.secrets.get(tenant.connection_secret_ref))
    # WHEN the master or the tenant's own database is named, by any alias
    for host in aliases(pg_server_url):
        for database in (master, own):
            response = check_url(loopback, pg_url(pg_server_url, database, host))
            # THEN still refused by name
            assert_refused(response, "the database is a WellOS database")


@pytest.mark.mysql
def test_a_loopback_source_needs_the_allowed_networks(strict, loopback, mysql_server_url):
    with mysql_source(mysql_server_url) as source:
        seed_operator(source, days=1)
        # WHEN the MariaDB source on loopback is tested without, then with, 127.0.0.0/8 allowed
        refused = check_url(strict, source.url)
        allowed = check_url(loopback, source.url)
    # THEN refused on the default policy, and it works once allowed
    assert_refused(refused, "the host resolves to a loopback address")
    assert allowed.status_code == 200 and allowed.json()["ok"] is True, allowed.text


@pytest.mark.mysql
def test_a_schema_naming_a_wellos_database_is_refused(
    loopback_platform, loopback, mysql_server_url
):
    # GIVEN a legit MariaDB source, and a schema that names a tenant database
    prefix = loopback_platform.settings.tenant_db_prefix
    with mysql_source(mysql_server_url) as source:
        seed_operator(source, days=1)
        for schema in (f"{prefix}acme", f"{prefix.upper()}other.dbo"):
            config = source_config(source.url)
            config["entities"]["wells"]["source_schema"] = schema  # type: ignore[index]
            # WHEN it is saved
            saved = loopback.client.put(CONFIG, json=config, headers=loopback.headers)
            # THEN 422 on the schema's setting
            assert saved.status_code == 422, saved.text
            assert problem_field(saved) == "entities.wells.source_schema"
            assert "names a WellOS database" in saved.json()["detail"]


def own_address() -> str | None:
    """This machine's outgoing non-loopback address (a UDP connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if ipaddress.ip_address(address).is_loopback else address


def test_the_servers_own_interfaces_are_refused_like_loopback(strict, pg_server_url):
    # GIVEN an address of one of this server's own network interfaces
    address = own_address()
    if address is None:
        pytest.skip("no non-loopback interface with a route on this machine")
    # WHEN a source names it (reaching whatever listens on 0.0.0.0 here)
    response = check_url(strict, f"mysql://root:x@{address}:3306/erp")
    # THEN refused as the server itself
    assert_refused(response, "the host resolves to an address of the WellOS server itself")


def test_a_tenant_database_with_its_own_name_is_refused(
    loopback_platform, loopback, fresh_pg_database
):
    # GIVEN a tenant whose database was named by ops (no tenant prefix)
    slug = f"named-{uuid.uuid4().hex[:6]}"
    loopback_platform.tenants.create(
        CreateTenant(
            slug=slug, name="Named", admin_email=f"a@{slug}.test", database_url=fresh_pg_database
        )
    )
    # WHEN another tenant names that database as its source (its address is allowed here)
    response = check_url(loopback, fresh_pg_database)
    # THEN the registry's knowledge refuses it by name
    assert_refused(response, "the database is a WellOS database")


class CountingSecrets:
    def __init__(self, inner) -> None:
        self.inner, self.reads = inner, 0

    def get(self, name: str) -> str:
        self.reads += 1
        return self.inner.get(name)


def test_the_platform_list_reads_each_tenant_secret_once(loopback_platform, loopback):
    # GIVEN the platform's databases listed twice, with no cache between the two
    secrets = CountingSecrets(loopback_platform.secrets)
    settings = loopback_platform.settings
    databases = SqlPlatformDatabases(
        normalize_url(settings.require_database_url()),
        loopback_platform.master,
        secrets,  # type: ignore[arg-type]
        settings.tenant_db_prefix,
        resolve_host,
        ttl_s=0,
    )
    first = databases()
    reads = secrets.reads
    second = databases()
    # THEN the second listing read no secret, and both know every tenant's database
    assert reads >= 1 and secrets.reads == reads and first == second
    tenant = loopback_platform.tenants.get(loopback.slug)
    own = database_of(loopback_platform.secrets.get(tenant.connection_secret_ref))
    assert own.casefold() in first.names


def test_a_postgres_source_on_an_allowed_address_connects_pinned_and_read_only(
    loopback_platform, loopback, fresh_pg_database
):
    # GIVEN an ordinary database on an allowed address (not a WellOS database)
    response = check_url(loopback, fresh_pg_database)
    # THEN it connects, read-only
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["ok"], report["dialect"], report["read_only"]) == (True, "postgresql", True)
    # WHEN it is named by a name only the policy's resolver knows
    server = sa.make_url(fresh_pg_database)
    answer = resolve_host(str(server.host), server.port or 5432)
    policy = build_source_policy(
        loopback_platform.settings,
        loopback_platform.master,
        loopback_platform.secrets,
        resolve=lambda host, port: answer if host == "pg.operator.invalid" else [],
    )
    renamed = connectable(server.set(host="pg.operator.invalid"))
    # THEN pg8000 connects to the checked address (the name exists in no DNS) and cannot write
    with SqlSourceConnector(policy).open(renamed) as session:
        assert session.info().read_only is True
        with pytest.raises(sa.exc.DBAPIError, match="read-only transaction"):
            session._c.exec_driver_sql("CREATE TABLE x (id int)")


@pytest.mark.parametrize("sslmode", ["require", "verify-full"])
def test_tls_to_the_pinned_address_still_names_the_host(loopback_platform, tmp_path, sslmode):
    # GIVEN a TLS endpoint on 127.0.0.1 with a certificate for pg.operator.invalid
    cert, key = self_signed(tmp_path, "pg.operator.invalid")
    probe = PostgresTlsProbe(cert, key)
    policy = build_source_policy(
        loopback_platform.settings,
        loopback_platform.master,
        loopback_platform.secrets,
        resolve=lambda host, port: ["127.0.0.1"] if host == "pg.operator.invalid" else [],
    )
    url = f"postgresql://u:pw@pg.operator.invalid:{probe.port}/erp?sslmode={sslmode}"
    try:
        # WHEN WellOS connects (the probe ends the session after the TLS handshake)
        with pytest.raises(SourceUnavailableError, match="connect failed"):
            with SqlSourceConnector(policy).open(url):
                pass
    finally:
        probe.close()
    # THEN the socket went to the checked address and TLS named the host, not the address
    assert probe.server_names == ["pg.operator.invalid"]
