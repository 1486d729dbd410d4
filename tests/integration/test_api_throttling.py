"""Failed logins are throttled per account and per address (429 with Retry-After).

The client connects from 127.0.0.1, a trusted proxy by default, and the settings
trust one hop: each request's X-Forwarded-For entry is its address.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

from functions.api.app import create_app
from shared.bootstrap import build_platform
from shared.settings import Settings
from tests.integration.api_support import invite
from tests.integration.conftest import TenantSession, open_tenant


@contextmanager
def _acme_on(settings: Settings, **update: int) -> Iterator[TenantSession]:
    """A platform of its own, built from a copy of `settings`, with acme's admin logged in."""
    platform = build_platform(settings.model_copy(update=update))
    platform.migrate_master()
    try:
        with TestClient(create_app(platform), client=("127.0.0.1", 50000)) as client:
            yield open_tenant(platform, client, "acme")
    finally:
        platform.close()


@pytest.fixture
def account_limited(settings: Settings) -> Iterator[TenantSession]:
    """3 failed logins allowed per account, many per address."""
    with _acme_on(
        settings, login_max_failures_per_account=3, login_max_failures_per_address=100
    ) as acme:
        yield acme


@pytest.fixture
def address_limited(settings: Settings) -> Iterator[TenantSession]:
    """3 failed logins allowed per address, many per account."""
    with _acme_on(
        settings, login_max_failures_per_account=100, login_max_failures_per_address=3
    ) as acme:
        yield acme


def _login(acme: TenantSession, email: str, password: str, address: str):
    return acme.client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": password},
        headers={"X-WellOS-Tenant": "acme", "X-Forwarded-For": address},
    )


def test_an_account_is_throttled_after_n_failures_even_with_the_right_password(
    account_limited,
):
    acme = account_limited
    # GIVEN a manager and the limit of 3 failed logins per account
    manager = invite(acme, "MANAGER")
    email, password = manager["email"], manager["password"]
    # WHEN 3 wrong passwords are tried for that account, from different addresses
    for n in range(3):
        assert _login(acme, email, "wrong", f"203.0.113.{n}").status_code == 401
    # THEN the right password is refused with 429 and a Retry-After
    response = _login(acme, email, password, "203.0.113.99")
    assert response.status_code == 429
    assert response.headers["content-type"] == "application/problem+json"
    assert 0 < int(response.headers["retry-after"]) <= 900  # when the window ends
    assert response.json()["code"] == "throttled"
    # AND another account still logs in
    admin = _login(acme, acme.created.admin_email, acme.created.admin_password, "203.0.113.99")
    assert admin.status_code == 200


def test_a_successful_login_clears_the_accounts_failures(account_limited):
    acme = account_limited
    email, password = acme.created.admin_email, acme.created.admin_password
    # GIVEN two failures, then a success
    for _ in range(2):
        assert _login(acme, email, "wrong", "192.0.2.1").status_code == 401
    assert _login(acme, email, password, "192.0.2.1").status_code == 200
    # WHEN two more failures follow
    for _ in range(2):
        assert _login(acme, email, "wrong", "192.0.2.1").status_code == 401
    # THEN the account is not locked: four failures, but never three since the success
    assert _login(acme, email, password, "192.0.2.1").status_code == 200


def test_an_address_is_throttled_after_n_failures_across_accounts(address_limited):
    acme = address_limited
    email, password = acme.created.admin_email, acme.created.admin_password
    # GIVEN 3 failed logins from one address, each for a different (unknown) account
    for n in range(3):
        assert _login(acme, f"guess{n}@acme.test", "password1", "203.0.113.7").status_code == 401
    # WHEN the real admin logs in from that address
    response = _login(acme, email, password, "203.0.113.7")
    # THEN it is throttled with a Retry-After, while another address gets in
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    assert _login(acme, email, password, "198.51.100.1").status_code == 200
