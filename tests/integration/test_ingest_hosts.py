"""The drain's three hosts: the AWS SQS handler, the Azure timer blueprint, the local loop."""

from __future__ import annotations

import base64
import copy
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import azure.functions as func
import pytest
from azure.functions.timer import TimerRequest

from functions.aws import ingest_handler, partitions_handler
from functions.azure import ingest as azure_ingest
from functions.local.drain import run_drain_loop
from shared.adapters.local.sqlite_queue import SqliteQueue
from shared.adapters.memory.queue import InMemoryQueue
from shared.core.scada.services.deliveries import INGEST_QUEUE
from tests.integration import api_support
from tests.integration.conftest import open_tenant
from tests.integration.ingest_support import (
    batch_message,
    build_site,
    count_readings,
    readings_for,
    recent,
)

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme
EVENTS = Path(__file__).parents[1] / "events"


@dataclass
class LambdaContext:
    function_name: str = "wellos-ingest"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:wellos-ingest"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def _as_sqs_adapter_sent(record: dict, message) -> None:
    """Fill a record as the SQS adapter sends a message: base64 body, id attribute."""
    record["body"] = base64.b64encode(message.body).decode()
    record["messageAttributes"]["wellos-message-id"]["stringValue"] = message.message_id


def test_the_sqs_handler_reports_only_the_record_to_retry(
    mod_platform, mod_client, mod_acme, monkeypatch
):
    moto = pytest.importorskip("moto")
    from shared.adapters.aws.sqs_queue import SqsQueue, create_queue_with_dead_letters

    # GIVEN a real SQS event: a good batch, a garbage body, a batch of a tenant that is down
    good_site = build_site(mod_acme)
    down_session = open_tenant(mod_platform, mod_client, f"awsdown-{uuid.uuid4().hex[:6]}")
    down_site = build_site(down_session)
    tenant = down_session.created.tenant
    real_url = mod_platform.secrets.get(tenant.connection_secret_ref)
    mod_platform.secrets.set(tenant.connection_secret_ref, "postgresql://postgres@127.0.0.1:9/x")
    mod_platform.tenant_databases.forget(tenant)
    event = copy.deepcopy(json.loads((EVENTS / "sqs_ingest.json").read_text()))
    good, _garbage, down = event["Records"]
    _as_sqs_adapter_sent(
        good, batch_message(good_site, readings_for(good_site.tag_ids, recent(), 300))
    )
    _as_sqs_adapter_sent(
        down, batch_message(down_site, readings_for(down_site.tag_ids, recent(), 30))
    )
    with moto.mock_aws():
        import boto3

        sqs = boto3.client("sqs", region_name="us-east-1")
        create_queue_with_dead_letters(sqs, "ingest")
        runtime = ingest_handler.IngestRuntime(lambda: mod_platform, lambda: sqs)
        monkeypatch.setattr(ingest_handler, "runtime", runtime)
        # WHEN Lambda invokes the handler
        result = ingest_handler.handler(event, LambdaContext())
        dead = SqsQueue(sqs).receive_dead_letters("ingest", 10)
    mod_platform.secrets.set(tenant.connection_secret_ref, real_url)
    mod_platform.tenant_databases.forget(tenant)
    # THEN only the down tenant's record is a batch item failure
    assert result == {"batchItemFailures": [{"itemIdentifier": down["messageId"]}]}
    # AND the good batch is written, the garbage parked in the DLQ with its reason
    assert count_readings(mod_platform, "acme", good_site.tag_ids) == 300
    assert [(m.body, m.properties["dead_letter_reason"]) for m in dead] == [
        (b"this is not a reading batch", "invalid_envelope")
    ]


def test_the_azure_timer_drains_through_the_blueprint(mod_platform, mod_acme, monkeypatch):
    # GIVEN the blueprint registered on a function app, and a batch waiting in the queue
    site = build_site(mod_acme)
    queue = InMemoryQueue()
    queue.send(INGEST_QUEUE, [batch_message(site, readings_for(site.tag_ids, recent(), 120))])
    runtime = azure_ingest.IngestRuntime(lambda: mod_platform, lambda: queue)
    monkeypatch.setattr(azure_ingest, "runtime", runtime)
    app = func.FunctionApp()
    app.register_functions(azure_ingest.ingest_bp)
    functions = {f.get_function_name(): f for f in app.get_functions()}
    trigger = functions["drain_ingest"].get_bindings()[0].get_dict_repr()
    assert trigger["schedule"] == "*/5 * * * * *"
    # WHEN the timer fires
    functions["drain_ingest"].get_user_function()(TimerRequest(past_due=False))
    # THEN the batch is in the tenant's database and the queue is empty
    assert count_readings(mod_platform, "acme", site.tag_ids) == 120
    assert queue.receive(INGEST_QUEUE, 10, 30) == []
    # AND the daily maintenance timer runs through the same app
    functions["maintain_reading_partitions"].get_user_function()(TimerRequest())


def test_the_local_loop_drains_the_sqlite_queue_until_stopped(mod_platform, mod_acme, tmp_path):
    # GIVEN the local drain loop running on a SQLite queue
    site = build_site(mod_acme)
    queue = SqliteQueue(tmp_path / "queue.db")
    stop = threading.Event()
    totals = []
    thread = threading.Thread(
        target=lambda: totals.append(run_drain_loop(mod_platform, queue, stop, interval_s=0.05))
    )
    thread.start()
    # WHEN batches arrive while it runs
    for sequence in range(3):
        rows = readings_for(site.tag_ids, recent(), 40)
        queue.send(INGEST_QUEUE, [batch_message(site, rows, sequence=sequence)])
    deadline = time.monotonic() + 20
    while count_readings(mod_platform, "acme", site.tag_ids) < 120:
        assert time.monotonic() < deadline, "the loop did not drain the queue"
        time.sleep(0.05)
    stop.set()
    thread.join(timeout=10)
    # THEN all are written once and the loop reports them
    assert count_readings(mod_platform, "acme", site.tag_ids) == 120
    assert totals[0].batches_written == 3
    queue.close()


def test_the_aws_partition_schedule_runs_the_same_maintenance(
    mod_platform, mod_client, monkeypatch
):
    # GIVEN the partition Lambda on the platform, one tenant whose database is down
    down = open_tenant(mod_platform, mod_client, f"awspart-{uuid.uuid4().hex[:6]}")
    tenant = down.created.tenant
    runtime = partitions_handler.PartitionsRuntime(lambda: mod_platform)
    monkeypatch.setattr(partitions_handler, "runtime", runtime)
    # WHEN EventBridge invokes it with every database up
    done = partitions_handler.handler({"source": "aws.events"}, LambdaContext())
    # THEN every serving tenant got its partitions
    assert done["tenants"] == len(mod_platform.scada.partitions.ensure_all())
    # AND with one database down the invocation fails naming that tenant (the alarm fires)
    real_url = mod_platform.secrets.get(tenant.connection_secret_ref)
    mod_platform.secrets.set(tenant.connection_secret_ref, "postgresql://postgres@127.0.0.1:9/x")
    mod_platform.tenant_databases.forget(tenant)
    try:
        with pytest.raises(partitions_handler.PartitionMaintenanceError, match=tenant.slug):
            partitions_handler.handler({"source": "aws.events"}, LambdaContext())
    finally:
        mod_platform.secrets.set(tenant.connection_secret_ref, real_url)
        mod_platform.tenant_databases.forget(tenant)
