"""Readings as numpy columns: the drain's fast path through decode, check and COPY.

`verify_and_decode` in contract.py builds one `Reading` per value, which costs
more than the database write itself at 250k readings/s; the drain decodes the
same payload straight into columns instead and checks every value's type and
range on the way, so a batch that passes can always be written.

Status codes are OPC-UA uint32 stored as the same 32 bits in a signed int32:
Good (0x00…) and Uncertain (0x40…) stay positive, Bad (0x80…) turns negative.
A null or non-finite value is NaN in `value`; a missing server timestamp is
flagged in `server_ts_missing`.

Version 2 payloads add each value's OPC-UA type (`value_type`; version 1 values
are Double, 11) and a per-reading `historical` flag. Numbers, booleans (0/1) and
enumeration numbers go to `value`; `text` holds what a float cannot: strings,
integers beyond ±2^53 (their exact decimal digits) and the names of non-finite
floats ("NaN", "Infinity", "-Infinity").
"""

from __future__ import annotations

import hmac
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from shared.core.scada.model.contract import (
    MAX_TEXT_CHARS,
    PAYLOAD_ERRORS,
    BatchRejectedError,
    ReadingBatchEnvelope,
    inflate_payload,
    sign,
)
from shared.core.scada.model.value_types import (  # re-exported
    FLOAT_TYPES as FLOAT_TYPES,
)
from shared.core.scada.model.value_types import (
    INTEGER_RANGES as INTEGER_RANGES,
)
from shared.core.scada.model.value_types import (
    NUMERIC_TYPES as NUMERIC_TYPES,
)
from shared.core.scada.model.value_types import (
    VALUE_TYPES as VALUE_TYPES,
)
from shared.core.scada.model.value_types import (
    VT_BOOLEAN as VT_BOOLEAN,
)
from shared.core.scada.model.value_types import (
    VT_DOUBLE as VT_DOUBLE,
)
from shared.core.scada.model.value_types import (
    VT_ENUMERATION as VT_ENUMERATION,
)
from shared.core.scada.model.value_types import (
    VT_FLOAT as VT_FLOAT,
)
from shared.core.scada.model.value_types import (
    VT_NULL as VT_NULL,
)
from shared.core.scada.model.value_types import (
    VT_STRING as VT_STRING,
)

# Source timestamps outside [1900, 2200) are garbage, not readings.
MIN_TS_US = -2_208_988_800_000_000
MAX_TS_US = 7_258_118_400_000_000
MAX_TAG_ID = 2**31 - 1
_UINT32 = 2**32
_EXACT = 2**53
NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
TextArray = npt.NDArray[np.object_]


@dataclass(frozen=True)
class ReadingColumns:
    tag_id: npt.NDArray[np.int32]
    ts_us: npt.NDArray[np.int64]
    server_ts_us: npt.NDArray[np.int64]
    server_ts_missing: npt.NDArray[np.bool_]
    value: npt.NDArray[np.float64]
    status: npt.NDArray[np.int32]
    value_type: npt.NDArray[np.int16] = None  # type: ignore[assignment]  # Double if unset
    historical: npt.NDArray[np.bool_] = None  # type: ignore[assignment]  # live if unset
    text: TextArray | None = None
    """str or None per reading; None for the whole batch when no reading has text."""

    def __post_init__(self) -> None:
        size = len(self)
        if self.value_type is None:
            object.__setattr__(self, "value_type", np.full(size, VT_DOUBLE, dtype=np.int16))
        if self.historical is None:
            object.__setattr__(self, "historical", np.zeros(size, dtype=np.bool_))

    def __len__(self) -> int:
        return int(self.tag_id.shape[0])

    @staticmethod
    def concat(parts: Sequence[ReadingColumns]) -> ReadingColumns:
        if len(parts) == 1:
            return parts[0]
        texts = None
        if any(p.text is not None for p in parts):
            texts = np.concatenate([_text_of(p) for p in parts])
        return ReadingColumns(
            tag_id=np.concatenate([p.tag_id for p in parts]),
            ts_us=np.concatenate([p.ts_us for p in parts]),
            server_ts_us=np.concatenate([p.server_ts_us for p in parts]),
            server_ts_missing=np.concatenate([p.server_ts_missing for p in parts]),
            value=np.concatenate([p.value for p in parts]),
            status=np.concatenate([p.status for p in parts]),
            value_type=np.concatenate([p.value_type for p in parts]),
            historical=np.concatenate([p.historical for p in parts]),
            text=texts,
        )

    def take(self, order: npt.NDArray[np.intp]) -> ReadingColumns:
        return ReadingColumns(
            tag_id=self.tag_id[order],
            ts_us=self.ts_us[order],
            server_ts_us=self.server_ts_us[order],
            server_ts_missing=self.server_ts_missing[order],
            value=self.value[order],
            status=self.status[order],
            value_type=self.value_type[order],
            historical=self.historical[order],
            text=None if self.text is None else self.text[order],
        )

    def split_historical(self) -> tuple[ReadingColumns, ReadingColumns | None]:
        """(live readings, backfilled readings or None): only the latter need deduplication."""
        if not self.historical.any():
            return self, None
        return self.take(np.flatnonzero(~self.historical)), self.take(
            np.flatnonzero(self.historical)
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


def _text_of(columns: ReadingColumns) -> TextArray:
    if columns.text is not None:
        return columns.text
    return np.full(len(columns), None, dtype=object)


def verify_and_decode_columns(envelope: ReadingBatchEnvelope, secret: bytes) -> ColumnBatch:
    """Check the signature, then decode the payload into checked columns."""
    check_signature(envelope, secret)
    return ColumnBatch(envelope, decode_envelope_columns(envelope))


def decode_envelope_columns(envelope: ReadingBatchEnvelope) -> ReadingColumns:
    """The payload of an envelope of either version as checked columns."""
    if envelope.v == 1:
        columns = decode_columns(envelope.payload, envelope.count)
        if envelope.historical:
            columns.historical[:] = True
        return columns
    return decode_columns_v2(envelope.payload, envelope.count)


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


_V1_NAMES = ("tag", "t", "st", "v", "q")
_V2_NAMES = ("tag", "t", "st", "vt", "v", "q", "h")


def decode_columns_v2(payload: str, count: int) -> ReadingColumns:
    """A version 2 payload: version 1's columns checked the same way, plus vt, typed v and h."""
    raw = _load(payload, count, _V2_NAMES, 2)
    if {len(raw[name]) for name in _V2_NAMES} != {count}:
        raise BatchRejectedError("invalid_payload", f"columns do not all hold {count} readings")
    try:
        kinds = _integers(raw["vt"], "vt", 0, max(VALUE_TYPES)).astype(np.int16)
        unknown = set(np.unique(kinds).tolist()) - VALUE_TYPES
        if unknown:
            raise BatchRejectedError("invalid_payload", f"unknown value type {min(unknown)}")
        historical = _integers(raw["h"], "h", 0, 1).astype(np.bool_)
        values, text = _typed_values(kinds, raw["v"])
        columns = _columns(raw, values)
    except (TypeError, ValueError, OverflowError) as exc:
        raise BatchRejectedError("invalid_payload", f"a reading has a wrong type ({exc})") from None
    return ReadingColumns(
        tag_id=columns.tag_id,
        ts_us=columns.ts_us,
        server_ts_us=columns.server_ts_us,
        server_ts_missing=columns.server_ts_missing,
        value=values,
        status=columns.status,
        value_type=kinds,
        historical=historical,
        text=text,
    )


def _typed_values(
    kinds: npt.NDArray[np.int16], raw: list[Any]
) -> tuple[npt.NDArray[np.float64], TextArray | None]:
    """The float column (NaN where none) and the text column (None if no reading has text)."""
    if set(np.unique(kinds).tolist()) <= FLOAT_TYPES and {type(v) for v in raw} <= {float, int}:
        values = np.array(raw, dtype=np.float64)  # the common case: all numbers, no text
        if np.isfinite(values).all():
            return values, None
    values = np.full(len(raw), np.nan, dtype=np.float64)
    text: list[str | None] = [None] * len(raw)
    for i, (kind, value) in enumerate(zip(kinds.tolist(), raw, strict=True)):
        if value is not None:
            values[i], text[i] = _typed(kind, value)
    if all(item is None for item in text):
        return values, None
    return values, np.array(text, dtype=object)


def _typed(kind: int, value: Any) -> tuple[float, str | None]:
    """(float, text) of one non-null value of type `kind`; ValueError if it is not one."""
    value_class = type(value)
    if kind in FLOAT_TYPES:
        if value_class is float or value_class is int:
            number = float(value)
            if math.isfinite(number):
                return number, None
            return math.nan, _non_finite_name(number)
        if value_class is str and value in NON_FINITE:
            return math.nan, value
    elif kind == VT_BOOLEAN:
        if value_class is bool:
            return float(value), None
    elif kind in INTEGER_RANGES:
        low, high = INTEGER_RANGES[kind]
        if value_class is int and low <= value <= high:
            return float(value), (str(value) if abs(value) > _EXACT else None)
    elif kind == VT_STRING and value_class is str:
        return math.nan, _checked_text(value)
    raise ValueError(f"value type {kind} cannot hold a {value_class.__name__}")


def _non_finite_name(number: float) -> str:
    if math.isnan(number):
        return "NaN"
    return "Infinity" if number > 0 else "-Infinity"


def _checked_text(value: str) -> str:
    if len(value) > MAX_TEXT_CHARS:
        raise ValueError(f"a string is longer than {MAX_TEXT_CHARS} characters")
    if "\x00" in value:
        raise ValueError("a string holds a NUL character")
    value.encode("utf-8")  # lone surrogates raise UnicodeEncodeError (a ValueError)
    return value


def _load(
    payload: str, count: int, names: tuple[str, ...] = _V1_NAMES, version: int = 1
) -> dict[str, Any]:
    """The payload's columns: lists from json, or int64 arrays where `_load_compact_v1`
    reads the integer columns itself."""
    try:
        text = inflate_payload(payload, count, version)
        if version == 1 and (fast := _load_compact_v1(text, count)) is not None:
            return fast
        columns = json.loads(text)
        picked = {name: columns[name] for name in names}
    except PAYLOAD_ERRORS as exc:
        raise BatchRejectedError(
            "invalid_payload", f"cannot decode payload ({type(exc).__name__})"
        ) from None
    if not all(isinstance(column, list) for column in picked.values()):
        raise BatchRejectedError("invalid_payload", "every payload column must be a list")
    return picked


_V1_PREFIX = b'{"tag":['
_V1_MARKS = (("tag", b'],"t":['), ("t", b'],"st":['), ("st", b'],"v":['))
_Q_MARK = b'],"q":['
_INT_CHARS = b"0123456789,-"
_POWERS_OF_TEN = 10 ** np.arange(1, 19, dtype=np.int64)


def _load_compact_v1(text: bytes, count: int) -> dict[str, Any] | None:
    """The gateway's own layout (`json.dumps(..., separators=(",", ":"))`, keys in its
    order) with the four integer columns parsed by numpy, ~5x faster than json; None
    for anything else (nulls, spaces, other key orders, any doubt), which json reads.

    Exactness: an integer column is taken only if it is `-?[0-9]+` tokens joined by
    commas, `count` of them, below 10^18, and as long as their canonical JSON text (no
    leading zeros, no "-0"); the pieces between the markers are then exactly the lists
    json would return, and `v` is parsed by json as a list of its own.
    """
    if count == 0 or not text.startswith(_V1_PREFIX) or not text.endswith(b"]}"):
        return None
    at = len(_V1_PREFIX)
    pieces: dict[str, bytes] = {}
    for name, mark in _V1_MARKS:
        end = text.find(mark, at)
        if end < 0:
            return None
        pieces[name], at = text[at:end], end + len(mark)
    q_at = text.rfind(_Q_MARK)
    if q_at < at:
        return None
    pieces["q"] = text[q_at + len(_Q_MARK) : -2]
    columns: dict[str, Any] = {}
    for name, piece in pieces.items():
        if (numbers := _compact_integers(piece, count)) is None:
            return None
        columns[name] = numbers
    try:
        values = json.loads(b"[" + text[at:q_at] + b"]")
    except (ValueError, RecursionError):
        return None
    columns["v"] = values
    return columns


def _compact_integers(piece: bytes, count: int) -> npt.NDArray[np.int64] | None:
    """`count` comma-separated integers in canonical JSON text, or None."""
    if (
        piece.translate(None, _INT_CHARS)
        or piece[:1] == b","
        or piece[-1:] in (b",", b"-")
        or b",," in piece
        or (b"-" in piece and not _minus_signs_only(piece))
    ):
        return None  # every token is now -?[0-9]+, which numpy reads whole: one per comma
    numbers = np.fromstring(piece, dtype=np.int64, sep=",")
    if len(numbers) != count or numbers.min() <= -(10**18) or numbers.max() >= 10**18:
        return None
    digits = np.searchsorted(_POWERS_OF_TEN, np.abs(numbers), side="right") + 1
    canonical = int(digits.sum()) + int(np.count_nonzero(numbers < 0)) + count - 1
    return numbers if canonical == len(piece) else None


def _minus_signs_only(piece: bytes) -> bool:
    """Every "-" starts a token and is followed by a digit."""
    starts = piece.count(b",-") + (piece[:1] == b"-")
    return b"-," not in piece and piece.count(b"-") == starts


def _columns(raw: dict[str, Any], typed: npt.NDArray[np.float64] | None = None) -> ReadingColumns:
    """Version 1 columns checked; `typed` is version 2's value column, checked already."""
    tags = _integers(raw["tag"], "tag", 1, MAX_TAG_ID)
    times = _integers(raw["t"], "t", MIN_TS_US, MAX_TS_US - 1)
    server_times, missing = _optional_times(raw["st"])
    statuses = _integers(raw["q"], "q", 0, _UINT32 - 1)
    if typed is not None:
        values = typed
    else:
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


def _integers(
    column: list[Any] | npt.NDArray[np.int64], name: str, low: int, high: int
) -> npt.NDArray[np.int64]:
    array = np.asarray(column)
    if array.size == 0:
        return np.zeros(0, dtype=np.int64)
    if array.dtype.kind not in "iu" or array.ndim != 1:
        raise BatchRejectedError("invalid_payload", f"column {name} must hold integers only")
    if int(array.min()) < low or int(array.max()) > high:
        raise BatchRejectedError("invalid_payload", f"column {name} is out of range")
    return array.astype(np.int64)


def _optional_times(
    column: list[Any] | npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    if isinstance(column, np.ndarray):  # read by `_compact_integers`: no nulls
        return _integers(column, "st", MIN_TS_US, MAX_TS_US - 1), np.zeros(
            len(column), dtype=np.bool_
        )
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
