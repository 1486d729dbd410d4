"""SQLAlchemy Core implementation of the sync-job port (tables in sync/job_tables.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from shared.adapters.rows import Record
from shared.adapters.sql.sync.appends import insert_rows
from shared.adapters.sql.sync.job_tables import sync_job_outcomes, sync_jobs
from shared.adapters.sql.sync.values import read_row, write_row, write_value
from shared.core.common.pages import Page
from shared.core.sync.model.field_events import EventOutcome, OutcomeStatus, Rule
from shared.core.sync.ports import JobOutcome, JobStatus, SyncJob

_j = sync_jobs.c
_o = sync_job_outcomes.c
_MUTABLE = ("status", "updated_at", "started_at", "finished_at", "error")


class SqlSyncJobRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, job: SyncJob) -> None:
        row = {**vars(job), "status": job.status.value}
        self._c.execute(sync_jobs.insert().values(**write_row(row)))

    def get(self, job_id: str) -> SyncJob | None:
        row = self._c.execute(sa.select(sync_jobs).where(_j.id == job_id)).first()
        return _job(read_row(row._mapping)) if row else None

    def update(self, job: SyncJob) -> None:
        values = {name: getattr(job, name) for name in _MUTABLE}
        values["status"] = job.status.value
        self._c.execute(sync_jobs.update().where(_j.id == job.id).values(**write_row(values)))

    def advance(self, job_id: str, chunk: int, done_events: int, at: datetime) -> bool:
        statement = (
            sync_jobs.update()
            .where(_j.id == job_id, _j.chunks_done == chunk)
            .values(chunks_done=chunk + 1, done_events=done_events, updated_at=write_value(at))
        )
        return self._c.execute(statement).rowcount == 1

    def stale_queued(self, before: datetime, limit: int) -> list[SyncJob]:
        query = (
            sa.select(sync_jobs)
            .where(_j.status == JobStatus.QUEUED.value, _j.updated_at < write_value(before))
            .order_by(_j.updated_at)
            .limit(limit)
        )
        return [_job(read_row(row._mapping)) for row in self._c.execute(query)]

    def mark_requeued(self, job_id: str, before: datetime, at: datetime) -> bool:
        statement = (
            sync_jobs.update()
            .where(
                _j.id == job_id,
                _j.status == JobStatus.QUEUED.value,
                _j.updated_at < write_value(before),
            )
            .values(updated_at=write_value(at))
        )
        return self._c.execute(statement).rowcount == 1

    def add_outcomes(self, job_id: str, outcomes: Sequence[JobOutcome]) -> None:
        insert_rows(self._c, sync_job_outcomes, [_outcome_row(job_id, o) for o in outcomes])

    def outcomes(self, job_id: str, limit: int, offset: int) -> Page[JobOutcome]:
        count = sa.select(sa.func.count()).select_from(sync_job_outcomes)
        total = int(self._c.execute(count.where(_o.job_id == job_id)).scalar_one())
        query = (
            sa.select(sync_job_outcomes)
            .where(_o.job_id == job_id)
            .order_by(_o.position)
            .limit(limit)
            .offset(offset)
        )
        items = [_outcome(read_row(row._mapping)) for row in self._c.execute(query)]
        return Page(items=items, total=total, limit=limit, offset=offset)

    def counts(self, job_id: str) -> dict[str, int]:
        query = sa.select(_o.status, sa.func.count()).where(_o.job_id == job_id).group_by(_o.status)
        return {str(status): int(count) for status, count in self._c.execute(query)}


def _job(row: Record) -> SyncJob:
    values: dict[str, Any] = {name: row[name] for name in SyncJob.__dataclass_fields__}
    values["status"] = JobStatus(row["status"])
    return SyncJob(**values)


def _outcome_row(job_id: str, item: JobOutcome) -> Record:
    outcome = item.outcome
    return {
        "job_id": job_id,
        "position": item.position,
        "event_id": outcome.event_id[:100] if outcome.event_id else None,
        "status": outcome.status.value,
        "conflict_id": outcome.conflict_id,
        "rule": outcome.rule.value if outcome.rule else None,
        "reason": outcome.reason[:1000] if outcome.reason else None,
        "first_status": outcome.first_status.value if outcome.first_status else None,
    }


def _outcome(row: Record) -> JobOutcome:
    outcome = EventOutcome(
        event_id=row["event_id"],
        status=OutcomeStatus(row["status"]),
        conflict_id=row["conflict_id"],
        rule=Rule(row["rule"]) if row["rule"] else None,
        reason=row["reason"],
        first_status=OutcomeStatus(row["first_status"]) if row["first_status"] else None,
    )
    return JobOutcome(int(row["position"]), outcome)
