"""The local stores (memory twin and filesystem) store an upload once per token and never
over an existing blob; a retry of the very same bytes answers the stored blob."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from shared.adapters.local.blob_tokens import BlobGrant
from shared.adapters.local.filesystem_blobs import FilesystemBlobStore
from shared.adapters.memory.blobs import InMemoryBlobStore
from shared.core.common.errors import UploadLinkUsedError

SECRET = b"contract-test-blob-token-secret-32b"
Store = InMemoryBlobStore | FilesystemBlobStore


@pytest.fixture(params=["memory", "filesystem"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "memory":
        return InMemoryBlobStore(SECRET, "http://wellos.test")
    return FilesystemBlobStore(tmp_path / "blobs", SECRET, "http://wellos.test")


def _grant(store: Store, key: str) -> BlobGrant:
    url = store.upload_url(key, "image/jpeg", max_bytes=100).url
    token = parse_qs(urlsplit(url).query)["token"][0]
    return store.verify_token(key, token, "PUT")


def test_a_token_stores_once_and_a_retry_of_the_same_bytes_is_answered(store):
    grant = _grant(store, "t/photos/a.jpg")
    first = store.put_once(grant, b"photo", "image/jpeg")
    assert store.put_once(grant, b"photo", "image/jpeg").etag == first.etag
    with pytest.raises(UploadLinkUsedError):
        store.put_once(grant, b"other", "image/jpeg")
    assert store.get("t/photos/a.jpg") == b"photo"


def test_a_fresh_token_never_overwrites_an_existing_blob(store):
    store.put("t/photos/b.jpg", b"linked photo", "image/jpeg")
    with pytest.raises(UploadLinkUsedError):
        store.put_once(_grant(store, "t/photos/b.jpg"), b"replacement", "image/jpeg")
    assert store.get("t/photos/b.jpg") == b"linked photo"


def test_a_used_token_stays_used_when_its_blob_is_gone(store):
    grant = _grant(store, "t/photos/c.jpg")
    store.put_once(grant, b"photo", "image/jpeg")
    store.delete("t/photos/c.jpg")
    with pytest.raises(UploadLinkUsedError):
        store.put_once(grant, b"photo", "image/jpeg")
    assert store.head("t/photos/c.jpg") is None


def test_concurrent_uploads_on_one_token_store_one_of_them(store):
    grant = _grant(store, "t/photos/d.jpg")
    outcomes: list[str] = []
    start = threading.Barrier(8)

    def upload(data: bytes) -> Callable[[], None]:
        def run() -> None:
            start.wait()
            try:
                store.put_once(grant, data, "image/jpeg")
                outcomes.append("stored")
            except UploadLinkUsedError:
                outcomes.append("refused")

        return run

    threads = [threading.Thread(target=upload(b"photo-%d" % n)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 7 + ["stored"]
    assert store.get("t/photos/d.jpg").startswith(b"photo-")
