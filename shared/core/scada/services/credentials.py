"""Gateway credentials: derived from a server key, never stored.

A gateway's secret is HMAC-SHA256(server key, "wellos-gateway:v1:" + gateway id)
in hex. The server keeps only the key (Secrets port, `ingest-signing-key`), so
the drain and the config endpoint can recompute any gateway's secret while no
database holds one. The gateway signs batches with the secret's UTF-8 bytes and
authenticates HTTP calls with

    Authorization: Gateway <gateway id>:<secret>

Rotating the server key changes every gateway's secret at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets as token_generator
import threading
import uuid
from dataclasses import dataclass

from shared.core.common.errors import SecretNotFoundError
from shared.core.ports.secrets import Secrets
from shared.core.scada.errors import GatewayAuthenticationError

INGEST_KEY_SECRET_NAME = "ingest-signing-key"
AUTH_SCHEME = "Gateway"
_LABEL = b"wellos-gateway:v1:"


@dataclass(frozen=True)
class GatewayCredential:
    gateway_id: str
    secret: str

    @property
    def authorization(self) -> str:
        return f"{AUTH_SCHEME} {self.gateway_id}:{self.secret}"


class GatewayKeys:
    """Derives gateway secrets from the server key (read once, created when missing)."""

    def __init__(self, secrets: Secrets, secret_name: str = INGEST_KEY_SECRET_NAME) -> None:
        self._secrets = secrets
        self._name = secret_name
        self._key: bytes | None = None
        self._lock = threading.Lock()

    def secret_for(self, gateway_id: str) -> str:
        digest = hmac.new(self._server_key(), _LABEL + gateway_id.encode(), hashlib.sha256)
        return digest.hexdigest()

    def credential(self, gateway_id: str) -> GatewayCredential:
        return GatewayCredential(gateway_id, self.secret_for(gateway_id))

    def matches(self, gateway_id: str, presented: str) -> bool:
        return hmac.compare_digest(self.secret_for(gateway_id), presented)

    def _server_key(self) -> bytes:
        with self._lock:
            if self._key is None:
                self._key = self._load_or_create().encode()
            return self._key

    def _load_or_create(self) -> str:
        try:
            return self._secrets.get(self._name)
        except SecretNotFoundError:
            key = token_generator.token_urlsafe(48)
            self._secrets.set(self._name, key)
            return key


def parse_gateway_authorization(header: str | None) -> tuple[str, str]:
    """(gateway id, secret) from `Gateway <id>:<secret>`; GatewayAuthenticationError if not."""
    if not header:
        raise GatewayAuthenticationError("missing 'Authorization: Gateway <id>:<secret>'")
    scheme, _, value = header.strip().partition(" ")
    gateway_id, _, secret = value.strip().partition(":")
    if scheme.lower() != AUTH_SCHEME.lower() or not secret:
        raise GatewayAuthenticationError("use 'Authorization: Gateway <id>:<secret>'")
    try:
        return str(uuid.UUID(gateway_id)), secret
    except ValueError:
        raise GatewayAuthenticationError("the gateway id is not a UUID") from None
