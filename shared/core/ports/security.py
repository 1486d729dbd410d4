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
    mfa_enrolment_only: bool = False
    """The tenant requires MFA and the user has none yet: only enrolment is open."""


class AccessTokenCodec(Protocol):
    def encode(self, claims: AccessClaims) -> str: ...

    def decode(self, token: str) -> AccessClaims:
        """Return the claims of a valid, unexpired token or raise AuthenticationError."""
        ...


class OneTimeCodes(Protocol):
    """TOTP (RFC 6238, 30-second steps, 6 digits)."""

    def new_secret(self) -> str: ...

    def provisioning_uri(self, secret: str, account: str, issuer: str) -> str: ...

    def matching_step(self, secret: str, code: str, at: datetime, skew_steps: int) -> int | None:
        """The time step whose code is `code`, within `skew_steps` of `at`; None if none."""
        ...
