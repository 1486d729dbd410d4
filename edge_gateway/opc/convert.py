"""OPC-UA DataValue → contract Reading, keeping both timestamps and the status code."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta

from asyncua import ua

from shared.core.ingest.contract import Reading

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def micros(moment: datetime) -> int:
    """Exact microseconds since the epoch (naive datetimes are UTC, as asyncua's)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MICRO


def numeric(value: object) -> float | None:
    """The reading's float: numbers and booleans; NaN, infinities and others become None."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def to_reading(tag_id: int, data: ua.DataValue) -> Reading:
    """A reading from a DataValue; a missing source timestamp falls back to the server's."""
    server_us = micros(data.ServerTimestamp) if data.ServerTimestamp is not None else None
    if data.SourceTimestamp is not None:
        source_us = micros(data.SourceTimestamp)
    else:
        source_us = server_us if server_us is not None else time.time_ns() // 1000
    variant = data.Value
    value = numeric(variant.Value) if variant is not None else None
    status = data.StatusCode.value if data.StatusCode is not None else 0
    return Reading(tag_id, source_us, server_us, value, int(status))
