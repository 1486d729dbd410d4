"""Permits on a tenant database; conditions as JSON."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from shared.adapters.sql.operations.tables import permits
from shared.core.operations.model.permits import Condition, Permit, PermitStatus, PermitType


def _columns(permit: Permit) -> dict[str, Any]:
    return {
        "permit_type": permit.permit_type.value,
        "agency": permit.agency,
        "status": permit.status.value,
        "number": permit.number,
        "well_id": permit.well_id,
        "facility_id": permit.facility_id,
        "issued_on": permit.issued_on,
        "expires_on": permit.expires_on,
        "renewal_of": permit.renewal_of,
        "conditions": [
            [c.text, None if c.due_on is None else c.due_on.isoformat(), c.met]
            for c in permit.conditions
        ],
    }


def _permit(row: sa.Row[Any]) -> Permit:
    m = row._mapping

    def text(value: object) -> str | None:
        return None if value is None else str(value)

    return Permit(
        permit_id=str(m["id"]),
        permit_type=PermitType(m["permit_type"]),
        agency=m["agency"],
        status=PermitStatus(m["status"]),
        number=m["number"],
        well_id=text(m["well_id"]),
        facility_id=text(m["facility_id"]),
        conditions=tuple(
            Condition(t, None if due is None else date.fromisoformat(due), bool(met))
            for t, due, met in m["conditions"]
        ),
        issued_on=m["issued_on"],
        expires_on=m["expires_on"],
        renewal_of=text(m["renewal_of"]),
    )


class SqlPermitStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, permit: Permit, now: datetime) -> None:
        values = _columns(permit) | {
            "id": permit.permit_id, "created_at": now, "updated_at": now, "revision": 1,
        }  # fmt: skip
        self._c.execute(permits.insert().values(**values))

    def get(self, permit_id: str) -> tuple[Permit, int] | None:
        try:
            uuid.UUID(permit_id)
        except ValueError:
            return None
        row = self._c.execute(sa.select(permits).where(permits.c.id == permit_id)).first()
        return None if row is None else (_permit(row), int(row.revision))

    def save(self, permit: Permit, revision: int, now: datetime) -> bool:
        statement = (
            permits.update()
            .where(permits.c.id == permit.permit_id, permits.c.revision == revision)
            .values(**_columns(permit), updated_at=now, revision=revision + 1)
        )
        return self._c.execute(statement).rowcount == 1

    def list(self, well_id: str | None, limit: int, offset: int) -> tuple[list[Permit], int]:
        where = [] if well_id is None else [permits.c.well_id == well_id]
        count = sa.select(sa.func.count()).select_from(permits).where(*where)
        total = int(self._c.execute(count).scalar_one())
        statement = (
            sa.select(permits)
            .where(*where)
            .order_by(permits.c.expires_on, permits.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [_permit(row) for row in self._c.execute(statement)], total

    def all(self) -> Sequence[Permit]:
        return [_permit(row) for row in self._c.execute(sa.select(permits))]
