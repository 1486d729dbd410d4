"""The one subscription idiom: iterator-mode asyncua Subscription, our own monitored items.

Each monitored item carries the tag id as its client handle, a DataChangeFilter
(deadband absolute/percent, or "every new source timestamp" without deadband) and
a queue of at least publishing/sampling values, so the server does not drop fast
changes between publishes. The client-side queue is bounded; on overflow asyncua
forces a reconnect instead of dropping silently.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from asyncua import ua
from asyncua.client.client import Client
from asyncua.common.subscription import (
    DataChangeEvent,
    OverflowPolicy,
    StatusChangeEvent,
    Subscription,
)
from asyncua.ua.attribute_ids import AttributeIds
from asyncua.ua.status_codes import StatusCodes
from asyncua.ua.uaerrors import UaStringParsingError

from edge_gateway.errors import SessionLostError
from edge_gateway.ingest import ReadingSink
from edge_gateway.opc.convert import to_reading
from shared.core.ingest.gateway_config import ConnectionConfig, TagConfig

log = logging.getLogger(__name__)

ITEMS_PER_REQUEST = 1000
MAX_ITEM_QUEUE = 1000
MIN_ITEM_QUEUE = 10
"""Values a server keeps per item between publishes: beyond publishing/sampling, room for
a client that falls behind for a few intervals (GC, disk, CPU) or a catching-up device."""
KEEPALIVE_S = 5.0
_FILTER_REJECTED = {
    StatusCodes.BadFilterNotAllowed,
    StatusCodes.BadMonitoredItemFilterUnsupported,
    StatusCodes.BadDeadbandFilterInvalid,
}
_DEADBAND = {"absolute": ua.DeadbandType.Absolute, "percent": ua.DeadbandType.Percent}
T = TypeVar("T")


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def queue_size(publishing_ms: int, sampling_ms: int) -> int:
    """Server-side queue per item: twice the samples of one publishing interval, at least 10."""
    return min(MAX_ITEM_QUEUE, max(MIN_ITEM_QUEUE, 2 * math.ceil(publishing_ms / sampling_ms)))


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
    client: Client,
    connection: ConnectionConfig,
    queue_maxsize: int,
    on_overflow: Callable[[], None],
) -> Subscription:
    subscription = await client.create_subscription(
        subscription_parameters(connection.publishing_interval_ms),
        None,
        queue_maxsize=queue_maxsize,
        overflow=OverflowPolicy.DISCONNECT,
    )
    subscription.set_overflow_disconnect_handler(on_overflow)
    created = await add_items(subscription, connection)
    log.info(
        "connection %s: monitoring %s of %s tags", connection.name, created, len(connection.tags)
    )
    return subscription


async def add_items(subscription: Subscription, connection: ConnectionConfig) -> int:
    tags = [tag for tag in connection.tags if _valid_node(connection, tag)]
    by_id = {tag.tag_id: tag for tag in tags}
    created = 0
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
                log.warning("tag %s (%s) not monitored: %s", tag.tag_name, tag.node_id, result.name)
        created += await _without_filter(subscription, connection, retry)
    return created


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


async def consume(subscription: Subscription, sink: ReadingSink, touch: Callable[[], None]) -> None:
    """Readings from the subscription into the sink until the session dies."""
    async for event in subscription:
        if isinstance(event, DataChangeEvent):
            item = event.data.monitored_item
            sink.add(to_reading(item.ClientHandle, item.Value))
            touch()
            if sink.full:
                await sink.wait_for_room()
        elif isinstance(event, StatusChangeEvent) and not event.notification.Status.is_good():
            raise SessionLostError(f"subscription status {event.notification.Status.name}")
    raise SessionLostError("subscription closed")
