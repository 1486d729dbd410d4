"""Shared fixtures: a real PostgreSQL server (the machine's, else embedded), MariaDB,
and the cloud emulators (moto server, Azurite; see tests/emulators.py).

On a machine with PostgreSQL on 127.0.0.1:5432 (or WELLOS_TEST_DATABASE_URL),
tests use it; otherwise they start the embedded PostgreSQL. MySQL-only tests
skip with a message when no MariaDB/MySQL answers on 127.0.0.1:3306
(or WELLOS_TEST_MYSQL_URL).
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from shared.adapters.sql.urls import connectable, normalize_url
from shared.bootstrap import Platform, build_platform
from shared.settings import Settings
from tests.emulators import (
    AWS_REGION,
    AZURITE_ACCOUNT,
    AZURITE_KEY,
    NODE_MISSING,
    ensure_azurite,
    free_port,
    wait_for_port,
)


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """URL of a PostgreSQL server's maintenance database (`postgres`)."""
    explicit = os.environ.get("WELLOS_TEST_DATABASE_URL")
    if explicit:
        yield explicit
        return
    if _port_open("127.0.0.1", 5432):
        yield "postgresql://postgres@127.0.0.1:5432/postgres"
        return
    from shared.adapters.local.embedded_postgres import start_embedded_postgres

    print("\n[tests] no PostgreSQL on 127.0.0.1:5432: starting the embedded PostgreSQL")
    server = start_embedded_postgres(Path(tempfile.mkdtemp(prefix="wellos-test-pg-")))
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def mysql_server_url() -> str:
    explicit = os.environ.get("WELLOS_TEST_MYSQL_URL")
    if explicit:
        return explicit
    if not _port_open("127.0.0.1", 3306):
        pytest.skip(
            "MySQL/MariaDB-only test: no server on 127.0.0.1:3306 (set WELLOS_TEST_MYSQL_URL)"
        )
    return "mysql+pymysql://root@127.0.0.1:3306/mysql"


@pytest.fixture
def mysql_database(mysql_server_url: str) -> Iterator[str]:
    """A new, empty database on the MariaDB/MySQL server, dropped afterwards; yields its URL."""
    name = f"wt_{uuid.uuid4().hex[:10]}"
    server = normalize_url(mysql_server_url)
    admin = sa.create_engine(server, poolclass=NullPool)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    yield connectable(server, name)
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
    admin.dispose()


def _admin_engine(server_url: str) -> sa.Engine:
    return sa.create_engine(
        normalize_url(server_url), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )


@pytest.fixture(scope="session")
def test_run_id() -> str:
    return uuid.uuid4().hex[:8]


@pytest.fixture
def fresh_pg_database(pg_server_url: str, test_run_id: str) -> Iterator[str]:
    """A new empty database on the test server, dropped afterwards; yields its URL."""
    name = f"wt_{test_run_id}_{uuid.uuid4().hex[:8]}"
    engine = _admin_engine(pg_server_url)
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield connectable(normalize_url(pg_server_url), name)
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def drop_tenant_databases(server_url: str, prefix: str) -> None:
    engine = _admin_engine(server_url)
    with engine.connect() as connection:
        names = connection.execute(
            sa.text("SELECT datname FROM pg_database WHERE datname LIKE :p"), {"p": prefix + "%"}
        ).scalars()
        for name in list(names):
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture
def settings(fresh_pg_database: str, tmp_path: Path, pg_server_url: str) -> Iterator[Settings]:
    """Settings for a platform on a fresh master database with its own tenant-db prefix."""
    prefix = f"wt_{uuid.uuid4().hex[:8]}_t_"
    yield Settings(
        database_url=fresh_pg_database,
        state_dir=tmp_path / "state",
        tenant_db_prefix=prefix,
        registry_cache_ttl_s=0,
        log_json=False,
        trusted_proxy_hops=1,
    )
    drop_tenant_databases(pg_server_url, prefix)


@pytest.fixture
def platform(settings: Settings) -> Iterator[Platform]:
    """A wired platform with the master schema migrated and no tenants."""
    built = build_platform(settings)
    built.migrate_master()
    yield built
    built.close()


# --- cloud emulators, one per session (contract and integration tests) ---


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    assert wait_for_port(port, 10), "moto server did not start"
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture(scope="session")
def aws_client(moto_endpoint: str) -> Callable[[str], Any]:
    """Makes boto3 clients on the moto server (path-style S3, SigV4 presigning)."""
    import boto3
    from botocore.config import Config

    config = Config(s3={"addressing_style": "path"}, signature_version="s3v4")

    def make(service: str) -> Any:
        return boto3.client(
            service,
            region_name=AWS_REGION,
            endpoint_url=moto_endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=config if service == "s3" else None,
        )

    return make


@pytest.fixture(scope="session")
def azurite_connection_string(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = ensure_azurite()
    if binary is None:
        pytest.skip(NODE_MISSING)
    port = free_port()
    location = tmp_path_factory.mktemp("azurite")
    command = [str(binary), "--blobHost", "127.0.0.1", "--blobPort", str(port)]
    command += ["--location", str(location), "--silent", "--skipApiVersionCheck", "--loose"]
    log = location / "azurite.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    try:
        if not wait_for_port(port, 30):
            pytest.fail(f"Azurite did not start on port {port}: {log.read_text()[-2000:]}")
        yield (
            f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};"
            f"AccountKey={AZURITE_KEY};BlobEndpoint=http://127.0.0.1:{port}/{AZURITE_ACCOUNT};"
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
