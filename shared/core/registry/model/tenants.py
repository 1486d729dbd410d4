"""Tenants: slugs, lifecycle status, and the registry record."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from shared.core.common.errors import InputError

RESERVED_SUBDOMAINS = frozenset(
    {
        "www", "api", "app", "admin", "auth", "login", "sso", "mail", "smtp", "ftp",
        "static", "assets", "cdn", "docs", "status", "support", "help", "blog",
        "dashboard", "portal", "console", "ops", "internal", "master", "system",
        "root", "test", "staging", "dev", "demo-admin", "wellos",
    }
)  # fmt: skip

_SLUG = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")


class TenantStatus(StrEnum):
    ACTIVE = "ACTIVE"
    TRIAL = "TRIAL"
    SUSPENDED = "SUSPENDED"


class DatabaseKind(StrEnum):
    POSTGRESQL = "postgresql"
    MYSQL = "mysql"
    MSSQL = "mssql"


def validate_slug(slug: str, field_name: str = "slug") -> str:
    """Return `slug` if it can be a subdomain and is not reserved."""
    if not _SLUG.fullmatch(slug):
        raise InputError(
            field_name,
            "must be 3-40 characters of a-z, 0-9 and '-', start with a letter, "
            "and not end with '-'",
        )
    if "--" in slug:
        raise InputError(field_name, "must not contain '--'")
    if slug in RESERVED_SUBDOMAINS:
        raise InputError(field_name, f"'{slug}' is a reserved subdomain")
    return slug


@dataclass(frozen=True)
class Tenant:
    id: str
    slug: str
    name: str
    status: TenantStatus
    tier: str
    database_kind: DatabaseKind
    connection_secret_ref: str
    region: str
    storage_provider: str
    features: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def is_serving(self) -> bool:
        return self.status is not TenantStatus.SUSPENDED
