"""Helpers for the identity tests: the e-mails a user gets, and the link tokens in them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from shared.adapters.memory.notifier import InMemoryNotifier
from shared.adapters.sql.registry.tables import user_links
from shared.bootstrap import Platform
from shared.core.ports.notifications import Notification

_sent: dict[int, list[Notification]] = {}


def mails(platform: Platform, email: str) -> list[Notification]:
    """Send what the outbox holds through the in-memory notifier; those to `email`, oldest first."""
    notifier = InMemoryNotifier()
    platform.mail.dispatch(notifier, limit=500)
    sent = _sent.setdefault(id(platform), [])
    sent.extend(notifier.sent)
    return [m for m in sent if m.recipient == email]


def link_token(message: Notification) -> str:
    """The token of the link in an e-mail (`…/#/page?tenant=…&token=…`)."""
    link = re.search(r"https?://\S+", message.body)
    assert link, message.body
    query = parse_qs(urlsplit(link.group(0)).fragment.split("?", 1)[1])
    return query["token"][0]


def link_page(message: Notification) -> str:
    link = re.search(r"https?://\S+", message.body)
    assert link, message.body
    return urlsplit(link.group(0)).fragment.split("?", 1)[0]


def expire_links(platform: Platform, user_id: str) -> None:
    past = datetime.now(UTC) - timedelta(seconds=1)
    with platform.master.engine.begin() as connection:
        connection.execute(
            user_links.update().where(user_links.c.user_id == user_id).values(expires_at=past)
        )


def tenant_headers(session: Any) -> dict[str, str]:
    return {"X-WellOS-Tenant": session.slug}


def bearer(session: Any, token: str) -> dict[str, str]:
    return {"X-WellOS-Tenant": session.slug, "Authorization": f"Bearer {token}"}
