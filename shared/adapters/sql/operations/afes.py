"""AFEs on a tenant database: searchable fields as columns, lines and the saga in `body`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from shared.adapters.sql.operations.tables import afes
from shared.core.operations.model.afe import (
    ActualCost,
    Afe,
    AfeStatus,
    Decision,
    Election,
    EstimateLine,
    LevelDef,
    PartnerInterest,
)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _when(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _body(afe: Afe) -> dict[str, Any]:
    return {
        "estimate": [[e.category, str(e.amount), e.note] for e in afe.estimate],
        "partners": [
            [p.partner_id, str(p.working_interest), p.election.value, _iso(p.elected_at)]
            for p in afe.partners
        ],
        "levels": [level.model_dump(mode="json") for level in afe.levels],
        "submitted_at": _iso(afe.submitted_at),
        "decisions": [
            [d.level, d.role, d.by, d.approved, d.at.isoformat(), d.note] for d in afe.decisions
        ],
        "approved_at": _iso(afe.approved_at),
        "actuals": [
            [a.category, str(a.amount), a.posted_at.isoformat(), a.reference] for a in afe.actuals
        ],
    }


def _afe(row: sa.Row[Any]) -> Afe:
    m = row._mapping
    body = m["body"]
    created = m["created_at"]
    return Afe(
        afe_id=str(m["id"]),
        number=m["number"],
        title=m["title"],
        estimate=tuple(EstimateLine(c, Decimal(a), n) for c, a, n in body["estimate"]),
        created_at=created.replace(tzinfo=UTC) if created.tzinfo is None else created,
        status=AfeStatus(m["status"]),
        well_id=None if m["well_id"] is None else str(m["well_id"]),
        lease_id=None if m["lease_id"] is None else str(m["lease_id"]),
        partners=tuple(
            PartnerInterest(pid, Decimal(wi), Election(e), _when(at))
            for pid, wi, e, at in body["partners"]
        ),
        levels=tuple(LevelDef.model_validate(level) for level in body["levels"]),
        submitted_at=_when(body["submitted_at"]),
        decisions=tuple(
            Decision(level, role, by, approved, datetime.fromisoformat(at), note)
            for level, role, by, approved, at, note in body["decisions"]
        ),
        approved_at=_when(body["approved_at"]),
        actuals=tuple(
            ActualCost(c, Decimal(a), datetime.fromisoformat(at), ref)
            for c, a, at, ref in body["actuals"]
        ),
    )


def _columns(afe: Afe) -> dict[str, Any]:
    return {
        "number": afe.number,
        "title": afe.title,
        "status": afe.status.value,
        "well_id": afe.well_id,
        "lease_id": afe.lease_id,
        "body": _body(afe),
    }


class SqlAfeStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, afe: Afe, now: datetime) -> bool:
        taken = self._c.execute(sa.select(sa.literal(1)).where(afes.c.number == afe.number)).first()
        if taken is not None:
            return False
        values = _columns(afe) | {
            "id": afe.afe_id,
            "created_at": afe.created_at,
            "updated_at": now,
            "revision": 1,
        }
        self._c.execute(afes.insert().values(**values))
        return True

    def get(self, afe_id: str) -> tuple[Afe, int] | None:
        try:
            uuid.UUID(afe_id)
        except ValueError:
            return None
        row = self._c.execute(sa.select(afes).where(afes.c.id == afe_id)).first()
        return None if row is None else (_afe(row), int(row.revision))

    def save(self, afe: Afe, revision: int, now: datetime) -> bool:
        statement = (
            afes.update()
            .where(afes.c.id == afe.afe_id, afes.c.revision == revision)
            .values(**_columns(afe), updated_at=now, revision=revision + 1)
        )
        return self._c.execute(statement).rowcount == 1

    def list(self, status: str | None, limit: int, offset: int) -> tuple[list[Afe], int]:
        where = [] if status is None else [afes.c.status == status]
        count = sa.select(sa.func.count()).select_from(afes).where(*where)
        total = int(self._c.execute(count).scalar_one())
        statement = (
            sa.select(afes)
            .where(*where)
            .order_by(afes.c.created_at.desc(), afes.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [_afe(row) for row in self._c.execute(statement)], total
