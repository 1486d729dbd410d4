"""Incidents on a tenant database: the incident as JSON, a few columns to find it by."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from shared.adapters.sql.operations.tables import incidents
from shared.core.operations.model.incidents import (
    CorrectiveAction,
    Incident,
    IncidentKind,
    Location,
    Material,
    Release,
    SentNotification,
    Unit,
    WaterContact,
)


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _body(incident: Incident) -> dict[str, Any]:
    loc = incident.location
    return {
        "occurred_at": incident.occurred_at.isoformat(),
        "discovered_at": incident.discovered_at.isoformat(),
        "location": [
            loc.state,
            loc.county,
            loc.well_id,
            loc.lease_id,
            loc.facility_id,
            loc.latitude,
            loc.longitude,
        ],
        "description": incident.description,
        "cause": incident.cause,
        "releases": [
            [r.material.value, str(r.released), str(r.recovered), r.unit.value, r.estimated]
            for r in incident.releases
        ],
        "water": incident.water.value,
        "sensitive_area": incident.sensitive_area,
        "injuries": incident.injuries,
        "corrective_actions": [
            [
                a.description,
                a.owner,
                a.due_on.isoformat(),
                None if a.done_on is None else a.done_on.isoformat(),
            ]
            for a in incident.corrective_actions
        ],
        "notifications": [
            [n.rule_id, n.at.isoformat(), n.reference] for n in incident.notifications
        ],
    }


def _incident(row: sa.Row[Any]) -> Incident:
    m = row._mapping
    b = m["body"]
    state, county, well_id, lease_id, facility_id, latitude, longitude = b["location"]
    return Incident(
        incident_id=str(m["id"]),
        kind=IncidentKind(m["kind"]),
        occurred_at=datetime.fromisoformat(b["occurred_at"]),
        discovered_at=datetime.fromisoformat(b["discovered_at"]),
        location=Location(state, county, well_id, lease_id, facility_id, latitude, longitude),
        description=b["description"],
        cause=b["cause"],
        releases=tuple(
            Release(Material(mat), Decimal(rel), Decimal(rec), Unit(unit), bool(est))
            for mat, rel, rec, unit, est in b["releases"]
        ),
        water=WaterContact(b["water"]),
        sensitive_area=bool(b["sensitive_area"]),
        injuries=int(b["injuries"]),
        corrective_actions=tuple(
            CorrectiveAction(desc, owner, date.fromisoformat(due), _day(done))
            for desc, owner, due, done in b["corrective_actions"]
        ),
        notifications=tuple(
            SentNotification(rule, datetime.fromisoformat(at), ref)
            for rule, at, ref in b["notifications"]
        ),
    )


def _columns(incident: Incident) -> dict[str, Any]:
    return {
        "kind": incident.kind.value,
        "well_id": incident.location.well_id,
        "state": incident.location.state,
        "discovered_at": incident.discovered_at.astimezone(UTC),
        "body": _body(incident),
    }


class SqlIncidentStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, incident: Incident, now: datetime) -> None:
        values = _columns(incident) | {
            "id": incident.incident_id, "created_at": now, "updated_at": now, "revision": 1,
        }  # fmt: skip
        self._c.execute(incidents.insert().values(**values))

    def get(self, incident_id: str) -> tuple[Incident, int] | None:
        try:
            uuid.UUID(incident_id)
        except ValueError:
            return None
        row = self._c.execute(sa.select(incidents).where(incidents.c.id == incident_id)).first()
        return None if row is None else (_incident(row), int(row.revision))

    def save(self, incident: Incident, revision: int, now: datetime) -> bool:
        statement = (
            incidents.update()
            .where(incidents.c.id == incident.incident_id, incidents.c.revision == revision)
            .values(**_columns(incident), updated_at=now, revision=revision + 1)
        )
        return self._c.execute(statement).rowcount == 1

    def list(
        self, visible_well_ids: frozenset[str] | None, limit: int, offset: int
    ) -> tuple[Sequence[Incident], int]:
        where: list[sa.ColumnElement[bool]] = []
        if visible_well_ids is not None:
            if not visible_well_ids:
                return [], 0
            where.append(incidents.c.well_id.in_(sorted(visible_well_ids)))
        count = sa.select(sa.func.count()).select_from(incidents).where(*where)
        total = int(self._c.execute(count).scalar_one())
        statement = (
            sa.select(incidents)
            .where(*where)
            .order_by(incidents.c.discovered_at.desc(), incidents.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [_incident(row) for row in self._c.execute(statement)], total
