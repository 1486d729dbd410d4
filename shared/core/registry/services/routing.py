"""Which tenant a request is for, and the cached registry lookup behind it."""

from __future__ import annotations

import time
from collections.abc import Callable

from shared.core.common.errors import InputError
from shared.core.common.ttl_cache import TtlCache
from shared.core.registry.errors import (
    TenantRoutingError,
    TenantSuspendedError,
    UnknownTenantError,
)
from shared.core.registry.model.tenants import RESERVED_SUBDOMAINS, Tenant, validate_slug
from shared.core.registry.ports import MasterDatabase


def slug_from_request(host: str | None, header: str | None, base_domain: str) -> str:
    """The tenant slug named by the `Host` subdomain or the `X-WellOS-Tenant` header.

    Raises TenantRoutingError when neither names one, when they disagree, or when
    the subdomain is reserved.
    """
    from_host = _slug_from_host(host, base_domain)
    from_header = header.strip().lower() if header and header.strip() else None
    if from_host and from_header and from_host != from_header:
        raise TenantRoutingError("the Host subdomain and X-WellOS-Tenant name different tenants")
    slug = from_host or from_header
    if slug is None:
        raise TenantRoutingError(
            f"no tenant in the request: use https://{{tenant}}.{base_domain} "
            "or the X-WellOS-Tenant header"
        )
    if slug in RESERVED_SUBDOMAINS:
        raise TenantRoutingError(f"'{slug}' is a reserved subdomain, not a tenant")
    try:
        return validate_slug(slug)
    except InputError as exc:
        raise TenantRoutingError(f"'{slug}' is not a valid tenant name") from exc


def _slug_from_host(host: str | None, base_domain: str) -> str | None:
    if not host:
        return None
    hostname = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    hostname = hostname.strip().lower().rstrip(".")
    suffix = "." + base_domain
    if not hostname.endswith(suffix):
        return None
    subdomain = hostname[: -len(suffix)]
    if "." in subdomain:
        raise TenantRoutingError(f"'{subdomain}' is not a tenant subdomain of {base_domain}")
    return subdomain or None


class TenantResolver:
    """Registry lookups by slug, cached for `ttl_s` seconds (suspensions apply within it)."""

    def __init__(
        self,
        master: MasterDatabase,
        ttl_s: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._master = master
        self._cache: TtlCache[str, Tenant | None] = TtlCache(ttl_s, monotonic)

    def lookup(self, slug: str) -> Tenant | None:
        return self._cache.get_or_load(slug, lambda: self._load(slug))

    def _load(self, slug: str) -> Tenant | None:
        with self._master.unit_of_work() as uow:
            return uow.tenants.get_by_slug(slug)

    def resolve(self, slug: str) -> Tenant:
        """The serving tenant for `slug`, or UnknownTenantError / TenantSuspendedError."""
        return self._serving(slug, self.lookup(slug))

    def resolve_cached(self, slug: str) -> Tenant | None:
        """`resolve` from the cache alone: None when it would query the registry.

        The API's event loop answers most requests from here, without a worker thread.
        """
        hit = self._cache.peek(slug)
        return None if hit is None else self._serving(slug, hit[0])

    @staticmethod
    def _serving(slug: str, tenant: Tenant | None) -> Tenant:
        if tenant is None:
            raise UnknownTenantError(slug)
        if not tenant.is_serving:
            raise TenantSuspendedError(slug)
        return tenant

    def invalidate(self, slug: str | None = None) -> None:
        self._cache.forget(slug)
