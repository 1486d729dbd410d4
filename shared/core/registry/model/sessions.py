"""Sessions: one per sign-in, the family of its rotating refresh tokens.

Each access token names its session (`sid`); ending a session revokes its
refresh tokens and, through the check of `sid` on each request (cached for at
most `session_cache_ttl_s`), its access tokens within a minute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

MAX_DEVICE_LENGTH = 200
_UNPRINTABLE = re.compile(r"[^\x20-\x7e]")


@dataclass(frozen=True)
class UserSession:
    id: str
    tenant_id: str
    user_id: str
    device: str
    address: str
    created_at: datetime
    last_used_at: datetime
    ended_at: datetime | None = None


@dataclass(frozen=True)
class ClientInfo:
    """Where a sign-in comes from, as the session list shows it."""

    device: str = ""
    address: str = ""

    @classmethod
    def of(cls, user_agent: str | None, address: str) -> ClientInfo:
        return cls(describe_device(user_agent), address[:64])


def describe_device(user_agent: str | None) -> str:
    """The User-Agent as printable ASCII, at most 200 characters ("unknown" without one)."""
    text = _UNPRINTABLE.sub("?", (user_agent or "").strip())[:MAX_DEVICE_LENGTH]
    return text or "unknown"
