"""BlobStore port: named byte objects (Azure Blob, S3, the filesystem locally).

Keys look like paths (`tenants/acme/uploads/2024-05-01/rtu-7.csv`); `validate_key`
is the one rule every adapter applies. Clients upload and download directly with
the URLs `upload_url` / `download_url` hand out (SAS, presigned, or a token the
WellOS API checks), so large files never pass through a function.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from shared.core.common.errors import InputError

MAX_KEY_LENGTH = 1024
_KEY = re.compile(r"^[A-Za-z0-9._=-]+(/[A-Za-z0-9._=-]+)*$")


@dataclass(frozen=True)
class BlobInfo:
    """What a store knows about a blob; `content_type` is None in S3 listings."""

    key: str
    size: int
    content_type: str | None
    etag: str
    last_modified: datetime


@dataclass(frozen=True)
class UploadTarget:
    """Where and how a client uploads: send `method` to `url` with `headers` and the bytes."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    expires_at: datetime | None = None


class BlobStore(Protocol):
    """One container/bucket/directory of blobs."""

    def put(self, key: str, data: bytes, content_type: str) -> BlobInfo:
        """Create or replace the blob at `key`."""
        ...

    def get(self, key: str) -> bytes:
        """The blob's bytes; BlobNotFoundError if there is none."""
        ...

    def head(self, key: str) -> BlobInfo | None:
        """The blob's info, or None."""
        ...

    def delete(self, key: str) -> None:
        """Remove the blob; deleting a missing one is not an error."""
        ...

    def list(self, prefix: str = "", limit: int = 1000) -> list[BlobInfo]:
        """Up to `limit` blobs whose keys start with `prefix`, in key order."""
        ...

    def upload_url(
        self, key: str, content_type: str, max_bytes: int, expires_s: int = 900
    ) -> UploadTarget:
        """A direct upload; `max_bytes` is enforced where the target can (see adapters)."""
        ...

    def download_url(self, key: str, expires_s: int = 900) -> str:
        """A URL that serves the blob by plain GET until it expires."""
        ...


def validate_key(key: str) -> str:
    """Path-like keys of `A-Z a-z 0-9 . _ = -` segments joined by `/`; no `.`/`..` segment."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InputError("key", f"must be 1-{MAX_KEY_LENGTH} characters")
    if not _KEY.match(key):
        raise InputError("key", "use segments of A-Z, a-z, 0-9, '.', '_', '=', '-' joined by '/'")
    if any(segment in {".", ".."} for segment in key.split("/")):
        raise InputError("key", "'.' and '..' segments are not allowed")
    return key


def validate_prefix(prefix: str) -> str:
    """A listing prefix: empty, or a key start (it may end with `/`)."""
    if prefix:
        validate_key(prefix.removesuffix("/"))
    return prefix
