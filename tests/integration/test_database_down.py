"""A database that does not answer gives a retryable 503 problem, never a 500."""

from __future__ import annotations

import socket

from fastapi.testclient import TestClient
from pydantic import SecretStr

from functions.api.app import create_app
from shared.bootstrap import build_platform


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_tenant_database_that_is_down_is_a_503(acme, platform):
    # GIVEN acme's database URL now points at a port where nothing listens
    tenant = platform.resolver.resolve("acme")
    dead_url = f"postgresql+pg8000://postgres@127.0.0.1:{_closed_port()}/nowhere"
    platform.secrets.set(tenant.connection_secret_ref, dead_url)
    platform.tenant_databases.forget(tenant)
    # WHEN the admin lists wells
    response = acme.client.get("/api/v1/wells", headers=acme.headers)
    # THEN a retryable problem comes back, naming no URL
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"]
    assert response.json()["code"] == "database_unavailable"
    assert "nowhere" not in response.text and "127.0.0.1" not in response.text


def test_a_master_database_that_is_down_is_a_503(settings):
    # GIVEN a platform whose master database does not answer
    dead = settings.model_copy(
        update={"database_url": SecretStr(f"postgresql://postgres@127.0.0.1:{_closed_port()}/m")}
    )
    with TestClient(create_app(build_platform(dead))) as client:
        # WHEN a request needs the tenant registry
        response = client.get("/api/v1/wells", headers={"X-WellOS-Tenant": "acme"})
    # THEN it is a 503 problem, not a crash
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
