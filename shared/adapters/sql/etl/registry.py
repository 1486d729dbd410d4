"""`tenants.etl_config` in the master registry: the ETL configuration and its schedule.

The column holds `{"config": {...}, "last_enqueued_at": "<ISO time>" | null}`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from shared.adapters.sql.registry import tables as t
from shared.adapters.sql.registry.repositories import _tenant_from_row
from shared.core.etl.ports.registry import StoredEtl


def _stored(row: sa.RowMapping) -> StoredEtl | None:
    document = row["etl_config"]
    if not isinstance(document, dict) or "config" not in document:
        return None
    enqueued = document.get("last_enqueued_at")
    return StoredEtl(
        _tenant_from_row(row),
        dict(document["config"]),
        datetime.fromisoformat(enqueued) if enqueued else None,
    )


class SqlEtlConfigRegistry:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def get(self, tenant_id: str) -> StoredEtl | None:
        row = self._c.execute(sa.select(t.tenants).where(t.tenants.c.id == tenant_id)).first()
        return _stored(row._mapping) if row else None

    def _document(self, tenant_id: str) -> dict[str, Any]:
        query = sa.select(t.tenants.c.etl_config).where(t.tenants.c.id == tenant_id)
        current = self._c.execute(query.with_for_update()).scalar_one_or_none()
        return dict(current) if isinstance(current, dict) else {}

    def save(self, tenant_id: str, config: dict[str, Any], at: datetime) -> None:
        document = {**self._document(tenant_id), "config": config}
        document.setdefault("last_enqueued_at", None)
        self._write(tenant_id, document, at)

    def mark_enqueued(self, tenant_id: str, at: datetime) -> None:
        document = self._document(tenant_id)
        if "config" in document:
            self._write(tenant_id, {**document, "last_enqueued_at": at.isoformat()}, None)

    def _write(self, tenant_id: str, document: dict[str, Any], at: datetime | None) -> None:
        values: dict[str, Any] = {"etl_config": document}
        if at is not None:
            values["updated_at"] = at
        self._c.execute(t.tenants.update().where(t.tenants.c.id == tenant_id).values(**values))

    def all_configured(self) -> list[StoredEtl]:
        query = sa.select(t.tenants).where(t.tenants.c.etl_config.is_not(None))
        rows = self._c.execute(query.order_by(t.tenants.c.slug))
        return [stored for row in rows if (stored := _stored(row._mapping)) is not None]
