"""OPC-UA DataValue → buffer row, keeping both timestamps, the status code and the type.

A row is `(tag_id, source µs, server µs | None, float | None, status, variant type,
raw)`: the float is what envelope version 1 carries (integers and booleans as floats,
strings and NaN as None); the variant type and, for anything but Float/Double, the raw
value let envelope version 2 carry integers, booleans, strings and enumerations
losslessly. This runs once per value change: keep it flat.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from asyncua import ua

from edge_gateway.buffer import Row
from shared.core.scada.model.contract import Reading

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_MICRO = timedelta(microseconds=1)
_DOUBLE = ua.VariantType.Double
_FLOAT = ua.VariantType.Float
_BOOLEAN = ua.VariantType.Boolean
_TEXT = ua.VariantType.String
_NUMBERS = frozenset(
    {
        ua.VariantType.SByte, ua.VariantType.Byte, ua.VariantType.Int16, ua.VariantType.UInt16,
        ua.VariantType.Int32, ua.VariantType.UInt32, ua.VariantType.Int64, ua.VariantType.UInt64,
    }
)  # fmt: skip
_LOCALIZED = ua.VariantType.LocalizedText
_INT64_LIMIT = 2**63


def micros(moment: datetime) -> int:
    """Exact microseconds since the epoch (naive datetimes are UTC, as asyncua's)."""
    if moment.tzinfo is None:
        return (moment - _NAIVE_EPOCH) // _MICRO
    return (moment - _EPOCH) // _MICRO


def numeric(value: object) -> float | None:
    """The reading's float: numbers and booleans; NaN, infinities and others become None."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def non_finite(number: float) -> str:
    """NaN and infinities as text (SQLite stores NaN as NULL; JSON has no NaN)."""
    if math.isnan(number):
        return "NaN"
    return "Infinity" if number > 0 else "-Infinity"


def typed(variant: ua.Variant) -> tuple[float | None, int, Any]:
    """(float for version 1, variant type id, raw value for version 2) of a scalar."""
    kind = variant.VariantType
    value = variant.Value
    if kind is _DOUBLE or kind is _FLOAT:
        if value is None or math.isfinite(value):
            return value, kind.value, None
        return None, kind.value, non_finite(value)
    if kind in _NUMBERS and isinstance(value, int):
        # SQLite integers are signed 64-bit: a larger UInt64 is kept as its decimal text
        return float(value), kind.value, value if value < _INT64_LIMIT else str(value)
    if kind is _BOOLEAN and isinstance(value, bool):
        return (1.0 if value else 0.0), kind.value, value
    if kind is _TEXT and isinstance(value, str):
        return None, kind.value, value
    if kind is _LOCALIZED and value is not None:
        return None, _TEXT.value, value.Text
    return numeric(value), kind.value, None


def to_row(tag_id: int, data: ua.DataValue) -> Row:
    """A row from a DataValue; a missing source timestamp falls back to the server's."""
    server = data.ServerTimestamp
    server_us = micros(server) if server is not None else None
    source = data.SourceTimestamp
    if source is not None:
        source_us = micros(source)
    else:
        source_us = server_us if server_us is not None else time.time_ns() // 1000
    variant = data.Value
    if variant is None:
        value, kind, raw = None, None, None
    elif variant.VariantType is _DOUBLE and variant.Value is not None:
        number = variant.Value
        if math.isfinite(number):
            value, kind, raw = number, 11, None
        else:
            value, kind, raw = None, 11, non_finite(number)
    else:
        value, kind, raw = typed(variant)
    status = data.StatusCode.value if data.StatusCode is not None else 0
    return (tag_id, source_us, server_us, value, status, kind, raw)


def to_reading(tag_id: int, data: ua.DataValue) -> Reading:
    """The contract (version 1) reading of a DataValue."""
    row = to_row(tag_id, data)
    return Reading(row[0], row[1], row[2], row[3], row[4])
