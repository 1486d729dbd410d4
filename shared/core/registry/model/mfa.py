"""Multi-factor authentication: a TOTP authenticator per user, recovery codes, tenant policy.

A code is accepted for the current 30-second step or one step either side (clock
skew), and never twice: a step at or before the last one used is refused.
Recovery codes are random, shown once, stored as SHA-256, each good once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shared.core.common.roles import Role

SKEW_STEPS = 1
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class MfaRequirement(StrEnum):
    NONE = "none"
    ADMINS = "admins"
    EVERYONE = "everyone"

    def applies_to(self, role: Role) -> bool:
        return self is MfaRequirement.EVERYONE or (
            self is MfaRequirement.ADMINS and role is Role.ADMIN
        )


@dataclass(frozen=True)
class TotpEnrolment:
    user_id: str
    tenant_id: str
    secret: str
    created_at: datetime
    confirmed_at: datetime | None = None
    last_step: int | None = None

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None


def new_recovery_code() -> str:
    """Ten characters in two halves (about 50 bits), e.g. `k3m9p-x2qrt`."""
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def hash_recovery_code(code: str) -> str:
    normalized = code.strip().lower().replace("-", "").replace(" ", "")
    return hashlib.sha256(normalized.encode()).hexdigest()
