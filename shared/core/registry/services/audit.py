"""The audit view of one tenant: its own audit log and the registry's entries about its
users, merged newest first, filtered and paged; and the same as CSV.

Who may look: those who read users (ADMIN, MANAGER); the CSV also needs
`reports:export`. A page reaches at most `MAX_WINDOW` entries deep (the two
sources are merged in memory): narrower filters or a time range go further.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.core.common.access import require
from shared.core.common.actor import Actor
from shared.core.common.errors import InputError
from shared.core.common.pages import Page
from shared.core.common.roles import Permission
from shared.core.common.units_of_work import AuditQuery, AuditRecord
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.ports import MasterDatabase, TenantAuditDatabases

MAX_WINDOW = 10_000
CSV_COLUMNS = (
    "at", "source", "actor", "action", "entity_type", "entity_id", "request_id", "before", "after",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    source: str  # "tenant" (wells, catalog, sync…) or "registry" (users, sign-in)
    actor: str
    action: str
    entity_type: str
    entity_id: str
    request_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditService:
    def __init__(self, master: MasterDatabase, databases: TenantAuditDatabases) -> None:
        self._master = master
        self._databases = databases

    def search(
        self, tenant: Tenant, actor: Actor, query: AuditQuery, limit: int, offset: int
    ) -> Page[AuditRow]:
        require(actor, Permission.USERS_READ)
        if offset + limit > MAX_WINDOW:
            raise InputError(
                "offset", f"offset + limit must be at most {MAX_WINDOW}; narrow from/to instead"
            )
        rows, total = self._merged(tenant, query, offset + limit)
        return Page(rows[offset : offset + limit], total, limit, offset)

    def export_csv(self, tenant: Tenant, actor: Actor, query: AuditQuery) -> Iterator[str]:
        """The newest `MAX_WINDOW` matching entries as CSV lines (header first)."""
        require(actor, Permission.USERS_READ)
        require(actor, Permission.REPORTS_EXPORT)
        rows, _total = self._merged(tenant, query, MAX_WINDOW)
        return _csv_lines(rows)

    def _merged(self, tenant: Tenant, query: AuditQuery, depth: int) -> tuple[list[AuditRow], int]:
        if query.since and query.until and query.since >= query.until:
            raise InputError("from", "must be before to")
        with self._databases.unit_of_work(tenant) as uow:
            own = [_tenant_row(r) for r in uow.audit.search(query, depth)]
            total = uow.audit.count(query)
        with self._master.unit_of_work() as master:
            registry = [
                AuditRow(
                    e.at,
                    "registry",
                    e.actor,
                    e.action,
                    e.entity,
                    e.entity_id,
                    e.request_id,
                    e.before,
                    e.after,
                )
                for e in master.audit.search(tenant.id, query, depth)
            ]
            total += master.audit.count(tenant.id, query)
        rows = sorted(own + registry, key=lambda row: row.at, reverse=True)
        return rows[:depth], total


def _tenant_row(record: AuditRecord) -> AuditRow:
    return AuditRow(
        at=record.at,
        source="tenant",
        actor=record.actor_email,
        action=record.action,
        entity_type=record.entity,
        entity_id=record.entity_id,
        request_id=record.request_id or "",
        before=record.before,
        after=record.after,
    )


def _cell(value: Any) -> str:
    """One CSV cell; text a spreadsheet would run as a formula is quoted with '."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    text = json.dumps(value, sort_keys=True, default=str) if isinstance(value, dict) else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _csv_lines(rows: list[AuditRow]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_cell(getattr(row, column)) for column in CSV_COLUMNS])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
