"""Document rows on a tenant database (the bytes are in the blob store)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from shared.adapters.sql.operations.tables import documents


def _record(row: sa.Row[Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in row._mapping.items()}


class SqlDocumentStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, values: Mapping[str, Any]) -> None:
        self._c.execute(documents.insert().values(**values))

    def get(self, document_id: str) -> dict[str, Any] | None:
        try:
            uuid.UUID(document_id)
        except ValueError:
            return None
        row = self._c.execute(sa.select(documents).where(documents.c.id == document_id)).first()
        return None if row is None else _record(row)

    def update(self, document_id: str, values: Mapping[str, Any]) -> None:
        self._c.execute(documents.update().where(documents.c.id == document_id).values(**values))

    def delete(self, document_id: str) -> None:
        self._c.execute(documents.delete().where(documents.c.id == document_id))

    def of_owner(self, owner_kind: str, owner_id: str) -> Sequence[dict[str, Any]]:
        d = documents
        statement = (
            sa.select(d)
            .where(d.c.owner_kind == owner_kind, d.c.owner_id == owner_id)
            .order_by(d.c.created_at, d.c.id)
            .limit(1000)
        )
        return [_record(row) for row in self._c.execute(statement)]
