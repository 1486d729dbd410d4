"""Console notifier for local runs: the local stand-in for an inbox.

The log line names the recipient and subject only. The whole message (the
links of an invitation, a password reset or a magic link included, so a local
user can click through) is written to the console stream directly, never
through logging: log handlers and shippers never see the links' tokens.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import TextIO

from shared.core.ports.notifications import Notification

log = logging.getLogger("wellos.notify")
RULE = "-" * 20


class ConsoleNotifier:
    def __init__(self, logger: logging.Logger | None = None, stream: TextIO | None = None) -> None:
        """`stream`: where messages are printed; the process's stderr (where its logs
        show) when None, read at each send."""
        self._log = logger or log
        self._stream = stream
        self._lock = threading.Lock()

    def send(self, notification: Notification) -> None:
        self._log.info(
            "notify %s to %s: %s",
            notification.channel, notification.recipient, notification.subject,
        )  # fmt: skip
        block = (
            f"{RULE} {notification.channel} to {notification.recipient} {RULE}\n"
            f"Subject: {notification.subject}\n\n"
            f"{notification.body.rstrip()}\n"
            f"{RULE} end of {notification.channel} {RULE}\n"
        )
        stream = self._stream or sys.stderr
        with self._lock:  # one block at a time, not interleaved with another thread's
            stream.write(block)
            stream.flush()
