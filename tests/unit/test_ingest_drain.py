"""The drain's decisions with in-memory fakes of the registry and the tenant databases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from shared.adapters.memory.secrets import InMemorySecrets
from shared.core.common.errors import LockLostError
from shared.core.registry.model.tenants import DatabaseKind, Tenant, TenantStatus
from shared.core.scada.errors import IngestDatabaseError
from shared.core.scada.model.contract import Reading, build_batch
from shared.core.scada.ports import Gateway, GatewayStatus
from shared.core.scada.services import tenant_batch
from shared.core.scada.services.credentials import GatewayKeys
from shared.core.scada.services.deliveries import Delivery
from shared.core.scada.services.directory import GatewayDirectory
from shared.core.scada.services.drain import DrainService

NOW = datetime(2026, 11, 22, tzinfo=UTC)
AT = 1_790_000_000_000_000


def tenant(slug: str, status: TenantStatus = TenantStatus.ACTIVE) -> Tenant:
    return Tenant(str(uuid.uuid4()), slug, slug, status, "standard", DatabaseKind.POSTGRESQL,
                  f"tenant-{slug}-database-url", "local", "filesystem")  # fmt: skip


class Rows(dict):
    """A registry table: get by id; `touch` records last-seen times."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: dict[str, datetime] = {}

    def touch(self, ids, at):
        self.seen.update({i: at for i in ids})


class FakeMaster:
    def __init__(self) -> None:
        self.gateways, self.tenants = Rows(), Rows()
        self.down = False

    def unit_of_work(self):
        if self.down:
            raise ConnectionError("master down")
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def commit(self):
        pass


@dataclass
class TenantStore:
    tag_ids: set[int]
    batches: set[uuid.UUID] = field(default_factory=set)
    readings: int = 0
    down: bool = False
    tag_loads: int = 0
    chunks: list[list[tuple[int, int]]] = field(default_factory=list)
    """(tag_id, ts_us) of each chunk handed to the writer."""
    fail_at_chunk: int | None = None


class FakeIngestUow:
    def __init__(self, store: TenantStore) -> None:
        self.store = store
        self.claimed: set[uuid.UUID] = set()
        self.written = 0
        self.tags, self.batches, self.readings = self, self, self

    def __enter__(self):
        if self.store.down:
            raise IngestDatabaseError("down")
        return self

    def __exit__(self, *exc):
        return None

    def all_ids(self):
        self.store.tag_loads += 1
        return frozenset(self.store.tag_ids)

    def claim(self, claims):
        fresh = {c.batch_id for c in claims} - self.store.batches
        self.claimed |= fresh
        return fresh

    def release(self, batch_ids):
        self.claimed -= set(batch_ids)

    def write(self, chunks):
        count = 0
        for chunk in chunks:
            if len(self.store.chunks) == self.store.fail_at_chunk:
                raise IngestDatabaseError("connection lost mid-COPY")
            self.store.chunks.append(
                list(zip(chunk.tag_id.tolist(), chunk.ts_us.tolist(), strict=True))
            )
            count += len(chunk)
        self.written += count
        return count

    def commit(self):
        self.store.batches |= self.claimed
        self.store.readings += self.written


@dataclass
class FakeDatabases:
    stores: dict[str, TenantStore]

    def unit_of_work(self, tenant):
        return FakeIngestUow(self.stores[tenant.id])


@dataclass
class Outcome:
    settled: list[str] = field(default_factory=list)
    fail_complete: bool = False

    def complete(self):
        if self.fail_complete:
            raise LockLostError("lock expired")
        self.settled.append("complete")

    def abandon(self):
        self.settled.append("abandon")

    def dead_letter(self, reason, description):
        self.settled.append(f"dead:{reason}")


class World:
    def __init__(self) -> None:
        self.master = FakeMaster()
        self.keys = GatewayKeys(InMemorySecrets())
        self.stores: dict[str, TenantStore] = {}
        directory = GatewayDirectory(self.master, ttl_s=0)
        self.drain = DrainService(directory, self.keys, FakeDatabases(self.stores), workers=2)

    def add_tenant(
        self, slug: str, tags: set[int], status=TenantStatus.ACTIVE
    ) -> tuple[Tenant, str]:
        t = tenant(slug, status)
        self.master.tenants[t.id] = t
        self.stores[t.id] = TenantStore(set(tags))
        gateway = Gateway(str(uuid.uuid4()), t.id, "gw", GatewayStatus.ACTIVE, NOW, "admin@x")
        self.master.gateways[gateway.id] = gateway
        return t, gateway.id

    def message(
        self, t: Tenant, gateway_id: str, tags: list[int], batch_id=None, at: int = AT
    ) -> bytes:
        return build_batch(
            tenant_id=uuid.UUID(t.id), gateway_id=uuid.UUID(gateway_id),
            batch_id=batch_id or uuid.uuid4(), sequence=1,
            readings=[Reading(tag, at + i, None, 1.0) for i, tag in enumerate(tags)],
            secret=self.keys.secret_for(gateway_id).encode(),
        )  # fmt: skip

    def run(self, bodies: list[bytes], **outcome_options):
        outcomes = [Outcome(**outcome_options) for _ in bodies]
        deliveries = [
            Delivery(f"m{i}", b, o) for i, (b, o) in enumerate(zip(bodies, outcomes, strict=True))
        ]
        return self.drain.process(deliveries), [o.settled for o in outcomes]


@pytest.fixture
def world() -> World:
    return World()


def test_copies_of_a_batch_are_written_once_and_all_completed(world):
    t, gw = world.add_tenant("acme", {1, 2})
    body = world.message(t, gw, [1, 2, 1])
    report, settled = world.run([body, body])
    again, settled_again = world.run([body])
    assert (report.batches_written, report.readings_written, report.duplicates) == (1, 3, 1)
    assert (again.batches_written, again.duplicates) == (0, 1)
    assert settled + settled_again == [["complete"]] * 3
    assert world.stores[t.id].readings == 3
    assert gw in world.master.gateways.seen


def test_a_down_tenant_is_abandoned_while_others_commit(world):
    up, up_gw = world.add_tenant("up", {1})
    down, down_gw = world.add_tenant("down", {1})
    world.stores[down.id].down = True
    report, settled = world.run([world.message(down, down_gw, [1]), world.message(up, up_gw, [1])])
    assert settled == [["abandon"], ["complete"]]
    assert (report.abandoned, report.batches_written, report.tenants) == (1, 1, 2)


def test_unknown_tags_are_dead_lettered_after_one_reload(world):
    t, gw = world.add_tenant("acme", {1})
    world.run([world.message(t, gw, [1])])  # caches {1}
    world.stores[t.id].tag_ids.add(2)  # a tag mapped since
    loads = world.stores[t.id].tag_loads
    report, settled = world.run([world.message(t, gw, [2]), world.message(t, gw, [3, 1])])
    assert settled == [["complete"], ["dead:unknown_tag"]]
    assert world.stores[t.id].tag_loads == loads + 1
    assert "3" in report.dead_lettered[0].description


def test_suspended_tenants_and_a_down_registry_mean_retry_later(world):
    t, gw = world.add_tenant("sleepy", {1}, status=TenantStatus.SUSPENDED)
    _, settled = world.run([world.message(t, gw, [1])])
    assert settled == [["abandon"]]
    world.master.down = True
    report, settled = world.run([world.message(t, gw, [1])])
    assert settled == [["abandon"]] and report.abandoned == 1


def test_a_lost_lock_after_commit_only_counts(world):
    t, gw = world.add_tenant("acme", {1})
    report, _ = world.run([world.message(t, gw, [1])], fail_complete=True)
    assert (report.batches_written, report.settle_errors) == (1, 1)
    assert world.stores[t.id].readings == 1


def test_a_signed_batch_that_does_not_decode_is_rejected_and_its_claim_released(world):
    from shared.core.scada.model.contract import parse_envelope, sign

    t, gw = world.add_tenant("acme", {1})
    good = world.message(t, gw, [1])
    envelope = parse_envelope(world.message(t, gw, [1]))
    broken = envelope.model_copy(update={"payload": "bm90IGd6aXA="})  # base64 of "not gzip"
    broken = broken.model_copy(
        update={"signature": sign(broken, world.keys.secret_for(gw).encode())}
    )
    report, settled = world.run([broken.model_dump_json().encode(), good])
    assert settled == [["dead:invalid_payload"], ["complete"]]
    assert world.stores[t.id].batches == {parse_envelope(good).batch_id}
    assert report.readings_written == 1


def _time_major(world: World, t: Tenant, gw: str, messages: int) -> list[bytes]:
    """Messages as a gateway cuts them: each one a few seconds of every tag."""
    return [world.message(t, gw, [3, 1, 2, 3, 1, 2], at=AT + 10 * m) for m in range(messages)]


def test_readings_reach_the_writer_once_in_sorted_chunks_closed_by_size(world, monkeypatch):
    # GIVEN chunks of 4 rows, the first of 2, and messages of 6 readings
    monkeypatch.setattr(tenant_batch, "CHUNK_ROWS", 4)
    monkeypatch.setattr(tenant_batch, "FIRST_CHUNK_ROWS", 2)
    t, gw = world.add_tenant("acme", {1, 2, 3})
    # WHEN 3 messages drain (18 readings)
    report, settled = world.run(_time_major(world, t, gw, 3))
    # THEN a chunk closes at the message that reaches its size: one message each, every
    # chunk in (tag_id, ts) order, every reading once
    chunks = world.stores[t.id].chunks
    rows = [row for chunk in chunks for row in chunk]
    assert [len(chunk) for chunk in chunks] == [6, 6, 6]
    assert all(chunk == sorted(chunk) for chunk in chunks) and rows != sorted(rows)
    assert len(set(rows)) == 18 == report.readings_written
    assert settled == [["complete"]] * 3


def test_a_copy_failing_mid_drain_loses_nothing_and_the_retry_writes_all(world, monkeypatch):
    # GIVEN a drain whose database fails on the second chunk it is handed
    monkeypatch.setattr(tenant_batch, "CHUNK_ROWS", 5)
    monkeypatch.setattr(tenant_batch, "FIRST_CHUNK_ROWS", 5)
    t, gw = world.add_tenant("acme", {1, 2, 3})
    store = world.stores[t.id]
    bodies = _time_major(world, t, gw, 3)
    store.fail_at_chunk = 1
    # WHEN it runs: nothing is committed and every message comes back later
    report, settled = world.run(bodies)
    assert settled == [["abandon"]] * 3 and report.abandoned == 3
    assert (store.readings, store.batches) == (0, set())
    # THEN the redelivered messages are all written (no claim survived the failure)
    store.fail_at_chunk, store.chunks = None, []
    again, settled = world.run(bodies)
    assert settled == [["complete"]] * 3
    assert store.readings == again.readings_written == 18
