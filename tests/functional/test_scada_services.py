"""SCADA services over the in-memory fakes: gateways, connections, tags, the drain,
readings and partition upkeep, on their main and error paths, with no database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest

from shared.adapters.memory.queue import InMemoryQueue
from shared.adapters.memory.scada import MemoryIngestDatabases
from shared.adapters.memory.secrets import InMemorySecrets
from shared.adapters.metrics.local import LocalMetrics
from shared.core.common.actor import Actor
from shared.core.common.errors import (
    DuplicateError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
)
from shared.core.common.roles import Role
from shared.core.ports.metrics import (
    DEAD_LETTERS,
    DRAIN_READINGS,
    DRAIN_READINGS_RATE,
    QUEUE_LAG,
    Unit,
)
from shared.core.ports.queue import OutgoingMessage
from shared.core.registry.errors import TenantMismatchError
from shared.core.registry.model.tenants import Tenant, TenantStatus
from shared.core.scada.errors import GatewayAuthenticationError
from shared.core.scada.model.contract import Reading, build_batch
from shared.core.scada.ports import GatewayStatus
from shared.core.scada.services import (
    DrainService,
    GatewayService,
    ReadingPartitionService,
    ReadingRequest,
    ReadingService,
    ScadaConnectionService,
    TagMappingService,
)
from shared.core.scada.services.common import shown_connection
from shared.core.scada.services.credentials import GatewayKeys
from shared.core.scada.services.deliveries import Delivery
from shared.core.scada.services.directory import GatewayDirectory
from tests.functional.support import (
    NOW,
    FixedClock,
    Master,
    WorldTenantDatabases,
    make_actor,
    make_tenant,
)

QUEUE = "readings"
ENDPOINT = "opc.tcp://plc.acme.test:4840"


@dataclass
class Scada:
    master: Master
    databases: WorldTenantDatabases
    secrets: InMemorySecrets
    keys: GatewayKeys
    gateways: GatewayService
    connections: ScadaConnectionService
    tags: TagMappingService
    readings: ReadingService
    drain: DrainService
    tenant: Tenant
    admin: Actor
    well_id: str


@pytest.fixture
def scada() -> Scada:
    master, databases, secrets = Master(), WorldTenantDatabases(), InMemorySecrets()
    keys = GatewayKeys(secrets)
    clock = FixedClock(NOW + timedelta(hours=1))
    directory = GatewayDirectory(master, ttl_s=0)
    tenant = master.add_tenant(make_tenant("acme"))
    well_id = str(uuid.uuid4())
    databases.add_wells(tenant, well_id)
    return Scada(
        master=master,
        databases=databases,
        secrets=secrets,
        keys=keys,
        gateways=GatewayService(master, databases, keys, directory, secrets, clock),
        connections=ScadaConnectionService(databases, secrets, clock),
        tags=TagMappingService(databases, clock),
        readings=ReadingService(databases, clock),
        drain=DrainService(directory, keys, MemoryIngestDatabases(databases.state_of)),
        tenant=tenant,
        admin=make_actor(tenant),
        well_id=well_id,
    )


def _site(s: Scada) -> tuple[str, str, list[int]]:
    """A gateway, a connection with a password and two tags on the well."""
    gateway = s.gateways.register(s.tenant, s.admin, "North pad").gateway
    connection = s.connections.create(
        s.tenant,
        s.admin,
        {
            "gateway_id": gateway.id,
            "name": "rtu-1",
            "endpoint_url": ENDPOINT,
            "username": "op",
            "password": "hunter2",
        },
    )
    tag_ids = [
        s.tags.create(
            s.tenant,
            s.admin,
            connection.id,
            {"node_id": f"ns=2;s={name}", "well_id": s.well_id, "tag_name": name, "unit": "psi"},
        ).id
        for name in ("tubing_pressure", "casing_pressure")
    ]
    return gateway.id, connection.id, tag_ids


# --- gateways ---


def test_a_registered_gateway_is_listed_and_gets_its_own_config(scada: Scada) -> None:
    gateway_id, connection_id, tag_ids = _site(scada)
    credential = scada.keys.credential(gateway_id)
    assert [g.name for g in scada.gateways.list(scada.tenant, scada.admin)] == ["North pad"]
    config = scada.gateways.config_for(scada.tenant, gateway_id, credential.authorization)
    assert [str(c.connection_id) for c in config.connections] == [connection_id]
    connection = config.connections[0]
    assert connection.password is not None
    assert connection.password.get_secret_value() == "hunter2"
    assert [t.tag_id for t in connection.tags] == tag_ids
    assert config.revision == 3  # the connection and its two tags each bumped it
    seen = scada.master.data.gateways[gateway_id].last_seen_at
    assert seen == NOW + timedelta(hours=1)


def test_a_gateway_config_is_refused_to_a_wrong_or_foreign_credential(scada: Scada) -> None:
    gateway_id, _, _ = _site(scada)
    other = scada.gateways.register(scada.tenant, scada.admin, "South pad").gateway
    with pytest.raises(GatewayAuthenticationError):
        scada.gateways.config_for(scada.tenant, gateway_id, f"Gateway {gateway_id}:wrong")
    foreign = scada.keys.credential(other.id).authorization
    with pytest.raises(GatewayAuthenticationError):
        scada.gateways.config_for(scada.tenant, gateway_id, foreign)
    elsewhere = scada.master.add_tenant(make_tenant("globex"))
    own = scada.keys.credential(gateway_id).authorization
    with pytest.raises(TenantMismatchError):
        scada.gateways.config_for(elsewhere, gateway_id, own)


def test_a_revoked_gateway_takes_no_new_connection_and_gets_no_config(scada: Scada) -> None:
    gateway_id, _, _ = _site(scada)
    revoked = scada.gateways.revoke(scada.tenant, scada.admin, gateway_id)
    assert revoked.status is GatewayStatus.REVOKED
    assert scada.gateways.revoke(scada.tenant, scada.admin, gateway_id) == revoked
    with pytest.raises(InputError, match="revoked"):
        scada.connections.create(
            scada.tenant,
            scada.admin,
            {"gateway_id": gateway_id, "name": "rtu-2", "endpoint_url": ENDPOINT},
        )
    with pytest.raises(GatewayAuthenticationError):
        authorization = scada.keys.credential(gateway_id).authorization
        scada.gateways.config_for(scada.tenant, gateway_id, authorization)
    actions = [e.action for e in scada.master.data.audit]
    assert actions == ["gateway.registered", "gateway.revoked"]


def test_gateways_of_another_tenant_are_not_found_and_viewers_cannot_register(
    scada: Scada,
) -> None:
    gateway_id, _, _ = _site(scada)
    other = scada.master.add_tenant(make_tenant("globex"))
    with pytest.raises(NotFoundError):
        scada.gateways.get(other, make_actor(other), gateway_id)
    with pytest.raises(PermissionDeniedError):
        scada.gateways.register(scada.tenant, make_actor(scada.tenant, Role.VIEWER), "x")
    with pytest.raises(InputError):
        scada.gateways.register(scada.tenant, scada.admin, "   ")


# --- connections ---


def test_a_connection_keeps_its_password_in_the_secret_store_only(scada: Scada) -> None:
    gateway_id, connection_id, _ = _site(scada)
    shown = scada.connections.get(scada.tenant, scada.admin, connection_id)
    flags = ("has_password", "has_client_private_key")
    assert [shown_connection(shown)[flag] for flag in flags] == [True, False]
    assert shown.gateway_id == gateway_id and shown.username == "op"
    assert "hunter2" not in repr(shown)
    name = f"scada-{scada.tenant.id}-{connection_id}-password"
    assert scada.secrets.get(name) == "hunter2"
    changed = scada.connections.update(
        scada.tenant, scada.admin, connection_id, {"username": None, "password": None}
    )
    assert not shown_connection(changed)["has_password"] and changed.revision > shown.revision
    with pytest.raises(Exception, match=name):
        scada.secrets.get(name)
    audit = scada.databases.world(scada.tenant).audit
    assert [e.action for e in audit if e.entity == "scada_connection"] == [
        "scada_connection.created",
        "scada_connection.updated",
    ]
    assert audit[-1].after is not None and audit[-1].after["has_password"] is False


def test_connection_names_are_unique_and_settings_are_checked(scada: Scada) -> None:
    gateway_id, connection_id, _ = _site(scada)
    values = {"gateway_id": gateway_id, "name": "rtu-1", "endpoint_url": ENDPOINT}
    with pytest.raises(DuplicateError):
        scada.connections.create(scada.tenant, scada.admin, values)
    with pytest.raises(InputError, match="gateway"):
        scada.connections.create(
            scada.tenant, scada.admin, {**values, "name": "x", "gateway_id": str(uuid.uuid4())}
        )
    with pytest.raises(InputError, match="password"):
        scada.connections.create(
            scada.tenant, scada.admin, {**values, "name": "y", "username": "u"}
        )
    with pytest.raises(InputError, match="endpoint_url"):
        scada.connections.update(
            scada.tenant, scada.admin, connection_id, {"endpoint_url": "http://x"}
        )
    with pytest.raises(NotFoundError):
        scada.connections.get(scada.tenant, scada.admin, str(uuid.uuid4()))
    page = scada.connections.list(scada.tenant, scada.admin, gateway_id, 10, 0)
    assert [c.name for c in page.items] == ["rtu-1"] and page.total == 1


def test_deleting_a_connection_deletes_its_tags_and_secrets(scada: Scada) -> None:
    _, connection_id, tag_ids = _site(scada)
    scada.connections.delete(scada.tenant, scada.admin, connection_id)
    with pytest.raises(NotFoundError):
        scada.connections.get(scada.tenant, scada.admin, connection_id)
    with pytest.raises(NotFoundError):
        scada.tags.get(scada.tenant, scada.admin, connection_id, tag_ids[0])
    with pytest.raises(Exception, match="password"):
        scada.secrets.get(f"scada-{scada.tenant.id}-{connection_id}-password")
    assert scada.connections.list(scada.tenant, scada.admin, None, 10, 0).total == 0


# --- tags ---


def test_tags_are_created_changed_listed_and_deleted(scada: Scada) -> None:
    _, connection_id, tag_ids = _site(scada)
    tenant, admin = scada.tenant, scada.admin
    changed = tags_update = scada.tags.update(
        tenant,
        admin,
        connection_id,
        tag_ids[0],
        {"deadband_type": "absolute", "deadband_value": 2.5},
    )
    assert (tags_update.deadband_type, changed.deadband_value) == ("absolute", 2.5)
    assert changed.id == tag_ids[0] and changed.tag_name == "tubing_pressure"
    scada.tags.delete(tenant, admin, connection_id, tag_ids[1])
    page = scada.tags.list(tenant, admin, connection_id, 10, 0)
    assert [t.id for t in page.items] == [tag_ids[0]]
    again = scada.tags.create(
        tenant,
        admin,
        connection_id,
        {
            "node_id": "ns=2;s=casing_pressure",
            "well_id": scada.well_id,
            "tag_name": "casing_pressure",
        },
    )
    assert again.id > max(tag_ids)  # ids are never reused


def test_tags_refuse_duplicates_unknown_wells_and_foreign_connections(scada: Scada) -> None:
    gateway_id, connection_id, tag_ids = _site(scada)
    tenant, admin = scada.tenant, scada.admin
    tag = {"node_id": "ns=2;s=tubing_pressure", "well_id": scada.well_id, "tag_name": "new"}
    with pytest.raises(DuplicateError, match="node_id"):
        scada.tags.create(tenant, admin, connection_id, tag)
    with pytest.raises(DuplicateError, match="tag_name"):
        scada.tags.create(
            tenant, admin, connection_id, {**tag, "node_id": "n", "tag_name": "tubing_pressure"}
        )
    with pytest.raises(InputError, match="well_id"):
        scada.tags.create(
            tenant, admin, connection_id, {**tag, "node_id": "n", "well_id": str(uuid.uuid4())}
        )
    with pytest.raises(InputError, match="deadband_value"):
        scada.tags.update(tenant, admin, connection_id, tag_ids[0], {"deadband_value": 1.0})
    other = scada.connections.create(
        tenant, admin, {"gateway_id": gateway_id, "name": "rtu-2", "endpoint_url": ENDPOINT}
    )
    with pytest.raises(NotFoundError):
        scada.tags.get(tenant, admin, other.id, tag_ids[0])
    with pytest.raises(PermissionDeniedError):
        scada.tags.delete(tenant, make_actor(tenant, Role.MANAGER), connection_id, tag_ids[0])


# --- the drain and the readings ---


def _batch(
    s: Scada, gateway_id: str, tag_ids: list[int], *, secret: str | None = None
) -> OutgoingMessage:
    start = int((NOW - timedelta(minutes=30)).timestamp() * 1e6)
    readings = [
        Reading(tag_ids[i % 2], start + (i // 2) * 60_000_000, None, 100.0 + i) for i in range(20)
    ]
    batch_id = uuid.uuid4()
    body = build_batch(
        tenant_id=uuid.UUID(s.tenant.id),
        gateway_id=uuid.UUID(gateway_id),
        batch_id=batch_id,
        sequence=1,
        readings=readings,
        secret=(secret or s.keys.secret_for(gateway_id)).encode(),
    )
    return OutgoingMessage(body=body, message_id=str(batch_id))


def test_drained_readings_are_read_back_raw_bucketed_and_latest(scada: Scada) -> None:
    gateway_id, _, tag_ids = _site(scada)
    queue = InMemoryQueue()
    message = _batch(scada, gateway_id, tag_ids)
    queue.send(QUEUE, [message, message])
    report = scada.drain.drain(queue, QUEUE)
    assert (report.batches_written, report.readings_written, report.duplicates) == (1, 20, 1)
    assert queue.receive(QUEUE, 10, 1.0, 0.0) == []
    request = ReadingRequest(scada.well_id, tag="tubing_pressure", limit=4)
    page = scada.readings.read(scada.tenant, scada.admin, request)
    assert [item["value"] for item in page.items] == [100.0, 102.0, 104.0, 106.0]
    assert page.next_offset == 4 and page.items[0]["quality"] == "good"
    buckets = scada.readings.read(
        scada.tenant, scada.admin, ReadingRequest(scada.well_id, bucket="1h")
    ).items
    assert sorted((b["tag"], b["count"]) for b in buckets) == [
        ("casing_pressure", 10),
        ("tubing_pressure", 10),
    ]
    latest = scada.readings.latest(scada.tenant, scada.admin, scada.well_id)
    assert [(r["tag"], r["value"]) for r in latest] == [
        ("casing_pressure", 119.0),
        ("tubing_pressure", 118.0),
    ]


def test_the_drain_dead_letters_forged_and_revoked_batches(scada: Scada) -> None:
    gateway_id, _, tag_ids = _site(scada)
    queue = InMemoryQueue()
    queue.send(QUEUE, [_batch(scada, gateway_id, tag_ids, secret="forged")])
    report = scada.drain.drain(queue, QUEUE)
    assert [d.reason for d in report.dead_lettered] == ["bad_signature"]
    scada.gateways.revoke(scada.tenant, scada.admin, gateway_id)
    queue.send(QUEUE, [_batch(scada, gateway_id, tag_ids)])
    report = scada.drain.drain(queue, QUEUE)
    assert [d.reason for d in report.dead_lettered] == ["gateway_revoked"]
    assert scada.readings.latest(scada.tenant, scada.admin, scada.well_id) == []


def test_readings_refuse_bad_ranges_and_hide_unassigned_wells(scada: Scada) -> None:
    _site(scada)
    tenant, admin = scada.tenant, scada.admin
    with pytest.raises(InputError, match="from"):
        scada.readings.read(tenant, admin, ReadingRequest(scada.well_id, start=NOW, end=NOW))
    with pytest.raises(InputError, match="bucket"):
        scada.readings.read(tenant, admin, ReadingRequest(scada.well_id, bucket="2m"))
    with pytest.raises(InputError, match="tag"):
        scada.readings.read(tenant, admin, ReadingRequest(scada.well_id, tag="nope"))
    with pytest.raises(NotFoundError):
        scada.readings.read(tenant, admin, ReadingRequest(str(uuid.uuid4())))
    operator = make_actor(tenant, Role.FIELD_OPERATOR)
    with pytest.raises(NotFoundError):
        scada.readings.latest(tenant, operator, scada.well_id)
    scada.databases.assign(tenant, operator.user_id, scada.well_id)
    assert scada.readings.latest(tenant, operator, scada.well_id) == []


# --- partitions ---


class _Maintenance:
    def __init__(self, failing: str) -> None:
        self.failing = failing
        self.asked: list[tuple[str, int, int]] = []

    def ensure_partitions(self, tenant: Tenant, months_ahead: int, months_behind: int) -> int:
        if tenant.slug == self.failing:
            raise ConnectionError("database down")
        self.asked.append((tenant.slug, months_ahead, months_behind))
        return 3


def test_partitions_are_kept_for_serving_tenants_despite_one_failing(scada: Scada) -> None:
    scada.master.add_tenant(make_tenant("broken"))
    scada.master.add_tenant(make_tenant("paused", TenantStatus.SUSPENDED))
    maintenance = _Maintenance(failing="broken")
    runs = ReadingPartitionService(scada.master, maintenance).ensure_all(months_ahead=2)
    assert [(r.slug, r.ok, r.created, r.error) for r in runs] == [
        ("acme", True, 3, ""),
        ("broken", False, 0, "ConnectionError"),
    ]
    assert maintenance.asked == [("acme", 2, 1)]


@dataclass
class _Settled:
    outcomes: list[str]

    def complete(self) -> None:
        self.outcomes.append("complete")

    def abandon(self) -> None:
        self.outcomes.append("abandon")

    def dead_letter(self, reason: str, description: str) -> None:
        self.outcomes.append(reason)


def test_the_drain_measures_queue_lag_readings_per_second_and_dead_letters(scada: Scada) -> None:
    gateway_id, _, tag_ids = _site(scada)
    clock, metrics, settled = FixedClock(NOW), LocalMetrics(), _Settled([])

    def writing_takes_two_seconds(tenant: Tenant, columns: object) -> None:
        clock.now += timedelta(seconds=2)

    drain = DrainService(
        GatewayDirectory(scada.master, ttl_s=0),  # type: ignore[arg-type]
        scada.keys,
        MemoryIngestDatabases(scada.databases.state_of),
        clock=clock,
        on_written=writing_takes_two_seconds,
        metrics=metrics,
    )
    good, forged = (
        _batch(scada, gateway_id, tag_ids),
        _batch(scada, gateway_id, tag_ids, secret="x"),
    )
    # GIVEN a batch that waited 7 s in the queue and a forged one that waited 3 s
    deliveries = [
        Delivery(good.message_id, good.body, settled, 1, NOW - timedelta(seconds=7)),
        Delivery(forged.message_id, forged.body, settled, 1, NOW - timedelta(seconds=3)),
    ]
    # WHEN the drain takes them
    drain.process(deliveries, "ingest")
    assert sorted(settled.outcomes) == ["bad_signature", "complete"]
    # THEN each message's lag is recorded for the queue
    lags = metrics.named(QUEUE_LAG)
    assert [(m.value, m.unit, m.dimensions) for m in lags] == [
        (7.0, Unit.SECONDS, {"queue": "ingest"}),
        (3.0, Unit.SECONDS, {"queue": "ingest"}),
    ]
    # AND the readings written, their rate over the run, and the dead letter by reason
    [written] = metrics.named(DRAIN_READINGS)
    assert (written.value, written.unit) == (20.0, Unit.COUNT)
    [rate] = metrics.named(DRAIN_READINGS_RATE)
    assert (rate.value, rate.unit) == (10.0, Unit.COUNT_PER_SECOND)
    [dead] = metrics.named(DEAD_LETTERS)
    assert dead.dimensions == {"queue": "ingest", "reason": "bad_signature"}
