"""The one subscription idiom: an asyncua Subscription whose publish results go straight
to `Notifications`, our own monitored items.

Each monitored item carries the tag id as its client handle, a DataChangeFilter
(deadband absolute/percent, or "every new source timestamp" without deadband) and
a queue of at least publishing/sampling values, so the server does not drop fast
changes between publishes. `Notifications` replaces the subscription's publish
callback: a whole notification message becomes buffer rows in one pass (no event
object and no await per change), and while the disk falls behind it holds back
asyncua's publish loop, so the server's bounded queues take the slack. A hole in the
notification sequence numbers opens a backfill gap.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from asyncua import ua
from asyncua.client.client import Client
from asyncua.common.subscription import OverflowPolicy, Subscription
from asyncua.ua.attribute_ids import AttributeIds
from asyncua.ua.status_codes import StatusCodes
from asyncua.ua.uaerrors import UaStringParsingError

from edge_gateway.buffer import Row
from edge_gateway.envelope import ENUMERATION
from edge_gateway.ingest import ReadingSink
from edge_gateway.opc.convert import to_row
from edge_gateway.opc.diagnosis import NODE_ID_UNKNOWN
from edge_gateway.opc.fastpublish import DataChangeRows
from edge_gateway.opc.gaps import GapTracker
from shared.core.scada.model.gateway_config import ConnectionConfig, TagConfig

log = logging.getLogger(__name__)

ITEMS_PER_REQUEST = 1000
MAX_ITEM_QUEUE = 1000
MIN_ITEM_QUEUE = 10
STALL_S = 5.0
"""Values a server keeps per item between publishes: beyond publishing/sampling, room for
a client that falls behind for a few intervals (GC, disk, CPU), a catching-up device, or
a server that answers a history read (backfill) before the next publish: `STALL_S`
seconds of samples."""
KEEPALIVE_S = 5.0
_FILTER_REJECTED = {
    StatusCodes.BadFilterNotAllowed,
    StatusCodes.BadMonitoredItemFilterUnsupported,
    StatusCodes.BadDeadbandFilterInvalid,
}
_DEADBAND = {"absolute": ua.DeadbandType.Absolute, "percent": ua.DeadbandType.Percent}
_UNMONITORED = {
    StatusCodes.BadNodeIdUnknown: NODE_ID_UNKNOWN,
    StatusCodes.BadNodeIdInvalid: NODE_ID_UNKNOWN,
    StatusCodes.BadAttributeIdInvalid: "not_a_variable",
    StatusCodes.BadNotReadable: "not_readable",
    StatusCodes.BadUserAccessDenied: "not_readable",
}
_INT32 = ua.VariantType.Int32.value
T = TypeVar("T")


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def queue_size(publishing_ms: int, sampling_ms: int) -> int:
    """Server-side queue per item: twice the samples of one publishing interval or
    `STALL_S` of samples, whichever is more; at least 10, at most 1000."""
    stall = math.ceil(STALL_S * 1000 / sampling_ms)
    return min(
        MAX_ITEM_QUEUE, max(MIN_ITEM_QUEUE, stall, 2 * math.ceil(publishing_ms / sampling_ms))
    )


def data_change_filter(tag: TagConfig) -> ua.DataChangeFilter:
    found = ua.DataChangeFilter()
    if tag.deadband_type == "none":
        found.Trigger = ua.DataChangeTrigger.StatusValueTimestamp
        found.DeadbandType = ua.DeadbandType.None_
        return found
    found.Trigger = ua.DataChangeTrigger.StatusValue
    found.DeadbandType = _DEADBAND[tag.deadband_type]
    found.DeadbandValue = tag.deadband_value
    return found


def item_request(
    tag: TagConfig, publishing_ms: int, with_filter: bool = True
) -> ua.MonitoredItemCreateRequest:
    params = ua.MonitoringParameters()
    params.ClientHandle = tag.tag_id
    params.SamplingInterval = float(tag.sampling_interval_ms)
    params.QueueSize = queue_size(publishing_ms, tag.sampling_interval_ms)
    params.DiscardOldest = True
    params.Filter = data_change_filter(tag) if with_filter else None
    request = ua.MonitoredItemCreateRequest()
    request.ItemToMonitor = ua.ReadValueId(
        NodeId=ua.NodeId.from_string(tag.node_id), AttributeId=AttributeIds.Value
    )
    request.MonitoringMode = ua.MonitoringMode.Reporting
    request.RequestedParameters = params
    return request


def subscription_parameters(publishing_ms: int) -> ua.CreateSubscriptionParameters:
    params = ua.CreateSubscriptionParameters()
    params.RequestedPublishingInterval = float(publishing_ms)
    params.RequestedMaxKeepAliveCount = max(1, math.ceil(KEEPALIVE_S * 1000 / publishing_ms))
    params.RequestedLifetimeCount = params.RequestedMaxKeepAliveCount * 4
    params.MaxNotificationsPerPublish = 0
    params.PublishingEnabled = True
    return params


async def open_subscription(
    client: Client, connection: ConnectionConfig, handler: Notifications
) -> tuple[Subscription, dict[str, int]]:
    """A subscription delivering to `handler`, and the tags refused, counted by cause."""
    subscription = await client.create_subscription(
        subscription_parameters(connection.publishing_interval_ms),
        None,
        queue_maxsize=1,
        overflow=OverflowPolicy.DISCONNECT,
    )
    # asyncua 2.1.0 keeps the publish callback per subscription id; ours replaces its
    # event-per-change iterator (see the module docstring)
    callbacks: dict[int, Any] = subscription.server._subscription_callbacks  # type: ignore[union-attr]
    callbacks[int(subscription.subscription_id or 0)] = handler
    created, refused = await add_items(subscription, connection)
    log.info(
        "connection %s: monitoring %s of %s tags", connection.name, created, len(connection.tags)
    )
    return subscription, refused


async def add_items(
    subscription: Subscription, connection: ConnectionConfig
) -> tuple[int, dict[str, int]]:
    tags = [tag for tag in connection.tags if _valid_node(connection, tag)]
    by_id = {tag.tag_id: tag for tag in tags}
    created = 0
    refused: dict[str, int] = {}
    if len(tags) < len(connection.tags):
        refused[NODE_ID_UNKNOWN] = len(connection.tags) - len(tags)
    for part in chunks(tags, ITEMS_PER_REQUEST):
        requests = [item_request(tag, connection.publishing_interval_ms) for tag in part]
        results = await subscription.create_monitored_items(requests)
        retry = []
        for tag, result in zip(part, results, strict=True):
            if not isinstance(result, ua.StatusCode):
                created += 1
            elif result.value in _FILTER_REJECTED:
                retry.append(by_id[tag.tag_id])
            else:
                _refused(connection, tag, result, refused)
        created += await _without_filter(subscription, connection, retry)
    return created, refused


def _refused(
    connection: ConnectionConfig, tag: TagConfig, result: ua.StatusCode, refused: dict[str, int]
) -> None:
    cause = _UNMONITORED.get(result.value, result.name.lower())
    refused[cause] = refused.get(cause, 0) + 1
    if cause == NODE_ID_UNKNOWN:
        log.warning(
            "connection %s: tag %s: node %s does not exist on the server (%s); not monitored",
            connection.name, tag.tag_name, tag.node_id, result.name,
        )  # fmt: skip
    else:
        log.warning(
            "connection %s: tag %s (%s) not monitored: %s",
            connection.name, tag.tag_name, tag.node_id, result.name,
        )  # fmt: skip


async def _without_filter(
    subscription: Subscription, connection: ConnectionConfig, tags: list[TagConfig]
) -> int:
    if not tags:
        return 0
    log.warning(
        "%s tags: the server refused their deadband filter; reporting every change", len(tags)
    )
    requests = [item_request(tag, connection.publishing_interval_ms, False) for tag in tags]
    results = await subscription.create_monitored_items(requests)
    return sum(1 for result in results if not isinstance(result, ua.StatusCode))


def _valid_node(connection: ConnectionConfig, tag: TagConfig) -> bool:
    try:
        ua.NodeId.from_string(tag.node_id)
    except (ValueError, UaStringParsingError):
        log.error("connection %s: tag %s has an invalid node id", connection.name, tag.tag_id)
        return False
    return True


class Notifications:
    """The publish callback: notification messages → buffer rows, gaps, liveness."""

    def __init__(
        self,
        sink: ReadingSink,
        gaps: GapTracker,
        touch: Callable[[int], None],
        on_lost: Callable[[str], None],
        enumerations: frozenset[int] = frozenset(),
    ) -> None:
        self._sink = sink
        self._gaps = gaps
        self._touch = touch
        self._on_lost = on_lost
        self.enumerations = enumerations
        """Tags whose DataType is an enumeration (their Int32 values are typed as such)."""
        self.last_publish_at = time.monotonic()
        self.last_sequence: int | None = None

    async def __call__(self, result: ua.PublishResult) -> None:
        self.last_publish_at = time.monotonic()
        message = result.NotificationMessage
        if not message.NotificationData:
            return
        self._check_sequence(message.SequenceNumber)
        for notification in message.NotificationData:
            if isinstance(notification, DataChangeRows):
                self._rows(notification.rows)
            elif isinstance(notification, ua.DataChangeNotification):
                items = notification.MonitoredItems
                self._rows([to_row(item.ClientHandle, item.Value) for item in items])
            elif isinstance(notification, ua.StatusChangeNotification):
                if not notification.Status.is_good():
                    self._on_lost(f"subscription status {notification.Status.name}")
        if self._sink.full:
            await self._sink.wait_for_room()

    def _rows(self, rows: list[Row]) -> None:
        if self.enumerations:
            rows = [_as_enumeration(row) if row[0] in self.enumerations and row[5] == _INT32
                    else row for row in rows]  # fmt: skip
        if self._gaps.tracking:
            self._gaps.saw(rows)
        self._sink.add_rows(rows)
        self._touch(len(rows))

    def _check_sequence(self, sequence: int) -> None:
        if sequence == 0:  # not a sequence number (some servers send it with a status)
            return
        last = self.last_sequence
        self.last_sequence = sequence
        if last is None or sequence == last + 1 or (sequence == 1 and last >= 0xFFFFFC00):
            return
        log.warning("notification sequence jumped %s -> %s; backfilling the gap", last, sequence)
        self._gaps.open(self._sink.marks, "sequence gap")


def _as_enumeration(row: Row) -> Row:
    return (row[0], row[1], row[2], row[3], row[4], ENUMERATION, row[6])
