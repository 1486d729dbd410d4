"""What the queue and timer blueprints share: the trigger connection name and a warm runtime.

Every Service Bus trigger names `CONNECTION`, the app setting the Functions host
reads for its bindings (`ServiceBusConnection__fullyQualifiedNamespace`). The
code's own queue, notifier and every other adapter come from the platform
(`shared/bootstrap.py`, from Settings): one queue per process. A blueprint
module keeps a module-level `runtime`; tests put in their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from shared.bootstrap import PlatformHolder, serverless_platform
from shared.core.common.clock import utc_now
from shared.core.ports.metrics import record_queue_lag
from shared.core.ports.notifications import Notifier
from shared.core.ports.queue import Queue

if TYPE_CHECKING:  # the wiring (every service and adapter) loads with the first message
    from shared.bootstrap import Platform

CONNECTION = "ServiceBusConnection"


@dataclass
class PlatformRuntime:
    """Built on first use and kept by the warm instance; tests may hand in a queue or notifier."""

    platform_factory: Callable[[], Platform] = serverless_platform
    queue_factory: Callable[[], Queue] | None = None
    notifier_factory: Callable[[], Notifier] | None = None

    @cached_property
    def _holder(self) -> PlatformHolder[Platform]:
        return PlatformHolder(self.platform_factory)

    @property
    def platform(self) -> Platform:
        return self._holder.get()

    @cached_property
    def queue(self) -> Queue:
        return self.queue_factory() if self.queue_factory else self.platform.queue

    def took(self, queue: str, enqueued_at: datetime | None) -> None:
        """A trigger took a message: its queue lag (Service Bus `enqueued_time_utc` to now)."""
        if enqueued_at is not None and enqueued_at.tzinfo is None:
            enqueued_at = enqueued_at.replace(tzinfo=UTC)
        record_queue_lag(self.platform.telemetry.metrics, queue, enqueued_at, utc_now())

    @cached_property
    def notifier(self) -> Notifier:
        return self.notifier_factory() if self.notifier_factory else self.platform.notifier


QueueRuntime = PlatformRuntime
