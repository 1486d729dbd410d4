"""Gap backfill: HistoryReadRawModified for the tags whose data a session missed.

Only tags the server historizes are read (AccessLevel has the HistoryRead bit or the
Historizing attribute is set; read once per session with each node's DataType, which
also tells enumerations apart). Tags are grouped by the start of their gap (within
`GROUP_SPREAD_US`, at most `NODES_PER_READ` per request), each group is one HistoryRead
of the group's interval, continuation points are followed node by node, and each value
is kept only if it lies strictly inside its own tag's gap: after the newest value sent
before the gap, before the first live value after it. The look-back is capped.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from asyncua import ua
from asyncua.client.client import Client
from asyncua.ua.attribute_ids import AttributeIds
from asyncua.ua.object_ids import ObjectIds
from asyncua.ua.uaerrors import UaStringParsingError

from edge_gateway.buffer import Row
from edge_gateway.opc.convert import micros, to_row
from edge_gateway.opc.gaps import Gap
from shared.core.scada.model.gateway_config import TagConfig

log = logging.getLogger(__name__)

NODES_PER_READ = 20
VALUES_PER_NODE = 500
"""Values per node and request: the server pages the rest with continuation points.
Small requests: a server may answer them before its next publish, and a long one holds
back the live data (its monitored item queues must bridge it)."""
GROUP_SPREAD_US = 10_000_000
ATTRIBUTES_PER_READ = 900
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ENUMERATION_TYPE = 29
_BUILT_IN_TYPES = 31
"""DataType ids up to this in namespace 0 are built-in types, not enumerations."""


@dataclass(frozen=True)
class NodeFacts:
    historized: frozenset[int]
    enumerations: frozenset[int]


@dataclass
class Window:
    tag: TagConfig
    node: ua.NodeId
    after_us: int
    before_us: int
    continuation: bytes | None = None


@dataclass
class BackfillResult:
    readings: int = 0
    emitted: dict[int, int] = field(default_factory=dict)


def to_datetime(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def _chunks(items: Sequence[ua.ReadValueId], size: int) -> Iterator[Sequence[ua.ReadValueId]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def node_facts(client: Client, tags: Sequence[TagConfig]) -> NodeFacts:
    """Which tags the server historizes, and which hold enumerations (one Read)."""
    attributes = (AttributeIds.AccessLevel, AttributeIds.Historizing, AttributeIds.DataType)
    nodes = [(tag, node) for tag in tags if (node := _node(tag)) is not None]
    requests = [ua.ReadValueId(NodeId=node, AttributeId=a) for _, node in nodes for a in attributes]
    values: list[ua.DataValue] = []
    for part in _chunks(requests, ATTRIBUTES_PER_READ):
        params = ua.ReadParameters()
        params.NodesToRead = list(part)
        values += await client.uaclient.read(params)
    historized, enumerations = set(), set()
    for index, (tag, _) in enumerate(nodes):
        access, historizing, data_type = values[index * 3 : index * 3 + 3]
        level = access.Value.Value if access.Value is not None else 0
        if (isinstance(level, int) and level & ua.AccessLevel.HistoryRead.mask) or (
            historizing.Value is not None and historizing.Value.Value is True
        ):
            historized.add(tag.tag_id)
        kind = data_type.Value.Value if data_type.Value is not None else None
        if isinstance(kind, ua.NodeId) and _is_enumeration(kind):
            enumerations.add(tag.tag_id)
    return NodeFacts(frozenset(historized), frozenset(enumerations))


def _node(tag: TagConfig) -> ua.NodeId | None:
    try:
        return ua.NodeId.from_string(tag.node_id)
    except (ValueError, UaStringParsingError):
        return None


def _is_enumeration(data_type: ua.NodeId) -> bool:
    """Enumeration itself, or a type outside the built-ins whose values arrive as Int32.

    Exact would be a browse up the type tree; non-built-in scalar types that arrive as
    Int32 are enumerations in practice (structures arrive as ExtensionObjects)."""
    if data_type.NamespaceIndex == 0 and isinstance(data_type.Identifier, int):
        return data_type.Identifier == _ENUMERATION_TYPE or data_type.Identifier > _BUILT_IN_TYPES
    return True


def windows(
    gap: Gap, tags: dict[int, TagConfig], historized: frozenset[int], now_us: int, max_us: int
) -> list[Window]:
    """Per historized tag of the gap, the open interval to read (look-back capped)."""
    found = []
    floor = now_us - max_us
    for tag_id, after in gap.start.items():
        tag = tags.get(tag_id)
        node = _node(tag) if tag is not None and tag_id in historized else None
        if tag is None or node is None:
            continue
        before = gap.first_live.get(tag_id, now_us)
        after = max(after, floor - 1)
        if before - after > 1:
            found.append(Window(tag, node, after, before))
    return sorted(found, key=lambda w: w.after_us)


def groups(found: list[Window]) -> Iterator[list[Window]]:
    """Windows with close starts, at most NODES_PER_READ per request."""
    group: list[Window] = []
    for window in found:
        if group and (
            len(group) >= NODES_PER_READ or window.after_us - group[0].after_us > GROUP_SPREAD_US
        ):
            yield group
            group = []
        group.append(window)
    if group:
        yield group


async def read_group(
    client: Client, group: list[Window]
) -> AsyncIterator[tuple[Window, list[Row]]]:
    """Every value of the group's windows, page by page (continuation points)."""
    details = ua.ReadRawModifiedDetails()
    details.IsReadModified = False
    details.StartTime = to_datetime(min(w.after_us for w in group))
    details.EndTime = to_datetime(max(w.before_us for w in group))
    details.NumValuesPerNode = VALUES_PER_NODE
    details.ReturnBounds = False
    pending = list(group)
    while pending:
        results = await client.uaclient.history_read(_parameters(details, pending))
        following = []
        for window, result in zip(pending, results, strict=True):
            if not result.StatusCode.is_good():
                status = result.StatusCode.name
                log.warning("history of %s not read: %s", window.tag.node_id, status)
                continue
            values = getattr(result.HistoryData, "DataValues", None) or []
            rows = [to_row(window.tag.tag_id, value) for value in values]
            yield window, [r for r in rows if window.after_us < r[1] < window.before_us]
            if result.ContinuationPoint and values:
                window.continuation = result.ContinuationPoint
                following.append(window)
        pending = following


def _parameters(
    details: ua.ReadRawModifiedDetails, windows: list[Window]
) -> ua.HistoryReadParameters:
    params = ua.HistoryReadParameters()
    params.HistoryReadDetails = details
    params.TimestampsToReturn = ua.TimestampsToReturn.Both
    params.ReleaseContinuationPoints = False
    for window in windows:
        value_id = ua.HistoryReadValueId()
        value_id.NodeId = window.node
        value_id.IndexRange = ""
        value_id.ContinuationPoint = window.continuation
        params.NodesToRead.append(value_id)
    return params


async def server_time_us(client: Client) -> int:
    """The server's clock (its source timestamps share it), in µs."""
    node = client.get_node(ua.NodeId(ua.Int32(ObjectIds.Server_ServerStatus_CurrentTime)))
    value = await node.read_value()
    return micros(value) if isinstance(value, datetime) else micros(datetime.now(UTC))
