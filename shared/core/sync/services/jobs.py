"""Big sync batches as jobs: taken over HTTP, applied from the queue in chunks.

`submit` keeps the raw batch in the blob store (`tenants/{slug}/sync-jobs/{id}.json`),
records the job (`queued`) and sends a message to the `sync-jobs` queue whose
message id is the job id. `run` is what the queue-triggered function calls:
the job's events apply in device-sequence order, in chunks, through
`SyncService.apply_batch`, as the user who submitted them. Each chunk's
outcomes and the job's progress commit in the chunk's own transaction, so a
redelivered message resumes after the last chunk recorded and nothing applies
twice (events are idempotent by id besides).

Errors that a retry cannot fix (the payload is gone or unreadable, the user is
no longer allowed) fail the job at once; anything else raises, so the queue
redelivers, and the last allowed delivery fails the job before raising.

A job is never left `queued` without its message: if the send fails, `submit`
fails the job and raises QueueError (the API answers 503; the client sends the
batch again, safe since events are idempotent by id). Should the process die
between commit and send, `requeue_stale` (on a timer) sends the message again;
a second copy is harmless, as `run` skips finished jobs and chunks taken.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from shared.core.common.access import OFFICE_ROLES, require
from shared.core.common.actor import Actor
from shared.core.common.clock import Clock, utc_now
from shared.core.common.errors import (
    BlobNotFoundError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    QueueError,
    WellOSError,
)
from shared.core.common.pages import Page
from shared.core.common.roles import Permission
from shared.core.ports.blobs import BlobStore
from shared.core.ports.queue import MAX_DELIVERY_COUNT, OutgoingMessage, Queue
from shared.core.registry.model.tenants import Tenant
from shared.core.registry.model.users import UserStatus
from shared.core.registry.ports import MasterDatabase
from shared.core.sync.model.field_events import Device, EventOutcome, IncomingEvent
from shared.core.sync.ports import (
    JobOutcome,
    JobStatus,
    SyncDatabases,
    SyncJob,
    SyncUnitOfWork,
)
from shared.core.sync.services.field_sync import SyncService

log = logging.getLogger("wellos.sync.jobs")

SYNC_JOBS_QUEUE = "sync-jobs"
CHUNK_EVENTS = 500
REQUEUE_LIMIT = 100
"""At most this many stale jobs of one tenant are sent again per pass."""
NOT_QUEUED = "the queue did not take the job; send the batch again"


@dataclass(frozen=True)
class ParsedBatch:
    device: Device
    events: list[IncomingEvent]


BatchParser = Callable[[bytes], ParsedBatch]
"""Reads a raw batch (the API's wire format); raises InputError if it cannot."""


@dataclass(frozen=True)
class JobMessage:
    tenant_slug: str
    job_id: str

    def encode(self) -> bytes:
        return json.dumps({"tenant": self.tenant_slug, "job_id": self.job_id}).encode()

    @classmethod
    def decode(cls, body: bytes) -> JobMessage:
        try:
            data = json.loads(body)
            return cls(str(data["tenant"]), str(uuid.UUID(str(data["job_id"]))))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError("message", "is not a sync-job message") from exc


@dataclass(frozen=True)
class JobReport:
    job: SyncJob
    counts: dict[str, int]
    outcomes: Page[JobOutcome]


class JobFailedError(WellOSError):
    """The job cannot succeed, whatever the number of retries."""

    code = "sync_job_failed"


class ChunkTakenError(WellOSError):
    """Another delivery of the same message recorded this chunk first."""

    code = "sync_job_chunk_taken"


class SyncJobService:
    def __init__(
        self,
        master: MasterDatabase,
        databases: SyncDatabases,
        sync: SyncService,
        blobs: BlobStore,
        queue: Queue,
        clock: Clock = utc_now,
        chunk_events: int = CHUNK_EVENTS,
    ) -> None:
        self._master = master
        self._databases = databases
        self._sync = sync
        self._blobs = blobs
        self._queue = queue
        self._clock = clock
        self._chunk = chunk_events

    def submit(
        self, tenant: Tenant, actor: Actor, device_id: str, raw: bytes, events: int
    ) -> SyncJob:
        """Keep the batch, record the job, queue it; the caller answers 202 with its id."""
        require(actor, Permission.FIELD_DATA_WRITE)
        job_id = str(uuid.uuid4())
        key = f"tenants/{tenant.slug}/sync-jobs/{job_id}.json"
        self._blobs.put(key, raw, "application/json")
        now = self._clock()
        job = SyncJob(
            job_id, JobStatus.QUEUED, key, device_id, actor.user_id, actor.email, events, now, now
        )
        with self._databases.unit_of_work(tenant) as uow:
            uow.sync_jobs.add(job)
            uow.commit()
        try:
            self._send(tenant, job_id)
        except Exception as exc:  # however the send failed, nobody would apply the job
            self._not_queued(tenant, job)
            raise QueueError("the sync job could not be queued; send the batch again") from exc
        return job

    def requeue_stale(self, older_than: timedelta) -> int:
        """Send again the message of each job of every serving tenant still queued and not
        updated for `older_than` (the process died between commit and send); how many."""
        with self._master.unit_of_work() as uow:
            tenants = [tenant for tenant in uow.tenants.list() if tenant.is_serving]
        return sum(self._requeue_tenant(tenant, self._clock() - older_than) for tenant in tenants)

    def _requeue_tenant(self, tenant: Tenant, before: datetime) -> int:
        """One tenant's database (or the queue) failing does not stop the others."""
        try:
            return self._requeue(tenant, before)
        except Exception as exc:  # the next pass tries again
            log.warning("requeue of %s sync jobs failed: %s", tenant.slug, type(exc).__name__)
            return 0

    def _requeue(self, tenant: Tenant, before: datetime) -> int:
        now = self._clock()
        with self._databases.unit_of_work(tenant) as uow:
            stale = uow.sync_jobs.stale_queued(before, REQUEUE_LIMIT)
            claimed = [job for job in stale if uow.sync_jobs.mark_requeued(job.id, before, now)]
            uow.commit()  # claimed: a concurrent pass leaves them alone for `older_than`
        for job in claimed:
            self._send(tenant, job.id)
            log.info("sync job %s of %s requeued", job.id, tenant.slug)
        return len(claimed)

    def _send(self, tenant: Tenant, job_id: str) -> None:
        message = OutgoingMessage(JobMessage(tenant.slug, job_id).encode(), message_id=job_id)
        self._queue.send(SYNC_JOBS_QUEUE, [message])

    def _not_queued(self, tenant: Tenant, job: SyncJob) -> None:
        """Fail a job whose message was not sent: the client is told to send it again."""
        try:
            self._finish(tenant, job, JobStatus.FAILED, NOT_QUEUED)
        except Exception as exc:  # still queued: requeue_stale sends it later
            log.warning("sync job %s left queued: %s", job.id, type(exc).__name__)

    def report(
        self, tenant: Tenant, actor: Actor, job_id: str, limit: int, offset: int
    ) -> JobReport:
        """Status, progress and a page of outcomes; for its submitter and the office."""
        require(actor, Permission.WELLS_READ)
        with self._databases.unit_of_work(tenant) as uow:
            job = uow.sync_jobs.get(job_id)
            if job is None or (
                actor.role not in OFFICE_ROLES and job.submitted_by_id != actor.user_id
            ):
                raise NotFoundError("sync job", job_id)
            return JobReport(
                job, uow.sync_jobs.counts(job_id), uow.sync_jobs.outcomes(job_id, limit, offset)
            )

    def run(self, body: bytes, parse: BatchParser, delivery_count: int = 1) -> JobStatus | None:
        """Apply the job a queue message names; None if there is no such job.

        Raises (so the queue redelivers) when the job should be tried again.
        """
        try:
            message = JobMessage.decode(body)
        except InputError:  # never a job: retrying cannot help
            log.warning("not a sync-job message: %r", body[:100])
            return None
        with self._master.unit_of_work() as uow:
            tenant = uow.tenants.get_by_slug(message.tenant_slug)
        job = self._job(tenant, message.job_id) if tenant else None
        if tenant is None or job is None:
            log.warning("sync job %s of %s not found", message.job_id, message.tenant_slug)
            return None
        if job.status in (JobStatus.DONE, JobStatus.FAILED):
            return job.status
        try:
            return self._apply(tenant, job, parse)
        except JobFailedError as exc:
            return self._finish(tenant, job, JobStatus.FAILED, exc.detail)
        except ChunkTakenError:
            log.info("sync job %s is being applied by another delivery", job.id)
            return JobStatus.RUNNING
        except Exception as exc:
            if delivery_count >= MAX_DELIVERY_COUNT:
                self._finish(tenant, job, JobStatus.FAILED, f"gave up: {type(exc).__name__}")
            raise

    def _job(self, tenant: Tenant, job_id: str) -> SyncJob | None:
        with self._databases.unit_of_work(tenant) as uow:
            return uow.sync_jobs.get(job_id)

    def _apply(self, tenant: Tenant, job: SyncJob, parse: BatchParser) -> JobStatus:
        actor = self._submitter(tenant, job)
        batch = self._batch(job, parse)
        events = batch.events
        order = sorted(range(len(events)), key=lambda i: (events[i].device_seq, i))
        chunks = [order[i : i + self._chunk] for i in range(0, len(order), self._chunk)]
        job = self._started(tenant, job)
        for number in range(job.chunks_done, len(chunks)):
            positions = chunks[number]
            done = sum(len(chunk) for chunk in chunks[: number + 1])
            chunk_events = [events[p] for p in positions]
            record = self._recorder(job.id, number, positions, done)
            try:
                self._sync.apply_batch(
                    tenant, actor, batch.device, chunk_events, job.created_at, record
                )
            except PermissionDeniedError as exc:
                raise JobFailedError(f"the submitter may no longer sync: {exc.detail}") from exc
        return self._finish(tenant, job, JobStatus.DONE, None)

    def _recorder(
        self, job_id: str, number: int, positions: list[int], done: int
    ) -> Callable[[SyncUnitOfWork, list[EventOutcome]], None]:
        def record(uow: SyncUnitOfWork, outcomes: list[EventOutcome]) -> None:
            if not uow.sync_jobs.advance(job_id, number, done, self._clock()):
                raise ChunkTakenError(f"chunk {number} of job {job_id} is recorded already")
            items = [JobOutcome(p, o) for p, o in zip(positions, outcomes, strict=True)]
            uow.sync_jobs.add_outcomes(job_id, items)

        return record

    def _submitter(self, tenant: Tenant, job: SyncJob) -> Actor:
        with self._master.unit_of_work() as uow:
            user = uow.users.get(tenant.id, job.submitted_by_id)
        if user is None or user.status is not UserStatus.ACTIVE:
            raise JobFailedError("the user who submitted the job is no longer active")
        return Actor(user.id, user.email, user.role, tenant.id, tenant.slug, f"sync-job:{job.id}")

    def _batch(self, job: SyncJob, parse: BatchParser) -> ParsedBatch:
        try:
            return parse(self._blobs.get(job.blob_key))
        except BlobNotFoundError as exc:
            raise JobFailedError(f"the job's batch is gone from {job.blob_key}") from exc
        except InputError as exc:
            raise JobFailedError(f"the job's batch cannot be read: {exc.detail}") from exc

    def _started(self, tenant: Tenant, job: SyncJob) -> SyncJob:
        if job.status is JobStatus.RUNNING:
            return job
        now = self._clock()
        started = replace(job, status=JobStatus.RUNNING, started_at=now, updated_at=now)
        with self._databases.unit_of_work(tenant) as uow:
            uow.sync_jobs.update(started)
            uow.commit()
        return started

    def _finish(
        self, tenant: Tenant, job: SyncJob, status: JobStatus, error: str | None
    ) -> JobStatus:
        now = self._clock()
        with self._databases.unit_of_work(tenant) as uow:
            current = uow.sync_jobs.get(job.id) or job
            uow.sync_jobs.update(
                replace(current, status=status, finished_at=now, updated_at=now, error=error)
            )
            uow.commit()
        log.info("sync job %s %s", job.id, status.value)
        return status
