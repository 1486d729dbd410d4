"""Users of a tenant and the actor behind a request."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shared.core.domain.roles import Role
from shared.core.errors import InputError


class UserStatus(StrEnum):
    ACTIVE = "ACTIVE"
    DEACTIVATED = "DEACTIVATED"


@dataclass(frozen=True)
class User:
    id: str
    tenant_id: str
    email: str
    full_name: str
    role: Role
    status: UserStatus
    password_hash: str
    last_login_at: datetime | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class Actor:
    """Who is doing something, for permission checks and the audit log."""

    user_id: str
    email: str
    role: Role
    tenant_id: str
    tenant_slug: str
    request_id: str = ""


def normalize_email(email: str) -> str:
    return email.strip().lower()


_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def validate_email(email: str, field_name: str = "email") -> str:
    normalized = normalize_email(email)
    if len(normalized) > 320 or not _EMAIL.fullmatch(normalized):
        raise InputError(field_name, "is not a valid e-mail address")
    return normalized


def generate_password() -> str:
    """A one-time password shown once to an admin (about 96 bits)."""
    return secrets.token_urlsafe(12)
