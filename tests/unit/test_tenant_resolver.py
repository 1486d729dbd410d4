"""TenantResolver caches registry lookups for a TTL measured on an injected monotonic clock."""

from __future__ import annotations

from dataclasses import replace
from types import TracebackType

import pytest

from shared.core.registry.errors import TenantSuspendedError, UnknownTenantError
from shared.core.registry.model.tenants import DatabaseKind, Tenant, TenantStatus
from shared.core.registry.services.routing import TenantResolver


class _Registry:
    def __init__(self) -> None:
        self.by_slug: dict[str, Tenant] = {}

    def get_by_slug(self, slug: str) -> Tenant | None:
        return self.by_slug.get(slug)


class _UnitOfWork:
    def __init__(self, registry: _Registry) -> None:
        self.tenants = registry

    def __enter__(self) -> _UnitOfWork:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


class FakeMaster:
    """Just enough of the master database for the resolver: tenants by slug."""

    def __init__(self) -> None:
        self.registry = _Registry()

    def unit_of_work(self) -> _UnitOfWork:
        return _UnitOfWork(self.registry)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _tenant(slug: str, status: TenantStatus = TenantStatus.ACTIVE) -> Tenant:
    return Tenant(
        id=f"id-{slug}",
        slug=slug,
        name=slug.title(),
        status=status,
        tier="standard",
        database_kind=DatabaseKind.POSTGRESQL,
        connection_secret_ref=f"tenant-{slug}-database-url",
        region="local",
        storage_provider="filesystem",
    )


@pytest.fixture
def master() -> FakeMaster:
    fake = FakeMaster()
    fake.registry.by_slug["acme"] = _tenant("acme")
    return fake


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_suspension_applies_once_the_cached_entry_expires(master, clock):
    # GIVEN a resolver with a 15 s TTL that has resolved acme
    resolver = TenantResolver(master, ttl_s=15, monotonic=clock)
    assert resolver.resolve("acme").slug == "acme"
    # WHEN acme is suspended in the registry
    master.registry.by_slug["acme"] = _tenant("acme", TenantStatus.SUSPENDED)
    # THEN it is still served from the cache just before the TTL ends
    clock.now += 14.9
    assert resolver.resolve("acme").status is TenantStatus.ACTIVE
    # AND refused once the TTL has passed
    clock.now += 0.1
    with pytest.raises(TenantSuspendedError):
        resolver.resolve("acme")


def test_an_unknown_tenant_is_remembered_for_the_ttl_too(master, clock):
    resolver = TenantResolver(master, ttl_s=10, monotonic=clock)
    with pytest.raises(UnknownTenantError):
        resolver.resolve("newco")
    # WHEN newco is created right after
    master.registry.by_slug["newco"] = _tenant("newco")
    clock.now += 5
    # THEN it stays unknown until the TTL passes, then resolves
    with pytest.raises(UnknownTenantError):
        resolver.resolve("newco")
    clock.now += 5
    assert resolver.resolve("newco").slug == "newco"


def test_invalidate_forgets_one_slug_or_all(master, clock):
    resolver = TenantResolver(master, ttl_s=60, monotonic=clock)
    resolver.resolve("acme")
    master.registry.by_slug["acme"] = replace(master.registry.by_slug["acme"], name="Renamed")
    assert resolver.resolve("acme").name == "Acme"
    resolver.invalidate("acme")
    assert resolver.resolve("acme").name == "Renamed"
    master.registry.by_slug["acme"] = replace(master.registry.by_slug["acme"], name="Again")
    resolver.invalidate()
    assert resolver.resolve("acme").name == "Again"


def test_a_zero_ttl_reads_the_registry_every_time(master, clock):
    resolver = TenantResolver(master, ttl_s=0, monotonic=clock)
    resolver.resolve("acme")
    master.registry.by_slug["acme"] = _tenant("acme", TenantStatus.SUSPENDED)
    with pytest.raises(TenantSuspendedError):
        resolver.resolve("acme")


def test_trial_tenants_are_served(master, clock):
    master.registry.by_slug["trialco"] = _tenant("trialco", TenantStatus.TRIAL)
    resolver = TenantResolver(master, ttl_s=15, monotonic=clock)
    assert resolver.resolve("trialco").status is TenantStatus.TRIAL
