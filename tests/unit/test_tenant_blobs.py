"""The blob router: each tenant's blobs in the store its storage_provider names."""

from __future__ import annotations

import pytest

from shared.adapters.memory.blobs import InMemoryBlobStore
from shared.adapters.tenant_blobs import TenantBlobStores
from shared.core.common.errors import BlobError

PROVIDERS = {"acme": "filesystem", "basin": "s3", "cloudy": "azure"}


@pytest.fixture
def stores() -> dict[str, InMemoryBlobStore]:
    return {"filesystem": InMemoryBlobStore(), "s3": InMemoryBlobStore()}


@pytest.fixture
def router(stores: dict[str, InMemoryBlobStore]) -> TenantBlobStores:
    builders = {name: (lambda store=store: store) for name, store in stores.items()}
    return TenantBlobStores("filesystem", builders, PROVIDERS.get)


def test_each_tenant_writes_to_its_own_provider(router, stores):
    # WHEN two tenants on different providers store a file each
    router.put("tenants/acme/photos/a.jpg", b"a", "image/jpeg")
    router.put("tenants/basin/photos/b.jpg", b"b", "image/jpeg")
    # THEN each file is in its tenant's store only, and reads back through the router
    assert [b.key for b in stores["filesystem"].list("tenants/")] == ["tenants/acme/photos/a.jpg"]
    assert [b.key for b in stores["s3"].list("tenants/")] == ["tenants/basin/photos/b.jpg"]
    assert router.get("tenants/basin/photos/b.jpg") == b"b"
    assert [b.key for b in router.list("tenants/basin/")] == ["tenants/basin/photos/b.jpg"]


def test_keys_outside_a_known_tenant_go_to_the_default_store(router, stores):
    router.put("tenants/unknown/x.bin", b"x", "application/octet-stream")
    router.put("shared/y.bin", b"y", "application/octet-stream")
    assert {b.key for b in stores["filesystem"].list()} == {"tenants/unknown/x.bin", "shared/y.bin"}


def test_a_provider_this_process_cannot_build_names_the_tenant(router):
    with pytest.raises(BlobError, match=r"tenant cloudy: blob store 'azure' is not configured"):
        router.upload_url("tenants/cloudy/a.jpg", "image/jpeg", 100)


def test_a_store_is_built_once_on_first_use():
    built: list[str] = []

    def build() -> InMemoryBlobStore:
        built.append("s3")
        return InMemoryBlobStore()

    router = TenantBlobStores("s3", {"s3": build}, lambda slug: None)
    assert built == []  # no client before the first call
    router.put("tenants/a/x", b"1", "text/plain")
    router.put("tenants/b/x", b"2", "text/plain")
    assert built == ["s3"]
