"""Secrets port: Key Vault, Secrets Manager, or environment/file locally."""

from __future__ import annotations

from typing import Protocol


class Secrets(Protocol):
    """Named secret values. Names are references stored in the registry, never values."""

    def get(self, name: str) -> str:
        """Return the value, or raise SecretNotFoundError."""
        ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None:
        """Remove the secret; deleting a missing one is not an error."""
        ...
