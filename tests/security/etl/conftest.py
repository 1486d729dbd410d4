"""Platforms and tenants for the ETL attack tests, and a file a hostile source wants.

`strict` is a platform on the default policy (no allowed networks: loopback and
private addresses refused); `loopback` allows 127.0.0.0/8 explicitly, as an
on-premises deployment allows its range, so tests can reach servers on this
machine (the hostile MySQL server, MariaDB) and prove what still stays refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shared.bootstrap import Platform
from tests.integration.api_support import api_client, started_platform
from tests.integration.conftest import TenantSession, open_tenant

PASSWORD = "Hunter2-secret"


@pytest.fixture(scope="module")
def strict_platform(
    pg_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    with started_platform(pg_server_url, tmp_path_factory.mktemp("state")) as platform:
        yield platform


@pytest.fixture(scope="module")
def loopback_platform(
    pg_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    state = tmp_path_factory.mktemp("state")
    with started_platform(pg_server_url, state, etl_allowed_networks="127.0.0.0/8") as platform:
        yield platform


@pytest.fixture(scope="module")
def strict_client(strict_platform: Platform) -> Iterator[TestClient]:
    with api_client(strict_platform) as client:
        yield client


@pytest.fixture(scope="module")
def loopback_client(loopback_platform: Platform) -> Iterator[TestClient]:
    with api_client(loopback_platform) as client:
        yield client


@pytest.fixture
def strict(strict_platform: Platform, strict_client: TestClient) -> TenantSession:
    return open_tenant(strict_platform, strict_client, f"strict-{uuid.uuid4().hex[:6]}")


@pytest.fixture
def loopback(loopback_platform: Platform, loopback_client: TestClient) -> TenantSession:
    return open_tenant(loopback_platform, loopback_client, f"loop-{uuid.uuid4().hex[:6]}")


@pytest.fixture(scope="module")
def loopback_tenant(loopback_platform: Platform, loopback_client: TestClient) -> TenantSession:
    """One tenant for the module, for tests whose refusals leave nothing behind."""
    return open_tenant(loopback_platform, loopback_client, f"loopm-{uuid.uuid4().hex[:6]}")


@pytest.fixture
def wanted_file(tmp_path: Path) -> tuple[Path, str]:
    """A file standing for the secrets file, with a marker no test sends on purpose."""
    marker = f"SIGNING-KEY-{uuid.uuid4().hex}"
    path = tmp_path / "secrets.json"
    path.write_text(f'{{"jwt-signing-key": "{marker}"}}\n')
    return path, marker


def source_config(url: str | None) -> dict[str, object]:
    """A minimal ETL configuration for `url` (the tables of `seed_operator`)."""
    config: dict[str, object] = {
        "source_kind": "mysql",
        "entities": {
            "wells": {
                "source_table": "Well Master",
                "key_columns": ["WellID"],
                "column_mapping": {"api_number": "API Number", "name": "Well Name"},
            }
        },
    }
    if url is not None:
        config["connection_url"] = url
    return config
