"""One platform for the red-team suite: tenants `acme` and `permian`, seeded alike.

The platform and the seeded tenants are shared by the whole package (a tenant takes
seconds to create); tests that change data use the disposable targets of routes.RULES.
The client never raises the app's exceptions: a 500 is an answer to assert on.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from functions.api.app import create_app
from shared.bootstrap import Platform
from tests.integration.api_support import started_platform
from tests.security.seed import Seeded, seed_tenant


@pytest.fixture(scope="package")
def sec_platform(
    pg_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    with started_platform(pg_server_url, tmp_path_factory.mktemp("security")) as platform:
        yield platform


@pytest.fixture(scope="package")
def sec_client(sec_platform: Platform) -> Iterator[TestClient]:
    app = create_app(sec_platform)
    with TestClient(app, base_url="http://testserver", raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="package")
def openapi(sec_client: TestClient) -> dict[str, Any]:
    response = sec_client.get("/openapi.json")
    assert response.status_code == 200
    spec: dict[str, Any] = response.json()
    return spec


@pytest.fixture(scope="package")
def acme(sec_platform: Platform, sec_client: TestClient) -> Seeded:
    return seed_tenant(sec_platform, sec_client, "acme")


@pytest.fixture(scope="package")
def permian(sec_platform: Platform, sec_client: TestClient) -> Seeded:
    return seed_tenant(sec_platform, sec_client, "permian")
