"""One OPC-UA connection kept alive forever: connect, acquire, watch, rebuild.

asyncua's own auto-reconnect is off: each session is built from scratch (new
client, new subscription, new monitored items) after exponential backoff, so a
restarted server never leaves a subscription that silently delivers nothing. A
session is declared dead when asyncua's keepalive probe loses the transport, when
no publish response (data or keepalive) arrived for three keepalive periods, or when
no value at all arrived for `no_data_timeout_s`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from asyncua.client.client import Client
from asyncua.common.subscription import Subscription
from asyncua.ua.status_codes import StatusCodes
from asyncua.ua.uaerrors import UaStatusCodeError

from edge_gateway.aio import wait_event
from edge_gateway.errors import SessionLostError
from edge_gateway.ingest import ReadingSink
from edge_gateway.metrics import ConnectionMetrics, GatewayMetrics
from edge_gateway.opc.client import ClientOptions, new_client, secure
from edge_gateway.opc.polling import poll
from edge_gateway.opc.subscription import KEEPALIVE_S, consume, open_subscription
from edge_gateway.publishing import Backoff
from shared.core.ingest.gateway_config import ConnectionConfig

log = logging.getLogger(__name__)

_NO_SUBSCRIPTIONS = {StatusCodes.BadServiceUnsupported, StatusCodes.BadTooManySubscriptions}


@dataclass(frozen=True)
class AcquisitionOptions:
    client: ClientOptions = field(default_factory=ClientOptions)
    reconnect_initial_s: float = 0.5
    reconnect_max_s: float = 30.0
    no_data_timeout_s: float = 300.0
    subscription_queue_size: int = 200_000


@dataclass
class _Session:
    client: Client
    lost: asyncio.Event = field(default_factory=asyncio.Event)
    started: float = field(default_factory=time.monotonic)
    last_value: float = field(default_factory=time.monotonic)
    subscription: Subscription | None = None


class ConnectionRunner:
    def __init__(
        self,
        connection: ConnectionConfig,
        sink: ReadingSink,
        metrics: GatewayMetrics,
        options: AcquisitionOptions,
    ) -> None:
        self.connection = connection
        self._sink = sink
        self._gateway = metrics
        self.metrics: ConnectionMetrics = metrics.connection(
            str(connection.connection_id), connection.name
        )
        self._options = options
        self._backoff = Backoff(options.reconnect_initial_s, options.reconnect_max_s)
        self._stopped = False

    def stop(self) -> None:
        """Make `run` return at its next step; call before cancelling its task.

        In Python 3.11 a TaskGroup whose child fails while the group is being cancelled
        raises the child's error and swallows the cancellation; the flag still holds.
        """
        self._stopped = True

    async def run(self) -> None:
        """Sessions until stopped; every failure leads to a fresh session after backoff."""
        try:
            while not self._stopped:
                try:
                    await self._session()
                except* Exception as group:
                    first = group.exceptions[0]
                    log.warning(
                        "connection %s: session ended (%s: %s)",
                        self.connection.name,
                        type(first).__name__,
                        str(first) or "no answer in time",
                    )
                if self._stopped:
                    break
                self.metrics.state = "reconnecting"
                self.metrics.reconnects += 1
                await asyncio.sleep(self._backoff.next())
        finally:
            self.metrics.state = "stopped"

    async def _session(self) -> None:
        session = _Session(new_client(self.connection, self._options.client))

        async def lost(exc: Exception) -> None:
            session.lost.set()

        session.client.connection_lost_callback = lost
        self.metrics.state = "connecting"
        try:
            await secure(session.client, self.connection)
            async with asyncio.timeout(self._options.client.timeout_s * 3):
                await session.client.connect()
            self.metrics.sessions += 1
            self.metrics.state = "connected"
            log.info(
                "connection %s: connected to %s", self.connection.name, self.connection.endpoint_url
            )
            async with asyncio.TaskGroup() as group:
                group.create_task(self._acquire(session))
                group.create_task(self._watch(session))
        finally:
            await _disconnect(session.client, self._options.client.timeout_s)

    async def _acquire(self, session: _Session) -> None:
        def touch() -> None:
            now = time.monotonic()
            session.last_value = now
            self.metrics.readings += 1
            self.metrics.last_value_at = time.time()

        if self.connection.acquisition == "subscription":
            subscription = await self._subscribe(session)
            if subscription is not None:
                session.subscription = subscription
                self._backoff.reset()
                await consume(subscription, self._sink, touch)
                return
        self.metrics.acquisition = "polling"
        await poll(session.client, self.connection, self._sink, touch, self._backoff.reset)

    async def _subscribe(self, session: _Session) -> Subscription | None:
        def overflow() -> None:
            self._gateway.subscription_overflows += 1
            log.error("connection %s: client queue overflow; rebuilding", self.connection.name)
            session.lost.set()

        try:
            subscription = await open_subscription(
                session.client, self.connection, self._options.subscription_queue_size, overflow
            )
        except UaStatusCodeError as exc:
            if exc.code not in _NO_SUBSCRIPTIONS:
                raise
            log.warning("connection %s: no subscriptions (%s); polling", self.connection.name, exc)
            return None
        self.metrics.acquisition = "subscription"
        return subscription

    async def _watch(self, session: _Session) -> None:
        interval = self._options.client.watchdog_interval_s
        while True:
            if await wait_event(session.lost, interval):
                raise SessionLostError("connection lost")
            self._check_alive(session, time.monotonic())

    def _check_alive(self, session: _Session, now: float) -> None:
        subscription = session.subscription
        if subscription is not None:
            last_publish = subscription.last_publish_at or session.started
            if now - last_publish > 3 * KEEPALIVE_S + self.connection.publishing_interval_ms / 1000:
                raise SessionLostError(f"no publish response for {now - last_publish:.1f} s")
        silent = now - session.last_value
        limit = self._options.no_data_timeout_s
        if limit and silent > limit and self.connection.tags:
            raise SessionLostError(f"no data for {silent:.1f} s")


async def _disconnect(client: Client, timeout_s: float) -> None:
    try:
        async with asyncio.timeout(timeout_s):
            await client.disconnect()
    except (Exception, TimeoutError) as exc:  # the session is being dropped anyway
        log.debug("disconnect failed quietly: %s", exc)
