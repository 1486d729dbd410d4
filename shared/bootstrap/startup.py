"""What a process must have before it serves: its settings, the master URL and the server keys.

Locally (`WELLOS_SECRETS_BACKEND=file`) a missing server key is made and kept in
the file store, as it always was. With a vault nothing is made: a key missing
there, like a setting the chosen backends need, is one `StartupError` that
names every missing setting and secret at once (names only, never values).
The hosts log it once and answer 503 (health included); a queue trigger fails
with it, so the platform retries until the deployment is fixed.
"""

from __future__ import annotations

import secrets as token_generator
from collections.abc import Sequence
from dataclasses import dataclass

from shared.core.common.clock import utc_now
from shared.core.common.errors import InfrastructureError, SecretNotFoundError
from shared.core.keys.services import ServerKeys as KeyRings
from shared.core.ports.secrets import Secrets
from shared.core.scada.services.credentials import INGEST_KEY_SECRET_NAME
from shared.settings import Settings

JWT_SECRET_NAME = "jwt-signing-key"
BLOB_TOKEN_SECRET_NAME = "blob-token-key"
TOTP_SECRET_NAME = "totp-encryption-key"  # seals authenticator secrets in the master DB


class StartupError(InfrastructureError):
    """Settings or server keys are missing: this process cannot serve until they are set."""

    code = "not_configured"

    def __init__(self, backend: str, settings: Sequence[str], secrets: Sequence[str] = ()) -> None:
        self.reported = False
        self.missing_settings = tuple(settings)
        self.missing_secrets = tuple(secrets)
        parts = []
        if self.missing_settings:
            parts.append("missing settings: " + ", ".join(self.missing_settings))
        if self.missing_secrets:
            parts.append(f"missing secrets in {backend}: " + ", ".join(self.missing_secrets))
        super().__init__("WellOS is not configured; " + "; ".join(parts))


@dataclass(frozen=True)
class ServerKeys:
    master_url: str
    jwt_signing_key: str
    blob_token_key: bytes | None
    totp_key: str


def stored_key(secrets: Secrets, name: str) -> str:
    """The key in the secret store under `name`, made and stored on first use (local only)."""
    try:
        return secrets.get(name)
    except SecretNotFoundError:
        key = token_generator.token_urlsafe(48)
        secrets.set(name, key)
        return key


def jwt_signing_key(settings: Settings, secrets: Secrets) -> str:
    """The configured key, else the one in the secret store, else a new one stored there."""
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value()
    return KeyRings(secrets).ring(JWT_SECRET_NAME).at(utc_now()).sign  # a ring after rotation


def server_keys(settings: Settings, secrets: Secrets | None, needs_blob_key: bool) -> ServerKeys:
    """The master URL and the server keys, or one StartupError naming all that is missing.

    `secrets` is None when the secret store itself could not be built (its setting is
    missing); the other settings are still checked and named.
    """
    missing_settings = settings.missing_settings()
    if secrets is None or not settings.cloud_secrets:
        if missing_settings or secrets is None:
            raise StartupError(settings.secrets_backend, missing_settings)
        blob_key = stored_key(secrets, BLOB_TOKEN_SECRET_NAME).encode() if needs_blob_key else None
        return ServerKeys(
            _local_master_url(settings, secrets),
            jwt_signing_key(settings, secrets),
            blob_key,
            stored_key(secrets, TOTP_SECRET_NAME),
        )
    found, missing_secrets = _read_server_secrets(settings, secrets, needs_blob_key)
    if missing_settings or missing_secrets:
        raise StartupError(settings.secrets_backend, missing_settings, missing_secrets)
    jwt = settings.jwt_secret.get_secret_value() if settings.jwt_secret else found["jwt"]
    master = settings.database_url.get_secret_value() if settings.database_url else None
    blob_key = found["blob"].encode() if "blob" in found else None
    return ServerKeys(master or found["master"], jwt, blob_key, found["totp"])


def _local_master_url(settings: Settings, secrets: Secrets) -> str:
    if settings.database_url is not None or not settings.database_url_secret:
        return settings.require_database_url()
    try:
        return secrets.get(settings.database_url_secret)
    except SecretNotFoundError:
        raise StartupError(settings.secrets_backend, [], [settings.database_url_secret]) from None


def _read_server_secrets(
    settings: Settings, secrets: Secrets, needs_blob_key: bool
) -> tuple[dict[str, str], list[str]]:
    """The server secrets found in the vault by role, and the names of those missing."""
    wanted = {
        "master": None if settings.database_url else settings.database_url_secret,
        "jwt": None if settings.jwt_secret else JWT_SECRET_NAME,
        "blob": BLOB_TOKEN_SECRET_NAME if needs_blob_key else None,
        "ingest": INGEST_KEY_SECRET_NAME,  # two cold instances must not each make their own
        "totp": TOTP_SECRET_NAME,
    }
    found: dict[str, str] = {}
    missing: list[str] = []
    for role, name in wanted.items():
        if name is None:
            continue
        try:
            found[role] = secrets.get(name)
        except SecretNotFoundError:
            missing.append(name)
    return found, missing
