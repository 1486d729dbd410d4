"""Single-use links e-mailed to a user (invitation, password reset, magic-link sign-in),
and mail to send.

A link carries a random token; only its SHA-256 is stored, so a copy of the
database opens nothing. A link belongs to one user of one tenant, expires, and
is spent by its first use; a newer link of the same purpose replaces older ones.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

TOKEN_BYTES = 32


class LinkPurpose(StrEnum):
    INVITATION = "INVITATION"
    PASSWORD_RESET = "PASSWORD_RESET"
    MAGIC_LINK = "MAGIC_LINK"


LINK_TTL = {
    LinkPurpose.INVITATION: timedelta(days=7),
    LinkPurpose.PASSWORD_RESET: timedelta(hours=1),
    LinkPurpose.MAGIC_LINK: timedelta(minutes=15),
}


def new_link_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_link_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class UserLink:
    id: str
    tenant_id: str
    user_id: str
    purpose: LinkPurpose
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = None

    def usable(self, tenant_id: str, purpose: LinkPurpose, now: datetime) -> bool:
        return (
            self.tenant_id == tenant_id
            and self.purpose is purpose
            and self.used_at is None
            and self.revoked_at is None
            and now < self.expires_at
        )


@dataclass(frozen=True)
class OutboxMail:
    """One e-mail waiting in the master outbox."""

    id: str
    tenant_id: str | None
    recipient: str
    subject: str
    body: str
    created_at: datetime
    next_attempt_at: datetime
    attempts: int = 0
    status: str = "PENDING"
