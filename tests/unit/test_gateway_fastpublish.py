"""The fast publish decoder gives exactly the rows asyncua's own decoding gives."""

import math
import random
from datetime import UTC, datetime, timedelta

from asyncua import ua
from asyncua.common.utils import Buffer
from asyncua.ua.ua_binary import struct_from_binary, struct_to_binary

from edge_gateway.opc.convert import to_row
from edge_gateway.opc.fastpublish import DataChangeRows, decode_publish

NOW_US = 1_800_000_000_000_000
BASE = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
VARIANTS = [
    lambda r: ua.Variant(r.uniform(-1e6, 1e6), ua.VariantType.Double),
    lambda r: ua.Variant(r.choice([math.nan, math.inf, -math.inf]), ua.VariantType.Double),
    lambda r: ua.Variant(r.uniform(-100, 100), ua.VariantType.Float),
    lambda r: ua.Variant(r.randint(-(2**31), 2**31 - 1), ua.VariantType.Int32),
    lambda r: ua.Variant(r.randint(0, 2**64 - 1), ua.VariantType.UInt64),
    lambda r: ua.Variant(r.randint(-(2**63), 2**63 - 1), ua.VariantType.Int64),
    lambda r: ua.Variant(r.randint(0, 255), ua.VariantType.Byte),
    lambda r: ua.Variant(r.randint(-32768, 32767), ua.VariantType.Int16),
    lambda r: ua.Variant(r.random() < 0.5, ua.VariantType.Boolean),
    lambda r: ua.Variant(r.choice(["", "pump off", "ünïcode ✓"]), ua.VariantType.String),
    lambda r: ua.Variant(None, ua.VariantType.String),
]


def _data_value(r: random.Random) -> ua.DataValue:
    moment = BASE + timedelta(microseconds=r.randint(0, 10**9))
    value = ua.DataValue(r.choice(VARIANTS)(r), ua.StatusCode(r.choice([0, 0x808C0000])))
    if r.random() < 0.9:
        value.SourceTimestamp = moment
    if r.random() < 0.8:
        value.ServerTimestamp = moment + timedelta(milliseconds=3)
    return value


def _response(items: list[ua.MonitoredItemNotification], extra: list | None = None) -> bytes:
    response = ua.PublishResponse()
    response.Parameters.SubscriptionId = 42
    response.Parameters.AvailableSequenceNumbers = [7, 8]
    response.Parameters.NotificationMessage.SequenceNumber = 8
    response.Parameters.NotificationMessage.PublishTime = BASE
    response.Parameters.NotificationMessage.NotificationData = [
        ua.DataChangeNotification(MonitoredItems=items),
        *(extra or []),
    ]
    return struct_to_binary(response)


def _asyncua_rows(body: bytes) -> list:
    response = struct_from_binary(ua.PublishResponse, Buffer(body))
    data = response.Parameters.NotificationMessage.NotificationData[0]
    return [to_row(item.ClientHandle, item.Value) for item in data.MonitoredItems]


def _same(a: list, b: list) -> bool:
    """Row equality where NaN equals NaN (rows keep NaN only as text, but be exact)."""
    return [repr(x) for x in a] == [repr(x) for x in b]


def test_fast_rows_equal_asyncua_rows_for_every_scalar_type():
    r = random.Random(11)
    items = [ua.MonitoredItemNotification(ClientHandle=i + 1, Value=_data_value(r))
             for i in range(2000)]  # fmt: skip
    body = _response(items)
    fast = decode_publish(Buffer(body), lambda: NOW_US)
    (rows,) = fast.Parameters.NotificationMessage.NotificationData
    assert isinstance(rows, DataChangeRows)
    assert fast.Parameters.SubscriptionId == 42
    assert fast.Parameters.NotificationMessage.SequenceNumber == 8
    assert fast.Parameters.AvailableSequenceNumbers == [7, 8]
    expected = _asyncua_rows(body)
    no_source = [i for i, item in enumerate(items) if item.Value.SourceTimestamp is None]
    # a value without any timestamp is stamped "now" by both paths: compare the rest
    for index in no_source:
        if items[index].Value.ServerTimestamp is None:
            expected[index] = rows.rows[index]
    assert _same(rows.rows, expected)


def test_other_notifications_and_arrays_fall_back_to_asyncua():
    status = ua.StatusChangeNotification(Status=ua.StatusCode(ua.StatusCodes.BadTimeout))
    item = ua.MonitoredItemNotification(ClientHandle=3, Value=ua.DataValue(ua.Variant(1.5)))
    fast = decode_publish(Buffer(_response([item], [status])), lambda: NOW_US)
    rows, other = fast.Parameters.NotificationMessage.NotificationData
    assert rows.rows[0][:1] == (3,) and rows.rows[0][3] == 1.5
    assert isinstance(other, ua.StatusChangeNotification) and not other.Status.is_good()
    array = ua.MonitoredItemNotification(ClientHandle=4, Value=ua.DataValue(ua.Variant([1, 2])))
    fallback = decode_publish(Buffer(_response([array])), lambda: NOW_US)
    (notification,) = fallback.Parameters.NotificationMessage.NotificationData
    assert isinstance(notification, ua.DataChangeNotification)  # asyncua decoded it
    assert notification.MonitoredItems[0].Value.Value.Value == [1, 2]
