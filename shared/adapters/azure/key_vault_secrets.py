"""Secrets in Azure Key Vault (azure-keyvault-secrets, SecretClient injected).

Key Vault names allow only `[0-9a-zA-Z-]` (1-127 chars) and ignore case, so
`key_vault_name` maps WellOS names one-to-one onto lower-case vault names:
`a-z0-9` stay, `-` becomes `--`, any other character `-<hex code>-`
(`tenant/acme.db` → `tenant-2f-acme-2e-db`). Vaults soft-delete: `set` on a name
deleted but still recoverable recovers it first, then writes the new value.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from azure.core.exceptions import AzureError, ResourceExistsError, ResourceNotFoundError

from shared.core.common.errors import InfrastructureError, InputError, SecretNotFoundError

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential
    from azure.keyvault.secrets import SecretClient

MAX_NAME_LENGTH = 127


def key_vault_name(name: str, prefix: str = "") -> str:
    """The vault name of a WellOS secret name (injective, lower-case, `[0-9a-z-]`)."""
    encoded = "".join(
        c if c.isascii() and (c.isdigit() or c.islower()) else "--" if c == "-" else f"-{ord(c):x}-"
        for c in prefix + name
    )
    if not name or len(encoded) > MAX_NAME_LENGTH:
        raise InputError("name", f"secret name must encode to 1-{MAX_NAME_LENGTH} characters")
    return encoded


def secret_client(vault_url: str, credential: TokenCredential | None = None) -> SecretClient:
    """A SecretClient on `vault_url` with the given or the default Entra ID identity."""
    from azure.identity import DefaultAzureCredential
    from azure.keyvault.secrets import SecretClient

    return SecretClient(vault_url, credential or DefaultAzureCredential())


class KeyVaultSecrets:
    def __init__(self, client: SecretClient, prefix: str = "") -> None:
        self._client = client
        self._prefix = prefix

    def get(self, name: str) -> str:
        vault_name = key_vault_name(name, self._prefix)
        try:
            with self._translated(name):
                value = self._client.get_secret(vault_name).value
        except ResourceNotFoundError:
            raise SecretNotFoundError(name) from None
        if value is None:
            raise SecretNotFoundError(name)
        return value

    def set(self, name: str, value: str) -> None:
        vault_name = key_vault_name(name, self._prefix)
        with self._translated(name):
            try:
                self._client.set_secret(vault_name, value)
            except ResourceExistsError:  # deleted but recoverable: recover, then write
                self._client.begin_recover_deleted_secret(vault_name).wait()
                self._client.set_secret(vault_name, value)

    def delete(self, name: str) -> None:
        vault_name = key_vault_name(name, self._prefix)
        try:
            with self._translated(name):
                self._client.begin_delete_secret(vault_name).wait()
        except ResourceNotFoundError:
            pass

    @contextmanager
    def _translated(self, name: str) -> Iterator[None]:
        """Not-found passes through for the caller; other SDK errors become InfrastructureError."""
        try:
            yield
        except ResourceNotFoundError:
            raise
        except AzureError as exc:
            reason = getattr(exc, "error_code", None) or type(exc).__name__
            raise InfrastructureError(f"Key Vault failed on secret {name}: {reason}") from exc
