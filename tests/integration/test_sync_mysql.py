"""Field sync on MariaDB/MySQL: the same service and repositories, the portable fence."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.engines import PoolSettings, create_engine
from shared.adapters.sql.migrate import upgrade
from shared.adapters.sql.sync import tables as st
from shared.adapters.sql.sync.change_log import SETTLE_S
from shared.adapters.sql.unit_of_work import SqlTenantUnitOfWork
from shared.core.common.actor import Actor
from shared.core.common.roles import Role
from shared.core.registry.model.tenants import DatabaseKind, Tenant, TenantStatus
from shared.core.sync.model import field_events as fe
from shared.core.sync.services.field_sync import SyncService
from shared.core.sync.services.review import Resolution
from shared.core.wells.model.records import Equipment, Well

pytestmark = pytest.mark.mysql

T = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)
TENANT = Tenant(
    "t-1", "acme", "Acme", TenantStatus.ACTIVE, "standard", DatabaseKind.MYSQL, "ref", "local", "fs"
)
PUMPER = Actor(str(uuid.uuid4()), "pumper@acme.test", Role.FIELD_OPERATOR, "t-1", "acme")
BOSS = Actor(str(uuid.uuid4()), "boss@acme.test", Role.MANAGER, "t-1", "acme")


@dataclass
class OneDatabase:
    """TenantDatabases over one engine (the test's MariaDB database)."""

    engine: sa.Engine

    def unit_of_work(self, tenant: Tenant) -> SqlTenantUnitOfWork:
        return SqlTenantUnitOfWork(self.engine)

    def forget(self, tenant: Tenant) -> None:
        return None


class Clock:
    def __init__(self) -> None:
        self.now = T + timedelta(hours=6)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def mysql_engine(mysql_server_url: str) -> Iterator[sa.Engine]:
    name = f"wt_sync_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(mysql_server_url)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE DATABASE `{name}`"))
    engine = create_engine(make_url(mysql_server_url).set(database=name), PoolSettings())
    upgrade(engine, "tenant")
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP DATABASE `{name}`"))
    admin.dispose()


@pytest.fixture
def setup(mysql_engine) -> tuple[SyncService, Clock, str, str]:
    with SqlTenantUnitOfWork(mysql_engine) as uow:
        well = str(uuid.uuid4())
        stamps = {"created_at": T, "updated_at": T}
        uow.wells.add(Well(id=well, name="W-1", well_type="OIL", status="PRODUCING", **stamps))
        pump = uow.equipment.add(
            Equipment(id=str(uuid.uuid4()), tag="P-1", equipment_type="ROD_PUMP",
                      status="ACTIVE", well_id=well, **stamps)
        ).id  # fmt: skip
        uow.assignments.assign(PUMPER.user_id, well, "admin", T)
        uow.commit()
    clock = Clock()
    return SyncService(OneDatabase(mysql_engine), clock), clock, well, pump


def _event(well: str, payload: fe.Payload, at: datetime, equipment: str | None = None):
    kind = {
        fe.ReadingRecorded: fe.EventType.WELL_READING_RECORDED,
        fe.ProductionLogged: fe.EventType.PRODUCTION_LOGGED,
        fe.EquipmentInspected: fe.EventType.EQUIPMENT_INSPECTED,
        fe.NoteAdded: fe.EventType.NOTE_ADDED,
    }[type(payload)]
    return fe.FieldEvent(str(uuid.uuid4()), 0, kind, well, at, payload, equipment)


def _inspection(ok: bool) -> fe.EquipmentInspected:
    return fe.EquipmentInspected((fe.ChecklistResult("belts", ok),), ok)


def test_sync_rules_resends_review_and_pull_work_on_mariadb(setup, mysql_engine):
    service, clock, well, pump = setup
    low = _event(well, fe.ProductionLogged(date(2025, 3, 4), 90.0, 10.0, 5.0, 24.0), T)
    high = _event(well, fe.ProductionLogged(date(2025, 3, 4), 120.0, 10.0, 5.0, 24.0), T)
    instant = T + timedelta(seconds=0.123456)  # microseconds must survive MariaDB
    tied = [_event(well, fe.ReadingRecorded("TP", v, "psi"), instant) for v in (1.0, 2.0)]
    checks = [_event(well, _inspection(ok), T, pump) for ok in (True, False)]
    note = _event(well, fe.NoteAdded("leak"), T)
    earlier_note = _event(well, fe.NoteAdded("gate open"), T - timedelta(hours=1))
    a, b = fe.Device("dev-a", "android", "1"), fe.Device("dev-b", "ios", "1")
    # GIVEN two devices syncing competing events
    first = service.apply_batch(TENANT, PUMPER, a, [high, tied[0], checks[0], note])
    second = service.apply_batch(TENANT, PUMPER, b, [low, tied[1], checks[1], earlier_note])
    # WHEN device b resends its batch
    again = service.apply_batch(TENANT, PUMPER, b, [low, tied[1], checks[1], earlier_note])
    # THEN the rules decide as on PostgreSQL, and the resend changes nothing
    assert [o.status.value for o in first] == ["applied"] * 4
    rules = [o.rule.value for o in second if o.rule]
    assert rules == ["highest_value", "newest_wins", "manual_review"]
    assert {o.status.value for o in again} == {"duplicate"}
    with mysql_engine.connect() as connection:
        daily = connection.execute(sa.select(t.production_daily)).mappings().one()
        current = connection.execute(sa.select(st.current_readings)).mappings().one()
    assert daily["oil_bbl"] == 120.0
    with SqlTenantUnitOfWork(mysql_engine) as uow:
        notes = [n.text for n in uow.field_records.notes_for(well, 10)]
    assert notes == ["gate open", "leak"]  # merged in the order written, not received
    assert (current["device_id"], current["value"]) == ("dev-b", 2.0)
    # WHEN the manager resolves the inspection conflict
    conflict_id = second[2].conflict_id
    assert conflict_id is not None
    service.resolve_conflict(TENANT, BOSS, conflict_id, Resolution("seen", checks[0].id))
    # THEN a pull after the settle window delivers everything once, page by page
    clock.now += timedelta(seconds=SETTLE_S + 1)
    page = service.pull_changes(TENANT, BOSS, None, 3)
    seen = list(page.items)
    while page.has_more:
        page = service.pull_changes(TENANT, BOSS, page.cursor, 3)
        seen += page.items
    actions = [item.action for item in seen]
    assert actions.count("reading.recorded") == 2
    assert {"production.synced", "conflict.opened", "conflict.resolved"} <= set(actions)
    assert len({(item.txid, item.seq) for item in seen}) == len(seen)
