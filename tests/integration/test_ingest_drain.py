"""The drain against real PostgreSQL and the SQLite queue: GIVEN / WHEN / THEN."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shared.adapters.local.sqlite_queue import SqliteQueue
from shared.bootstrap import Platform
from shared.core.ports.queue import DEAD_LETTER_DESCRIPTION, DEAD_LETTER_REASON, OutgoingMessage
from shared.core.scada.model.contract import payload_cap
from shared.core.scada.services.deliveries import INGEST_QUEUE, DrainReport
from tests.bombs import gzip_bomb
from tests.integration import api_support
from tests.integration.conftest import TenantSession, open_tenant
from tests.integration.ingest_support import (
    batch_message,
    batches_of,
    build_site,
    count_readings,
    readings_for,
    recent,
    signed_garbage,
)

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme
mod_permian = api_support.mod_permian


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[SqliteQueue]:
    sqlite_queue = SqliteQueue(tmp_path / "queue.db")
    yield sqlite_queue
    sqlite_queue.close()


def drain(platform: Platform, queue: SqliteQueue) -> DrainReport:
    return platform.scada.drain.drain(queue, INGEST_QUEUE, max_messages=50)


def dead_letter_reasons(queue: SqliteQueue) -> dict[str, str]:
    dead = queue.receive_dead_letters(INGEST_QUEUE, 50)
    return {m.message_id: m.properties[DEAD_LETTER_REASON] for m in dead}


def test_a_signed_batch_drains_into_its_tenant(
    mod_platform: Platform, mod_acme: TenantSession, mod_permian: TenantSession, queue: SqliteQueue
) -> None:
    # GIVEN sites in two tenants and a signed batch of 1,000 readings from acme's gateway
    acme = build_site(mod_acme, wells=2)
    permian = build_site(mod_permian)
    message = batch_message(acme, readings_for(acme.tag_ids, recent(), 1000))
    queue.send(INGEST_QUEUE, [message])
    # WHEN the drain runs
    report = drain(mod_platform, queue)
    # THEN acme has the readings and the batch id, permian nothing, and the queue is empty
    assert (report.batches_written, report.readings_written) == (1, 1000)
    assert count_readings(mod_platform, "acme", acme.tag_ids) == 1000
    assert count_readings(mod_platform, "permian", permian.tag_ids) == 0
    assert batches_of(mod_platform, "acme", acme.gateway_id) == [message.message_id]
    assert queue.receive(INGEST_QUEUE, 10, 30) == []


def test_the_same_message_twice_writes_its_rows_once(
    mod_platform: Platform, mod_acme: TenantSession, queue: SqliteQueue
) -> None:
    # GIVEN one batch sent twice in a row, and again after it was written
    site = build_site(mod_acme)
    message = batch_message(site, readings_for(site.tag_ids, recent(), 200))
    queue.send(INGEST_QUEUE, [message, message])
    # WHEN two drains run, one before and one after a third copy arrives
    first = drain(mod_platform, queue)
    queue.send(INGEST_QUEUE, [message])
    second = drain(mod_platform, queue)
    # THEN the rows exist once; every copy was completed
    assert (first.batches_written, first.duplicates) == (1, 1)
    assert (second.batches_written, second.duplicates) == (0, 1)
    assert count_readings(mod_platform, "acme", site.tag_ids) == 200
    assert queue.receive(INGEST_QUEUE, 10, 30) == []


def test_concurrent_drains_write_a_batch_once(
    mod_platform: Platform, mod_acme: TenantSession
) -> None:
    # GIVEN the same batches handed to two drains at the same time (two workers, redelivery)
    from shared.adapters.memory.queue import InMemoryQueue

    site = build_site(mod_acme)
    messages = [
        batch_message(site, readings_for(site.tag_ids, recent(), 500), sequence=i) for i in range(4)
    ]
    queues = [InMemoryQueue(), InMemoryQueue()]
    for memory_queue in queues:
        memory_queue.send(INGEST_QUEUE, messages)
    reports: list[DrainReport] = []
    # WHEN both drain in parallel
    threads = [
        threading.Thread(
            target=lambda q=q: reports.append(mod_platform.scada.drain.drain(q, INGEST_QUEUE))
        )
        for q in queues
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # THEN each batch was written by exactly one of them
    assert sum(r.batches_written for r in reports) == 4
    assert sum(r.duplicates for r in reports) == 4
    assert count_readings(mod_platform, "acme", site.tag_ids) == 2000


def test_bad_messages_are_dead_lettered_and_the_rest_commits(
    mod_platform: Platform, mod_acme: TenantSession, mod_permian: TenantSession, queue: SqliteQueue
) -> None:
    # GIVEN one good batch and seven bad ones
    site = build_site(mod_acme)
    other = build_site(mod_permian)
    revoked = build_site(mod_acme)
    response = mod_acme.client.delete(
        f"/api/v1/gateways/{revoked.gateway_id}", headers=mod_acme.headers
    )
    assert response.status_code == 204
    rows = readings_for(site.tag_ids, recent(), 100)
    good = batch_message(site, rows)
    bad = {
        "bad_signature": batch_message(site, rows, secret="0" * 64),
        "tenant_mismatch": batch_message(other, rows, tenant_id=site.tenant_id),
        "gateway_revoked": batch_message(revoked, readings_for(revoked.tag_ids, recent(), 10)),
        "unknown_tag": batch_message(
            site, readings_for([*site.tag_ids, other.tag_ids[0] + 999], recent(), 9)
        ),
        "invalid_envelope": OutgoingMessage(b"\x00garbage{", "garbage-1"),
        "invalid_payload": signed_garbage(site),
        "unknown_gateway": batch_message(site, rows, gateway_id=str(uuid.uuid4())),
    }
    queue.send(INGEST_QUEUE, [bad["bad_signature"], good, *list(bad.values())[1:]])
    # WHEN the drain runs
    report = drain(mod_platform, queue)
    # THEN each bad one is a dead letter with its reason, only the good rows are written
    expected = {message.message_id: reason for reason, message in bad.items()}
    assert dead_letter_reasons(queue) == expected
    assert {d.reason for d in report.dead_lettered} == set(expected.values())
    assert report.batches_written == 1
    assert count_readings(mod_platform, "acme", site.tag_ids + revoked.tag_ids) == 100
    assert count_readings(mod_platform, "permian", other.tag_ids) == 0
    assert batches_of(mod_platform, "permian", other.gateway_id) == []
    assert batches_of(mod_platform, "acme", site.gateway_id) == [good.message_id]
    assert queue.receive(INGEST_QUEUE, 10, 30) == []


def test_a_signed_decompression_bomb_is_dead_lettered_naming_the_cap(
    mod_platform: Platform, mod_acme: TenantSession, queue: SqliteQueue
) -> None:
    # GIVEN a good batch and a ~240 KB message signed with the gateway's real key whose
    # payload inflates to 180 MB (1,000 readings announced)
    site = build_site(mod_acme)
    good = batch_message(site, readings_for(site.tag_ids, recent(), 50))
    bomb = signed_garbage(site, payload=gzip_bomb(180 * 1024 * 1024), count=1000)
    assert len(bomb.body) < 256 * 1024
    queue.send(INGEST_QUEUE, [bomb, good])
    # WHEN the drain runs
    report = drain(mod_platform, queue)
    # THEN the bomb is a dead letter whose reason names the cap, and the good batch is written
    dead = queue.receive_dead_letters(INGEST_QUEUE, 10)
    assert [m.message_id for m in dead] == [bomb.message_id]
    assert dead[0].properties[DEAD_LETTER_REASON] == "payload_too_large"
    assert f"more than {payload_cap(1000):,} bytes" in dead[0].properties[DEAD_LETTER_DESCRIPTION]
    assert report.batches_written == 1
    assert count_readings(mod_platform, "acme", site.tag_ids) == 50


def test_a_tenant_whose_database_is_down_is_retried_later(
    mod_platform: Platform, mod_client: TestClient, mod_acme: TenantSession, queue: SqliteQueue
) -> None:
    # GIVEN batches for acme and for a tenant whose database URL points at a closed port
    down_session = open_tenant(mod_platform, mod_client, f"down-{uuid.uuid4().hex[:6]}")
    acme, down = build_site(mod_acme), build_site(down_session)
    tenant = down_session.created.tenant
    real_url = mod_platform.secrets.get(tenant.connection_secret_ref)
    mod_platform.secrets.set(tenant.connection_secret_ref, "postgresql://postgres@127.0.0.1:9/x")
    mod_platform.tenant_databases.forget(tenant)
    queue.send(INGEST_QUEUE, [batch_message(down, readings_for(down.tag_ids, recent(), 50))])
    queue.send(INGEST_QUEUE, [batch_message(acme, readings_for(acme.tag_ids, recent(), 70))])
    # WHEN the drain runs while it is down, and again after it is back
    while_down = drain(mod_platform, queue)
    mod_platform.secrets.set(tenant.connection_secret_ref, real_url)
    mod_platform.tenant_databases.forget(tenant)
    after = drain(mod_platform, queue)
    # THEN acme's batch went in at once; the other was abandoned, then delivered again and written
    assert (while_down.batches_written, while_down.abandoned) == (1, 1)
    assert count_readings(mod_platform, "acme", acme.tag_ids) == 70
    assert (after.received, after.batches_written) == (1, 1)
    assert count_readings(mod_platform, down_session.slug, down.tag_ids) == 50


def test_a_suspended_tenant_keeps_its_messages_for_later(
    mod_platform: Platform, mod_client: TestClient, queue: SqliteQueue
) -> None:
    # GIVEN a batch of a tenant that is then suspended
    session = open_tenant(mod_platform, mod_client, f"susp-{uuid.uuid4().hex[:6]}")
    site = build_site(session)
    queue.send(INGEST_QUEUE, [batch_message(site, readings_for(site.tag_ids, recent(), 10))])
    mod_platform.tenants.suspend(session.slug)
    # WHEN the drain runs while suspended and after resuming
    suspended = drain(mod_platform, queue)
    mod_platform.tenants.resume(session.slug)
    resumed = drain(mod_platform, queue)
    # THEN the message waited (abandoned, not dead-lettered) and went in after the resume
    assert (suspended.abandoned, suspended.dead_lettered) == (1, [])
    assert resumed.batches_written == 1
    assert count_readings(mod_platform, session.slug, site.tag_ids) == 10


def test_readings_with_nulls_keep_their_nulls(
    mod_platform: Platform, mod_acme: TenantSession, queue: SqliteQueue
) -> None:
    # GIVEN readings with no value (bad quality) and no server timestamp
    from shared.core.scada.model.contract import Reading, micros

    site = build_site(mod_acme)
    at = micros(recent())
    tag = site.tag_ids[0]
    rows = [
        Reading(tag, at, None, 1.5, 0),
        Reading(tag, at + 1, at + 9, None, 0x80000000),
        Reading(tag, at + 2, None, None, 0x40000000),
    ]
    queue.send(INGEST_QUEUE, [batch_message(site, rows)])
    # WHEN drained
    drain(mod_platform, queue)
    # THEN the read API shows them as sent
    response = mod_acme.client.get(
        f"/api/v1/wells/{site.wells[0]['id']}/readings",
        params={"tag": "tubing_pressure", "from": recent(11).isoformat()},
        headers=mod_acme.headers,
    )
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [(i["value"], i["status"], i["quality"]) for i in items] == [
        (1.5, 0, "good"),
        (None, 0x80000000, "bad"),
        (None, 0x40000000, "uncertain"),
    ]
    assert [i["server_ts"] is None for i in items] == [True, False, True]
