"""In-memory Notifier: keeps what it sent; can be told to fail the next sends."""

from __future__ import annotations

from shared.core.ports.notifications import Notification, NotificationError


class InMemoryNotifier:
    def __init__(self) -> None:
        self.sent: list[Notification] = []
        self.fail_next = 0
        self.attempts = 0

    def send(self, notification: Notification) -> None:
        self.attempts += 1
        if self.fail_next > 0:
            self.fail_next -= 1
            raise NotificationError("simulated delivery failure")
        self.sent.append(notification)
