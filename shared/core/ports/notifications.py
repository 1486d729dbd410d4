"""Notifier port: deliver one alert notification (console, SMTP, ACS, SES behind it).

NotificationError
    raised by an adapter when a message could not be handed to its service; the
    dispatcher retries it later with a backoff, so adapters never retry themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from shared.core.common.errors import InfrastructureError


class NotificationError(InfrastructureError):
    code = "notification_failed"


@dataclass(frozen=True)
class Notification:
    """One message to one recipient on one channel (``email``)."""

    channel: str
    recipient: str
    subject: str
    body: str


class Notifier(Protocol):
    """Hands a notification to a delivery service."""

    def send(self, notification: Notification) -> None:
        """Deliver or raise NotificationError."""
        ...
