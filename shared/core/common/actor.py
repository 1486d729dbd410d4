"""The actor behind a request: who does something, in which tenant, with which role."""

from __future__ import annotations

from dataclasses import dataclass

from shared.core.common.roles import Role


@dataclass(frozen=True)
class Actor:
    """Who is doing something, for permission checks and the audit log."""

    user_id: str
    email: str
    role: Role
    tenant_id: str
    tenant_slug: str
    request_id: str = ""
    session_id: str = ""
    """The sign-in session of the access token ("" for non-interactive actors)."""
