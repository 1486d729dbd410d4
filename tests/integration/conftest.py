"""Fixtures for API tests: two tenants on real PostgreSQL and a logged-in client each."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from functions.api.app import create_app
from shared.bootstrap import Platform
from shared.core.registry.services.tenants import CreateTenant, TenantCreated


@dataclass
class TenantSession:
    """A tenant with its admin logged in through the API."""

    slug: str
    created: TenantCreated
    client: TestClient
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"X-WellOS-Tenant": self.slug, "Authorization": f"Bearer {self.access_token}"}

    def login_headers(self, email: str, password: str) -> dict[str, str]:
        response = self.client.post(
            "/api/v1/auth/login",
            json={"email": email, "password": password},
            headers={"X-WellOS-Tenant": self.slug},
        )
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        return {"X-WellOS-Tenant": self.slug, "Authorization": f"Bearer {token}"}

    def first_login(self, email: str, one_time_password: str) -> tuple[str, dict[str, str]]:
        """Sign in with an admin-set password, replacing it as required: (new password, headers)."""
        new_password = renewed(one_time_password)
        response = self.client.post(
            "/api/v1/auth/login",
            json={"email": email, "password": one_time_password, "new_password": new_password},
            headers={"X-WellOS-Tenant": self.slug},
        )
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        return new_password, {"X-WellOS-Tenant": self.slug, "Authorization": f"Bearer {token}"}


def renewed(one_time_password: str) -> str:
    """The password a test user picks to replace their admin-set one."""
    return f"{one_time_password}-Renewed!"


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform), base_url="http://testserver") as test_client:
        yield test_client


def open_tenant(platform: Platform, client: TestClient, slug: str) -> TenantSession:
    created = platform.tenants.create(
        CreateTenant(slug=slug, name=f"{slug.title()} Oil", admin_email=f"admin@{slug}.test")
    )
    response = client.post(
        "/api/v1/auth/login",
        json={"email": created.admin_email, "password": created.admin_password},
        headers={"X-WellOS-Tenant": slug},
    )
    assert response.status_code == 200, response.text
    tokens = response.json()
    return TenantSession(slug, created, client, tokens["access_token"], tokens["refresh_token"])


@pytest.fixture
def acme(platform: Platform, client: TestClient) -> TenantSession:
    return open_tenant(platform, client, "acme")


@pytest.fixture
def permian(platform: Platform, client: TestClient) -> TenantSession:
    return open_tenant(platform, client, "permian")
