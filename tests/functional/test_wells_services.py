"""The wells services over the in-memory tenant database: wells and their lifecycle,
the catalog, daily production, a well's activity and its photos."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from shared.adapters.memory.blobs import InMemoryBlobStore
from shared.adapters.memory.sync import SyncData
from shared.adapters.memory.tenant_data import MemoryTenantDatabases
from shared.core.common.errors import (
    DuplicateError,
    IllegalTransitionError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
)
from shared.core.common.roles import Role
from shared.core.common.units_of_work import AuditRecord
from shared.core.registry.model.tenants import Tenant
from shared.core.wells.ports import TimelineKind, TimelineQuery, WellQuery
from shared.core.wells.services.activity import WellActivityService
from shared.core.wells.services.catalog import (
    EQUIPMENT,
    FACILITIES,
    FIELDS,
    LEASES,
    CatalogService,
)
from shared.core.wells.services.photos import READ_TTL_S, PhotoService
from shared.core.wells.services.production import BatchRejectedError, ProductionService
from shared.core.wells.services.wells import WellService
from tests.functional.people import START, Clock, actor, tenant


class Users:
    """The master database's users, as far as assigning wells asks about them."""

    def __init__(self, known: set[str]) -> None:
        self._known = known

    def get(self, tenant_id: str, user_id: str) -> object | None:
        return object() if user_id in self._known else None


class Master:
    def __init__(self) -> None:
        self.users = set[str]()

    @contextmanager
    def unit_of_work(self) -> Iterator[SimpleNamespace]:
        yield SimpleNamespace(users=Users(self.users))


@dataclass
class World:
    tenant: Tenant
    databases: MemoryTenantDatabases
    master: Master
    clock: Clock
    wells: WellService
    catalog: CatalogService
    production: ProductionService
    activity: WellActivityService
    photos: PhotoService
    blobs: InMemoryBlobStore

    def as_(self, role: Role) -> Any:
        return actor(self.tenant, role)

    def audit(self, entity: str, entity_id: str) -> list[AuditRecord]:
        with self.databases.unit_of_work(self.tenant) as uow:
            return uow.audit.list(entity, entity_id, 50)

    def field_records(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Rows as field sync writes them (its tables are the sync fake's)."""
        with self.databases.unit_of_work(self.tenant) as uow:
            uow.data("sync", SyncData).rows(table).extend(rows)
            uow.commit()


@pytest.fixture
def world() -> World:
    databases, master, clock = MemoryTenantDatabases(), Master(), Clock()
    blobs = InMemoryBlobStore()
    return World(
        tenant=tenant(),
        databases=databases,
        master=master,
        clock=clock,
        wells=WellService(databases, master, clock),  # type: ignore[arg-type]
        catalog=CatalogService(databases, clock),
        production=ProductionService(databases, clock),
        activity=WellActivityService(databases),
        photos=PhotoService(databases, blobs),
        blobs=blobs,
    )


ADMIN, MANAGER, OPERATOR, VIEWER = Role.ADMIN, Role.MANAGER, Role.FIELD_OPERATOR, Role.VIEWER


def _well(world: World, name: str = "Smith 1H", **values: Any) -> str:
    created = world.wells.create(
        world.tenant, world.as_(ADMIN), {"name": name, "well_type": "OIL", **values}
    )
    return created.id


# --- wells ---------------------------------------------------------------------------


def test_a_new_well_is_planned_with_a_normalized_api_number_and_audited(world: World) -> None:
    well = world.wells.create(
        world.tenant,
        world.as_(MANAGER),
        {"name": "Smith 1H", "well_type": "OIL", "api_number": "42-501-20130"},
    )
    assert (well.status, well.is_horizontal, well.api_number) == (
        "PLANNED",
        False,
        "42501201300000",
    )
    assert world.wells.get(world.tenant, world.as_(VIEWER), well.id) == well
    [entry] = world.audit("well", well.id)
    assert entry.action == "well.created" and (entry.after or {})["name"] == "Smith 1H"


def test_creating_a_well_refuses_duplicates_bad_references_and_the_wrong_roles(
    world: World,
) -> None:
    _well(world, api_number="42501201300000")
    admin = world.as_(ADMIN)
    base = {"name": "B", "well_type": "OIL"}
    with pytest.raises(DuplicateError):
        world.wells.create(world.tenant, admin, {**base, "api_number": "42-501-20130-0000"})
    with pytest.raises(InputError, match="lease"):
        world.wells.create(world.tenant, admin, {**base, "lease_id": "no-such-lease"})
    with pytest.raises(InputError) as unknown:
        world.wells.create(world.tenant, admin, {**base, "colour": "red"})
    assert unknown.value.field == "colour"
    with pytest.raises(PermissionDeniedError):
        world.wells.create(world.tenant, world.as_(OPERATOR), base)
    with pytest.raises(PermissionDeniedError):
        world.wells.create(world.tenant, world.as_(VIEWER), base)
    assert world.wells.list(world.tenant, admin, WellQuery()).total == 1


def test_a_well_follows_its_lifecycle_and_an_empty_change_writes_nothing(world: World) -> None:
    well_id, admin = _well(world), world.as_(ADMIN)
    world.clock.advance(hours=1)
    permitted = world.wells.update(world.tenant, admin, well_id, {"status": "PERMITTED"})
    assert permitted.status == "PERMITTED"
    with pytest.raises(IllegalTransitionError):
        world.wells.update(world.tenant, admin, well_id, {"status": "PRODUCING"})
    assert world.wells.update(world.tenant, admin, well_id, {}) == permitted
    actions = [e.action for e in world.audit("well", well_id)]
    assert actions == ["well.updated", "well.created"]


def test_a_deleted_well_is_gone_and_a_missing_one_is_not_found(world: World) -> None:
    well_id, admin = _well(world), world.as_(ADMIN)
    world.wells.delete(world.tenant, admin, well_id)
    with pytest.raises(NotFoundError):
        world.wells.get(world.tenant, admin, well_id)
    with pytest.raises(NotFoundError):
        world.wells.delete(world.tenant, admin, well_id)
    assert world.wells.list(world.tenant, admin, WellQuery()).total == 0
    assert world.audit("well", well_id)[0].action == "well.deleted"


def test_a_field_operator_sees_only_the_wells_assigned_to_them(world: World) -> None:
    mine, other = _well(world, "A"), _well(world, "B")
    operator, admin = world.as_(OPERATOR), world.as_(ADMIN)
    world.master.users.add(operator.user_id)
    world.wells.assign(world.tenant, admin, mine, operator.user_id)
    listed = world.wells.list(world.tenant, operator, WellQuery())
    assert [w.id for w in listed.items] == [mine]
    with pytest.raises(NotFoundError):
        world.wells.get(world.tenant, operator, other)
    world.wells.unassign(world.tenant, admin, mine, operator.user_id)
    assert world.wells.list(world.tenant, operator, WellQuery()).total == 0


def test_assigning_needs_an_office_role_and_a_user_of_the_tenant(world: World) -> None:
    well_id = _well(world)
    with pytest.raises(InputError, match="does not exist"):
        world.wells.assign(world.tenant, world.as_(ADMIN), well_id, "nobody")
    with pytest.raises(PermissionDeniedError):
        world.wells.assign(world.tenant, world.as_(OPERATOR), well_id, "nobody")
    with pytest.raises(PermissionDeniedError):
        world.wells.unassign(world.tenant, world.as_(VIEWER), well_id, "nobody")


# --- the catalog -----------------------------------------------------------------------


def test_the_catalog_links_fields_leases_facilities_and_equipment(world: World) -> None:
    admin = world.as_(ADMIN)
    field = world.catalog.create(FIELDS, world.tenant, admin, {"name": "Spraberry", "code": "SPR"})
    lease = world.catalog.create(
        LEASES,
        world.tenant,
        admin,
        {"lease_number": "L-1", "name": "Smith", "royalty_rate": 0.1875, "field_id": field.id},
    )
    facility = world.catalog.create(
        FACILITIES,
        world.tenant,
        admin,
        {"name": "Battery", "facility_type": "TANK_BATTERY", "field_id": field.id},
    )
    well_id = _well(world, lease_id=lease.id, field_id=field.id)
    pump = world.catalog.create(
        EQUIPMENT,
        world.tenant,
        admin,
        {"tag": "P-1", "equipment_type": "ROD_PUMP", "well_id": well_id},
    )
    assert field.status == lease.status == facility.status == pump.status == "ACTIVE"
    assert world.catalog.get(LEASES, world.tenant, admin, lease.id) == lease
    page = world.catalog.list(LEASES, world.tenant, admin, {"field_id": field.id}, 10, 0)
    assert page.items == [lease]
    assert world.audit("equipment", pump.id)[0].action == "equipment.created"


def test_the_catalog_refuses_duplicate_keys_missing_references_and_crossed_dates(
    world: World,
) -> None:
    admin = world.as_(ADMIN)
    world.catalog.create(FIELDS, world.tenant, admin, {"name": "Spraberry", "code": "SPR"})
    with pytest.raises(DuplicateError):
        world.catalog.create(FIELDS, world.tenant, admin, {"name": "Again", "code": "SPR"})
    with pytest.raises(InputError, match="field"):
        world.catalog.create(
            FACILITIES,
            world.tenant,
            admin,
            {"name": "B", "facility_type": "TANK_BATTERY", "field_id": "missing"},
        )
    lease = world.catalog.create(
        LEASES,
        world.tenant,
        admin,
        {"lease_number": "L-1", "name": "S", "royalty_rate": 0.2, "effective_date": EFFECTIVE},
    )
    with pytest.raises(InputError) as crossed:
        world.catalog.update(
            LEASES, world.tenant, admin, lease.id, {"expiration_date": date(2019, 1, 1)}
        )
    assert crossed.value.field == "expiration_date"
    with pytest.raises(NotFoundError):
        world.catalog.update(LEASES, world.tenant, admin, "missing", {"name": "X"})
    with pytest.raises(NotFoundError):
        world.catalog.get(FIELDS, world.tenant, admin, "missing")
    with pytest.raises(PermissionDeniedError):
        world.catalog.create(FIELDS, world.tenant, world.as_(OPERATOR), {"name": "F"})


EFFECTIVE = date(2020, 1, 1)


def test_a_catalog_change_is_audited_and_an_empty_one_is_not(world: World) -> None:
    admin = world.as_(ADMIN)
    field = world.catalog.create(FIELDS, world.tenant, admin, {"name": "Spraberry"})
    world.clock.advance(minutes=5)
    renamed = world.catalog.update(FIELDS, world.tenant, admin, field.id, {"name": "Wolfcamp"})
    unchanged = world.catalog.update(FIELDS, world.tenant, admin, field.id, {})
    assert renamed.name == unchanged.name == "Wolfcamp"
    [updated, _] = world.audit("field", field.id)
    names = ((updated.before or {})["name"], (updated.after or {})["name"])
    assert names == ("Spraberry", "Wolfcamp")


def test_a_field_operator_sees_only_the_equipment_of_their_wells(world: World) -> None:
    admin, operator = world.as_(ADMIN), world.as_(OPERATOR)
    mine, other = _well(world, "A"), _well(world, "B")
    world.master.users.add(operator.user_id)
    world.wells.assign(world.tenant, admin, mine, operator.user_id)
    pumps = {
        well_id: world.catalog.create(
            EQUIPMENT,
            world.tenant,
            admin,
            {"tag": f"P-{n}", "equipment_type": "ROD_PUMP", "well_id": well_id},
        )
        for n, well_id in enumerate((mine, other))
    }
    seen = world.catalog.list(EQUIPMENT, world.tenant, operator, {}, 10, 0)
    assert seen.items == [pumps[mine]]
    asked = world.catalog.list(EQUIPMENT, world.tenant, operator, {"well_id": other}, 10, 0)
    assert asked.total == 0
    with pytest.raises(NotFoundError):
        world.catalog.get(EQUIPMENT, world.tenant, operator, pumps[other].id)


# --- daily production ------------------------------------------------------------------


def test_a_well_day_is_created_then_replaced(world: World) -> None:
    well_id, admin = _well(world), world.as_(ADMIN)
    day = START.date() - timedelta(days=1)
    first, created = world.production.put_day(world.tenant, admin, well_id, day, {"oil_bbl": 10})
    again, created_again = world.production.put_day(
        world.tenant, admin, well_id, day, {"oil_bbl": 12, "is_estimated": True}
    )
    assert (created, created_again) == (True, False)
    assert (first.oil_bbl, again.oil_bbl, again.is_estimated) == (10, 12, True)
    assert world.production.get_day(world.tenant, admin, well_id, day) == again
    assert [e.action for e in world.audit("production", f"{well_id}/{day}")] == [
        "production.upserted",
        "production.upserted",
    ]


def test_production_reads_refuse_missing_days_wells_and_bad_ranges(world: World) -> None:
    well_id, viewer = _well(world), world.as_(VIEWER)
    day = START.date()
    with pytest.raises(NotFoundError):
        world.production.get_day(world.tenant, viewer, well_id, day)
    with pytest.raises(NotFoundError):
        world.production.between(world.tenant, viewer, "missing", day, day)
    with pytest.raises(InputError):
        world.production.between(world.tenant, viewer, well_id, day, day - timedelta(days=1))
    with pytest.raises(InputError):
        world.production.between(world.tenant, viewer, well_id, day - timedelta(days=4000), day)
    with pytest.raises(InputError):
        world.production.put_day(
            world.tenant, world.as_(ADMIN), well_id, day + timedelta(days=1), {"oil_bbl": 1}
        )
    with pytest.raises(PermissionDeniedError):
        world.production.put_day(world.tenant, viewer, well_id, day, {"oil_bbl": 1})


def test_a_batch_is_written_whole_and_fed_to_devices(world: World) -> None:
    well_id, admin = _well(world), world.as_(ADMIN)
    first = START.date() - timedelta(days=10)
    rows = [
        {"well_id": well_id, "production_date": first + timedelta(days=n), "oil_bbl": 5.0 + n}
        for n in range(10)
    ]
    assert world.production.upsert_batch(world.tenant, admin, rows) == 10
    days = world.production.between(world.tenant, admin, well_id, first, START.date())
    assert [d.oil_bbl for d in days] == [5.0 + n for n in range(10)]
    with world.databases.unit_of_work(world.tenant) as uow:
        feed = uow.changes.read(None, [well_id], None, 10, START).items
    assert (feed[-1].data or {})["days"] == 10


def test_a_batch_with_bad_rows_writes_nothing_and_names_every_row(world: World) -> None:
    well_id, admin = _well(world), world.as_(ADMIN)
    day = START.date() - timedelta(days=1)
    rows = [
        {"well_id": well_id, "production_date": day, "oil_bbl": 1.0},
        {"well_id": well_id, "production_date": day, "oil_bbl": 2.0},
        {"well_id": "missing", "production_date": day},
        {"well_id": well_id, "production_date": day - timedelta(days=1), "oil_bbl": -1.0},
    ]
    with pytest.raises(BatchRejectedError) as rejected:
        world.production.upsert_batch(world.tenant, admin, rows)
    assert [(e.index, e.field) for e in rejected.value.errors] == [
        (1, "production_date"),
        (2, "well_id"),
        (3, "oil_bbl"),
    ]
    week = day - timedelta(days=5)
    assert world.production.between(world.tenant, admin, well_id, week, day) == []
    with pytest.raises(InputError):
        world.production.upsert_batch(world.tenant, admin, [])
    with pytest.raises(InputError):
        world.production.upsert_batch(world.tenant, admin, rows * 1251)


# --- a well's activity and photos ------------------------------------------------------


def _record(well_id: str, event_id: str, hour: int, **details: Any) -> dict[str, Any]:
    at = START + timedelta(hours=hour)
    return {"event_id": event_id, "well_id": well_id, "occurred_at": at, **details}


def _by(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "recorded_by": "op@acme.com", "device_id": "dev-1"}


def test_the_timeline_merges_the_kinds_newest_first(world: World) -> None:
    well_id, other = _well(world, "A"), _well(world, "B")
    notes = [_record(well_id, "note-1", 1, text="Leak"), _record(other, "note-4", 4, text="-")]
    world.field_records("well_notes", [_by(r) for r in notes])
    downtime = _record(well_id, "downtime-3", 3, reason_code="PUMP", hours=2.0)
    world.field_records("downtime_events", [_by(downtime)])
    reading = _record(well_id, "reading-2", 2, tag="tp", value=120.0, unit="psi")
    world.field_records("field_readings", [_by(reading)])
    kinds = frozenset(TimelineKind)
    query = TimelineQuery(well_id, kinds, None, None, 2)
    entries = world.activity.timeline(world.tenant, world.as_(VIEWER), query)
    assert [e.id for e in entries] == ["downtime-3", "reading-2"]
    assert entries[0].details == {"downtime_date": None, "reason_code": "PUMP", "hours": 2.0}
    window = TimelineQuery(well_id, kinds, START, START + timedelta(hours=2), 10)
    assert [e.id for e in world.activity.timeline(world.tenant, world.as_(ADMIN), window)] == [
        "note-1"
    ]


def test_the_timeline_refuses_bad_limits_and_windows_and_hidden_wells(world: World) -> None:
    well_id, kinds = _well(world), frozenset(TimelineKind)
    viewer = world.as_(VIEWER)
    with pytest.raises(InputError):
        world.activity.timeline(world.tenant, viewer, TimelineQuery(well_id, kinds, None, None, 0))
    with pytest.raises(InputError):
        world.activity.timeline(
            world.tenant, viewer, TimelineQuery(well_id, kinds, START, START, 10)
        )
    with pytest.raises(NotFoundError):
        world.activity.timeline(
            world.tenant, world.as_(OPERATOR), TimelineQuery(well_id, kinds, None, None, 10)
        )
    with pytest.raises(NotFoundError):
        world.activity.assignments(world.tenant, viewer, "missing")


def test_a_wells_assignments_say_who_assigned_whom_and_when(world: World) -> None:
    well_id, admin = _well(world), world.as_(ADMIN)
    first, second = world.as_(OPERATOR), actor(world.tenant, OPERATOR, "second@acme.com")
    world.master.users.update({first.user_id, second.user_id})
    world.wells.assign(world.tenant, admin, well_id, first.user_id)
    world.clock.advance(hours=1)
    world.wells.assign(world.tenant, admin, well_id, second.user_id)
    listed = world.activity.assignments(world.tenant, world.as_(VIEWER), well_id)
    assert [(a.user_id, a.assigned_by) for a in listed] == [
        (first.user_id, admin.email),
        (second.user_id, admin.email),
    ]


def test_a_photo_upload_is_granted_to_the_field_for_its_own_wells(world: World) -> None:
    well_id, operator = _well(world), world.as_(OPERATOR)
    world.master.users.add(operator.user_id)
    world.wells.assign(world.tenant, world.as_(ADMIN), well_id, operator.user_id)
    upload = world.photos.request_upload(world.tenant, operator, well_id, "image/jpeg", 2048)
    assert upload.blob_key.startswith(f"tenants/{world.tenant.slug}/wells/{well_id}/photos/")
    assert upload.max_bytes == 2048
    with pytest.raises(InputError):
        world.photos.request_upload(world.tenant, operator, well_id, "text/plain", 10)
    with pytest.raises(NotFoundError):
        world.photos.request_upload(world.tenant, world.as_(OPERATOR), well_id, "image/png", 10)
    with pytest.raises(PermissionDeniedError):
        world.photos.request_upload(world.tenant, world.as_(ADMIN), well_id, "image/png", 10)


def test_a_wells_photos_are_listed_newest_first_with_read_links(world: World) -> None:
    well_id = _well(world)
    photos = [
        _by(
            _record(
                well_id,
                f"e{n}",
                n,
                blob_key=f"tenants/acme/wells/{well_id}/photos/p{n}.jpg",
                content_type="image/jpeg",
                caption=None,
            )
        )
        for n in range(3)
    ]
    world.field_records("well_photos", photos)
    listed = world.photos.list(world.tenant, world.as_(VIEWER), well_id, limit=2)
    assert [p.event_id for p in listed] == ["e2", "e1"]
    assert all(p.url and p.url_expires_s == READ_TTL_S for p in listed)
    with pytest.raises(NotFoundError):
        world.photos.list(world.tenant, world.as_(VIEWER), "missing")
