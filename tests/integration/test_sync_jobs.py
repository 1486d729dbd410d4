"""Big sync batches as jobs: 202, the queue, the three hosts, redelivery and resuming."""

from __future__ import annotations

import base64
import copy
import json
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import azure.functions as func
import pytest
from azure.functions.servicebus import ServiceBusMessage
from azure.functions.timer import TimerRequest

from functions.api.schemas.sync import parse_batch
from functions.aws import sync_jobs_handler
from functions.azure import sync_jobs as azure_sync_jobs
from functions.local.sync_jobs import handle, start_sync_jobs_thread
from shared.core.ports.queue import OutgoingMessage, ReceivedMessage
from shared.core.sync.services.jobs import SYNC_JOBS_QUEUE, SyncJobService
from tests.integration import api_support
from tests.integration.sync_support import (
    Site,
    build_site,
    device,
    job_readings,
    job_report,
    job_row,
    lost_job,
    rows,
    statuses,
    sync,
    table_state,
)

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme
EVENTS = Path(__file__).parents[1] / "events"


@pytest.fixture(scope="module")
def site(mod_acme, mod_platform) -> Site:
    return build_site(mod_acme, mod_platform)


def _submit(site: Site, events: list[dict], name: str = "tab-job") -> dict:
    response = site.client.post(
        "/api/v1/sync",
        json={"device": device(name), "events": events},
        headers=site.operator.headers,
    )
    assert response.status_code == 202, response.text[:300]
    return dict(response.json())


def _take(site: Site) -> ReceivedMessage:
    [message] = site.platform.queue.receive(SYNC_JOBS_QUEUE, 1, 60)
    return message


def _job_rows(site: Site) -> dict[str, list]:
    from shared.adapters.sql.sync.job_tables import sync_job_outcomes, sync_jobs

    return {
        table.name: sorted(map(repr, map(tuple, (r.values() for r in rows(site, table)))))
        for table in (sync_jobs, sync_job_outcomes)
    }


def test_a_big_batch_is_a_job_the_local_worker_applies_with_outcomes_in_order(site):
    # GIVEN 650 readings: ten of them synced before, one malformed at position 300
    events = job_readings(site, 650)
    events[300]["payload"]["value"] = "high"
    first = sync(site, site.operator, device("tab-job"), events[:10])
    assert statuses(first) == ["applied"] * 10
    # WHEN the operator sends them all and the local runner's worker is running
    stop = threading.Event()
    worker = start_sync_jobs_thread(site.platform, stop, interval_s=0.05)
    try:
        accepted = _submit(site, events)
        report = job_report(site, accepted["job_id"])
        for _ in range(600):
            if report["status"] in ("done", "failed"):
                break
            time.sleep(0.05)
            report = job_report(site, accepted["job_id"])
    finally:
        stop.set()
        worker.join(timeout=10)
    # THEN the job is done, every event has its outcome, in the order sent
    assert (report["status"], report["progress"]) == ("done", {"done": 650, "total": 650})
    assert report["counts"] == {"applied": 639, "duplicate": 10, "rejected": 1}
    page = job_report(site, accepted["job_id"], offset=299, limit=3)["outcomes"]
    assert [item["position"] for item in page["items"]] == [299, 300, 301]
    assert [item["status"] for item in page["items"]] == ["applied", "rejected", "applied"]
    assert page["items"][1]["reason"].startswith("payload.value:")
    assert page["total"] == 650
    # AND the batch's blob is where the issue says
    key = f"tenants/acme/sync-jobs/{accepted['job_id']}.json"
    assert site.platform.blobs.head(key) is not None


def test_a_redelivered_job_message_applies_nothing_twice(site):
    # GIVEN a job applied once through its queue message
    accepted = _submit(site, job_readings(site, 520))
    message = _take(site)
    handle(site.platform, site.platform.queue, message)
    before = (table_state(site), _job_rows(site))
    # WHEN the same message is delivered again (at-least-once delivery)
    again = OutgoingMessage(message.body, message.message_id)
    site.platform.queue.send(SYNC_JOBS_QUEUE, [again])
    handle(site.platform, site.platform.queue, _take(site))
    # THEN nothing changed: no row, no outcome, no progress
    assert (table_state(site), _job_rows(site)) == before
    assert job_report(site, accepted["job_id"])["status"] == "done"


class FlakySync:
    """The platform's SyncService, failing once at one chunk (a database hiccup)."""

    def __init__(self, real, fail_at: int) -> None:
        self.real = real
        self.fail_at = fail_at
        self.calls = 0

    def apply_batch(self, *args, **kwargs):
        self.calls += 1
        if self.calls == self.fail_at:
            raise ConnectionResetError("database connection lost")
        return self.real.apply_batch(*args, **kwargs)


def test_a_job_that_fails_midway_resumes_after_its_last_recorded_chunk(site):
    # GIVEN a job of 600 events applied 200 at a time, whose second chunk fails once
    platform = site.platform
    flaky = FlakySync(platform.sync, fail_at=2)
    service = SyncJobService(
        platform.master, platform.tenant_databases, flaky, platform.blobs, platform.queue,
        chunk_events=200,
    )  # fmt: skip
    accepted = _submit(site, job_readings(site, 600))
    message = _take(site)
    # WHEN the first delivery fails and the message comes back
    with pytest.raises(ConnectionResetError):
        service.run(message.body, parse_batch, delivery_count=1)
    midway = job_report(site, accepted["job_id"])
    status = service.run(message.body, parse_batch, delivery_count=2)
    platform.queue.complete(SYNC_JOBS_QUEUE, message)
    # THEN the first chunk stood, and the second delivery did the other two
    assert (midway["status"], midway["progress"]["done"]) == ("running", 200)
    assert status.value == "done"
    report = job_report(site, accepted["job_id"])
    assert report["counts"] == {"applied": 600}  # chunk 1 was not applied again
    assert flaky.calls == 2 + 2


def test_only_the_submitter_and_the_office_see_a_job(site):
    # GIVEN a queued job of the operator
    accepted = _submit(site, job_readings(site, 501))
    handle(site.platform, site.platform.queue, _take(site))
    path = f"/api/v1/sync/jobs/{accepted['job_id']}"
    # WHEN the other operator, the manager and someone asking for a made-up job look
    other = site.client.get(path, headers=site.operator2.headers)
    manager = site.client.get(path, headers=site.manager.headers)
    missing = site.client.get(f"/api/v1/sync/jobs/{uuid.uuid4()}", headers=site.manager.headers)
    # THEN only the manager (and the submitter) see it
    assert (other.status_code, manager.status_code, missing.status_code) == (404, 200, 404)


def test_the_azure_service_bus_trigger_applies_a_job(site, monkeypatch):
    # GIVEN the blueprint on a function app and a job's message as Service Bus delivers it
    accepted = _submit(site, job_readings(site, 501))
    message = _take(site)
    monkeypatch.setattr(
        azure_sync_jobs, "runtime", azure_sync_jobs.SyncJobsRuntime(lambda: site.platform)
    )
    app = func.FunctionApp()
    app.register_functions(azure_sync_jobs.sync_jobs_bp)
    function = {f.get_function_name(): f for f in app.get_functions()}["apply_sync_job"]
    binding = function.get_bindings()[0].get_dict_repr()
    delivered = ServiceBusMessage(  # what the host hands the function
        body=message.body,
        message_id=message.message_id,
        delivery_count=1,
        application_properties={},
        user_properties={},
    )
    # WHEN the trigger fires
    function.get_user_function()(delivered)
    site.platform.queue.complete(SYNC_JOBS_QUEUE, message)
    # THEN the binding listens on sync-jobs and the job is done
    assert (binding["queueName"], binding["connection"]) == ("sync-jobs", "ServiceBusConnection")
    assert job_report(site, accepted["job_id"])["status"] == "done"


def _blob_path(site: Site, key: str) -> Path:
    return site.platform.settings.state_dir / "blobs" / "objects" / (key + "~")


def test_the_sqs_handler_retries_only_the_record_whose_job_raised(site, monkeypatch):
    # GIVEN an SQS event with two job messages; the second job's batch cannot be read now
    good, stuck = (_submit(site, job_readings(site, 501)) for _ in range(2))
    bodies = {m.message_id: m for m in site.platform.queue.receive(SYNC_JOBS_QUEUE, 10, 60)}
    stuck_key = f"tenants/acme/sync-jobs/{stuck['job_id']}.json"
    blob = _blob_path(site, stuck_key)
    blob.rename(blob.with_suffix(".bak"))
    blob.mkdir()  # reading it is an OSError: a transient blob-store failure
    event = copy.deepcopy(json.loads((EVENTS / "sqs_sync_job.json").read_text()))
    for record, accepted in zip(event["Records"], (good, stuck), strict=True):
        message = bodies[accepted["job_id"]]
        record["body"] = base64.b64encode(message.body).decode()  # as the SQS adapter sends
        record["messageAttributes"]["wellos-message-id"]["stringValue"] = message.message_id
    monkeypatch.setattr(
        sync_jobs_handler, "runtime", sync_jobs_handler.SyncJobsRuntime(lambda: site.platform)
    )
    # WHEN Lambda invokes the handler
    result = sync_jobs_handler.handler(event, lambda_context())
    # THEN only the stuck record is a batch item failure; the good job is done
    assert result == {"batchItemFailures": [{"itemIdentifier": event["Records"][1]["messageId"]}]}
    assert job_report(site, good["job_id"])["status"] == "done"
    assert job_report(site, stuck["job_id"])["status"] == "queued"
    # AND once the blob store answers again, the redelivered record completes the job
    shutil.rmtree(blob)
    blob.with_suffix(".bak").rename(blob)
    retry = {"Records": [event["Records"][1]]}
    assert sync_jobs_handler.handler(retry, lambda_context()) == {"batchItemFailures": []}
    assert job_report(site, stuck["job_id"])["status"] == "done"
    for message in bodies.values():
        site.platform.queue.complete(SYNC_JOBS_QUEUE, message)


@dataclass
class LambdaContext:
    function_name: str = "wellos-sync-jobs"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:sync-jobs"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def lambda_context() -> LambdaContext:
    return LambdaContext()


def test_a_garbage_message_is_not_a_job_and_is_not_retried(site):
    # GIVEN a message on the sync-jobs queue that names no job
    # WHEN the service is handed it
    status = site.platform.sync_jobs.run(b"not json", parse_batch)
    unknown = json.dumps({"tenant": "acme", "job_id": str(uuid.uuid4())}).encode()
    # THEN there is nothing to do either way (the host completes the message)
    assert status is None
    assert site.platform.sync_jobs.run(unknown, parse_batch) is None


def _azure_timer(site: Site, monkeypatch: pytest.MonkeyPatch, job_id: str) -> None:
    runtime = azure_sync_jobs.SyncJobsRuntime(lambda: site.platform)
    monkeypatch.setattr(azure_sync_jobs, "runtime", runtime)
    app = func.FunctionApp()
    app.register_functions(azure_sync_jobs.sync_jobs_bp)
    function = {f.get_function_name(): f for f in app.get_functions()}["requeue_stale_sync_jobs"]
    assert function.get_bindings()[0].get_dict_repr()["schedule"] == "0 */5 * * * *"
    function.get_user_function()(TimerRequest(past_due=False))
    handle(site.platform, site.platform.queue, _take(site))


def _aws_schedule(site: Site, monkeypatch: pytest.MonkeyPatch, job_id: str) -> None:
    runtime = sync_jobs_handler.SyncJobsRuntime(lambda: site.platform)
    monkeypatch.setattr(sync_jobs_handler, "runtime", runtime)
    scheduled = {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}
    assert sync_jobs_handler.requeue_handler(scheduled, lambda_context()) == {"requeued": 1}
    handle(site.platform, site.platform.queue, _take(site))


def _local_loop(site: Site, monkeypatch: pytest.MonkeyPatch, job_id: str) -> None:
    stop = threading.Event()
    worker = start_sync_jobs_thread(site.platform, stop, interval_s=0.05)
    try:  # the loop requeues as it starts (then every minute), then takes the message
        for _ in range(600):
            if job_row(site, job_id)["status"] == "done":
                break
            time.sleep(0.05)
    finally:
        stop.set()
        worker.join(timeout=10)


HOSTS: dict[str, Callable[[Site, pytest.MonkeyPatch, str], None]] = {
    "azure-timer": _azure_timer,
    "aws-eventbridge": _aws_schedule,
    "local-loop": _local_loop,
}


@pytest.mark.parametrize("host", HOSTS)
def test_each_host_requeues_a_lost_job_on_its_timer(site, monkeypatch, host):
    # GIVEN a job whose message was lost 20 minutes ago
    job_id = lost_job(site, minutes_ago=20)
    # WHEN the host's timer fires and its worker takes the message
    HOSTS[host](site, monkeypatch, job_id)
    # THEN the job is applied in full
    report = job_report(site, job_id)
    assert (report["status"], report["counts"]) == ("done", {"applied": 501})
