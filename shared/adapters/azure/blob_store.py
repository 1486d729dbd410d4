"""BlobStore on one Azure Blob Storage container (azure-storage-blob).

The container is created on first use if missing. Upload and download URLs are
blob SAS URLs: signed with the account key when the client has one (connection
string, Azurite), else with a user delegation key (Entra ID identity; the identity
needs "Storage Blob Delegator"). A SAS binds the blob, the permission and the
expiry but cannot cap the size: callers that care check `head(key).size`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING

from azure.core.exceptions import AzureError, ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import (
    BlobProperties,
    BlobSasPermissions,
    BlobServiceClient,
    ContainerClient,
    ContentSettings,
    UserDelegationKey,
    generate_blob_sas,
)

from shared.core.common.errors import BlobError, BlobNotFoundError
from shared.core.ports.blobs import BlobInfo, UploadTarget, validate_key, validate_prefix

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential

_DELEGATION_KEY_LIFETIME = timedelta(hours=6)


def blob_service_client(
    *,
    connection_string: str | None = None,
    account_url: str | None = None,
    credential: TokenCredential | None = None,
) -> BlobServiceClient:
    """A client from a connection string, or an account URL and (default) Entra ID identity."""
    if connection_string:
        return BlobServiceClient.from_connection_string(connection_string)
    if account_url:
        if credential is None:
            from azure.identity import DefaultAzureCredential

            credential = DefaultAzureCredential()
        return BlobServiceClient(account_url, credential=credential)
    raise ValueError("Blob Storage needs a connection string or an account URL")


class AzureBlobStore:
    def __init__(self, service: BlobServiceClient, container: str) -> None:
        self._service = service
        self._container_name = container
        self._container: ContainerClient | None = None
        self._delegation: UserDelegationKey | None = None
        self._lock = threading.Lock()

    def _ready(self) -> ContainerClient:
        """The container client, after creating the container once per process if missing."""
        with self._lock:
            if self._container is None:
                container = self._service.get_container_client(self._container_name)
                try:
                    container.create_container()
                except ResourceExistsError:
                    pass
                self._container = container
            return self._container

    def put(self, key: str, data: bytes, content_type: str) -> BlobInfo:
        validate_key(key)
        with self._translated(key):
            blob = self._ready().get_blob_client(key)
            settings = ContentSettings(content_type=content_type)
            result = blob.upload_blob(data, overwrite=True, content_settings=settings)
        etag = str(result.get("etag", "")).strip('"')
        modified = result.get("last_modified") or datetime.now(UTC)
        return BlobInfo(key, len(data), content_type, etag, modified)

    def get(self, key: str) -> bytes:
        validate_key(key)
        with self._translated(key):
            return self._ready().get_blob_client(key).download_blob().readall()

    def head(self, key: str) -> BlobInfo | None:
        validate_key(key)
        try:
            with self._translated(key):
                properties = self._ready().get_blob_client(key).get_blob_properties()
        except BlobNotFoundError:
            return None
        return _info(properties)

    def delete(self, key: str) -> None:
        validate_key(key)
        try:
            with self._translated(key):
                self._ready().get_blob_client(key).delete_blob()
        except BlobNotFoundError:
            pass

    def list(self, prefix: str = "", limit: int = 1000) -> list[BlobInfo]:
        validate_prefix(prefix)
        with self._translated(prefix):
            pages = self._ready().list_blobs(
                name_starts_with=prefix or None, results_per_page=min(limit, 5000)
            )
            return [_info(item) for item in islice(pages, limit)]

    def upload_url(
        self, key: str, content_type: str, max_bytes: int, expires_s: int = 900
    ) -> UploadTarget:
        expires_at = datetime.now(UTC) + timedelta(seconds=expires_s)
        url = self._sas_url(key, BlobSasPermissions(create=True, write=True), expires_at)
        headers = {
            "x-ms-blob-type": "BlockBlob",
            "x-ms-blob-content-type": content_type,
            "Content-Type": content_type,
        }
        return UploadTarget("PUT", url, headers, expires_at)

    def download_url(self, key: str, expires_s: int = 900) -> str:
        expires_at = datetime.now(UTC) + timedelta(seconds=expires_s)
        return self._sas_url(key, BlobSasPermissions(read=True), expires_at)

    def _sas_url(self, key: str, permission: BlobSasPermissions, expires_at: datetime) -> str:
        validate_key(key)
        with self._translated(key):
            blob = self._ready().get_blob_client(key)
            account_key = getattr(self._service.credential, "account_key", None)
            sas = generate_blob_sas(
                account_name=str(self._service.account_name),
                container_name=self._container_name,
                blob_name=key,
                account_key=account_key,
                user_delegation_key=None if account_key else self._delegation_key(expires_at),
                permission=permission,
                expiry=expires_at,
                start=datetime.now(UTC) - timedelta(minutes=5),
            )
        return f"{blob.url}?{sas}"

    def _delegation_key(self, expires_at: datetime) -> UserDelegationKey:
        """A user delegation key valid past `expires_at`, reused while it is."""
        with self._lock:
            current = self._delegation
            expiry = _parse_time(current.signed_expiry) if current else None
            if current is None or expiry is None or expiry <= expires_at:
                start = datetime.now(UTC) - timedelta(minutes=5)
                lifetime = max(_DELEGATION_KEY_LIFETIME, expires_at - start + timedelta(hours=1))
                current = self._service.get_user_delegation_key(start, start + lifetime)
                self._delegation = current
            return current

    @contextmanager
    def _translated(self, key: str) -> Iterator[None]:
        try:
            yield
        except ResourceNotFoundError as exc:
            raise BlobNotFoundError(key) from exc
        except AzureError as exc:
            reason = getattr(exc, "error_code", None) or type(exc).__name__
            raise BlobError(f"Azure Blob failed on {self._container_name}/{key}: {reason}") from exc


def _info(properties: BlobProperties) -> BlobInfo:
    return BlobInfo(
        key=str(properties.name),
        size=int(properties.size),
        content_type=properties.content_settings.content_type,
        etag=str(properties.etag).strip('"'),
        last_modified=properties.last_modified,
    )


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
