"""Signed, expiring upload/download tokens for blob stores served by the WellOS API.

The local stores (filesystem, memory) hand out `{api_base}/api/v1/blobs/{key}?token=…`
URLs. The token is `base64url(json claims).base64url(HMAC-SHA256)`; the claims bind
the method, key, expiry and, for uploads, the content type and maximum size, which
the API route enforces after `verify`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shared.core.errors import InvalidBlobTokenError
from shared.core.ports.blobs import UploadTarget, validate_key


@dataclass(frozen=True)
class BlobGrant:
    """What a verified token allows."""

    method: str
    key: str
    expires_at: datetime
    content_type: str | None = None
    max_bytes: int | None = None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class BlobTokenSigner:
    def __init__(
        self,
        secret: bytes,
        api_base: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if len(secret) < 32:
            raise ValueError("the blob token secret needs at least 32 bytes")
        self._secret = secret
        self._api_base = api_base.rstrip("/")
        self._clock = clock

    def upload_target(
        self, key: str, content_type: str, max_bytes: int, expires_s: int
    ) -> UploadTarget:
        expires_at = self._expiry(expires_s)
        grant = BlobGrant("PUT", key, expires_at, content_type, max_bytes)
        url = f"{self._api_base}/api/v1/blobs/{key}?token={self.sign(grant)}"
        return UploadTarget("PUT", url, {"Content-Type": content_type}, expires_at)

    def download_url(self, key: str, expires_s: int) -> str:
        grant = BlobGrant("GET", key, self._expiry(expires_s))
        return f"{self._api_base}/api/v1/blobs/{key}?token={self.sign(grant)}"

    def sign(self, grant: BlobGrant) -> str:
        claims = {
            "m": grant.method,
            "k": grant.key,
            "e": int(grant.expires_at.timestamp()),
            "ct": grant.content_type,
            "mx": grant.max_bytes,
        }
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{payload}.{self._mac(payload)}"

    def verify(self, key: str, token: str, method: str) -> BlobGrant:
        """The grant of a valid token for `method` on `key`; InvalidBlobTokenError otherwise."""
        validate_key(key)
        payload, _, mac = token.partition(".")
        if not hmac.compare_digest(mac.encode(), self._mac(payload).encode()):
            raise InvalidBlobTokenError("blob token signature does not match")
        try:
            claims = json.loads(_unb64(payload))
        except (binascii.Error, ValueError) as exc:
            raise InvalidBlobTokenError("blob token is malformed") from exc
        if claims.get("k") != key or claims.get("m") != method:
            raise InvalidBlobTokenError(f"blob token is not for {method} {key}")
        expires_at = datetime.fromtimestamp(int(claims["e"]), UTC)
        if expires_at <= self._clock():
            raise InvalidBlobTokenError("blob token has expired")
        return BlobGrant(method, key, expires_at, claims.get("ct"), claims.get("mx"))

    def _expiry(self, expires_s: int) -> datetime:
        """Whole seconds, rounded up, so the token lives at least `expires_s`."""
        moment = self._clock() + timedelta(seconds=expires_s)
        return datetime.fromtimestamp(math.ceil(moment.timestamp()), UTC)

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._secret, payload.encode(), hashlib.sha256).digest())
