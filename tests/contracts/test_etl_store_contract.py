"""The ETL and import stores' contract: one suite, run against the in-memory twins and the SQL
stores on a migrated PostgreSQL tenant database, so the fakes cannot drift from reality."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from shared.adapters.memory.etl import MemoryEtlStores, MemoryImportStores
from shared.adapters.memory.tenant_data import MemoryTenantDatabases
from shared.adapters.sql.etl.imports import SqlImportStore
from shared.adapters.sql.etl.store import SqlEtlStore
from shared.adapters.sql.provisioning import SqlTenantProvisioner
from shared.adapters.sql.urls import normalize_url
from shared.core.etl.model.fields import Entity
from shared.core.etl.model.mapping import RejectedRow
from shared.core.etl.ports.imports import (
    ImportCounts,
    ImportRecord,
    ImportStatus,
    ImportStore,
    RowResult,
    RowStatus,
)
from shared.core.etl.ports.runs import EntityCounts, EtlStore, RunRecord, RunStatus
from tests.functional.support import FixedClock, make_tenant

NOW = datetime(2026, 11, 3, 12, tzinfo=UTC)
API_A, API_B = "42-501-20130", "42-501-20131"


@pytest.fixture(params=["memory", "postgresql"])
def store(request: pytest.FixtureRequest) -> Iterator[EtlStore]:
    clock = FixedClock(NOW)
    if request.param == "memory":
        yield MemoryEtlStores(MemoryTenantDatabases().state_of, clock).for_tenant(make_tenant())
        return
    url = request.getfixturevalue("fresh_pg_database")
    SqlTenantProvisioner(normalize_url(url), "unused_").migrate(url)
    engine = sa.create_engine(normalize_url(url))
    try:
        yield SqlEtlStore(engine, clock)
    finally:
        engine.dispose()


def _run(started: datetime, status: RunStatus = RunStatus.RUNNING) -> RunRecord:
    return RunRecord(str(uuid.uuid4()), "manual", status, started)


def test_runs_are_saved_listed_newest_first_and_stale_ones_abandoned(store: EtlStore) -> None:
    old, new = _run(NOW - timedelta(hours=1)), _run(NOW, RunStatus.SUCCEEDED)
    new.totals = EntityCounts(read=5, written=4, quarantined=1)
    new.entities = {"wells": EntityCounts(read=5, written=4, quarantined=1)}
    with store.unit_of_work() as uow:
        uow.save_run(old)
        uow.save_run(new)
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.abandon_running(NOW) == 1
        uow.commit()
    with store.unit_of_work() as uow:
        runs = uow.runs(10, 0)
        assert [(r.id, r.status) for r in runs] == [
            (new.id, RunStatus.SUCCEEDED),
            (old.id, RunStatus.ABANDONED),
        ]
        assert runs[0].totals == new.totals and runs[0].entities == new.entities
        assert runs[1].finished_at == NOW
        assert [r.id for r in uow.runs(1, 1)] == [old.id]


def test_watermarks_and_the_quarantine_keep_one_row_each(store: EtlStore) -> None:
    run_id = str(uuid.uuid4())
    refused = RejectedRow((7,), {"API": None, "Oil": 1.5}, "well_api_number", "is required")
    with store.unit_of_work() as uow:
        assert uow.watermark(Entity.PRODUCTION) is None
        uow.save_watermark(Entity.PRODUCTION, NOW - timedelta(hours=1), run_id)
        uow.save_watermark(Entity.PRODUCTION, NOW, run_id)
        assert uow.quarantine(Entity.PRODUCTION, [refused, refused], run_id) == 2
        uow.commit()
    with store.unit_of_work() as uow:
        mark = uow.watermark(Entity.PRODUCTION)
        assert mark is not None and mark.value == NOW and mark.updated_at == NOW
        (row,) = uow.quarantined(None, 10, 0)
        assert (row.entity, row.run_id, row.field) == ("production", run_id, "well_api_number")
        assert row.row_data == {"API": None, "Oil": 1.5} and row.source_key == "[7]"
        assert uow.quarantined(Entity.WELLS, 10, 0) == []


def test_loaded_wells_are_found_by_api_and_unseen_keys_flag_them(store: EtlStore) -> None:
    run_id, scan_id = str(uuid.uuid4()), str(uuid.uuid4())
    rows = [{"api_number": API_A, "name": "Cole 1"}, {"api_number": API_B, "name": "Cole 2"}]
    with store.unit_of_work() as uow:
        assert uow.load(Entity.WELLS, rows, "etl") == 2
        uow.remember_keys(Entity.WELLS, [("[1]", API_A), ("[2]", API_B)], run_id)
        uow.commit()
    with store.unit_of_work() as uow:
        ids = uow.well_ids_by_api()
        assert sorted(ids) == [API_A, API_B]
        assert uow.load(Entity.WELLS, [{"api_number": API_A, "name": "Cole 1A"}], "etl") == 1
        uow.mark_seen(Entity.WELLS, ["[1]"], scan_id)
        assert uow.flag_unseen(Entity.WELLS, scan_id) == 1
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.well_ids_by_api() == {API_A: ids[API_A]}  # the same well, updated in place
        assert uow.flag_unseen(Entity.WELLS, str(uuid.uuid4())) == 1  # nothing seen: Cole 1A


def test_only_one_run_holds_the_lock(store: EtlStore) -> None:
    with store.exclusive("first", 60) as first:
        assert first.held
        with store.exclusive("second", 60) as second:
            assert not second.held
        first.renew()
    with store.exclusive("third", 60) as third:
        assert third.held


# --- the import store ---


@pytest.fixture(params=["memory", "postgresql"])
def imports(request: pytest.FixtureRequest) -> Iterator[ImportStore]:
    clock = FixedClock(NOW)
    if request.param == "memory":
        yield MemoryImportStores(MemoryTenantDatabases().state_of, clock).for_tenant(make_tenant())
        return
    url = request.getfixturevalue("fresh_pg_database")
    SqlTenantProvisioner(normalize_url(url), "unused_").migrate(url)
    engine = sa.create_engine(normalize_url(url))
    try:
        yield SqlImportStore(engine, clock)
    finally:
        engine.dispose()


def _record(created: datetime, sha256: str = "ab" * 32) -> ImportRecord:
    return ImportRecord(
        str(uuid.uuid4()), Entity.WELLS, ImportStatus.PREVIEWED, "wells.csv", "csv", 10,
        "tenants/acme/imports/x", 1, sha256, "a@acme.test", created, created, ["API"],
        {"column_mapping": {"api_number": "API"}},
    )  # fmt: skip


def test_imports_are_kept_found_by_content_and_listed_newest_first(imports: ImportStore) -> None:
    old, new = _record(NOW - timedelta(hours=1)), _record(NOW, sha256="cd" * 32)
    with imports.unit_of_work() as uow:
        uow.add(old)
        uow.add(new)
        old.status, old.counts = ImportStatus.SUCCEEDED, ImportCounts(processed=2, inserted=2)
        uow.update(old)
        uow.commit()
    with imports.unit_of_work() as uow:
        assert [r.id for r in uow.recent(10, 0)] == [new.id, old.id]
        assert [r.id for r in uow.find_by_sha256(old.sha256)] == [old.id]
        assert uow.find_by_sha256(new.sha256) == []  # not imported yet
        stored = uow.get(old.id)
        assert stored is not None and stored.counts == old.counts
        assert stored.suggested == old.suggested and stored.columns == ["API"]
        assert uow.get(str(uuid.uuid4())) is None


def test_row_results_are_paged_and_changes_read_back_last_first(imports: ImportStore) -> None:
    record = _record(NOW)
    results = [
        RowResult(2, RowStatus.INSERTED, API_A, after={"name": "Cole 1"}),
        RowResult(3, RowStatus.REJECTED, None, "api_number", "is required"),
        RowResult(4, RowStatus.UPDATED, API_B, before={"name": "Old"}, after={"name": "Cole 2"}),
    ]
    with imports.unit_of_work() as uow:
        uow.add(record)
        uow.add_results(record.id, results)
        uow.commit()
    with imports.unit_of_work() as uow:
        assert uow.results(record.id, None, 10, 0) == results
        assert uow.results(record.id, RowStatus.REJECTED, 10, 0) == [results[1]]
        assert [r.line for r in uow.results(record.id, None, 1, 1)] == [3]
        assert [r.line for r in uow.changes_before(record.id, None, 10)] == [4, 2]
        assert [r.line for r in uow.changes_before(record.id, 4, 10)] == [2]


def test_written_wells_are_current_removed_and_restored(imports: ImportStore) -> None:
    with imports.unit_of_work() as uow:
        assert uow.write(Entity.WELLS, [{"api_number": API_A, "name": "Cole 1"}], "a@x") == 1
        uow.commit()
    with imports.unit_of_work() as uow:
        found = uow.current(Entity.WELLS, [{"api_number": API_A}, {"api_number": API_B}])
        assert list(found) == [API_A] and found[API_A]["name"] == "Cole 1"
        assert uow.well_ids_by_api() == {API_A: found[API_A]["id"]}
        uow.remove(Entity.WELLS, found[API_A])
        assert uow.current(Entity.WELLS, [{"api_number": API_A}]) == {}
        uow.restore(Entity.WELLS, {**found[API_A], "name": "Cole 1 again"})
        uow.commit()
    with imports.unit_of_work() as uow:
        back = uow.current(Entity.WELLS, [{"api_number": API_A}])[API_A]
        assert (back["id"], back["name"]) == (found[API_A]["id"], "Cole 1 again")
