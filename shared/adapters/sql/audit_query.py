"""The WHERE terms of the audit view, for the tenant audit log and the master audit events."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from shared.core.common.units_of_work import AuditQuery


def audit_filters(c: Any, query: AuditQuery) -> list[Any]:
    """The WHERE terms of an audit query (the actor is the e-mail, case-insensitive)."""
    actor_column = c.actor_email if "actor_email" in c else c.actor
    terms: list[Any] = []
    if query.entity is not None:
        terms.append(c.entity == query.entity)
    if query.entity_id is not None:
        terms.append(c.entity_id == query.entity_id)
    if query.actor is not None:
        terms.append(sa.func.lower(actor_column) == query.actor.lower())
    if query.action is not None:
        terms.append(c.action == query.action)
    if query.since is not None:
        terms.append(c.at >= query.since)
    if query.until is not None:
        terms.append(c.at < query.until)
    return terms
