"""Time-ordered batch ids (UUIDv7, RFC 9562); Python 3.11's uuid module lacks uuid7()."""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_counter = 0
_COUNTER_BITS = 12  # rand_a holds a monotonic counter within one millisecond


def uuid7(now_ms: int | None = None) -> uuid.UUID:
    """A version-7 UUID: 48-bit Unix milliseconds, then a counter and random bits.

    Ids made by this process sort in creation order, also within one millisecond
    (the 12-bit counter; on overflow the timestamp is advanced by one).

    >>> a, b = uuid7(), uuid7()
    >>> a < b and a.version == 7
    True
    """
    global _last_ms, _counter
    with _lock:
        ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
        if ms <= _last_ms:
            ms = _last_ms
            _counter += 1
            if _counter >= 1 << _COUNTER_BITS:
                ms, _counter = ms + 1, 0
        else:
            _counter = 0
        _last_ms = ms
        counter = _counter
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= counter << 64
    value |= 0b10 << 62
    value |= rand_b
    return uuid.UUID(int=value)
