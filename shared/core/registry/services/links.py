"""Issue and spend single-use links inside a master unit of work."""

from __future__ import annotations

import uuid
from datetime import datetime

from shared.core.registry.errors import LinkInvalidError
from shared.core.registry.model.links import (
    LINK_TTL,
    LinkPurpose,
    UserLink,
    hash_link_token,
    new_link_token,
)
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.model.users import User
from shared.core.registry.ports import MasterUnitOfWork

MAX_TOKEN_LENGTH = 200


def issue_link(
    uow: MasterUnitOfWork, tenant: Tenant, user: User, purpose: LinkPurpose, now: datetime
) -> str:
    """A new link's token (only its hash is stored); the user's older links of `purpose` end."""
    uow.links.revoke(user.id, purpose, now)
    token = new_link_token()
    uow.links.add(
        UserLink(
            id=str(uuid.uuid4()),
            tenant_id=tenant.id,
            user_id=user.id,
            purpose=purpose,
            token_hash=hash_link_token(token),
            created_at=now,
            expires_at=now + LINK_TTL[purpose],
        )
    )
    return token


def spend_link(
    uow: MasterUnitOfWork, tenant: Tenant, token: str, purpose: LinkPurpose, now: datetime
) -> UserLink:
    """The link behind `token`, now spent; LinkInvalidError for any link that is not usable.

    Unknown, spent, revoked, expired, of another purpose or of another tenant: one
    answer for all, so a link's answer tells nothing about other tenants' links.
    """
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise LinkInvalidError()
    link = uow.links.get_by_hash(hash_link_token(token))
    if link is None or not link.usable(tenant.id, purpose, now):
        raise LinkInvalidError()
    if not uow.links.mark_used(link.id, now):
        raise LinkInvalidError()
    return link
