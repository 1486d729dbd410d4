"""Errors of the field client (mapped to CLI exit codes by type).

FieldClientError
├── NotConfiguredError     no API URL, tenant or credentials in the profile   (exit 2)
├── UnreachableError       the server did not answer, after every retry       (exit 1)
└── ServerRefusedError     the server answered no (4xx): retrying won't help  (exit 2)
"""

from __future__ import annotations


class FieldClientError(Exception):
    exit_code = 1


class NotConfiguredError(FieldClientError):
    exit_code = 2


class UnreachableError(FieldClientError):
    exit_code = 1


class ServerRefusedError(FieldClientError):
    exit_code = 2

    def __init__(self, status: int, detail: str, field: str | None = None) -> None:
        super().__init__(f"the server refused ({status}): {detail}")
        self.status = status
        self.detail = detail
        self.field = field
