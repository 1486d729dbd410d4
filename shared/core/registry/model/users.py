"""Users of a tenant: their record, status and the rules of their names and addresses."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shared.core.common.errors import InputError
from shared.core.common.limits import SINGLE_LINE, email_problem
from shared.core.common.roles import Role

MAX_NAME_LENGTH = 200


class UserStatus(StrEnum):
    INVITED = "INVITED"  # invited by e-mail; no password set yet
    ACTIVE = "ACTIVE"
    DEACTIVATED = "DEACTIVATED"


NO_PASSWORD = ""  # the hash of a user who has none yet: verifies nothing


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
    must_change_password: bool = False
    """An admin set the password: it must be replaced at the first sign-in."""

    @property
    def has_password(self) -> bool:
        return self.password_hash != NO_PASSWORD


def normalize_email(email: str) -> str:
    return email.strip().lower()


def validate_email(email: str, field_name: str = "email") -> str:
    """The address normalized; InputError if it is not one (or hides control or bidi marks)."""
    normalized = normalize_email(email)
    problem = email_problem(normalized)
    if problem is not None:
        raise InputError(field_name, problem)
    return normalized


def validate_person_name(name: str, field_name: str = "full_name") -> str:
    """A person's (or a company's) name, trimmed: one line, not empty, at most 200 characters."""
    trimmed = name.strip()
    if not trimmed:
        raise InputError(field_name, "must not be empty")
    if len(trimmed) > MAX_NAME_LENGTH:
        raise InputError(field_name, f"must be at most {MAX_NAME_LENGTH} characters")
    problem = SINGLE_LINE.problem(trimmed)
    if problem is not None:
        raise InputError(field_name, problem)
    return trimmed


def generate_password() -> str:
    """A one-time password shown once to an admin (about 96 bits)."""
    return secrets.token_urlsafe(12)
