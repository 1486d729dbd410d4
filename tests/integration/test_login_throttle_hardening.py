"""Login throttling holds against a real server: the address is the socket's peer unless
a trusted proxy forwarded the request, and concurrent wrong passwords on one account
are numbered one by one, so no more than the limit are ever checked."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
import pytest
import sqlalchemy as sa

from functions.api.app import create_app
from shared.adapters.security.passwords import Argon2PasswordHasher
from shared.adapters.security.tokens import JwtAccessTokenCodec
from shared.adapters.sql.registry.tables import login_throttle
from shared.bootstrap import Platform, build_platform, jwt_signing_key
from shared.core.common.errors import AuthenticationError
from shared.core.registry.errors import ThrottledError
from shared.core.registry.services.auth import AuthPolicy, AuthService
from shared.core.registry.services.tenants import CreateTenant, TenantCreated
from shared.settings import Settings
from tests.integration.live_server import live_server


@dataclass
class Served:
    platform: Platform
    acme: TenantCreated
    http: httpx.Client

    def login(self, email: str, password: str, forwarded_for: str | None = None) -> int:
        headers = {"X-WellOS-Tenant": "acme"}
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        body = {"email": email, "password": password}
        return self.http.post("/api/v1/auth/login", json=body, headers=headers).status_code


@contextmanager
def _served(settings: Settings, **update: Any) -> Iterator[Served]:
    """acme on a platform of its own, served by uvicorn on 127.0.0.1 as `wellos serve` does."""
    platform = build_platform(settings.model_copy(update=update))
    platform.migrate_master()
    try:
        acme = platform.tenants.create(
            CreateTenant(slug="acme", name="Acme Oil", admin_email="admin@acme.test")
        )
        with live_server(create_app(platform)) as url, httpx.Client(base_url=url) as http:
            yield Served(platform, acme, http)
    finally:
        platform.close()


T = TypeVar("T")
ADDRESS_LIMITED = {"login_max_failures_per_address": 3, "login_max_failures_per_account": 100}


def _guesses(served: Served, forwarded: Callable[[int], str], count: int) -> list[int]:
    """`count` wrong logins, each for another unknown account."""
    return [served.login(f"guess{n}@acme.test", "password1", forwarded(n)) for n in range(count)]


def test_forwarded_for_is_ignored_when_no_proxy_is_trusted(settings):
    # GIVEN no trusted proxy hops, and 3 failures allowed per address
    with _served(settings, trusted_proxy_hops=0, **ADDRESS_LIMITED) as served:
        # WHEN one client guesses 4 times, writing another X-Forwarded-For each time
        statuses = _guesses(served, lambda n: f"203.0.113.{n + 1}", 4)
    # THEN its own address is throttled after the third
    assert statuses == [401, 401, 401, 429]


def test_forwarded_for_is_ignored_from_a_peer_that_is_not_a_trusted_proxy(settings):
    # GIVEN one trusted hop, but proxies only in 10.0.0.0/8 while the client is on loopback
    with _served(
        settings, trusted_proxy_hops=1, trusted_proxies="10.0.0.0/8", **ADDRESS_LIMITED
    ) as served:
        statuses = _guesses(served, lambda n: f"203.0.113.{n + 1}", 4)
    assert statuses == [401, 401, 401, 429]


def test_forwarded_for_from_a_trusted_proxy_names_the_client(settings):
    # GIVEN one trusted hop and the proxy on loopback (the default trusted list)
    with _served(settings, trusted_proxy_hops=1, **ADDRESS_LIMITED) as served:
        # WHEN four clients behind it guess once each, and then one guesses four times
        spread = _guesses(served, lambda n: f"203.0.113.{n + 1}", 4)
        one = _guesses(served, lambda n: "6.6.6.6, 198.51.100.9", 4)
        # THEN each client's address counts apart: only the repeated one is throttled
        admin = served.login(served.acme.admin_email, served.acme.admin_password, "192.0.2.1")
    assert spread == [401] * 4
    assert one == [401, 401, 401, 429]
    assert admin == 200


def _in_parallel(count: int, call: Callable[[], T]) -> list[T]:
    """`count` calls released at once from their own threads."""
    start = threading.Barrier(count)
    results: list[T] = []
    lock = threading.Lock()

    def run() -> None:
        start.wait()
        status = call()
        with lock:
            results.append(status)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_twenty_parallel_wrong_passwords_get_at_most_five_checks(settings):
    # GIVEN the default limit of 5 failed logins per account, many per address
    with _served(settings, login_max_failures_per_address=1000) as served:
        email, password = served.acme.admin_email, served.acme.admin_password

        # WHEN 20 wrong passwords for that account arrive at once, each on its own connection
        def guess() -> int:
            with httpx.Client(base_url=str(served.http.base_url), timeout=120) as http:
                return Served(served.platform, served.acme, http).login(email, "wrong-pass")

        statuses = Counter(_in_parallel(20, guess))
        # THEN at most 5 were checked (401) and every other one was refused unchecked (429)
        assert set(statuses) <= {401, 429}
        assert statuses[401] <= 5
        assert statuses[429] >= 15
        # AND the right password is refused too, until the window has passed
        assert served.login(email, password) == 429


class _Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def acme_auth(platform) -> tuple[AuthService, TenantCreated, _Clock]:
    """The auth service on the real master database, with a clock the test moves."""
    acme = platform.tenants.create(
        CreateTenant(slug="acme", name="Acme Oil", admin_email="admin@acme.test")
    )
    clock = _Clock()
    tokens = JwtAccessTokenCodec(jwt_signing_key(platform.settings, platform.secrets))
    policy = AuthPolicy(failure_window_s=900, max_failures_per_account=5)
    service = AuthService(platform.master, Argon2PasswordHasher(), tokens, policy, clock)
    return service, acme, clock


def _attempt(service: AuthService, acme: TenantCreated, password: str) -> str:
    try:
        service.login(acme.tenant, acme.admin_email, password, "192.0.2.50")
    except ThrottledError:
        return "throttled"
    except AuthenticationError:
        return "refused"
    return "ok"


def test_concurrent_service_calls_count_each_attempt_and_the_window_reopens(acme_auth):
    service, acme, clock = acme_auth
    # GIVEN 12 wrong passwords for acme's admin at the same moment, from 12 threads
    outcomes = Counter(_in_parallel(12, lambda: _attempt(service, acme, "wrong-pass")))
    # THEN 5 were checked and refused, the other 7 throttled without a check
    assert outcomes == Counter({"refused": 5, "throttled": 7})
    # AND the right password is throttled until the window has passed
    clock.now += timedelta(seconds=899)
    assert _attempt(service, acme, acme.admin_password) == "throttled"
    clock.now += timedelta(seconds=2)
    assert _attempt(service, acme, acme.admin_password) == "ok"


def test_attempt_windows_restart_when_ended_and_ended_ones_are_pruned(platform):
    # GIVEN two keys counted at 08:00 and one at 08:10, with 15-minute windows
    t0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    with platform.master.unit_of_work() as uow:
        counts = [uow.login_attempts.count_attempt("k:a", t0, 900) for _ in range(3)]
        uow.login_attempts.count_attempt("k:b", t0, 900)
        uow.login_attempts.count_attempt("k:c", t0 + timedelta(minutes=10), 900)
        uow.commit()
    assert [c.attempts for c in counts] == [1, 2, 3]
    with platform.master.unit_of_work() as uow:
        # WHEN k:a is counted again once its window has ended, and ended windows are pruned
        restarted = uow.login_attempts.count_attempt("k:a", t0 + timedelta(minutes=15), 900)
        uow.login_attempts.prune(t0 + timedelta(minutes=1))
        uow.commit()
    # THEN k:a starts a new window, k:b is forgotten, k:c keeps counting
    assert (restarted.attempts, restarted.started_at) == (1, t0 + timedelta(minutes=15))
    with platform.master.engine.connect() as connection:
        keys = set(connection.execute(sa.select(login_throttle.c.throttle_key)).scalars())
    assert keys == {"k:a", "k:c"}
    with platform.master.unit_of_work() as uow:
        c = uow.login_attempts.count_attempt("k:c", t0 + timedelta(minutes=16), 900)
    assert c.attempts == 2
