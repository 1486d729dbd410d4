"""Publish responses decoded straight into buffer rows: the gateway's hot path.

asyncua decodes each value change into a MonitoredItemNotification, a DataValue, a
Variant and two datetimes through its generic decoder: about 15 µs per change, most of
the gateway's CPU. `decode_publish` reads the same bytes with `struct.unpack_from`
and builds the row (`convert.to_row`'s exact result) directly for data changes of
scalar values; anything else in the message (other notifications, arrays, extension
objects, diagnostics) is left to asyncua, and any surprise falls back to asyncua's
decoding of the whole response. `install` puts it in place of the session's `publish`
(asyncua 2.1.0's publish loop calls `session.publish(acks)`).
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from asyncua import ua
from asyncua.client.client import Client
from asyncua.common.utils import Buffer
from asyncua.ua.ua_binary import from_binary, nodeid_from_binary, struct_from_binary
from asyncua.ua.uaerrors import UaStructParsingError

from edge_gateway.buffer import Row
from edge_gateway.opc.convert import micros, non_finite, typed

log = logging.getLogger(__name__)

DATA_CHANGE = 811
_EPOCH_FILETIME = 116_444_736_000_000_000
_I32 = struct.Struct("<i").unpack_from
_U32 = struct.Struct("<I").unpack_from
_I64 = struct.Struct("<q").unpack_from
_SCALARS: dict[int, struct.Struct] = {
    2: struct.Struct("<b"), 3: struct.Struct("<B"), 4: struct.Struct("<h"),
    5: struct.Struct("<H"), 6: struct.Struct("<i"), 7: struct.Struct("<I"),
    8: struct.Struct("<q"), 9: struct.Struct("<Q"), 10: struct.Struct("<f"),
    11: struct.Struct("<d"),
}  # fmt: skip
_KINDS = {kind.value: kind for kind in ua.VariantType}
_DOUBLE = struct.Struct("<d").unpack_from


class Unsupported(Exception):
    """Something the fast path does not decode: asyncua decodes the response instead."""


@dataclass
class DataChangeRows:
    """A DataChangeNotification already turned into rows (tag id = client handle)."""

    rows: list[Row]


def _time_us(filetime: int) -> int:
    if 0 <= filetime < ua.uatypes.MAX_OPC_FILETIME:
        return (filetime - _EPOCH_FILETIME) // 10
    return micros(ua.win_epoch_to_datetime(filetime))


def _string(data: bytes, pos: int) -> tuple[str | None, int]:
    (length,) = _I32(data, pos)
    pos += 4
    if length < 0:
        return None, pos
    return bytes(data[pos : pos + length]).decode("utf-8"), pos + length


def _variant(data: bytes, pos: int) -> tuple[float | None, int | None, Any, int]:
    """(float, type id, raw, next position) of a scalar Variant, as `convert.to_row`."""
    kind = data[pos]
    pos += 1
    if kind == 11:
        (number,) = _DOUBLE(data, pos)
        if number - number == 0.0:  # finite
            return number, 11, None, pos + 8
        return None, 11, non_finite(number), pos + 8
    if kind & 0xC0:
        raise Unsupported("array value")
    layout = _SCALARS.get(kind)
    if layout is not None:
        (value,) = layout.unpack_from(data, pos)
        pos += layout.size
    elif kind == 1:
        value, pos = data[pos] != 0, pos + 1
    elif kind == 12:
        value, pos = _string(data, pos)
    elif kind == 0:
        value = None
    else:
        raise Unsupported(f"variant type {kind}")
    number, type_id, raw = typed(ua.Variant(value, _KINDS[kind]))
    return number, type_id, raw, pos


def _data_value(handle: int, data: bytes, pos: int, now_us: Callable[[], int]) -> tuple[Row, int]:
    mask = data[pos]
    pos += 1
    value: float | None = None
    kind: int | None = None
    raw: Any = None
    if mask & 0x01:
        value, kind, raw, pos = _variant(data, pos)
    else:
        kind = 0
    status = 0
    if mask & 0x02:
        (status,) = _U32(data, pos)
        pos += 4
    source = server = None
    if mask & 0x04:
        source = _time_us(_I64(data, pos)[0])
        pos += 8
    if mask & 0x08:
        server = _time_us(_I64(data, pos)[0])
        pos += 8
    if mask & 0x10:
        pos += 2
    if mask & 0x20:
        pos += 2
    if source is None:
        source = server if server is not None else now_us()
    return (handle, source, server, value, status, kind, raw), pos


def data_change_rows(body: bytes, now_us: Callable[[], int]) -> DataChangeRows:
    """The rows of a DataChangeNotification body (MonitoredItems, DiagnosticInfos)."""
    (count,) = _I32(body, 0)
    pos = 4
    rows: list[Row] = []
    append = rows.append
    for _ in range(max(count, 0)):
        (handle,) = _U32(body, pos)
        row, pos = _data_value(handle, body, pos + 4, now_us)
        append(row)
    (diagnostics,) = _I32(body, pos)
    if diagnostics > 0:
        raise Unsupported("diagnostic infos")
    return DataChangeRows(rows)


def _notification(data: Buffer, now_us: Callable[[], int]) -> Any:
    type_id = nodeid_from_binary(data)
    encoding = data.read(1)[0]
    if not encoding & 0x01:
        raise Unsupported("extension object without a binary body")
    (length,) = _I32(data.read(4), 0)
    body = data.read(length)
    if type_id.NamespaceIndex == 0 and type_id.Identifier == DATA_CHANGE:
        return data_change_rows(body, now_us)
    cls = ua.extension_objects_by_typeid.get(type_id)
    if cls is None:
        raise Unsupported(f"notification {type_id}")
    return from_binary(cls, Buffer(body))


def _u32_array(data: Buffer) -> list[int]:
    (count,) = _I32(data.read(4), 0)
    if count <= 0:
        return []
    return list(struct.unpack(f"<{count}I", data.read(4 * count)))


def _decode_fast(data: Buffer, now_us: Callable[[], int]) -> ua.PublishResponse:
    response = ua.PublishResponse()
    nodeid_from_binary(data)  # the response's own type id
    response.ResponseHeader = struct_from_binary(ua.ResponseHeader, data)
    result = response.Parameters
    result.SubscriptionId = _U32(data.read(4), 0)[0]
    result.AvailableSequenceNumbers = _u32_array(data)
    result.MoreNotifications = data.read(1)[0] != 0
    message = result.NotificationMessage
    message.SequenceNumber = _U32(data.read(4), 0)[0]
    data.skip(8)  # PublishTime: not used
    (count,) = _I32(data.read(4), 0)
    message.NotificationData = [_notification(data, now_us) for _ in range(max(count, 0))]
    result.Results = [ua.StatusCode(ua.UInt32(code)) for code in _u32_array(data)]
    (diagnostics,) = _I32(data.read(4), 0)
    if diagnostics > 0:
        raise Unsupported("diagnostic infos")
    return response


def decode_publish(data: Buffer, now_us: Callable[[], int]) -> ua.PublishResponse:
    """A PublishResponse whose data changes are `DataChangeRows`; asyncua's decoding of
    the whole response when the fast path meets something it does not handle."""
    start = data.copy()
    try:
        return _decode_fast(data, now_us)
    except (Unsupported, struct.error, IndexError, UnicodeDecodeError) as exc:
        log.debug("publish response decoded by asyncua (%s)", exc)
        try:
            return struct_from_binary(ua.PublishResponse, start)
        except Exception as inner:
            raise UaStructParsingError from inner


def install(client: Client, now_us: Callable[[], int]) -> None:
    """Replace the session's `publish` with one that decodes through `decode_publish`."""
    session = client.uaclient.session
    if session is None:
        return

    async def publish(acks: list[ua.SubscriptionAcknowledgement]) -> ua.PublishResponse:
        request = ua.PublishRequest()
        request.Parameters.SubscriptionAcknowledgements = acks if acks else []
        data = await session._send_request(request, timeout=0)
        return decode_publish(data, now_us)

    session.publish = publish  # type: ignore[method-assign]
