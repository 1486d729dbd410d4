"""ETL runs from an operator's MariaDB database into a tenant's PostgreSQL database."""

from __future__ import annotations

import threading
import uuid
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from shared.adapters.sql.tenant_tables import change_log
from shared.core.etl.errors import EtlRunningError, SourceUnavailableError
from shared.core.etl.model.fields import Entity
from shared.core.etl.ports.runs import RunStatus
from shared.core.etl.services.etl import EtlService
from shared.core.registry.services.tenants import CreateTenant
from shared.core.wells.ports import WellQuery
from tests.integration import etl_support
from tests.integration.etl_support import (
    APIS,
    T0,
    admin_of,
    configure,
    fingerprint,
    insert_production,
    mysql_source,
    operator_config,
    production_in,
    production_rows,
    seed_operator,
)

pytestmark = pytest.mark.mysql
mod_platform = etl_support.mod_platform


@pytest.fixture
def tenant(mod_platform):
    slug = f"etl-{uuid.uuid4().hex[:8]}"
    return mod_platform.tenants.create(
        CreateTenant(slug=slug, name="Etl Oil", admin_email=f"admin@{slug}.test")
    ).tenant


@pytest.fixture
def source(mysql_server_url):
    with mysql_source(mysql_server_url) as created:
        yield created


def test_operator_tables_with_their_own_names_sync_and_nothing_is_written_to_them(
    mod_platform, tenant, source
):
    # GIVEN the operator's tables (spaces, brackets, a reserved word, Unicode) and a config
    seed_operator(source, days=30)
    source.execute(
        "CREATE TABLE `Equipment [list]` (`Tag` VARCHAR(50) PRIMARY KEY, `Art` VARCHAR(40),"
        " `API` VARCHAR(20), `Installed` DATE) CHARACTER SET utf8mb4"
    )
    source.execute(
        "INSERT INTO `Equipment [list]` VALUES ('P-1', 'rod pump', :api, '2020-05-01'),"
        " ('T-1', 'tank', NULL, NULL)",
        [{"api": APIS[0]}],
    )
    before = fingerprint(source)
    config = operator_config(source.url, chunk_rows=25)
    config["entities"]["equipment"] = {
        "source_table": "Equipment [list]",
        "key_columns": ["Tag"],
        "column_mapping": {
            "tag": "Tag", "equipment_type": "Art", "well_api_number": "API",
            "installation_date": "Installed",
        },
        "transforms": {"equipment_type": [{"type": "UPPERCASE"}]},
    }  # fmt: skip
    configure(mod_platform, tenant, config)
    # WHEN a run syncs them
    run = mod_platform.etl.run_tenant(tenant, "manual")
    # THEN every well and well-day is in the tenant, in WellOS units
    assert run.status is RunStatus.SUCCEEDED
    assert (run.entities["wells"].written, run.entities["production"].written) == (3, 90)
    rows = production_in(mod_platform, tenant)
    assert len(rows) == 90
    first = next(r for r in rows if r["api_number"] == "42501201300000")
    assert first["production_date"] == date(2024, 1, 1)
    assert first["oil_bbl"] == pytest.approx(10.0 * 6.28981)
    assert first["gas_mcf"] == pytest.approx(1000.0 * 0.0353147)
    with mod_platform.tenant_databases.unit_of_work(tenant) as uow:
        wells = {w.api_number: w for w in uow.wells.list(WellQuery()).items}
        equipment = {e.tag: e for e in uow.equipment.list({}, 10, 0).items}
    assert {w.status for w in wells.values()} == {"PRODUCING", "SHUT_IN"}
    assert equipment["P-1"].equipment_type == "ROD PUMP"
    assert equipment["P-1"].well_id == wells["42501201300000"].id
    assert equipment["T-1"].well_id is None and equipment["T-1"].status == "ACTIVE"
    # AND the synced rows went to the devices' change feed (one entry per well and chunk)
    engine = mod_platform.tenant_databases.engines.engine_for(tenant)
    with engine.connect() as connection:
        feed = connection.execute(sa.select(change_log.c.action, change_log.c.data)).all()
    actions = {action for action, _ in feed}
    assert actions == {"well.synced", "equipment.synced", "production.synced"}
    days = sum(data["days"] for action, data in feed if action == "production.synced")
    assert days == 90
    # AND the source is unchanged: same row counts and checksums
    assert fingerprint(source) == before
    # AND the session cannot write even if something tried
    with mod_platform.etl._d.connector.open(source.url) as session:
        with pytest.raises(sa.exc.DBAPIError, match=r"READ ONLY|read only|read-only"):
            session._c.exec_driver_sql("DELETE FROM `Well Master`")


def test_an_incremental_run_reads_only_rows_changed_since_the_watermark(
    mod_platform, tenant, source
):
    # GIVEN a synced source
    seed_operator(source, days=20)
    configure(mod_platform, tenant, operator_config(source.url, look_back_minutes=0))
    mod_platform.etl.run_tenant(tenant, "manual")
    # WHEN two rows change and ten are added an hour later, and a run follows
    later = T0 + timedelta(hours=1)
    source.execute(
        "UPDATE `prod data [2024]` SET `Öl Menge` = 99, `ModifiedAt` = :at"
        " WHERE `RecordID` IN (1, 2)",
        [{"at": later}],
    )
    insert_production(source, production_rows(4, start_id=1000, at=later)[:10])
    run = mod_platform.etl.run_tenant(tenant, "schedule")
    # THEN only rows at or after the watermark were read: the 12 changed and the last one synced
    assert run.entities["production"].read == 13
    assert run.entities["production"].duplicates == 2  # ids 1000/1001 repeat ids 1/2's well-days
    rows = production_in(mod_platform, tenant)
    assert len(rows) == 60  # the new rows repeat existing well-days: upserted, never doubled
    day_one = {
        r["api_number"]: r["oil_bbl"] for r in rows if r["production_date"] == date(2024, 1, 1)
    }
    assert day_one["42501201300000"] == pytest.approx(10.0 * 6.28981)  # id 1 then id 1000: last
    assert day_one["42501201310000"] == pytest.approx(11.0 * 6.28981)
    assert run.entities["wells"].read == 3  # >= watermark: the rows at the watermark re-read


def test_bad_rows_are_quarantined_with_their_reason_never_dropped(mod_platform, tenant, source):
    # GIVEN rows with a null key, duplicate keys in one chunk, mixed and broken date formats
    source.execute(
        "CREATE TABLE `daily readings` (`Well` VARCHAR(20) NULL, `Day` VARCHAR(20) NULL,"
        " `Oil` DOUBLE NULL) CHARACTER SET utf8mb4"
    )
    seed_operator(source, days=1)
    rows = [
        (APIS[0], "2024-03-01", 1.0), (APIS[0], "2024-03-01", 2.0),  # duplicate: last wins
        (APIS[0], "03/02/2024", 3.0),  # the second configured format
        (APIS[0], "3.4.2024", 4.0),  # no configured format
        (None, "2024-03-05", 5.0),  # null key
        (APIS[1], "2024-03-06", -1.0),  # breaks a production rule
        ("00-000-00000", "2024-03-07", 7.0),  # not an API number
    ]  # fmt: skip
    source.execute(
        "INSERT INTO `daily readings` VALUES (:w, :d, :o)",
        [{"w": w, "d": d, "o": o} for w, d, o in rows],
    )
    config = operator_config(source.url)
    config["entities"]["production"] = {
        "source_table": "daily readings",
        "key_columns": ["Well", "Day", "Oil"],
        "column_mapping": {"well_api_number": "Well", "production_date": "Day", "oil_bbl": "Oil"},
        "transforms": {"production_date": {"type": "DATE", "formats": ["%Y-%m-%d", "%m/%d/%Y"]}},
    }
    configure(mod_platform, tenant, config)
    # WHEN it runs
    run = mod_platform.etl.run_tenant(tenant, "manual")
    # THEN good rows load, the duplicate counts, and each bad row is quarantined with its reason
    counts = run.entities["production"]
    assert (counts.read, counts.written, counts.duplicates, counts.quarantined) == (7, 2, 1, 4)
    assert [(r["production_date"], r["oil_bbl"]) for r in production_in(mod_platform, tenant)] == [
        (date(2024, 3, 1), 2.0),
        (date(2024, 3, 2), 3.0),
    ]
    quarantined = mod_platform.etl.quarantined(tenant, admin_of(tenant), None, 50, 0)
    reasons = {(q.field, q.reason) for q in quarantined}
    assert ("Well", "key column is null") in reasons
    assert any(f == "production_date" and "3.4.2024" in r for f, r in reasons)
    assert any(f == "oil_bbl" and "below 0" in r for f, r in reasons)
    assert any(f == "well_api_number" and "state code 00" in r for f, r in reasons)
    # AND a second run quarantines the same rows again without duplicating them
    mod_platform.etl.run_tenant(tenant, "manual")
    assert len(mod_platform.etl.quarantined(tenant, admin_of(tenant), None, 50, 0)) == 4


class KillAfter:
    """A connector whose session's MariaDB connection is killed after `chunks` chunks."""

    def __init__(self, inner, admin_url: str, chunks: int) -> None:
        self.inner, self.admin_url, self.chunks = inner, admin_url, chunks

    def open(self, url):
        return _Killing(self, url)


class _Killing:
    def __init__(self, owner: KillAfter, url: str) -> None:
        self.owner, self.url = owner, url

    def __enter__(self):
        self.context = self.owner.inner.open(self.url)
        session = self.context.__enter__()
        connection_id = session._c.exec_driver_sql("SELECT CONNECTION_ID()").scalar()
        original = session.chunks

        def chunks(request):
            for served, rows in enumerate(original(request), 1):
                yield rows
                if request.table == "prod data [2024]" and served == self.owner.chunks:
                    admin = sa.create_engine(self.owner.admin_url)
                    with admin.connect() as connection:
                        connection.exec_driver_sql(f"KILL {int(connection_id)}")
                    admin.dispose()

        session.chunks = chunks
        return session

    def __exit__(self, *exc):
        return self.context.__exit__(*exc)


def test_a_source_that_disconnects_mid_run_resumes_from_the_last_watermark(
    mod_platform, tenant, source, mysql_server_url
):
    # GIVEN 120 production rows read in chunks of 20, and a connection killed after 3 chunks
    seed_operator(source, days=40)
    configure(mod_platform, tenant, operator_config(source.url, chunk_rows=20, look_back_minutes=0))
    deps = mod_platform.etl._d
    flaky = EtlService(replace(deps, connector=KillAfter(deps.connector, mysql_server_url, 3)))
    # WHEN the run dies with the connection
    with pytest.raises(Exception, match="source database: reading"):
        flaky.run_tenant(tenant, "manual")
    failed = mod_platform.etl.runs(tenant, admin_of(tenant), 1, 0)[0]
    # THEN the failure is recorded with what was committed before it
    assert failed.status is RunStatus.FAILED
    # (the chunk after the third may already be read ahead when the kill lands)
    written = failed.entities["production"].written
    assert written in (60, 80)
    assert "KILL" not in (failed.error or "") and "root" not in (failed.error or "")
    # WHEN the next run starts
    resumed = mod_platform.etl.run_tenant(tenant, "manual")
    # THEN it starts at the watermark (the last committed row, read again: >=),
    # nothing lost or doubled
    assert resumed.entities["production"].read == 120 - written + 1
    rows = production_in(mod_platform, tenant)
    assert len(rows) == 120
    assert len({(r["api_number"], r["production_date"]) for r in rows}) == 120


def test_one_tenant_never_runs_twice_at_once(mod_platform, tenant, source):
    # GIVEN a run holding the tenant's lock
    seed_operator(source, days=1)
    configure(mod_platform, tenant, operator_config(source.url))
    store = mod_platform.etl._d.stores.for_tenant(tenant)
    with store.exclusive("someone-else", 60) as lease:
        assert lease.held
        # WHEN another run starts
        with pytest.raises(EtlRunningError):
            mod_platform.etl.run_tenant(tenant, "manual")
        # THEN a queued job for it is skipped, not failed (the running one covers it)
        body = f'{{"kind": "etl", "tenant_id": "{tenant.id}", "trigger": "schedule"}}'
        assert mod_platform.etl.handle_job(body.encode()) is None
    # AND once released, runs go again
    assert mod_platform.etl.run_tenant(tenant, "manual").status is RunStatus.SUCCEEDED


def test_deleted_source_rows_are_flagged_and_wells_soft_deleted(mod_platform, tenant, source):
    # GIVEN deletion detection on wells, and a synced source
    seed_operator(source, days=2)
    config = operator_config(source.url)
    config["entities"]["wells"]["detect_deletions"] = True
    configure(mod_platform, tenant, config)
    mod_platform.etl.run_tenant(tenant, "manual")
    # WHEN the operator deletes a well and the next run goes
    source.execute("DELETE FROM `Well Master` WHERE `WellID` = 2")
    run = mod_platform.etl.run_tenant(tenant, "manual")
    # THEN that well is soft-deleted (hidden, still stored) and counted; its production stays
    assert run.entities["wells"].deleted == 1
    with mod_platform.tenant_databases.unit_of_work(tenant) as uow:
        visible = {w.api_number for w in uow.wells.list(WellQuery()).items}
        gone = uow.wells.find_by_api_number("42501201310000")
    assert visible == {"42501201300000", "42317000010000"}
    assert gone is not None and gone.deleted_at is not None
    assert len(production_in(mod_platform, tenant)) == 6


class HoldCommit:
    """Stores whose `n`-th production load holds its transaction open until `release`."""

    def __init__(self, inner, n: int) -> None:
        self.inner, self.n, self.loads = inner, n, 0
        self.committing, self.release = threading.Event(), threading.Event()

    def for_tenant(self, tenant):
        return _HeldStore(self, self.inner.for_tenant(tenant))


class _HeldStore:
    def __init__(self, owner: HoldCommit, inner) -> None:
        self.owner, self.inner = owner, inner

    def unit_of_work(self):
        return _HeldUnitOfWork(self.owner, self.inner.unit_of_work())

    def exclusive(self, holder, ttl_s):
        return self.inner.exclusive(holder, ttl_s)


class _HeldUnitOfWork:
    def __init__(self, owner: HoldCommit, inner) -> None:
        self.owner, self.inner = owner, inner

    def __enter__(self):
        self.inner.__enter__()
        return self

    def __exit__(self, *exc):
        return self.inner.__exit__(*exc)

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def load(self, entity, rows, actor):
        written = self.inner.load(entity, rows, actor)
        if entity is Entity.PRODUCTION:
            self.owner.loads += 1
            if self.owner.loads == self.owner.n:
                self.owner.committing.set()
                assert self.owner.release.wait(30), "the failing read never came"
        return written


class FailRead:
    """A connector whose production read fails on chunk `n`, once chunk n-1 is committing."""

    def __init__(self, inner, held: HoldCommit, n: int) -> None:
        self.inner, self.held, self.n = inner, held, n

    @contextmanager
    def open(self, url):
        with self.inner.open(url) as session:
            original = session.chunks

            def chunks(request):
                for served, rows in enumerate(original(request), 1):
                    if request.table == "prod data [2024]" and served == self.n:
                        assert self.held.committing.wait(30), "chunk n-1 never committed"
                        # its commit is still held while the failure leaves the loop
                        threading.Timer(0.5, self.held.release.set).start()
                        raise SourceUnavailableError("source database: reading failed (test)")
                    yield rows

            session.chunks = chunks
            yield session


def test_a_read_failing_while_the_chunk_before_commits_stops_at_that_chunk_and_resumes(
    mod_platform, tenant, source
):
    # GIVEN 120 production rows in chunks of 20, where reading chunk 4 fails while chunk 3
    # is still committing (chunks are committed on a worker while the next is read and mapped)
    seed_operator(source, days=40)
    configure(mod_platform, tenant, operator_config(source.url, chunk_rows=20, look_back_minutes=0))
    deps = mod_platform.etl._d
    held = HoldCommit(deps.stores, 3)
    flaky = EtlService(replace(deps, stores=held, connector=FailRead(deps.connector, held, 4)))
    # WHEN the run fails
    with pytest.raises(SourceUnavailableError):
        flaky.run_tenant(tenant, "manual")
    # THEN chunk 3's commit finished before the failure was recorded: its rows, its watermark
    failed = mod_platform.etl.runs(tenant, admin_of(tenant), 1, 0)[0]
    assert failed.status is RunStatus.FAILED
    assert failed.entities["production"].written == 60
    assert len(production_in(mod_platform, tenant)) == 60
    with deps.stores.for_tenant(tenant).unit_of_work() as uow:
        mark = uow.watermark(Entity.PRODUCTION)
    assert mark is not None and mark.value == T0 + timedelta(seconds=60)  # row 60's cursor
    # WHEN the next run goes
    resumed = mod_platform.etl.run_tenant(tenant, "manual")
    # THEN it re-reads from that watermark (>=): nothing lost, nothing doubled
    assert resumed.status is RunStatus.SUCCEEDED
    assert resumed.entities["production"].read == 120 - 60 + 1
    rows = production_in(mod_platform, tenant)
    assert len(rows) == 120
    assert len({(r["api_number"], r["production_date"]) for r in rows}) == 120
