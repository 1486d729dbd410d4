"""Readings as numpy columns: the drain's fast path through decode, check and COPY.

`verify_and_decode` in contract.py builds one `Reading` per value, which costs
more than the database write itself at 250k readings/s; the drain decodes the
same payload straight into columns instead and checks every value's type and
range on the way, so a batch that passes can always be written.

Status codes are OPC-UA uint32 stored as the same 32 bits in a signed int32:
Good (0x00…) and Uncertain (0x40…) stay positive, Bad (0x80…) turns negative.
A null or non-finite value is NaN in `value`; a missing server timestamp is
flagged in `server_ts_missing`.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from shared.core.scada.model.contract import (
    PAYLOAD_ERRORS,
    BatchRejectedError,
    ReadingBatchEnvelope,
    inflate_payload,
    sign,
)

# Source timestamps outside [1900, 2200) are garbage, not readings.
MIN_TS_US = -2_208_988_800_000_000
MAX_TS_US = 7_258_118_400_000_000
MAX_TAG_ID = 2**31 - 1
_UINT32 = 2**32


@dataclass(frozen=True)
class ReadingColumns:
    tag_id: npt.NDArray[np.int32]
    ts_us: npt.NDArray[np.int64]
    server_ts_us: npt.NDArray[np.int64]
    server_ts_missing: npt.NDArray[np.bool_]
    value: npt.NDArray[np.float64]
    status: npt.NDArray[np.int32]

    def __len__(self) -> int:
        return int(self.tag_id.shape[0])

    @staticmethod
    def concat(parts: Sequence[ReadingColumns]) -> ReadingColumns:
        if len(parts) == 1:
            return parts[0]
        return ReadingColumns(
            tag_id=np.concatenate([p.tag_id for p in parts]),
            ts_us=np.concatenate([p.ts_us for p in parts]),
            server_ts_us=np.concatenate([p.server_ts_us for p in parts]),
            server_ts_missing=np.concatenate([p.server_ts_missing for p in parts]),
            value=np.concatenate([p.value for p in parts]),
            status=np.concatenate([p.status for p in parts]),
        )

    def take(self, order: npt.NDArray[np.intp]) -> ReadingColumns:
        return ReadingColumns(
            tag_id=self.tag_id[order],
            ts_us=self.ts_us[order],
            server_ts_us=self.server_ts_us[order],
            server_ts_missing=self.server_ts_missing[order],
            value=self.value[order],
            status=self.status[order],
        )

    def sorted_by_tag_and_time(self) -> ReadingColumns:
        """Rows in index order: btree inserts then hit one leaf page after another."""
        return self.take(np.lexsort((self.ts_us, self.tag_id)))

    def tag_ids(self) -> set[int]:
        return {int(tag) for tag in np.unique(self.tag_id)}


@dataclass(frozen=True)
class ColumnBatch:
    envelope: ReadingBatchEnvelope
    columns: ReadingColumns


def verify_and_decode_columns(envelope: ReadingBatchEnvelope, secret: bytes) -> ColumnBatch:
    """Check the signature, then decode the payload into checked columns."""
    check_signature(envelope, secret)
    return ColumnBatch(envelope, decode_columns(envelope.payload, envelope.count))


def check_signature(envelope: ReadingBatchEnvelope, secret: bytes) -> None:
    if not hmac.compare_digest(sign(envelope, secret), envelope.signature):
        raise BatchRejectedError("bad_signature", "the signature does not match the gateway's key")


def decode_columns(payload: str, count: int) -> ReadingColumns:
    raw = _load(payload, count)
    lengths = {len(raw[name]) for name in ("tag", "t", "st", "v", "q")}
    if lengths != {count}:
        raise BatchRejectedError("invalid_payload", f"columns do not all hold {count} readings")
    try:
        return _columns(raw)
    except (TypeError, ValueError, OverflowError) as exc:
        raise BatchRejectedError("invalid_payload", f"a reading has a wrong type ({exc})") from None


def _load(payload: str, count: int) -> dict[str, list[Any]]:
    try:
        columns = json.loads(inflate_payload(payload, count))
        picked = {name: columns[name] for name in ("tag", "t", "st", "v", "q")}
    except PAYLOAD_ERRORS as exc:
        raise BatchRejectedError(
            "invalid_payload", f"cannot decode payload ({type(exc).__name__})"
        ) from None
    if not all(isinstance(column, list) for column in picked.values()):
        raise BatchRejectedError("invalid_payload", "every payload column must be a list")
    return picked


def _columns(raw: dict[str, list[Any]]) -> ReadingColumns:
    tags = _integers(raw["tag"], "tag", 1, MAX_TAG_ID)
    times = _integers(raw["t"], "t", MIN_TS_US, MAX_TS_US - 1)
    server_times, missing = _optional_times(raw["st"])
    statuses = _integers(raw["q"], "q", 0, _UINT32 - 1)
    values = np.array(raw["v"], dtype=np.float64)  # None becomes NaN; objects raise
    if values.ndim != 1:
        raise BatchRejectedError("invalid_payload", "column v must hold numbers or nulls")
    values[~np.isfinite(values)] = np.nan
    return ReadingColumns(
        tag_id=tags.astype(np.int32),
        ts_us=times,
        server_ts_us=server_times,
        server_ts_missing=missing,
        value=values,
        status=statuses.astype(np.uint32).view(np.int32),
    )


def _integers(column: list[Any], name: str, low: int, high: int) -> npt.NDArray[np.int64]:
    array = np.array(column)
    if array.size == 0:
        return np.zeros(0, dtype=np.int64)
    if array.dtype.kind not in "iu" or array.ndim != 1:
        raise BatchRejectedError("invalid_payload", f"column {name} must hold integers only")
    if int(array.min()) < low or int(array.max()) > high:
        raise BatchRejectedError("invalid_payload", f"column {name} is out of range")
    return array.astype(np.int64)


def _optional_times(
    column: list[Any],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    nulls = column.count(None)
    if nulls == len(column):
        size = len(column)
        return np.zeros(size, dtype=np.int64), np.ones(size, dtype=np.bool_)
    if nulls:
        missing = np.array([item is None for item in column], dtype=np.bool_)
        column = [0 if item is None else item for item in column]
    else:
        missing = np.zeros(len(column), dtype=np.bool_)
    times = _integers(column, "st", MIN_TS_US, MAX_TS_US - 1)
    return times, missing
