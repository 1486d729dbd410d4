"""A big sync batch's job on the wire: status, progress and per-event outcomes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field

from functions.api.schemas.common import ApiModel
from functions.api.schemas.sync import EventResultOut, result_out
from shared.core.sync.ports import JobStatus
from shared.core.sync.services.jobs import JobReport


class ProgressOut(ApiModel):
    done: int = Field(description="Events applied so far (whole chunks)")
    total: int


class OutcomeOut(EventResultOut):
    position: int = Field(description="Index of the event in the batch as sent")


class OutcomesPage(ApiModel):
    items: list[OutcomeOut]
    total: int
    limit: int
    offset: int


class JobOut(ApiModel):
    id: uuid.UUID
    status: JobStatus
    device_id: str
    submitted_by: str = Field(description="E-mail of the user the events are applied as")
    progress: ProgressOut
    counts: dict[str, int] = Field(description="Outcomes so far per status")
    outcomes: OutcomesPage
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None


def job_out(report: JobReport) -> dict[str, Any]:
    job, page = report.job, report.outcomes
    items = [
        {**result_out(item.outcome).model_dump(), "position": item.position} for item in page.items
    ]
    return {
        "id": job.id,
        "status": job.status,
        "device_id": job.device_id,
        "submitted_by": job.submitted_by_email,
        "progress": {"done": job.done_events, "total": job.total_events},
        "counts": report.counts,
        "outcomes": {
            "items": items,
            "total": page.total,
            "limit": page.limit,
            "offset": page.offset,
        },
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "error": job.error,
    }
