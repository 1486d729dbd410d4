"""Secrets in AWS Secrets Manager (boto3 client injected).

Names go to Secrets Manager unchanged (after an optional prefix such as
`wellos/prod/`). `delete` schedules deletion with a recovery window (7 days by
default; None deletes at once); `set` on a name scheduled for deletion restores
it first, then writes the new value.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from shared.adapters.aws.clients import AwsError, error_code
from shared.core.common.errors import InfrastructureError, SecretNotFoundError

_MISSING = "ResourceNotFoundException"
_DELETED = "InvalidRequestException"  # e.g. "marked for deletion"
_GONE = frozenset({_MISSING, _DELETED})


class _Missing(Exception):
    pass


class SecretsManagerSecrets:
    def __init__(self, client: Any, prefix: str = "", recovery_window_days: int | None = 7) -> None:
        self._client = client
        self._prefix = prefix
        self._recovery_window_days = recovery_window_days

    def get(self, name: str) -> str:
        try:
            with self._translated(name, missing=_GONE):
                response = self._client.get_secret_value(SecretId=self._prefix + name)
        except _Missing:
            raise SecretNotFoundError(name) from None
        if "SecretString" not in response:
            raise SecretNotFoundError(name)
        return str(response["SecretString"])

    def set(self, name: str, value: str) -> None:
        secret_id = self._prefix + name
        with self._translated(name, missing=frozenset()):
            try:
                self._client.put_secret_value(SecretId=secret_id, SecretString=value)
            except AwsError as exc:
                if error_code(exc) == _MISSING:
                    self._client.create_secret(Name=secret_id, SecretString=value)
                elif error_code(exc) == _DELETED:
                    self._client.restore_secret(SecretId=secret_id)
                    self._client.put_secret_value(SecretId=secret_id, SecretString=value)
                else:
                    raise

    def delete(self, name: str) -> None:
        window: dict[str, Any] = (
            {"ForceDeleteWithoutRecovery": True}
            if self._recovery_window_days is None
            else {"RecoveryWindowInDays": self._recovery_window_days}
        )
        try:
            with self._translated(name, missing=_GONE):
                self._client.delete_secret(SecretId=self._prefix + name, **window)
        except _Missing:
            pass

    @contextmanager
    def _translated(self, name: str, missing: frozenset[str]) -> Iterator[None]:
        try:
            yield
        except AwsError as exc:
            code = error_code(exc)
            if code in missing:
                raise _Missing from exc
            reason = code or type(exc).__name__
            raise InfrastructureError(f"Secrets Manager failed on secret {name}: {reason}") from exc
