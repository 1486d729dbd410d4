"""One BlobStore for the services, each tenant's blobs in the store its `storage_provider` names.

Every key the services write starts with `tenants/<slug>/`; the router looks the
tenant's provider up (a cached registry read) and hands the call to that store.
A key outside a tenant, or of a tenant the registry does not know, goes to the
default store (`WELLOS_BLOB_BACKEND`). A provider this process cannot build is
a BlobError naming the tenant and the provider, never a silent fallback: the
tenant's files would land where no one looks for them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from shared.core.common.errors import BlobError
from shared.core.ports.blobs import BlobInfo, BlobStore, UploadTarget

TENANT_PREFIX = "tenants/"


class TenantBlobStores:
    """A BlobStore routing by the tenant of the key; stores are built on first use."""

    def __init__(
        self,
        default: str,
        builders: Mapping[str, Callable[[], BlobStore]],
        provider_of: Callable[[str], str | None],
    ) -> None:
        if default not in builders:
            raise ValueError(f"no builder for the default blob store {default!r}")
        self._default = default
        self._builders = dict(builders)
        self._provider_of = provider_of
        self._stores: dict[str, BlobStore] = {}
        self._lock = threading.Lock()

    @property
    def default(self) -> BlobStore:
        return self.store(self._default)

    def store(self, provider: str) -> BlobStore:
        """The store of `provider` (built once), or BlobError when this process has none."""
        with self._lock:
            built = self._stores.get(provider)
            if built is None:
                builder = self._builders.get(provider)
                if builder is None:
                    configured = ", ".join(sorted(self._builders))
                    raise BlobError(
                        f"blob store {provider!r} is not configured here (configured: {configured})"
                    )
                built = self._stores[provider] = builder()
            return built

    def for_key(self, key: str) -> BlobStore:
        slug = key[len(TENANT_PREFIX) :].split("/", 1)[0] if key.startswith(TENANT_PREFIX) else ""
        provider = (self._provider_of(slug) if slug else None) or self._default
        try:
            return self.store(provider)
        except BlobError as exc:
            raise BlobError(f"tenant {slug}: {exc}") from None

    def put(self, key: str, data: bytes, content_type: str) -> BlobInfo:
        return self.for_key(key).put(key, data, content_type)

    def get(self, key: str) -> bytes:
        return self.for_key(key).get(key)

    def head(self, key: str) -> BlobInfo | None:
        return self.for_key(key).head(key)

    def delete(self, key: str) -> None:
        self.for_key(key).delete(key)

    def list(self, prefix: str = "", limit: int = 1000) -> list[BlobInfo]:
        return self.for_key(prefix).list(prefix, limit)

    def upload_url(
        self, key: str, content_type: str, max_bytes: int, expires_s: int = 900
    ) -> UploadTarget:
        return self.for_key(key).upload_url(key, content_type, max_bytes, expires_s)

    def download_url(self, key: str, expires_s: int = 900) -> str:
        return self.for_key(key).download_url(key, expires_s)
