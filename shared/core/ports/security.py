"""Ports for password hashing and access tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shared.core.common.roles import Role


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


@dataclass(frozen=True)
class AccessClaims:
    subject: str
    tenant_id: str
    tenant_slug: str
    role: Role
    email: str
    expires_at: datetime
    session_id: str = ""


class AccessTokenCodec(Protocol):
    def encode(self, claims: AccessClaims) -> str: ...

    def decode(self, token: str) -> AccessClaims:
        """Return the claims of a valid, unexpired token or raise AuthenticationError."""
        ...
