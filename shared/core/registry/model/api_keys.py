"""API keys for integrations: named, acting with one role, optionally read-only.

A key is `wk_` + 43 random characters, shown once; only its SHA-256 is kept,
with its first characters to tell keys apart. It works for its own tenant only.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from shared.core.common.roles import Role

API_KEY_PREFIX = "wk_"
SHOWN_PREFIX_LENGTH = 10


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def looks_like_api_key(token: str) -> bool:
    return token.startswith(API_KEY_PREFIX)


@dataclass(frozen=True)
class ApiKey:
    id: str
    tenant_id: str
    name: str
    role: Role
    read_only: bool
    prefix: str
    key_hash: str
    created_by: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
