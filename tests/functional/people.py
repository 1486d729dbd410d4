"""Who the functional tests act as, and the tenant they act in."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from shared.core.common.actor import Actor
from shared.core.common.roles import Role
from shared.core.registry.model.tenants import DatabaseKind, Tenant, TenantStatus

START = datetime(2026, 11, 3, 12, tzinfo=UTC)


def tenant(slug: str = "acme") -> Tenant:
    return Tenant(
        str(uuid.uuid4()), slug, slug.title(), TenantStatus.ACTIVE, "standard",
        DatabaseKind.POSTGRESQL, "unused", "local", "local",
    )  # fmt: skip


def actor(of: Tenant, role: Role, email: str | None = None) -> Actor:
    name = email or f"{role.value.lower()}@{of.slug}.com"
    return Actor(str(uuid.uuid4()), name, role, of.id, of.slug, "req-1")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now
