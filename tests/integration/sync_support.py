"""Helpers for the field-sync tests: a site with users and wells, event builders, state dumps."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from shared.adapters.memory.queue import InMemoryQueue
from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.sync import tables as st
from shared.adapters.sql.sync.job_tables import sync_jobs
from shared.bootstrap import Platform
from shared.core.common.actor import Actor
from shared.core.common.clock import utc_now
from shared.core.common.roles import Role
from shared.core.ports.queue import OutgoingMessage, Queue
from shared.core.sync.services.jobs import SyncJobService
from tests.integration.conftest import TenantSession

SETTLE_TRIES = 300
SYNC_TABLES = (
    st.sync_events,
    st.field_readings,
    st.current_readings,
    st.production_history,
    t.production_daily,
    st.equipment_inspections,
    st.well_notes,
    st.downtime_events,
    st.well_photos,
    st.sync_conflicts,
    t.change_log,
    t.audit_log,
)


@dataclass
class Person:
    user_id: str
    email: str
    headers: dict[str, str]


@dataclass
class Site:
    """A tenant with office staff, two field operators and wells assigned to them."""

    session: TenantSession
    platform: Platform
    operator: Person
    operator2: Person
    manager: Person
    viewer: Person
    wells: list[str] = field(default_factory=list)
    equipment: str = ""
    unassigned_well: str = ""

    @property
    def client(self) -> Any:
        return self.session.client

    @property
    def admin(self) -> dict[str, str]:
        return self.session.headers


def invite(session: TenantSession, role: str, name: str) -> Person:
    email = f"{name}@{session.slug}.test"
    response = session.client.post(
        "/api/v1/users",
        json={"email": email, "full_name": name.title(), "role": role},
        headers=session.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return Person(body["id"], email, session.first_login(email, body["one_time_password"])[1])


def create_well(session: TenantSession, name: str) -> str:
    response = session.client.post(
        "/api/v1/wells", json={"name": name, "well_type": "OIL"}, headers=session.headers
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def assign(session: TenantSession, well_id: str, user_id: str) -> None:
    response = session.client.put(
        f"/api/v1/wells/{well_id}/assignments/{user_id}", headers=session.headers
    )
    assert response.status_code == 200, response.text


def build_site(session: TenantSession, platform: Platform) -> Site:
    site = Site(
        session,
        platform,
        operator=invite(session, "FIELD_OPERATOR", "pumper"),
        operator2=invite(session, "FIELD_OPERATOR", "relief"),
        manager=invite(session, "MANAGER", "boss"),
        viewer=invite(session, "VIEWER", "auditor"),
    )
    site.wells = [create_well(session, f"Well {n}") for n in ("A", "B")]
    site.unassigned_well = create_well(session, "Well C")
    for well_id in site.wells:
        assign(session, well_id, site.operator.user_id)
        assign(session, well_id, site.operator2.user_id)
    response = session.client.post(
        "/api/v1/equipment",
        json={"tag": "PJ-1", "equipment_type": "ROD_PUMP", "well_id": site.wells[0]},
        headers=session.headers,
    )
    assert response.status_code == 201, response.text
    site.equipment = response.json()["id"]
    return site


def event(
    event_type: str,
    well_id: str,
    payload: dict[str, Any],
    at: datetime,
    seq: int = 0,
    equipment_id: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "device_seq": seq,
        "type": event_type,
        "well_id": well_id,
        "occurred_at": at.isoformat(),
        "payload": payload,
    }
    if equipment_id:
        body["equipment_id"] = equipment_id
    return body


def reading(well_id: str, at: datetime, value: float, seq: int = 0, tag: str = "TP") -> dict:
    payload = {"tag": tag, "value": value, "unit": "psi"}
    return event("WELL_READING_RECORDED", well_id, payload, at, seq)


def production(well_id: str, day: date, at: datetime, oil: float, seq: int = 0, **more) -> dict:
    payload = {"date": day.isoformat(), "oil_bbl": oil, "gas_mcf": 50.0, "water_bbl": 20.0}
    payload.update(more)
    return event("PRODUCTION_LOGGED", well_id, payload, at, seq)


def inspection(
    well_id: str, equipment_id: str, at: datetime, passed: bool, seq: int = 0
) -> dict[str, Any]:
    payload = {
        "checklist": [{"item": "guard", "ok": True}, {"item": "belts", "ok": passed}],
        "passed": passed,
        "notes": "checked at noon",
    }
    return event("EQUIPMENT_INSPECTED", well_id, payload, at, seq, equipment_id)


def note(well_id: str, at: datetime, text: str, seq: int = 0) -> dict[str, Any]:
    return event("NOTE_ADDED", well_id, {"text": text}, at, seq)


def device(name: str, clock: datetime | None = None) -> dict[str, Any]:
    body = {"id": name, "platform": "android", "app_version": "1.0.0"}
    if clock is not None:
        body["clock"] = clock.isoformat()
    return body


def sync(site: Site, who: Person, dev: dict[str, Any], events: list[dict]) -> dict[str, Any]:
    response = site.client.post(
        "/api/v1/sync", json={"device": dev, "events": events}, headers=who.headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def statuses(answer: dict[str, Any]) -> list[str]:
    return [result["status"] for result in answer["results"]]


def tenant_engine(site: Site) -> sa.Engine:
    tenant = site.session.created.tenant
    return site.platform.tenant_databases.engines.engine_for(tenant)


def table_state(site: Site) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table sync touches, in a stable order."""
    state: dict[str, list[tuple[Any, ...]]] = {}
    with tenant_engine(site).connect() as connection:
        for table in SYNC_TABLES:
            rows = connection.execute(sa.select(table)).all()
            state[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return state


def rows(site: Site, table: sa.Table, *where: Any) -> list[dict[str, Any]]:
    with tenant_engine(site).connect() as connection:
        result = connection.execute(sa.select(table).where(*where))
        return [dict(row._mapping) for row in result]


def pull_all(
    site: Site,
    who: Person,
    since: str | None = None,
    limit: int = 50,
    until: Callable[[list[dict[str, Any]]], bool] | None = None,
) -> tuple[list[dict[str, Any]], str, int]:
    """Pull page by page until has_more is false; returns changes, cursor, pages.

    With `until`, keep pulling (briefly pausing) until it holds: the PostgreSQL
    fence is cluster-wide, so another session's open transaction (other tests
    on the same server) can hold settled rows back for a moment.
    """
    changes: list[dict[str, Any]] = []
    pages = 0
    for _ in range(SETTLE_TRIES):
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since
        response = site.client.get("/api/v1/sync/changes", params=params, headers=who.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        pages += 1
        changes.extend(body["changes"])
        since = body["cursor"]
        if body["has_more"]:
            continue
        if until is None or until(changes):
            return changes, body["cursor"], pages
        time.sleep(0.1)
    raise AssertionError(f"the feed did not deliver the expected changes: {changes}")


def job_readings(site: Site, count: int) -> list[dict[str, Any]]:
    """`count` readings at a fresh hour (tests of a module share one tenant), a job's worth."""
    start = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=uuid.uuid4().int % 100_000)
    wells = site.wells
    return [
        reading(wells[i % 2], start + timedelta(seconds=i), 100.0 + i % 50, seq=i, tag="LP")
        for i in range(count)
    ]


def job_report(site: Site, job_id: str, headers: dict | None = None, **params: Any) -> dict:
    response = site.client.get(
        f"/api/v1/sync/jobs/{job_id}", params=params, headers=headers or site.operator.headers
    )
    assert response.status_code == 200, response.text[:300]
    return dict(response.json())


class ProcessDied(BaseException):
    """The process ended (killed, out of memory) while sending: nothing after runs."""


class DyingQueue(InMemoryQueue):
    """The process dies as it sends; `lost` keeps the ids of the messages never sent."""

    def __init__(self) -> None:
        super().__init__()
        self.lost: list[str] = []

    def send(self, queue: str, messages: Sequence[OutgoingMessage]) -> None:
        self.lost.extend(message.message_id for message in messages)
        raise ProcessDied


def job_service(site: Site, queue: Queue, minutes_ago: int = 0) -> SyncJobService:
    """The platform's job service on `queue`, its clock `minutes_ago` behind."""
    platform = site.platform
    return SyncJobService(
        platform.master, platform.tenant_databases, platform.sync, platform.blobs, queue,
        clock=lambda: utc_now() - timedelta(minutes=minutes_ago),
    )  # fmt: skip


def submit_job(service: SyncJobService, site: Site, events: list[dict]) -> None:
    """What the API does with a big batch of the operator, straight to the service."""
    tenant = site.session.created.tenant
    operator = site.operator
    actor = Actor(operator.user_id, operator.email, Role.FIELD_OPERATOR, tenant.id, tenant.slug)
    raw = json.dumps({"device": device("tab-requeue"), "events": events}).encode()
    service.submit(tenant, actor, "tab-requeue", raw, len(events))


def lost_job(site: Site, minutes_ago: int) -> str:
    """A job committed `minutes_ago` by a process that died before sending its message."""
    queue = DyingQueue()
    with pytest.raises(ProcessDied):
        submit_job(job_service(site, queue, minutes_ago), site, job_readings(site, 501))
    [job_id] = queue.lost
    return job_id


def job_row(site: Site, job_id: str) -> dict:
    [row] = rows(site, sync_jobs, sync_jobs.c.id == job_id)
    return row
