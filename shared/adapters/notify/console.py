"""Console notifier for local runs: one log line per message (address and subject only)."""

from __future__ import annotations

import logging

from shared.core.ports.notifications import Notification

log = logging.getLogger("wellos.notify")


class ConsoleNotifier:
    def __init__(self, logger: logging.Logger | None = None) -> None:
        self._log = logger or log

    def send(self, notification: Notification) -> None:
        self._log.info(
            "notify %s to %s: %s",
            notification.channel, notification.recipient, notification.subject,
        )  # fmt: skip
