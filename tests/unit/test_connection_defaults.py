"""The default pools fit the documented deployment: 2 instances on a 100-connection server.

docs/operations.md ("Connection budget") names the server limit, the reserve and the
number of long-running instances the defaults are made for; the sum one instance can
hold is computed from the pools `shared/bootstrap` builds out of `Settings()` defaults.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from shared.adapters.sql.engines import PoolSettings, tenant_connection_budget
from shared.bootstrap import instance_connection_budget, pool_settings
from shared.settings import Settings

OPERATIONS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


@pytest.fixture(autouse=True)
def _defaults_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("WELLOS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))


def documented() -> tuple[int, int, int]:
    """(instances, server max_connections, reserve) as docs/operations.md states them."""
    text = OPERATIONS.read_text(encoding="utf-8")
    found = re.search(
        r"The defaults fit \*\*(\d+) instances on a server with `max_connections` = (\d+), "
        r"(\d+) in reserve\*\*",
        text,
    )
    assert found, "docs/operations.md no longer states what the default pools are made for"
    instances, limit, reserve = (int(group) for group in found.groups())
    return instances, limit, reserve


def test_the_default_pools_of_the_documented_instances_fit_the_server() -> None:
    instances, limit, reserve = documented()
    settings = Settings()
    # GIVEN the pools a long-running instance builds from the defaults
    master, tenant = pool_settings(settings)
    assert not master.serverless and not tenant.serverless
    per_instance = (master.pool_size + master.max_overflow) + settings.tenant_engine_cache_size * (
        tenant.pool_size + tenant.max_overflow
    )
    # THEN the documented instances, each holding every pool full, stay inside the limit
    assert instance_connection_budget(settings) == per_instance
    assert instances * per_instance <= limit - reserve
    # AND the arithmetic the runbook prints is the one of the defaults
    text = OPERATIONS.read_text(encoding="utf-8")
    printed = (
        f"({master.pool_size} + {master.max_overflow}) + {settings.tenant_engine_cache_size} × "
        f"({tenant.pool_size} + {tenant.max_overflow}) = "
    )
    assert printed in text
    total = f"{instances} × {per_instance} = {instances * per_instance}"
    assert f"{total} ≤ {limit} − {reserve}" in text


def test_a_third_instance_with_the_defaults_would_not_fit() -> None:
    """The documented count is the most the defaults allow, not a loose bound."""
    instances, limit, reserve = documented()
    assert (instances + 1) * instance_connection_budget(Settings()) > limit - reserve


def test_serverless_instances_hold_no_pool() -> None:
    settings = Settings(serverless=True)
    assert instance_connection_budget(settings) == 0
    assert tenant_connection_budget(8, PoolSettings(serverless=True)) == 0
