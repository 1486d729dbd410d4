"""One OPC-UA connection kept alive forever: connect, acquire, backfill, watch, rebuild.

asyncua's own auto-reconnect is off: each session is built from scratch (new
client, new subscription, new monitored items), so a restarted server never leaves a
subscription that silently delivers nothing. A session is declared dead when the
transport is lost, when no publish response (data or keepalive) arrived for three
keepalive periods, or when no value at all arrived for `no_data_timeout_s`.

Between attempts the runner waits a jittered backoff (capped lower for RTUs on the
site network) while a TCP probe watches the endpoint, so a server that is back is
used at once (`recovery`). Each failure is diagnosed (`diagnosis`): the log says why
in one line and `/metrics` names the cause. Every new session opens a gap that the
backfill reads back from the server's history (`backfill`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from asyncua.client.client import Client
from asyncua.ua.status_codes import StatusCodes
from asyncua.ua.uaerrors import UaStatusCodeError

from edge_gateway.errors import SessionLostError
from edge_gateway.ingest import ReadingSink
from edge_gateway.metrics import ConnectionMetrics, GatewayMetrics
from edge_gateway.opc import fastpublish
from edge_gateway.opc.backfill import Backfiller, BackfillOptions
from edge_gateway.opc.client import ClientOptions, new_client, secure
from edge_gateway.opc.diagnosis import (
    NODE_ID_UNKNOWN,
    SILENT_REFUSALS,
    TIMEOUT,
    Diagnosis,
    ErrorSpy,
    diagnose,
    probe_endpoints,
)
from edge_gateway.opc.gaps import GapTracker
from edge_gateway.opc.history import NodeFacts, node_facts
from edge_gateway.opc.polling import poll
from edge_gateway.opc.recovery import JitteredBackoff, is_local, wait_for_server
from edge_gateway.opc.subscription import KEEPALIVE_S, Notifications, open_subscription
from shared.core.scada.model.gateway_config import ConnectionConfig

log = logging.getLogger(__name__)

_NO_SUBSCRIPTIONS = {StatusCodes.BadServiceUnsupported, StatusCodes.BadTooManySubscriptions}


@dataclass(frozen=True)
class AcquisitionOptions:
    client: ClientOptions = field(default_factory=ClientOptions)
    reconnect_initial_s: float = 0.5
    reconnect_max_s: float = 30.0
    no_data_timeout_s: float = 300.0
    reconnect_max_local_s: float = 5.0
    probe_interval_s: float = 0.5
    backfill: BackfillOptions = field(default_factory=BackfillOptions)
    local: bool | None = None
    """A site-network RTU (lower reconnect cap); None: judged by the endpoint's address."""


class ConnectFailedError(Exception):
    def __init__(self, diagnosis: Diagnosis) -> None:
        super().__init__(diagnosis.detail)
        self.diagnosis = diagnosis


@dataclass
class _Session:
    client: Client
    lost: asyncio.Event = field(default_factory=asyncio.Event)
    reason: str = "connection lost"
    started: float = field(default_factory=time.monotonic)
    last_value: float = field(default_factory=time.monotonic)
    notifications: Notifications | None = None


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
        local = options.local if options.local is not None else is_local(connection.endpoint_url)
        cap = options.reconnect_max_local_s if local else options.reconnect_max_s
        self._backoff = JitteredBackoff(options.reconnect_initial_s, cap)
        self._gaps = GapTracker(tag.tag_id for tag in connection.tags)
        self._stop = asyncio.Event()
        self._stopped = False
        self._last_cause = ""
        self._attempt_at = time.monotonic()

    def stop(self) -> None:
        """Make `run` return at its next step; call before cancelling its task.

        In Python 3.11 a TaskGroup whose child fails while the group is being cancelled
        raises the child's error and swallows the cancellation; the flag still holds.
        """
        self._stopped = True
        self._stop.set()

    async def run(self) -> None:
        """Sessions until stopped; every failure leads to a fresh session after backoff."""
        try:
            while not self._stopped:
                diagnosis = await self._one_session()
                if self._stopped:
                    break
                self._note_failure(diagnosis)
                watch = diagnosis.transport or diagnosis.cause == TIMEOUT
                delay = self._backoff.next()
                await wait_for_server(
                    self.connection.endpoint_url, delay, watch, self._stop,
                    self._options.probe_interval_s,
                )  # fmt: skip
                self._attempt_at = time.monotonic()
        finally:
            self.metrics.state = "stopped"

    async def _one_session(self) -> Diagnosis:
        try:
            await self._session()
        except ConnectFailedError as failed:
            return failed.diagnosis
        except ExceptionGroup as group:
            return diagnose(_first(group), None, connected=True)
        except Exception as exc:
            return diagnose(exc, None, connected=True)
        return Diagnosis("connection_lost", "session ended")

    def _note_failure(self, diagnosis: Diagnosis) -> None:
        conn = self.metrics
        was_connected = conn.state == "connected"
        conn.state, conn.cause = "reconnecting", diagnosis.cause
        conn.reconnects += 1
        if was_connected:
            conn.outage_started_at = time.time()
            log.warning(
                "connection %s: session lost (%s: %s); reconnecting",
                self.connection.name, diagnosis.cause, diagnosis.detail,
            )  # fmt: skip
        elif diagnosis.cause != self._last_cause:
            log.warning(
                "connection %s: cannot connect to %s (%s: %s); retrying",
                self.connection.name, self.connection.endpoint_url, diagnosis.cause,
                diagnosis.detail,
            )  # fmt: skip
        else:
            log.debug("connection %s: still %s", self.connection.name, diagnosis.cause)
        self._last_cause = diagnosis.cause

    async def _connect(self, client: Client) -> None:
        spy = ErrorSpy(client)
        try:
            await secure(client, self.connection)
            async with asyncio.timeout(self._options.client.timeout_s * 3):
                await client.connect()
            spy.watching = False
        except (Exception, TimeoutError) as exc:
            diagnosis = diagnose(exc, spy, connected=False)
            if diagnosis.cause in SILENT_REFUSALS:
                probed = await probe_endpoints(self.connection, self._options.client.timeout_s)
                diagnosis = probed or diagnosis
            raise ConnectFailedError(diagnosis) from exc

    async def _session(self) -> None:
        session = _Session(new_client(self.connection, self._options.client))

        async def lost(exc: Exception) -> None:
            session.lost.set()

        session.client.connection_lost_callback = lost
        self.metrics.state = "connecting"
        try:
            await self._connect(session.client)
            fastpublish.install(session.client, _now_us)
            self._connected()
            facts = await node_facts(session.client, self.connection.tags)
            if self._options.backfill.enabled:
                self._gaps.open(self._sink.marks, "session")
            backfiller = Backfiller(
                self.connection, self._sink, self.metrics, self._gaps, self._options.backfill
            )
            async with asyncio.TaskGroup() as group:
                group.create_task(self._acquire(session, facts))
                group.create_task(self._watch(session))
                group.create_task(backfiller.run(session.client, facts))
        finally:
            await _disconnect(session.client, self._options.client.timeout_s)

    def _connected(self) -> None:
        self.metrics.sessions += 1
        self.metrics.state, self.metrics.cause = "connected", ""
        self._last_cause = ""
        log.info(
            "connection %s: connected to %s", self.connection.name, self.connection.endpoint_url
        )

    def _first_value(self) -> None:
        conn = self.metrics
        conn.back_to_live_s = round(time.monotonic() - self._attempt_at, 3)
        if conn.outage_started_at is not None:
            conn.last_outage_s = round(time.time() - conn.outage_started_at, 3)
            conn.outages += 1
            conn.outage_started_at = None
            log.info(
                "connection %s: live again after %.1f s (%.2f s after the server was back)",
                self.connection.name, conn.last_outage_s, conn.back_to_live_s,
            )  # fmt: skip
        self._backoff.reset()

    async def _acquire(self, session: _Session, facts: NodeFacts) -> None:
        first = True

        def touch(count: int = 1) -> None:
            nonlocal first
            session.last_value = time.monotonic()
            self.metrics.readings += count
            self.metrics.last_value_at = time.time()
            if first:
                first = False
                self._first_value()

        def on_lost(reason: str) -> None:
            session.reason = reason
            session.lost.set()

        if self.connection.acquisition == "subscription":
            handler = Notifications(self._sink, self._gaps, touch, on_lost, facts.enumerations)
            if await self._subscribe(session, handler):
                session.notifications = handler
                await session.lost.wait()
                raise SessionLostError(session.reason)
        self.metrics.acquisition = "polling"
        await poll(session.client, self.connection, self._sink, touch, lambda: None)

    async def _subscribe(self, session: _Session, handler: Notifications) -> bool:
        try:
            _, refused = await open_subscription(session.client, self.connection, handler)
        except UaStatusCodeError as exc:
            if exc.code not in _NO_SUBSCRIPTIONS:
                raise
            log.warning("connection %s: no subscriptions (%s); polling", self.connection.name, exc)
            return False
        self.metrics.acquisition = "subscription"
        self.metrics.unmonitored = refused
        if refused:
            self.metrics.cause = NODE_ID_UNKNOWN if NODE_ID_UNKNOWN in refused else min(refused)
        return True

    async def _watch(self, session: _Session) -> None:
        interval = self._options.client.watchdog_interval_s
        while True:
            if await _wait(session.lost, interval):
                raise SessionLostError(session.reason)
            self._check_alive(session, time.monotonic())

    def _check_alive(self, session: _Session, now: float) -> None:
        handler = session.notifications
        if handler is not None:
            last_publish = max(handler.last_publish_at, session.started)
            if now - last_publish > 3 * KEEPALIVE_S + self.connection.publishing_interval_ms / 1000:
                raise SessionLostError(f"no publish response for {now - last_publish:.1f} s")
        silent = now - session.last_value
        limit = self._options.no_data_timeout_s
        if limit and silent > limit and self.connection.tags:
            raise SessionLostError(f"no data for {silent:.1f} s")


def _now_us() -> int:
    return time.time_ns() // 1000


def _first(group: BaseExceptionGroup[BaseException]) -> BaseException:
    first = group.exceptions[0]
    return _first(first) if isinstance(first, BaseExceptionGroup) else first


async def _wait(event: asyncio.Event, seconds: float) -> bool:
    try:
        async with asyncio.timeout(seconds):
            await event.wait()
    except TimeoutError:
        return False
    return True


async def _disconnect(client: Client, timeout_s: float) -> None:
    try:
        async with asyncio.timeout(timeout_s):
            await client.disconnect()
    except (Exception, TimeoutError) as exc:  # the session is being dropped anyway
        log.debug("disconnect failed quietly: %s", exc)
