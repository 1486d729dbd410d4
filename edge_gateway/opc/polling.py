"""Polling acquisition: periodic Read of all tags (connections with acquisition="polling",
or servers that refuse subscriptions). A value is recorded when it changed: a new
status, a new source timestamp, or (with an absolute deadband) a big enough move.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from asyncua import ua
from asyncua.client.client import Client
from asyncua.ua.attribute_ids import AttributeIds

from edge_gateway.ingest import ReadingSink
from edge_gateway.opc.convert import to_reading
from edge_gateway.opc.subscription import chunks
from shared.core.scada.model.contract import Reading
from shared.core.scada.model.gateway_config import ConnectionConfig, TagConfig

log = logging.getLogger(__name__)

NODES_PER_READ = 500


def changed(tag: TagConfig, new: Reading, old: Reading | None) -> bool:
    if old is None or new.status != old.status:
        return True
    if tag.deadband_type == "absolute":
        if new.value is None or old.value is None:
            return new.value is not old.value
        return abs(new.value - old.value) > tag.deadband_value
    return (new.source_ts_us, new.value) != (old.source_ts_us, old.value)


def read_parameters(nodes: list[ua.NodeId]) -> ua.ReadParameters:
    params = ua.ReadParameters()
    params.MaxAge = 0
    params.TimestampsToReturn = ua.TimestampsToReturn.Both
    params.NodesToRead = [ua.ReadValueId(NodeId=n, AttributeId=AttributeIds.Value) for n in nodes]
    return params


async def poll(
    client: Client,
    connection: ConnectionConfig,
    sink: ReadingSink,
    touch: Callable[[], None],
    on_first_read: Callable[[], None],
) -> None:
    """Read every tag each polling interval, forever (raises when the session fails)."""
    tags = [(tag, ua.NodeId.from_string(tag.node_id)) for tag in connection.tags]
    last: dict[int, Reading] = {}
    interval = connection.polling_interval_ms / 1000
    loop = asyncio.get_running_loop()
    if any(tag.deadband_type == "percent" for tag, _ in tags):
        log.warning(
            "connection %s: percent deadbands are not applied when polling", connection.name
        )
    while True:
        started = loop.time()
        for part in chunks(tags, NODES_PER_READ):
            values = await client.uaclient.read(read_parameters([node for _, node in part]))
            for (tag, _), data in zip(part, values, strict=True):
                reading = to_reading(tag.tag_id, data)
                if changed(tag, reading, last.get(tag.tag_id)):
                    last[tag.tag_id] = reading
                    sink.add(reading)
        touch()
        on_first_read()
        await sink.wait_for_room()
        await asyncio.sleep(max(0.0, interval - (loop.time() - started)))
