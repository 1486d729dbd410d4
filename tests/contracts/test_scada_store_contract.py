"""The SCADA repositories' contract: one suite, run against the in-memory twin and the SQL
adapters on a migrated PostgreSQL tenant database, so the fake cannot drift from reality."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import numpy as np
import pytest
import sqlalchemy as sa

from shared.adapters.memory.scada import MemoryIngestDatabases
from shared.adapters.memory.tenant_data import MemoryTenantDatabases
from shared.adapters.sql import tenant_tables as t
from shared.adapters.sql.provisioning import SqlTenantProvisioner
from shared.adapters.sql.scada.ingest import SqlIngestedBatchLog, SqlTagIds
from shared.adapters.sql.scada.readings_copy import reading_writer_for
from shared.adapters.sql.unit_of_work import SqlTenantUnitOfWork
from shared.adapters.sql.urls import normalize_url
from shared.core.common.errors import ConflictError
from shared.core.registry.model.tenants import DatabaseKind, Tenant, TenantStatus
from shared.core.scada.model.columns import ReadingColumns
from shared.core.scada.ports import (
    BatchClaim,
    Gateway,
    GatewayStatus,
    IngestedBatchLog,
    ReadingQuery,
    ReadingRepository,
    ReadingWriter,
    ScadaConnection,
    ScadaRepositories,
    TagIds,
    TagMapping,
)

NOW = datetime(2026, 11, 3, 12, tzinfo=UTC)
START = datetime(2024, 3, 1, tzinfo=UTC)


class Tenant_(Protocol):
    scada: ScadaRepositories
    readings: ReadingRepository

    def commit(self) -> None: ...


@dataclass
class Ingest:
    tags: TagIds
    batches: IngestedBatchLog
    readings: ReadingWriter


@dataclass
class Harness:
    """Opens units of work on one tenant database: the API's and the drain's."""

    tenant: Callable[[], AbstractContextManager[Any]]
    ingest: Callable[[], AbstractContextManager[Ingest]]
    well_id: str
    gateway_id: str


def _gateway() -> Gateway:
    return Gateway(
        id=str(uuid.uuid4()),
        tenant_id=str(uuid.uuid4()),
        name="gw",
        status=GatewayStatus.ACTIVE,
        created_at=NOW,
        created_by="a@acme.test",
    )


def _memory() -> Iterator[Harness]:
    databases = MemoryTenantDatabases()
    tenant = Tenant(
        id=str(uuid.uuid4()),
        slug="acme",
        name="Acme",
        status=TenantStatus.ACTIVE,
        tier="standard",
        database_kind=DatabaseKind.POSTGRESQL,
        connection_secret_ref="unused",
        region="local",
        storage_provider="local",
    )
    drain = MemoryIngestDatabases(databases.state_of)

    @contextmanager
    def ingest() -> Iterator[Ingest]:
        with drain.unit_of_work(tenant) as uow:
            yield Ingest(uow.tags, uow.batches, uow.readings)
            uow.commit()

    yield Harness(
        lambda: databases.unit_of_work(tenant), ingest, str(uuid.uuid4()), str(uuid.uuid4())
    )


def _postgresql(url: str) -> Iterator[Harness]:
    SqlTenantProvisioner(normalize_url(url), "unused_").migrate(url)
    engine = sa.create_engine(normalize_url(url))
    well_id = str(uuid.uuid4())
    with engine.begin() as connection:
        connection.execute(
            t.wells.insert().values(
                id=well_id,
                name="W1",
                well_type="OIL",
                status="PRODUCING",
                is_horizontal=False,
                created_at=NOW,
                updated_at=NOW,
            )
        )

    @contextmanager
    def ingest() -> Iterator[Ingest]:
        with engine.begin() as connection:
            yield Ingest(
                SqlTagIds(connection),
                SqlIngestedBatchLog(connection),
                reading_writer_for(connection),
            )

    try:
        yield Harness(lambda: SqlTenantUnitOfWork(engine), ingest, well_id, str(uuid.uuid4()))
    finally:
        engine.dispose()


@pytest.fixture(params=["memory", "postgresql"])
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    if request.param == "memory":
        yield from _memory()
    else:
        yield from _postgresql(request.getfixturevalue("fresh_pg_database"))


def _connection(gateway_id: str, name: str, **changes: Any) -> ScadaConnection:
    connection = ScadaConnection(
        id=str(uuid.uuid4()),
        gateway_id=gateway_id,
        name=name,
        endpoint_url="opc.tcp://plc:4840",
        security_mode="None",
        security_policy="None",
        username=None,
        password_secret_ref=None,
        client_certificate_pem=None,
        client_key_secret_ref=None,
        server_certificate_pem=None,
        acquisition="subscription",
        publishing_interval_ms=1000,
        polling_interval_ms=1000,
        backfill=None,
        backfill_max_s=None,
        enabled=True,
        revision=1,
        created_at=NOW,
        updated_at=NOW,
    )
    return replace(connection, **changes)


def _tag(connection_id: str, well_id: str, node: str, name: str) -> TagMapping:
    return TagMapping(
        id=0,
        connection_id=connection_id,
        well_id=well_id,
        node_id=node,
        tag_name=name,
        unit="psi",
        data_type="float",
        sampling_interval_ms=1000,
        deadband_type="none",
        deadband_value=0.0,
        enabled=True,
        revision=1,
        created_at=NOW,
        updated_at=NOW,
    )


def _mirror(uow: Tenant_, gateway_id: str) -> None:
    uow.scada.gateways.save(replace(_gateway(), id=gateway_id))


def test_connections_are_stamped_found_listed_replaced_and_soft_deleted(harness: Harness) -> None:
    gw = harness.gateway_id
    with harness.tenant() as uow:
        _mirror(uow, gw)
        b = uow.scada.connections.add(_connection(gw, "b-rtu"))
        a = uow.scada.connections.add(_connection(gw, "a-rtu", username="op"))
        uow.commit()
    assert b.created_at > NOW and b.updated_at == b.created_at
    with harness.tenant() as uow:
        assert uow.scada.connections.get(a.id) == a
        assert uow.scada.connections.find_by_name("b-rtu") == b
        assert [c.name for c in uow.scada.connections.for_gateway(gw)] == ["a-rtu", "b-rtu"]
        page = uow.scada.connections.list(None, 1, 1)
        assert [c.name for c in page.items] == ["b-rtu"] and page.total == 2
        changed = uow.scada.connections.update(replace(a, name="c-rtu", revision=2))
        assert changed.created_at == a.created_at and changed.updated_at >= a.updated_at
        assert (changed.name, changed.revision, changed.username) == ("c-rtu", 2, "op")
        uow.scada.connections.update(replace(b, deleted_at=NOW))
        uow.commit()
    with harness.tenant() as uow:
        assert uow.scada.connections.get(b.id) is None
        assert uow.scada.connections.find_by_name("b-rtu") is None
        assert [c.name for c in uow.scada.connections.list(gw, 10, 0).items] == ["c-rtu"]
        assert uow.scada.connections.list(str(uuid.uuid4()), 10, 0).total == 0


def test_a_connection_of_a_gateway_the_tenant_does_not_know_is_refused(harness: Harness) -> None:
    with pytest.raises(ConflictError), harness.tenant() as uow:
        uow.scada.connections.add(_connection(str(uuid.uuid4()), "orphan"))


def test_tags_get_fresh_ids_and_soft_deletes_keep_them_for_the_well(harness: Harness) -> None:
    gw, well = harness.gateway_id, harness.well_id
    with harness.tenant() as uow:
        _mirror(uow, gw)
        connection = uow.scada.connections.add(_connection(gw, "rtu"))
        first = uow.scada.tags.add(_tag(connection.id, well, "ns=2;s=TP", "tp"))
        second = uow.scada.tags.add(_tag(connection.id, well, "ns=2;s=CP", "cp"))
        uow.commit()
    assert second.id > first.id > 0 and first.connection_id == connection.id
    with harness.tenant() as uow:
        tags = uow.scada.tags
        assert tags.get(first.id) == first
        assert tags.find_node(connection.id, "ns=2;s=CP") == second
        assert tags.find_name(well, "tp") == first
        assert [t.id for t in tags.for_connections([connection.id])] == [first.id, second.id]
        assert tags.for_connections([]) == []
        renamed = tags.update(replace(first, tag_name="tubing", unit=None, revision=3))
        assert (renamed.tag_name, renamed.unit, renamed.created_at) == (
            "tubing",
            None,
            first.created_at,
        )
        assert tags.delete_for_connection(connection.id, NOW, 4) == 2
        assert tags.delete_for_connection(connection.id, NOW, 5) == 0
        uow.commit()
    with harness.tenant() as uow:
        assert uow.scada.tags.get(first.id) is None
        assert uow.scada.tags.find_name(well, "tubing") is None
        assert uow.scada.tags.list(connection.id, 10, 0).total == 0
        kept = uow.scada.tags.for_well(well, include_deleted=True)
        assert [(t.id, t.revision, t.deleted_at is not None) for t in kept] == [
            (first.id, 4, True),
            (second.id, 4, True),
        ]
        assert uow.scada.tags.for_well(well, include_deleted=False) == []
    with harness.ingest() as ingest:
        assert ingest.tags.all_ids() == {first.id, second.id}


def test_the_mirror_follows_the_gateway_and_revisions_count_up(harness: Harness) -> None:
    gateway = replace(_gateway(), id=harness.gateway_id)
    with harness.tenant() as uow:
        assert uow.scada.gateways.get(gateway.id) is None
        uow.scada.gateways.save(gateway)
        start = uow.scada.revision.current()
        assert [uow.scada.revision.next() for _ in range(2)] == [start + 1, start + 2]
        uow.commit()
    with harness.tenant() as uow:
        uow.scada.gateways.save(replace(gateway, status=GatewayStatus.REVOKED, revoked_at=NOW))
        mirrored = uow.scada.gateways.get(gateway.id)
        assert mirrored is not None and mirrored.status is GatewayStatus.REVOKED
        assert mirrored.revoked_at == NOW and mirrored.name == "gw"
        assert uow.scada.revision.current() == start + 2


def _columns(tag_id: int, values: list[float], historical: bool = False) -> ReadingColumns:
    n = len(values)
    ts_us = np.array(
        [int((START + timedelta(minutes=10 * i)).timestamp() * 1e6) for i in range(n)],
        dtype=np.int64,
    )
    return ReadingColumns(
        tag_id=np.full(n, tag_id, dtype=np.int32),
        ts_us=ts_us,
        server_ts_us=ts_us,
        server_ts_missing=np.zeros(n, dtype=bool),
        value=np.array(values, dtype=np.float64),
        status=np.zeros(n, dtype=np.int32),
        historical=np.full(n, historical, dtype=bool),
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_written_readings_are_read_back_raw_bucketed_and_latest(harness: Harness) -> None:
    # GIVEN two tags with a reading every 10 minutes for two hours, one without any
    with harness.ingest() as ingest:
        written = ingest.readings.write(
            [ReadingColumns.concat([_columns(t, [i * t for i in range(12)]) for t in (1, 2)])]
        )
    assert written == 24
    query = ReadingQuery([1, 2, 3], START, START + timedelta(hours=2), limit=5, offset=1)
    with harness.tenant() as uow:
        latest = uow.readings.latest([3, 2, 1])
        hourly = uow.readings.buckets(query, 3600)
        page = uow.readings.raw(query)
    assert sorted((row.tag_id, row.value) for row in latest) == [(1, 11.0), (2, 22.0)]
    assert [(b.tag_id, b.readings, b.min, b.max, b.last) for b in hourly] == [
        (1, 6, 0.0, 5.0, 5.0),
        (2, 6, 0.0, 10.0, 10.0),
        (1, 6, 6.0, 11.0, 11.0),
        (2, 6, 12.0, 22.0, 22.0),
    ]
    assert hourly[0].avg == 2.5
    assert [_aware(b.bucket_start) for b in hourly[:3:2]] == [START, START + timedelta(hours=1)]
    assert [(row.tag_id, row.value, row.historical) for row in page] == [
        (2, 0.0, False),
        (1, 1.0, False),
        (2, 2.0, False),
        (1, 2.0, False),
        (2, 4.0, False),
    ]
    assert _aware(page[0].ts) == START and page[0].value_type == 11 and page[0].status == 0


def test_backfill_fills_only_the_gaps_and_a_batch_is_claimed_once(harness: Harness) -> None:
    claim = BatchClaim(uuid.uuid4(), uuid.uuid4(), 1, 3, NOW)
    other = replace(claim, batch_id=uuid.uuid4())
    with harness.ingest() as ingest:
        assert ingest.batches.claim([claim, other]) == {claim.batch_id, other.batch_id}
        ingest.batches.release([other.batch_id])
        ingest.readings.write([_columns(7, [1.0, 2.0])])
    with harness.ingest() as ingest:
        assert ingest.batches.claim([claim, other]) == {other.batch_id}
        backfill = ingest.readings.write([_columns(7, [9.0, 9.0, 3.0], historical=True)])
    assert backfill == 1
    query = ReadingQuery([7], START, START + timedelta(hours=1))
    with harness.tenant() as uow:
        rows = uow.readings.raw(query)
    assert [(row.value, row.historical) for row in rows] == [
        (1.0, False),
        (2.0, False),
        (3.0, True),
    ]
