"""In-memory BlobStore, the twin every BlobStore adapter is tested against.

Its upload/download URLs point at the WellOS API like the filesystem store's;
`verify_token` checks them and `put_once` stores an upload once per token.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from shared.adapters.local.blob_tokens import BlobGrant, BlobTokenSigner, UsedUploads
from shared.core.common.errors import BlobNotFoundError, UploadLinkUsedError
from shared.core.keys.model import SigningKeys
from shared.core.ports.blobs import BlobInfo, UploadTarget, validate_key, validate_prefix


class InMemoryBlobStore:
    def __init__(
        self,
        token_secret: bytes | Callable[[], SigningKeys] = b"in-memory-blob-store-token-secret",
        api_base: str = "http://localhost:7071",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._blobs: dict[str, tuple[bytes, BlobInfo]] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._tokens = BlobTokenSigner(token_secret, api_base, clock)
        self._used = UsedUploads(clock)

    def put(self, key: str, data: bytes, content_type: str) -> BlobInfo:
        validate_key(key)
        etag = hashlib.md5(data, usedforsecurity=False).hexdigest()
        info = BlobInfo(key, len(data), content_type, etag, self._clock())
        with self._lock:
            self._blobs[key] = (bytes(data), info)
        return info

    def get(self, key: str) -> bytes:
        validate_key(key)
        with self._lock:
            found = self._blobs.get(key)
        if found is None:
            raise BlobNotFoundError(key)
        return found[0]

    def head(self, key: str) -> BlobInfo | None:
        validate_key(key)
        with self._lock:
            found = self._blobs.get(key)
        return None if found is None else found[1]

    def delete(self, key: str) -> None:
        validate_key(key)
        with self._lock:
            self._blobs.pop(key, None)

    def list(self, prefix: str = "", limit: int = 1000) -> list[BlobInfo]:
        validate_prefix(prefix)
        with self._lock:
            keys = sorted(k for k in self._blobs if k.startswith(prefix))[:limit]
            return [replace(self._blobs[k][1]) for k in keys]

    def upload_url(
        self, key: str, content_type: str, max_bytes: int, expires_s: int = 900
    ) -> UploadTarget:
        validate_key(key)
        return self._tokens.upload_target(key, content_type, max_bytes, expires_s)

    def download_url(self, key: str, expires_s: int = 900) -> str:
        validate_key(key)
        return self._tokens.download_url(key, expires_s)

    def verify_token(self, key: str, token: str, method: str = "PUT") -> BlobGrant:
        """The grant of a token this store issued; InvalidBlobTokenError otherwise."""
        return self._tokens.verify(key, token, method)

    def put_once(self, grant: BlobGrant, data: bytes, content_type: str) -> BlobInfo:
        """Store an upload once per token and never over a blob (a retry of the same
        bytes answers the stored one); UploadLinkUsedError otherwise."""
        validate_key(grant.key)
        etag = hashlib.md5(data, usedforsecurity=False).hexdigest()
        with self._lock:
            found = self._blobs.get(grant.key)
            if found is None and self._used.claim(grant):
                info = BlobInfo(grant.key, len(data), content_type, etag, self._clock())
                self._blobs[grant.key] = (bytes(data), info)
                return info
        if found is not None and found[1].etag == etag:
            return found[1]
        raise UploadLinkUsedError(grant.key)
