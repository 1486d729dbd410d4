"""The password policy: long enough, not too long, not a well-known password.

The list of common passwords ships with the code (`common_passwords.txt`), so the
check needs no network and leaks nothing about the password being checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from shared.core.common.errors import InputError

MIN_LENGTH_FLOOR = 8
DEFAULT_MIN_LENGTH = 12
MAX_LENGTH = 1024


@cache
def common_passwords() -> frozenset[str]:
    text = files(__package__ or "").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    lines = (line.strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int = DEFAULT_MIN_LENGTH

    @classmethod
    def for_tenant(cls, features: dict[str, Any]) -> PasswordPolicy:
        """The tenant's policy: `password_min_length` in its features, never below 8."""
        wanted = features.get("password_min_length")
        if isinstance(wanted, int) and not isinstance(wanted, bool):
            return cls(min_length=min(max(wanted, MIN_LENGTH_FLOOR), 128))
        return cls()

    def check(self, password: str, email: str, field_name: str = "password") -> str:
        """The password if the policy accepts it; else InputError naming `field_name`."""
        if len(password) < self.min_length:
            raise InputError(field_name, f"must be at least {self.min_length} characters")
        if len(password) > MAX_LENGTH:
            raise InputError(field_name, f"must be at most {MAX_LENGTH} characters")
        folded = password.strip().lower()
        if folded in common_passwords():
            raise InputError(field_name, "is a commonly used password; choose another")
        local_part = email.split("@", 1)[0].lower()
        if folded in {email.lower(), local_part} or len(set(folded)) < 4:
            raise InputError(field_name, "is too easy to guess; choose another")
        return password
