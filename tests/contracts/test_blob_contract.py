"""The BlobStore contract: one suite, run against every adapter.

memory (the twin), filesystem (local), azurite (AzureBlobStore on Azurite),
s3-moto (S3BlobStore on moto server). Upload/download URLs are exercised with real
HTTP requests (httpx); for the local stores, whose URLs point at the WellOS API,
a stand-in for that route (`api_route`) answers through httpx.MockTransport.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from azure.core.exceptions import ResourceNotFoundError

from shared.adapters.aws.s3_blob_store import S3BlobStore, create_bucket
from shared.adapters.azure.blob_store import AzureBlobStore, blob_service_client
from shared.adapters.local.blob_tokens import BlobGrant
from shared.adapters.local.filesystem_blobs import FilesystemBlobStore
from shared.adapters.memory.blobs import InMemoryBlobStore
from shared.core.common.errors import (
    BlobNotFoundError,
    InputError,
    InvalidBlobTokenError,
    NotFoundError,
)
from shared.core.ports.blobs import BlobStore

API_BASE = "http://wellos.test"
SECRET = b"contract-test-blob-token-secret-32b"


class TokenStore(BlobStore, Protocol):
    def verify_token(self, key: str, token: str, method: str = "PUT") -> BlobGrant: ...


def api_route(store: TokenStore) -> Callable[[httpx.Request], httpx.Response]:
    """What the API's `/api/v1/blobs/{key}` route must do: verify, enforce, then act."""

    def handle(request: httpx.Request) -> httpx.Response:
        key = request.url.path.removeprefix("/api/v1/blobs/")
        try:
            grant = store.verify_token(key, request.url.params.get("token", ""), request.method)
        except InvalidBlobTokenError as refused:
            return httpx.Response(403, text=refused.detail)
        if request.method == "GET":
            return httpx.Response(200, content=store.get(key))
        if grant.max_bytes is not None and len(request.content) > grant.max_bytes:
            return httpx.Response(413)
        if request.headers.get("content-type") != grant.content_type:
            return httpx.Response(415)
        store.put(key, request.content, str(grant.content_type))
        return httpx.Response(201)

    return handle


@dataclass
class BlobHarness:
    store: BlobStore
    prefix: str
    http: httpx.Client
    checks_signatures: bool

    def key(self, name: str) -> str:
        return f"{self.prefix}/{name}"


def _prefix() -> str:
    return "t" + uuid.uuid4().hex[:10]


def _local(store: TokenStore) -> BlobHarness:
    client = httpx.Client(transport=httpx.MockTransport(api_route(store)))
    return BlobHarness(store, _prefix(), client, checks_signatures=True)


@pytest.fixture(params=["memory", "filesystem", "azurite", "s3-moto"])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BlobHarness]:
    kind = request.param
    if kind == "memory":
        yield _local(InMemoryBlobStore(SECRET, API_BASE))
    elif kind == "filesystem":
        yield _local(FilesystemBlobStore(tmp_path / "blobs", SECRET, API_BASE))
    elif kind == "azurite":
        service = blob_service_client(
            connection_string=request.getfixturevalue("azurite_connection_string")
        )
        container = "c" + uuid.uuid4().hex[:12]  # created by the adapter on first use
        with httpx.Client() as client:
            yield BlobHarness(AzureBlobStore(service, container), _prefix(), client, True)
        with contextlib.suppress(ResourceNotFoundError):  # never touched: never created
            service.delete_container(container)
    else:
        s3 = request.getfixturevalue("aws_client")("s3")
        bucket = "b" + uuid.uuid4().hex[:12]
        create_bucket(s3, bucket)
        with httpx.Client() as client:  # moto does not check presigned signatures
            yield BlobHarness(S3BlobStore(s3, bucket), _prefix(), client, False)


def test_put_then_get_head_round_trip(harness: BlobHarness) -> None:
    # GIVEN a CSV stored under a key
    key = harness.key("uploads/2024-05-01/rtu-7.csv")
    data = b"tag,value\nTP-1,412.5\n"
    put = harness.store.put(key, data, "text/csv")
    # THEN get returns the bytes and head tells size, content type, etag, time
    assert harness.store.get(key) == data
    head = harness.store.head(key)
    assert head is not None
    assert (head.key, head.size, head.content_type) == (key, len(data), "text/csv")
    assert head.etag and head.etag == put.etag
    assert abs(head.last_modified - datetime.now(UTC)) < timedelta(minutes=5)


def test_put_replaces_and_a_megabyte_survives(harness: BlobHarness) -> None:
    key = harness.key("big.bin")
    harness.store.put(key, b"old", "application/octet-stream")
    data = bytes(range(256)) * 4096
    harness.store.put(key, data, "application/octet-stream")
    assert harness.store.get(key) == data


def test_a_missing_blob_is_not_found(harness: BlobHarness) -> None:
    key = harness.key("nothing-here")
    with pytest.raises(BlobNotFoundError) as missing:
        harness.store.get(key)
    assert isinstance(missing.value, NotFoundError)
    assert harness.store.head(key) is None


def test_delete_removes_and_is_idempotent(harness: BlobHarness) -> None:
    key = harness.key("gone.txt")
    harness.store.put(key, b"x", "text/plain")
    harness.store.delete(key)
    harness.store.delete(key)
    assert harness.store.head(key) is None


def test_list_by_prefix_in_key_order_with_a_limit(harness: BlobHarness) -> None:
    # GIVEN blobs under two folders, including a key that is also a folder name
    for name in ["b/2.csv", "b/1.csv", "b", "b/sub/3.csv", "a/9.csv"]:
        harness.store.put(harness.key(name), name.encode(), "text/csv")
    # WHEN listing the folder b/
    listed = harness.store.list(harness.key("b/"))
    # THEN only its blobs come, in key order, with sizes
    names = [info.key.removeprefix(harness.prefix + "/") for info in listed]
    assert names == ["b/1.csv", "b/2.csv", "b/sub/3.csv"]
    assert [info.size for info in listed] == [7, 7, 11]
    assert len(harness.store.list(harness.prefix, limit=2)) == 2
    assert len(harness.store.list(harness.prefix + "/")) == 5


@pytest.mark.parametrize(
    "bad",
    ["", "/abs", "../etc/passwd", "a/../b", "a/./b", "a//b", "a/", "with space", "ü", "x" * 1025],
)
def test_bad_keys_are_refused_naming_key(harness: BlobHarness, bad: str) -> None:
    for call in (
        lambda: harness.store.put(bad, b"x", "text/plain"),
        lambda: harness.store.get(bad),
        lambda: harness.store.head(bad),
        lambda: harness.store.delete(bad),
        lambda: harness.store.upload_url(bad, "text/plain", 10),
        lambda: harness.store.download_url(bad),
    ):
        with pytest.raises(InputError) as refused:
            call()
        assert refused.value.field == "key"


def test_a_client_uploads_through_the_upload_url(harness: BlobHarness) -> None:
    # GIVEN an upload target for a key
    key = harness.key("field/shift-1.json")
    target = harness.store.upload_url(key, "application/json", max_bytes=1024, expires_s=300)
    assert target.expires_at is not None and target.expires_at > datetime.now(UTC)
    # WHEN a client sends the bytes as told
    data = b'{"events": []}'
    response = harness.http.request(target.method, target.url, headers=target.headers, content=data)
    # THEN the store holds them with the content type
    assert response.status_code in {200, 201}, response.text
    assert harness.store.get(key) == data
    head = harness.store.head(key)
    assert head is not None and head.content_type == "application/json"


def test_a_client_downloads_through_the_download_url(harness: BlobHarness) -> None:
    key = harness.key("reports/form-pr.pdf")
    harness.store.put(key, b"%PDF-1.7 fake", "application/pdf")
    response = harness.http.get(harness.store.download_url(key, expires_s=300))
    assert response.status_code == 200
    assert response.content == b"%PDF-1.7 fake"


def _tampered(url: str) -> str:
    """The URL with its signature (token MAC, SAS sig, SigV4 signature) changed."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    changed = []
    for name, value in query:
        if name in {"sig", "X-Amz-Signature"}:
            value = ("A" if value[0] != "A" else "B") + value[1:]
        elif name == "token":
            payload, _, mac = value.partition(".")
            value = f"{payload}.{'A' if mac[0] != 'A' else 'B'}{mac[1:]}"
        changed.append((name, value))
    return urlunsplit(parts._replace(query=urlencode(changed)))


def test_a_tampered_url_is_refused(harness: BlobHarness) -> None:
    if not harness.checks_signatures:
        pytest.skip("moto server does not verify presigned-URL signatures")
    key = harness.key("secret.csv")
    harness.store.put(key, b"a,b\n", "text/csv")
    download = harness.http.get(_tampered(harness.store.download_url(key)))
    target = harness.store.upload_url(key, "text/csv", 100)
    upload = harness.http.put(_tampered(target.url), headers=target.headers, content=b"evil")
    assert download.status_code == 403
    assert upload.status_code == 403
    assert harness.store.get(key) == b"a,b\n"


def test_an_expired_url_is_refused(harness: BlobHarness) -> None:
    if not harness.checks_signatures:
        pytest.skip("moto server does not check presigned-URL expiry")
    key = harness.key("soon-gone.csv")
    harness.store.put(key, b"a,b\n", "text/csv")
    url = harness.store.download_url(key, expires_s=1)
    time.sleep(2.1)
    assert harness.http.get(url).status_code == 403


def test_s3_presigned_put_binds_content_type_and_expiry(aws_client: Any) -> None:
    # moto does not verify presigned URLs, so check what S3 will: the signed parts
    store = S3BlobStore(aws_client("s3"), "any-bucket")
    target = store.upload_url("a/b.csv", "text/csv", max_bytes=100, expires_s=120)
    query = dict(parse_qsl(urlsplit(target.url).query))
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert query["X-Amz-Expires"] == "120"
    assert "content-type" in query["X-Amz-SignedHeaders"].split(";")
    assert target.headers == {"Content-Type": "text/csv"}
    assert urlsplit(target.url).path == "/any-bucket/a/b.csv"


# --- the local stores' tokens, which the API route relies on ---


@pytest.mark.parametrize("kind", ["memory", "filesystem"])
def test_local_tokens_bind_method_key_size_and_expiry(kind: str, tmp_path: Path) -> None:
    now = [datetime(2024, 5, 1, 12, 0, tzinfo=UTC)]
    clock = lambda: now[0]  # noqa: E731
    store: TokenStore = (
        InMemoryBlobStore(SECRET, API_BASE, clock)
        if kind == "memory"
        else FilesystemBlobStore(tmp_path, SECRET, API_BASE, clock)
    )
    target = store.upload_url("a/b.csv", "text/csv", max_bytes=1000, expires_s=60)
    assert target.url.startswith(f"{API_BASE}/api/v1/blobs/a/b.csv?token=")
    token = httpx.URL(target.url).params["token"]
    # THEN the token grants exactly this upload
    grant = store.verify_token("a/b.csv", token, "PUT")
    assert (grant.content_type, grant.max_bytes) == ("text/csv", 1000)
    for key, method in [("a/c.csv", "PUT"), ("a/b.csv", "GET")]:
        with pytest.raises(InvalidBlobTokenError):
            store.verify_token(key, token, method)
    # AND not after it expired
    now[0] += timedelta(seconds=61)
    with pytest.raises(InvalidBlobTokenError):
        store.verify_token("a/b.csv", token, "PUT")
    # AND a token of another secret is refused
    other = InMemoryBlobStore(b"another-secret-of-at-least-32-bytes", API_BASE, clock)
    foreign = httpx.URL(other.download_url("a/b.csv")).params["token"]
    with pytest.raises(InvalidBlobTokenError):
        store.verify_token("a/b.csv", foreign, "GET")
