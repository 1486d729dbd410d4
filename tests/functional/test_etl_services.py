"""ETL services over the in-memory fakes: configuration checked against the source, runs
(full, incremental, with quarantine and deletion detection), the lock, the schedule and the
queue, the operator's tools, and spreadsheet imports with their undo, with no database."""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pytest

from shared.adapters.memory.blobs import InMemoryBlobStore
from shared.adapters.memory.etl import (
    MemoryEtlStores,
    MemoryImportStores,
    MemorySourceConnector,
    MemoryTable,
)
from shared.adapters.memory.queue import InMemoryQueue
from shared.adapters.memory.secrets import InMemorySecrets
from shared.core.common.actor import Actor
from shared.core.common.errors import (
    InputError,
    NotFoundError,
    PermissionDeniedError,
    QueueError,
)
from shared.core.common.roles import Role
from shared.core.etl.errors import (
    EtlNotConfiguredError,
    EtlRunningError,
    ImportStateError,
    SourceUnavailableError,
)
from shared.core.etl.model.config import EtlConfigInput, ImportMapping
from shared.core.etl.model.fields import Entity
from shared.core.etl.model.jobs import ETL_QUEUE, IMPORTS_QUEUE
from shared.core.etl.ports.imports import ImportRecord, ImportStatus, RowStatus
from shared.core.etl.ports.registry import StoredEtl
from shared.core.etl.ports.runs import ColumnKind, RunStatus, SourceColumn
from shared.core.etl.services.etl import EtlDependencies, EtlService
from shared.core.etl.services.imports import ImportDependencies, ImportService
from shared.core.ports.queue import OutgoingMessage
from shared.core.registry.model.tenants import Tenant, TenantStatus
from tests.functional.support import (
    NOW,
    FixedClock,
    Master,
    WorldTenantDatabases,
    make_actor,
    make_tenant,
)

URL = "postgresql://etl@source.acme.test/field"
API_A, API_B = "42-501-20130", "42-501-20131"


def _columns(**kinds: ColumnKind) -> dict[str, SourceColumn]:
    return {name: SourceColumn(name, kind, True, kind.value) for name, kind in kinds.items()}


def _source() -> dict[tuple[str | None, str], MemoryTable]:
    text, number, moment = ColumnKind.TEXT, ColumnKind.NUMERIC, ColumnKind.TEMPORAL
    wells = MemoryTable(
        _columns(WellId=number, API=text, Name=text),
        [(1, API_A, "Cole 1"), (2, API_B, "Cole 2")],
    )
    production = MemoryTable(
        _columns(RecordID=number, API=text, ProdDate=text, Oil=number, ModifiedAt=moment),
        [
            (1, API_A, "03/01/2024", 12.5, NOW - timedelta(hours=3)),
            (2, API_A, "03/02/2024", 11.0, NOW - timedelta(hours=2)),
            (3, API_B, "03/01/2024", -4.0, NOW - timedelta(hours=2)),  # below 0: quarantined
            (4, None, "03/01/2024", 1.0, NOW - timedelta(hours=2)),  # no key: quarantined
        ],
    )
    return {(None, "Wells"): wells, (None, "Production"): production}


def _config(url: str | None = URL, **production: Any) -> EtlConfigInput:
    return EtlConfigInput.model_validate(
        {
            "connection_url": url,
            "source_kind": "postgresql",
            "entities": {
                "wells": {
                    "source_table": "Wells",
                    "key_columns": ["WellId"],
                    "column_mapping": {"api_number": "API", "name": "Name"},
                    "detect_deletions": True,
                },
                "production": {
                    "source_table": "Production",
                    "key_columns": ["RecordID"],
                    "column_mapping": {
                        "well_api_number": "API",
                        "production_date": "ProdDate",
                        "oil_bbl": "Oil",
                    },
                    "transforms": {"production_date": {"type": "DATE", "formats": ["%m/%d/%Y"]}},
                    "cursor_column": "ModifiedAt",
                    **production,
                },
            },
        }
    )


@dataclass
class Etl:
    service: EtlService
    master: Master
    stores: MemoryEtlStores
    connector: MemorySourceConnector
    secrets: InMemorySecrets
    queue: InMemoryQueue
    clock: FixedClock
    tenant: Tenant
    admin: Actor


@pytest.fixture
def etl() -> Etl:
    master, databases, secrets = Master(), WorldTenantDatabases(), InMemorySecrets()
    clock = FixedClock(NOW)
    connector, queue = MemorySourceConnector(), InMemoryQueue()
    connector.sources[URL] = _source()
    stores = MemoryEtlStores(databases.state_of, clock)
    service = EtlService(EtlDependencies(master, secrets, connector, stores, queue), clock)
    tenant = master.add_tenant(make_tenant("acme"))
    return Etl(
        service, master, stores, connector, secrets, queue, clock, tenant, make_actor(tenant)
    )


def test_a_configuration_checked_against_the_source_keeps_its_url_secret(etl: Etl) -> None:
    config = etl.service.put_config(etl.tenant, etl.admin, _config())
    assert etl.secrets.get(config.connection_secret_ref) == URL
    stored = etl.service.get_config(etl.tenant, etl.admin)
    assert stored == config and URL not in stored.model_dump_json()
    assert [e.action for e in etl.master.data.audit] == ["etl_config.updated"]
    again = etl.service.put_config(etl.tenant, etl.admin, _config(url=None, look_back_minutes=5))
    assert again.entities[Entity.PRODUCTION].look_back_minutes == 5  # the stored URL is kept


def test_a_configuration_naming_what_the_source_lacks_is_refused(etl: Etl) -> None:
    with pytest.raises(InputError):
        etl.service.put_config(etl.tenant, etl.admin, _config(cursor_column="Changed"))
    with pytest.raises(InputError, match="connection_url"):
        etl.service.put_config(etl.tenant, etl.admin, _config(url=None))
    etl.connector.dialect = "mysql"
    with pytest.raises(InputError, match="mysql"):
        etl.service.put_config(etl.tenant, etl.admin, _config())
    with pytest.raises(PermissionDeniedError):
        etl.service.put_config(etl.tenant, make_actor(etl.tenant, Role.MANAGER), _config())
    with pytest.raises(EtlNotConfiguredError):
        etl.service.get_config(etl.tenant, etl.admin)


def test_a_run_loads_wells_and_production_and_quarantines_the_rest(etl: Etl) -> None:
    etl.service.put_config(etl.tenant, etl.admin, _config())
    run = etl.service.run_now(etl.tenant, etl.admin)
    assert run.status is RunStatus.SUCCEEDED and run.finished_at == NOW
    assert (run.entities["wells"].read, run.entities["wells"].written) == (2, 2)
    production = run.entities["production"]
    assert (production.read, production.written, production.quarantined) == (4, 2, 2)
    wells = etl.stores.loaded(etl.tenant, Entity.WELLS)
    assert sorted(w["name"] for w in wells.values()) == ["Cole 1", "Cole 2"]
    days = etl.stores.loaded(etl.tenant, Entity.PRODUCTION)
    assert sorted((d["production_date"], d["oil_bbl"]) for d in days.values()) == [
        (date(2024, 3, 1), 12.5),
        (date(2024, 3, 2), 11.0),
    ]
    quarantined = etl.service.quarantined(etl.tenant, etl.admin, None, 10, 0)
    reasons = {(q.field, q.reason) for q in quarantined}
    assert ("well_api_number", "is required but the value is empty") in reasons
    assert any(f == "oil_bbl" and "below 0" in r for f, r in reasons)
    assert [r.id for r in etl.service.runs(etl.tenant, etl.admin, 10, 0)] == [run.id]


def test_the_next_run_reads_only_newer_rows_and_flags_deleted_wells(etl: Etl) -> None:
    etl.service.put_config(etl.tenant, etl.admin, _config())
    etl.service.run_now(etl.tenant, etl.admin)
    source = etl.connector.sources[URL]
    source[(None, "Wells")].rows.pop()  # Cole 2 left the source
    source[(None, "Production")].rows.append((5, API_A, "03/03/2024", 9.0, NOW))
    etl.clock.now = NOW + timedelta(minutes=15)
    run = etl.service.run_tenant(etl.tenant, "schedule")
    # rows at the watermark are read again (>=): 2, 3 and 4, and the new 5
    assert (run.entities["production"].read, run.entities["production"].written) == (4, 2)
    assert run.entities["wells"].deleted == 1
    wells = etl.stores.loaded(etl.tenant, Entity.WELLS)
    assert {w["name"]: w.get("deleted_at") is not None for w in wells.values()} == {
        "Cole 1": False,
        "Cole 2": True,
    }
    assert len(etl.service.quarantined(etl.tenant, etl.admin, Entity.PRODUCTION, 10, 0)) == 2


def test_a_run_fails_on_a_silent_source_and_waits_for_a_running_one(etl: Etl) -> None:
    etl.service.put_config(etl.tenant, etl.admin, _config())
    etl.secrets.set(etl.service.config_of(etl.tenant).connection_secret_ref, "postgresql://gone/x")
    with pytest.raises(SourceUnavailableError):
        etl.service.run_now(etl.tenant, etl.admin)
    (failed,) = etl.service.runs(etl.tenant, etl.admin, 10, 0)
    assert failed.status is RunStatus.FAILED and "does not answer" in (failed.error or "")
    with etl.stores.for_tenant(etl.tenant).exclusive("another run", 60) as lease:
        assert lease.held
        with pytest.raises(EtlRunningError):
            etl.service.run_now(etl.tenant, etl.admin)


def test_due_tenants_are_queued_once_per_interval_and_the_worker_runs_them(etl: Etl) -> None:
    etl.service.put_config(etl.tenant, etl.admin, _config())
    assert etl.service.schedule_due() == ["acme"]
    assert etl.service.schedule_due() == []
    etl.clock.now = NOW + timedelta(minutes=16)
    assert etl.service.schedule_due() == ["acme"]
    messages = etl.queue.receive(ETL_QUEUE, 10, 1.0, 0.0)
    assert len(messages) == 2
    run = etl.service.handle_job(messages[0].body)
    assert run is not None and run.trigger == "schedule" and run.status is RunStatus.SUCCEEDED
    stranger = make_tenant("globex")
    body = messages[1].body.replace(etl.tenant.id.encode(), stranger.id.encode())
    assert etl.service.handle_job(body) is None


class RefusingQueue:
    """A queue the send to fails, like a Service Bus that is down."""

    def send(self, queue: str, messages: Sequence[OutgoingMessage]) -> None:
        raise QueueError("the queue is unavailable")


def test_the_fan_out_skips_suspended_and_disabled_tenants_and_retries_refused_sends(
    etl: Etl,
) -> None:
    paused = etl.master.add_tenant(make_tenant("paused"))
    quiet = etl.master.add_tenant(make_tenant("quiet"))
    for tenant in (etl.tenant, paused, quiet):
        etl.connector.sources[f"{URL}-{tenant.slug}"] = _source()
        config = _config(url=f"{URL}-{tenant.slug}").model_copy(
            update={"enabled": tenant is not quiet}
        )
        etl.service.put_config(tenant, make_actor(tenant), config)
    with etl.master.unit_of_work() as uow:
        uow.tenants.set_status(paused.id, TenantStatus.SUSPENDED, NOW)
        uow.commit()
    assert etl.service.schedule_due(RefusingQueue()) == []
    assert etl.service.schedule_due() == ["acme"]  # the refused send left it due
    assert etl.service.schedule_due() == []
    stored = {s.tenant.slug: s.last_enqueued_at for s in _all_configured(etl.master)}
    assert stored == {"acme": NOW, "paused": None, "quiet": None}


def _all_configured(master: Master) -> list[StoredEtl]:
    with master.unit_of_work() as uow:
        return uow.etl.all_configured()


def test_runs_are_requested_by_admins_of_configured_tenants_only(etl: Etl) -> None:
    with pytest.raises(EtlNotConfiguredError):
        etl.service.request_run(etl.tenant, etl.admin)
    etl.service.put_config(etl.tenant, etl.admin, _config())
    with pytest.raises(PermissionDeniedError):
        etl.service.request_run(etl.tenant, make_actor(etl.tenant, Role.VIEWER))
    with pytest.raises(PermissionDeniedError):
        etl.service.get_config(etl.tenant, make_actor(etl.tenant, Role.VIEWER))
    assert etl.queue.receive(ETL_QUEUE, 10, 1.0, 0.0) == []
    suspended = replace(etl.tenant, status=TenantStatus.SUSPENDED)
    with etl.master.unit_of_work() as uow:
        uow.tenants.set_status(etl.tenant.id, TenantStatus.SUSPENDED, NOW)
        uow.commit()
    etl.service.enqueue_run(suspended, "manual")
    (message,) = etl.queue.receive(ETL_QUEUE, 10, 1.0, 0.0)
    assert etl.service.handle_job(message.body) is None  # a suspended tenant is not run
    assert etl.service.runs(etl.tenant, etl.admin, 10, 0) == []


def test_the_tools_report_the_source_and_preview_an_entity(etl: Etl) -> None:
    report = etl.service.test_connection(etl.tenant, etl.admin, URL)
    assert report.ok
    down = etl.service.test_connection(etl.tenant, etl.admin, "postgresql://gone/x")
    assert not down.ok and "does not answer" in (down.error or "")
    etl.service.put_config(etl.tenant, etl.admin, _config())
    preview = etl.service.preview(etl.tenant, etl.admin, Entity.WELLS)
    assert sorted(row["name"] for row in preview.rows) == ["Cole 1", "Cole 2"]
    with pytest.raises(InputError, match="entity"):
        etl.service.preview(etl.tenant, etl.admin, Entity.EQUIPMENT)
    queued = etl.service.request_run(etl.tenant, etl.admin)
    assert [m.message_id for m in etl.queue.receive(ETL_QUEUE, 10, 1.0, 0.0)] == [queued]


# --- spreadsheet imports ---


@dataclass
class Imports:
    service: ImportService
    stores: MemoryEtlStores
    blobs: InMemoryBlobStore
    queue: InMemoryQueue
    tenant: Tenant
    admin: Actor


@pytest.fixture
def imports() -> Imports:
    master, databases, clock = Master(), WorldTenantDatabases(), FixedClock(NOW)
    stores, blobs, queue = (
        MemoryEtlStores(databases.state_of, clock),
        InMemoryBlobStore(),
        InMemoryQueue(),
    )
    deps = ImportDependencies(
        master, MemoryImportStores(databases.state_of, clock), blobs, queue, max_bytes=10_000
    )
    tenant = master.add_tenant(make_tenant("acme"))
    return Imports(ImportService(deps, clock), stores, blobs, queue, tenant, make_actor(tenant))


WELLS_CSV = f"API,Name\n{API_A},Cole 1\n{API_B},Cole 2\n".encode()
MAPPING = ImportMapping(column_mapping={"api_number": "API", "name": "Name"})


def _import(i: Imports, data: bytes) -> ImportRecord:
    preview = i.service.upload(i.tenant, i.admin, Entity.WELLS, "wells.csv", io.BytesIO(data))
    i.service.confirm(i.tenant, i.admin, preview.record.id, MAPPING)
    (message,) = i.queue.receive(IMPORTS_QUEUE, 10, 1.0, 0.0)
    i.queue.complete(IMPORTS_QUEUE, message)
    done = i.service.handle_job(message.body)
    assert done is not None
    return done


def _names(i: Imports) -> list[str]:
    return sorted(w["name"] for w in i.stores.loaded(i.tenant, Entity.WELLS).values())


def test_an_uploaded_sheet_is_previewed_confirmed_and_imported(imports: Imports) -> None:
    i = imports
    preview = i.service.upload(i.tenant, i.admin, Entity.WELLS, "wells.csv", io.BytesIO(WELLS_CSV))
    assert preview.record.status is ImportStatus.PREVIEWED and preview.earlier == []
    assert preview.record.columns == ["API", "Name"]
    assert preview.suggestion.column_mapping.get("api_number") == "API"
    assert [b.key for b in i.blobs.list(preview.record.blob_prefix)] != []
    i.service.confirm(i.tenant, i.admin, preview.record.id, MAPPING)
    with pytest.raises(ImportStateError):  # confirmed once only
        i.service.confirm(i.tenant, i.admin, preview.record.id, MAPPING)
    (message,) = i.queue.receive(IMPORTS_QUEUE, 10, 1.0, 0.0)
    done = i.service.handle_job(message.body)
    assert done is not None and done.status is ImportStatus.SUCCEEDED
    assert (done.counts.processed, done.counts.inserted) == (2, 2)
    assert _names(i) == ["Cole 1", "Cole 2"]
    results = i.service.results(i.tenant, i.admin, done.id, None, 10, 0)
    assert [(r.line, r.status) for r in results] == [
        (2, RowStatus.INSERTED),
        (3, RowStatus.INSERTED),
    ]
    again = i.service.upload(i.tenant, i.admin, Entity.WELLS, "copy.csv", io.BytesIO(WELLS_CSV))
    assert [r.id for r in again.earlier] == [done.id]  # the same file was imported before


def test_a_re_import_updates_in_place_and_undo_puts_back_what_was_there(imports: Imports) -> None:
    i = imports
    first = _import(i, WELLS_CSV)
    second = _import(i, f"API,Name\n{API_A},Cole 1A\n{API_B},Cole 2\n".encode())
    assert (second.counts.updated, second.counts.unchanged) == (1, 1)
    assert _names(i) == ["Cole 1A", "Cole 2"]
    report = i.service.undo(i.tenant, i.admin, second.id)
    assert (report.record.status, report.reverted) == (ImportStatus.UNDONE, 1)
    assert _names(i) == ["Cole 1", "Cole 2"]
    i.service.undo(i.tenant, i.admin, first.id)
    assert _names(i) == []
    with pytest.raises(ImportStateError):
        i.service.undo(i.tenant, i.admin, first.id)


def test_imports_refuse_empty_large_files_readers_and_unknown_ids(imports: Imports) -> None:
    i = imports
    with pytest.raises(InputError, match="empty"):
        i.service.upload(i.tenant, i.admin, Entity.WELLS, "w.csv", io.BytesIO(b""))
    with pytest.raises(InputError, match="larger"):
        i.service.upload(i.tenant, i.admin, Entity.WELLS, "w.csv", io.BytesIO(b"x" * 10_001))
    viewer = make_actor(i.tenant, Role.VIEWER)
    with pytest.raises(PermissionDeniedError):
        i.service.upload(i.tenant, viewer, Entity.WELLS, "w.csv", io.BytesIO(WELLS_CSV))
    with pytest.raises(NotFoundError):
        i.service.get(i.tenant, i.admin, str(uuid.uuid4()))
