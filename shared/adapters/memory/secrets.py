"""In-memory Secrets, the twin every Secrets adapter is tested against."""

from __future__ import annotations

from shared.core.common.errors import SecretNotFoundError


class InMemorySecrets:
    def __init__(self, initial: dict[str, str] | None = None) -> None:
        self._values = dict(initial or {})

    def get(self, name: str) -> str:
        try:
            return self._values[name]
        except KeyError:
            raise SecretNotFoundError(name) from None

    def set(self, name: str, value: str) -> None:
        self._values[name] = value

    def delete(self, name: str) -> None:
        self._values.pop(name, None)
