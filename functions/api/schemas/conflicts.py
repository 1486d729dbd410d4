"""The review queue on the wire."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any

from pydantic import Field

from functions.api.schemas.common import ApiModel, StrictInput
from functions.api.schemas.limits import MultilineText
from shared.core.sync.model.field_events import ConflictStatus, Rule
from shared.core.sync.ports import Conflict
from shared.core.sync.services.review import ConflictDetail


class ConflictOut(ApiModel):
    id: uuid.UUID
    event_type: str
    well_id: uuid.UUID
    equipment_id: uuid.UUID | None
    rule: Rule
    status: ConflictStatus
    event_ids: list[str] = Field(description="The events (or inspections) in contention")
    winner_event_id: str | None = Field(description="Chosen by the rule or the reviewer")
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: dict[str, Any] | None = Field(description="choose or merged, and the reason")


class ConflictEventOut(ApiModel):
    id: uuid.UUID
    type: str
    device_id: str
    device_seq: int
    well_id: uuid.UUID
    equipment_id: uuid.UUID | None
    occurred_at: datetime
    received_at: datetime
    clock_skew_s: float | None
    recorded_by_email: str
    payload: dict[str, Any]
    status: str


class ConflictDetailOut(ConflictOut):
    events: list[ConflictEventOut]


class ResolveIn(StrictInput):
    choose: uuid.UUID | None = Field(default=None, description="The event that stands")
    merged: dict[str, Any] | None = Field(
        default=None, description="A payload of the conflict's type that replaces all sides"
    )
    reason: MultilineText = Field(
        min_length=1, max_length=1000, description="Why; goes to the audit log"
    )


def conflict_out(conflict: Conflict) -> dict[str, Any]:
    row = asdict(conflict)
    row["event_ids"] = list(conflict.event_ids)
    return row


def detail_out(detail: ConflictDetail) -> dict[str, Any]:
    return {
        **conflict_out(detail.conflict),
        "events": [asdict(event) for event in detail.events],
    }
