"""What the queue and timer blueprints share: the Service Bus connection and a warm runtime.

Every Service Bus trigger names `CONNECTION`: the host reads the app setting
`ServiceBusConnection` (a connection string) or
`ServiceBusConnection__fullyQualifiedNamespace` (managed identity), and
`service_bus_queue()` builds the queue adapter from the same settings. A
blueprint module keeps a module-level `runtime`; tests put in their own.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from functions.azure.http import serverless_settings
from shared.bootstrap import Platform, build_platform
from shared.core.ports.queue import Queue

CONNECTION = "ServiceBusConnection"


def service_bus_queue() -> Queue:
    """Imported on first use: the Service Bus SDK costs ~0.15 s of every cold start."""
    from shared.adapters.azure.service_bus_queue import ServiceBusQueue, service_bus_client

    client = service_bus_client(
        connection_string=os.environ.get(CONNECTION),
        fully_qualified_namespace=os.environ.get(f"{CONNECTION}__fullyQualifiedNamespace"),
    )
    return ServiceBusQueue(client)


@dataclass
class PlatformRuntime:
    """Built on first use and kept by the warm instance; tests put in their own."""

    platform_factory: Callable[[], Platform] = field(
        default=lambda: build_platform(serverless_settings())
    )

    @cached_property
    def platform(self) -> Platform:
        return self.platform_factory()


@dataclass
class QueueRuntime(PlatformRuntime):
    """The platform and the Service Bus queue, for the triggers that drain or fill one."""

    queue_factory: Callable[[], Queue] = service_bus_queue

    @cached_property
    def queue(self) -> Queue:
        return self.queue_factory()
