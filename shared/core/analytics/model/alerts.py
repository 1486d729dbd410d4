"""Alerts and their notification outbox as the analytics store takes and returns them.

An alert is raised OPEN and moves to ACKNOWLEDGED and RESOLVED (services/alerts.py);
its outbox rows carry the message's payload (the alert's id, well, severity and
title) to a person or a role until the dispatcher sends, holds or cancels them.
Where each is stored is the adapters' business. Ids are text (UUIDs as strings).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Alert:
    """A stored alert, with who acknowledged or resolved it and when (None: not yet)."""

    id: str
    well_id: str
    source: str
    source_key: str
    title: str
    severity: str
    status: str
    details: dict[str, Any]
    created_at: datetime
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxRow:
    """One message to send about an alert: to ``recipient`` over ``channel``.

    ``recipient`` is an address, ``user:<id>`` or ``role:MANAGER`` (see routing).
    ``payload`` holds ``alert_id``, ``well_id``, ``severity``, ``title`` and, for
    alarms, ``escalation``.
    """

    id: str
    alert_id: str
    channel: str
    recipient: str
    payload: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None = None
    sent_at: datetime | None = None

    @classmethod
    def pending(
        cls, alert_id: str, channel: str, recipient: str, payload: dict[str, Any], due: datetime
    ) -> OutboxRow:
        """A new row, PENDING until ``due``, not tried yet."""
        return cls(
            id=str(uuid.uuid4()),
            alert_id=alert_id,
            channel=channel,
            recipient=recipient,
            payload=payload,
            status="PENDING",
            attempts=0,
            next_attempt_at=due,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxOutcome:
    """What an attempt changes on an outbox row; None leaves that column as it is."""

    status: str | None = None
    attempts: int | None = None
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    sent_at: datetime | None = None
