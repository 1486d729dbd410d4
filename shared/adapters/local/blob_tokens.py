"""Signed, expiring upload/download tokens for blob stores served by the WellOS API.

The local stores (filesystem, memory) hand out `{api_base}/api/v1/blobs/{key}?token=…`
URLs. The token is `base64url(json claims).base64url(HMAC-SHA256)`; the claims bind
the method, key, expiry and, for uploads, the content type, the maximum size and a
nonce: the API route enforces the first after `verify`, and the store records the
nonce when the upload is stored (`UsedUploads`), so an upload link works once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shared.core.common.errors import InvalidBlobTokenError
from shared.core.keys.model import SigningKeys
from shared.core.ports.blobs import UploadTarget, validate_key

_NONCE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass(frozen=True)
class BlobGrant:
    """What a verified token allows."""

    method: str
    key: str
    expires_at: datetime
    content_type: str | None = None
    max_bytes: int | None = None
    nonce: str | None = None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class BlobTokenSigner:
    """Signs with one secret, or with a key source's current key (`ServerKeys.source`),
    accepting every key still verifying (the previous one during a rotation's grace)."""

    def __init__(
        self,
        secret: bytes | Callable[[], SigningKeys],
        api_base: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if isinstance(secret, bytes):
            fixed = (secret, (secret,))
            self._keys: Callable[[], tuple[bytes, tuple[bytes, ...]]] = lambda: fixed
        else:
            source = secret

            def encoded() -> tuple[bytes, tuple[bytes, ...]]:
                keys = source()
                return keys.sign.encode(), tuple(k.encode() for k in keys.verify)

            self._keys = encoded
        if len(self._keys()[0]) < 32:
            raise ValueError("the blob token secret needs at least 32 bytes")
        self._api_base = api_base.rstrip("/")
        self._clock = clock

    def upload_target(
        self, key: str, content_type: str, max_bytes: int, expires_s: int
    ) -> UploadTarget:
        expires_at = self._expiry(expires_s)
        nonce = secrets.token_urlsafe(12)
        grant = BlobGrant("PUT", key, expires_at, content_type, max_bytes, nonce)
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
            **({"n": grant.nonce} if grant.nonce else {}),
        }
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{payload}.{_mac(self._keys()[0], payload)}"

    def verify(self, key: str, token: str, method: str) -> BlobGrant:
        """The grant of a valid token for `method` on `key`; InvalidBlobTokenError otherwise."""
        validate_key(key)
        payload, _, mac = token.partition(".")
        matches = [
            hmac.compare_digest(mac.encode(), _mac(secret, payload).encode())
            for secret in self._keys()[1]
        ]
        if not any(matches):
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
        nonce = claims.get("n")
        if method == "PUT" and not (isinstance(nonce, str) and _NONCE.fullmatch(nonce)):
            raise InvalidBlobTokenError("blob token is malformed")
        return BlobGrant(method, key, expires_at, claims.get("ct"), claims.get("mx"), nonce)

    def _expiry(self, expires_s: int) -> datetime:
        """Whole seconds, rounded up, so the token lives at least `expires_s`."""
        moment = self._clock() + timedelta(seconds=expires_s)
        return datetime.fromtimestamp(math.ceil(moment.timestamp()), UTC)


def _mac(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest())


class UsedUploads:
    """The nonces of upload tokens already used, until their tokens expire (in memory)."""

    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._used: dict[str, datetime] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def claim(self, grant: BlobGrant) -> bool:
        """Record the grant's nonce; False when it was recorded before (a reuse)."""
        now = self._clock()
        with self._lock:
            self._used = {n: at for n, at in self._used.items() if at > now}
            if grant.nonce is None or grant.nonce in self._used:
                return False
            self._used[grant.nonce] = grant.expires_at
            return True
