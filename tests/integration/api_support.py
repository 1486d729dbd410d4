"""Helpers for the API tests: module-scoped platforms, invited users, unique values.

Function-scoped fixtures (`platform`, `client`, `acme`, `permian`) live in
conftest.py; tests that only read or add their own rows share one platform per
module through `started_platform` to keep the suite fast.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from functions.api.app import create_app
from shared.adapters.sql.urls import connectable
from shared.bootstrap import Platform, build_platform
from shared.core.common.units_of_work import AuditRecord
from shared.settings import Settings
from tests.conftest import _admin_engine, drop_tenant_databases
from tests.integration.conftest import TenantSession, open_tenant

_api_numbers = itertools.count(10001)
_names = itertools.count(1)


def unique_api_number(state: str = "42", county: str = "501") -> str:
    """A 14-digit API number no other test of this run uses."""
    return f"{state}{county}{next(_api_numbers):05d}0000"


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_names)}-{uuid.uuid4().hex[:6]}"


@contextmanager
def started_platform(server_url: str, state_dir: Path, **overrides: Any) -> Iterator[Platform]:
    """A platform on a new master database; drops it and its tenant databases afterwards."""
    name = f"wt_m_{uuid.uuid4().hex[:10]}"
    admin = _admin_engine(server_url)
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = connectable(sa.make_url(server_url), name)
    prefix = f"wt_{uuid.uuid4().hex[:8]}_t_"
    settings = Settings(
        database_url=url,
        state_dir=state_dir,
        tenant_db_prefix=prefix,
        registry_cache_ttl_s=0,
        log_json=False,
        **overrides,
    )
    platform = build_platform(settings)
    try:
        platform.migrate_master()
        yield platform
    finally:
        platform.close()
        drop_tenant_databases(server_url, prefix)
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def api_client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform), base_url="http://testserver") as client:
        yield client


# Module-scoped fixtures: import them into a test module to share one platform there.


@pytest.fixture(scope="module")
def mod_platform(
    pg_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    with started_platform(pg_server_url, tmp_path_factory.mktemp("state")) as platform:
        yield platform


@pytest.fixture(scope="module")
def mod_client(mod_platform: Platform) -> Iterator[TestClient]:
    with api_client(mod_platform) as client:
        yield client


@pytest.fixture(scope="module")
def mod_acme(mod_platform: Platform, mod_client: TestClient) -> TenantSession:
    return open_tenant(mod_platform, mod_client, "acme")


@pytest.fixture(scope="module")
def mod_permian(mod_platform: Platform, mod_client: TestClient) -> TenantSession:
    return open_tenant(mod_platform, mod_client, "permian")


def invite(session: TenantSession, role: str, email: str | None = None) -> dict[str, Any]:
    """Create a user as the tenant's admin, sign them in and replace their one-time password;
    returns the user, their own `password` and headers."""
    email = email or f"{unique(role.lower())}@{session.slug}.test"
    response = session.client.post(
        "/api/v1/users",
        json={"email": email, "full_name": f"{role.title()} User", "role": role},
        headers=session.headers,
    )
    assert response.status_code == 201, response.text
    user = response.json()
    password, headers = session.first_login(email, user["one_time_password"])
    return {**user, "password": password, "headers": headers}


def create_well(session: TenantSession, **values: Any) -> dict[str, Any]:
    body = {"name": unique("Well"), "well_type": "OIL", **values}
    response = session.client.post("/api/v1/wells", json=body, headers=session.headers)
    assert response.status_code == 201, response.text
    well: dict[str, Any] = response.json()
    return well


def create_field(session: TenantSession, **values: Any) -> dict[str, Any]:
    body = {"name": unique("Field"), "code": unique("F"), **values}
    response = session.client.post("/api/v1/fields", json=body, headers=session.headers)
    assert response.status_code == 201, response.text
    field: dict[str, Any] = response.json()
    return field


def assign(session: TenantSession, well_id: str, user_id: str) -> None:
    response = session.client.put(
        f"/api/v1/wells/{well_id}/assignments/{user_id}", headers=session.headers
    )
    assert response.status_code == 200, response.text


def problem_field(response: Any) -> str | None:
    """The field a 422 problem names (first error)."""
    body = response.json()
    if "field" in body:
        return str(body["field"])
    errors = body.get("errors") or []
    return str(errors[0]["field"]) if errors else None


def problem_fields(response: Any) -> set[str]:
    body = response.json()
    return {str(error["field"]) for error in body.get("errors") or []} | (
        {str(body["field"])} if "field" in body else set()
    )


def tenant_audit(
    platform: Platform, slug: str, entity: str | None, entity_id: str | None
) -> list[AuditRecord]:
    """The tenant's audit log, newest first, read straight from its database."""
    tenant = platform.tenants.get(slug)
    with platform.tenant_databases.unit_of_work(tenant) as uow:
        return uow.audit.list(entity, entity_id, limit=100)


def master_audit(platform: Platform, entity_id: str) -> list[dict[str, Any]]:
    """The master audit events of one entity, oldest first."""
    from shared.adapters.sql.registry.tables import audit_events

    query = (
        sa.select(audit_events)
        .where(audit_events.c.entity_id == entity_id)
        .order_by(audit_events.c.id)
    )
    with platform.master.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]
