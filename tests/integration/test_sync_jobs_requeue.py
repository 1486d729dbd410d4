"""No sync job waits forever for its message: a failed send is a 503, a lost one is sent again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from functions.api.schemas.sync import parse_batch
from functions.local.sync_jobs import handle
from shared.adapters.memory.queue import InMemoryQueue
from shared.adapters.sql.sync.job_tables import sync_jobs
from shared.core.common.errors import QueueError
from shared.core.ports.queue import OutgoingMessage
from shared.core.sync.services.jobs import NOT_QUEUED, SYNC_JOBS_QUEUE
from tests.integration import api_support
from tests.integration.sync_support import (
    Site,
    build_site,
    device,
    job_readings,
    job_report,
    job_service,
    lost_job,
    rows,
    submit_job,
)

mod_platform = api_support.mod_platform
mod_client = api_support.mod_client
mod_acme = api_support.mod_acme
STALE = timedelta(minutes=10)  # the platform's default WELLOS_SYNC_JOB_REQUEUE_AFTER_S


@pytest.fixture(scope="module")
def site(mod_acme, mod_platform) -> Site:
    return build_site(mod_acme, mod_platform)


class DownQueue(InMemoryQueue):
    """A queue service that does not answer: every send raises `error`."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def send(self, queue: str, messages: Sequence[OutgoingMessage]) -> None:
        raise self.error


def _post(site: Site, events: list[dict]):
    body = {"device": device("tab-requeue"), "events": events}
    return site.client.post("/api/v1/sync", json=body, headers=site.operator.headers)


def _queued_ids(site: Site) -> list[str]:
    """The ids of the messages waiting on sync-jobs (locked for a minute)."""
    return [m.message_id for m in site.platform.queue.receive(SYNC_JOBS_QUEUE, 10, 60)]


def _apply_next(site: Site) -> None:
    """A normal worker pass: take the next sync-jobs message and apply its job."""
    [message] = site.platform.queue.receive(SYNC_JOBS_QUEUE, 1, 60)
    handle(site.platform, site.platform.queue, message)


SEND_FAILURES = {
    "queue-error": QueueError("Service Bus failed on queue sync-jobs: ServiceBusConnectionError"),
    "os-error": OSError("disk I/O error"),
}


@pytest.mark.parametrize("failure", SEND_FAILURES.values(), ids=SEND_FAILURES.keys())
def test_a_batch_the_queue_cannot_take_is_a_503_and_no_job_waits_for_it(site, monkeypatch, failure):
    # GIVEN the queue service is down
    monkeypatch.setattr(site.platform, "sync_jobs", job_service(site, DownQueue(failure)))
    events = job_readings(site, 501)
    before = {row["id"] for row in rows(site, sync_jobs)}
    # WHEN the operator sends a big batch
    response = _post(site, events)
    # THEN a retryable 503 problem tells the app to send it again later
    assert response.status_code == 503, response.text[:300]
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    assert response.json()["code"] == "queue_unavailable"
    assert "send the batch again" in response.json()["detail"]
    # AND the job it recorded is failed, saying so, not left queued
    [job] = [row for row in rows(site, sync_jobs) if row["id"] not in before]
    assert (job["status"], job["error"]) == ("failed", NOT_QUEUED)
    # AND once the queue is back, the same batch sent again applies every event
    monkeypatch.undo()
    accepted = _post(site, events)
    assert accepted.status_code == 202, accepted.text[:300]
    _apply_next(site)
    report = job_report(site, accepted.json()["job_id"])
    assert (report["status"], report["counts"]) == ("done", {"applied": 501})


def test_a_job_whose_message_was_lost_is_requeued_and_applied(site):
    # GIVEN a job committed 20 minutes ago by a process that died before sending its message
    job_id = lost_job(site, minutes_ago=20)
    assert _queued_ids(site) == []
    # WHEN the requeue runs, then a normal worker pass
    requeued = site.platform.sync_jobs.requeue_stale(STALE)
    _apply_next(site)
    # THEN the job was sent again under its own id and is applied in full
    assert requeued == 1
    report = job_report(site, job_id)
    assert (report["status"], report["counts"]) == ("done", {"applied": 501})
    # AND the next requeue has nothing to send
    assert site.platform.sync_jobs.requeue_stale(STALE) == 0
    assert _queued_ids(site) == []


def test_the_requeue_leaves_fresh_and_finished_jobs_alone(site):
    # GIVEN a job queued a minute ago (its message may be on its way), and two jobs of
    # 20 minutes ago: one done, one failed because the queue did not take it
    fresh = lost_job(site, minutes_ago=1)
    old = job_service(site, site.platform.queue, minutes_ago=20)
    submit_job(old, site, job_readings(site, 501))
    [message] = site.platform.queue.receive(SYNC_JOBS_QUEUE, 1, 60)
    old.run(message.body, parse_batch)
    site.platform.queue.complete(SYNC_JOBS_QUEUE, message)
    down = job_service(site, DownQueue(QueueError("down")), minutes_ago=20)
    with pytest.raises(QueueError):
        submit_job(down, site, job_readings(site, 501))
    before = {row["id"]: (row["status"], row["updated_at"]) for row in rows(site, sync_jobs)}
    # WHEN the requeue runs
    requeued = site.platform.sync_jobs.requeue_stale(STALE)
    # THEN it sends nothing and changes no job
    assert requeued == 0
    assert _queued_ids(site) == []
    after = {row["id"]: (row["status"], row["updated_at"]) for row in rows(site, sync_jobs)}
    assert after == before
    assert {status for status, _ in before.values()} >= {"queued", "done", "failed"}
    assert before[fresh][0] == "queued"
