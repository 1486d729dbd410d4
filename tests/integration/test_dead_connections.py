"""Pooled connections without a ping: a terminated backend is replaced before it serves,
and a transaction still begins before anything that needs one.

The pool checks a connection out by polling its socket (no `SELECT 1`), and pg8000's
BEGIN waits for the first statement that is not a plain read.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.exc import DBAPIError

from functions.api.app import create_app
from shared.adapters.sql.engines import PoolSettings, create_engine
from shared.adapters.sql.urls import normalize_url
from shared.bootstrap import Platform
from tests.integration.conftest import TenantSession


@pytest.fixture
def engine(fresh_pg_database: str) -> Iterator[sa.Engine]:
    built = create_engine(fresh_pg_database, PoolSettings(pool_size=2, max_overflow=0))
    yield built
    built.dispose()


@pytest.fixture
def other(fresh_pg_database: str) -> Iterator[sa.Engine]:
    """A second client of the same database, outside the engine under test."""
    built = sa.create_engine(normalize_url(fresh_pg_database), isolation_level="AUTOCOMMIT")
    yield built
    built.dispose()


def well(name: str) -> dict[str, str]:
    return {"name": name, "well_type": "OIL"}


def terminate_backends(admin: sa.Engine, database: str, within_s: float = 10.0) -> int:
    """Ends every backend on `database` and waits until they have exited.

    `pg_terminate_backend` only signals: a request sent before the backend has run its
    exit (and written its FATAL to the client) finds the connection looking alive, which
    is the "link cut without a word" case (a 503, try again), not this one.
    """
    with admin.connect() as connection:
        ended = connection.execute(
            sa.text(
                "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = :d AND pid <> pg_backend_pid()"
            ),
            {"d": database},
        ).all()
        pids = [int(pid) for pid, _ in ended]
        deadline = time.monotonic() + within_s
        query = sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)")
        while pids and time.monotonic() < deadline:
            if connection.execute(query, {"pids": list(pids)}).scalar_one() == 0:
                break
            time.sleep(0.02)
    return len(pids)


def test_wells_answer_200_after_the_servers_backends_are_terminated(
    platform: Platform, acme: TenantSession, pg_server_url: str
):
    admin = sa.create_engine(normalize_url(pg_server_url), isolation_level="AUTOCOMMIT")
    tenant = platform.tenants.get(acme.slug)
    tenant_db = platform.tenant_databases.engines.engine_for(tenant).url.database
    master_db = sa.make_url(platform.settings.require_database_url()).database
    assert tenant_db and master_db
    try:
        with TestClient(create_app(platform), raise_server_exceptions=False) as client:
            created = client.post("/api/v1/wells", json=well("W 1"), headers=acme.headers)
            assert created.status_code == 201, created.text
            assert client.get("/api/v1/wells", headers=acme.headers).status_code == 200
            # WHEN an operator (or a failover) ends every pooled connection
            assert terminate_backends(admin, tenant_db) >= 1
            terminate_backends(admin, master_db)
            # THEN the next requests are answered, reads and writes
            wells = client.get("/api/v1/wells", headers=acme.headers)
            assert wells.status_code == 200, wells.text
            assert [w["name"] for w in wells.json()["items"]] == ["W 1"]
            again = client.post("/api/v1/wells", json=well("W 2"), headers=acme.headers)
            assert again.status_code == 201, again.text
            login = client.post(
                "/api/v1/auth/login",
                json={"email": acme.created.admin_email, "password": acme.created.admin_password},
                headers={"X-WellOS-Tenant": acme.slug},
            )
            assert login.status_code == 200, login.text
    finally:
        admin.dispose()


def test_a_read_holds_no_transaction_and_a_write_still_rolls_back(engine, other):
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE t (id int PRIMARY KEY)"))
    with engine.connect() as connection:
        connection.begin()
        assert connection.execute(sa.text("SELECT count(*) FROM t")).scalar_one() == 0
        pid = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        with other.connect() as watcher:
            state = watcher.execute(
                sa.text("SELECT state FROM pg_stat_activity WHERE pid = :p"), {"p": pid}
            ).scalar_one()
        assert state == "idle"  # not "idle in transaction": a read leaves nothing open
        connection.execute(sa.text("INSERT INTO t VALUES (1)"))
        assert connection.execute(sa.text("SELECT count(*) FROM t")).scalar_one() == 1
        connection.rollback()
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM t")).scalar_one() == 0


@pytest.mark.parametrize(
    "first_statement",
    ["SELECT id FROM t WHERE id = 1 FOR UPDATE", "SELECT pg_advisory_xact_lock(42)"],
)
def test_a_locking_select_first_in_a_transaction_holds_its_lock_until_the_end(
    engine, other, first_statement
):
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE t (id int PRIMARY KEY)"))
        connection.execute(sa.text("INSERT INTO t VALUES (1)"))
    with engine.connect() as connection:
        connection.begin()
        connection.execute(sa.text(first_statement))
        with other.connect() as rival:  # the lock is still held: the rival cannot take it
            if "advisory" in first_statement:
                taken = rival.execute(sa.text("SELECT pg_try_advisory_lock(42)")).scalar_one()
                assert taken is False
            else:
                with pytest.raises(DBAPIError):
                    rival.execute(sa.text("SELECT id FROM t WHERE id = 1 FOR UPDATE NOWAIT"))
        connection.rollback()


def test_repeatable_read_keeps_one_snapshot_from_the_first_read(fresh_pg_database, other):
    engine = create_engine(
        fresh_pg_database, PoolSettings(pool_size=1, max_overflow=0), "REPEATABLE READ"
    )
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE t (id int PRIMARY KEY)"))
        with engine.connect() as connection:
            connection.begin()
            assert connection.execute(sa.text("SELECT count(*) FROM t")).scalar_one() == 0
            with other.connect() as writer:
                writer.execute(sa.text("INSERT INTO t VALUES (1)"))
            assert connection.execute(sa.text("SELECT count(*) FROM t")).scalar_one() == 0
            connection.rollback()
    finally:
        engine.dispose()
