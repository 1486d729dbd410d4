"""COPY's binary format for rows given as columns, built with numpy (as the drain's readings are).

A binary row is a field count, then per field a big-endian length (-1 for NULL)
and the value's bytes; PostgreSQL reads it without parsing text (no float, date
or timestamp parsing on the server) and the client writes no text either.

Each column becomes cells of one width (its widest value): floats at once from
an array, the other kinds once per distinct value (a chunk stamps one time and
one author on every row, and names a few hundred wells and days). The row is the
cells side by side, and a mask drops the unused bytes of the narrower cells
(nulls, shorter strings) in one pass.

Only values whose binary form is the one the server reads from their text are
taken: exact types matching the column (floats and ints for a double, aware
datetimes for a timestamptz, canonical UUID text, text without NUL). Anything else
makes `encode_binary_columns` answer None and the caller copies text, so a value
that the server would refuse still fails there, with the server's error.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa

HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension length
TRAILER = b"\xff\xff"
MAX_TEXT_BYTES = 256
"""Longer strings are copied as text: every cell of a column is as wide as its widest."""
_PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_PG_EPOCH_DAY = date(2000, 1, 1).toordinal()
_MICROSECOND = timedelta(microseconds=1)
_NULL_CELL = b"\xff\xff\xff\xff"


class _Unencodable(Exception):
    """A value this module does not write exactly as the server would read its text."""


Cells = tuple[npt.NDArray[np.uint8], npt.NDArray[np.intp]]
"""A column's cells (rows × width bytes, length prefix first) and each cell's used bytes."""


def encode_binary_columns(table: sa.Table, columns: Mapping[str, Sequence[Any]]) -> bytes | None:
    """The whole COPY … (FORMAT BINARY) payload of `columns` (name -> values, one per
    row) for `table`'s columns of those names, or None where text must be copied."""
    size = len(next(iter(columns.values())))
    try:
        cells = [_cells(table.c[name].type, values, size) for name, values in columns.items()]
    except _Unencodable:
        return None
    widths = [data.shape[1] for data, _ in cells]
    rows = np.empty((size, 2 + sum(widths)), dtype=np.uint8)
    rows[:, :2] = np.frombuffer(len(cells).to_bytes(2, "big"), dtype=np.uint8)
    used: npt.NDArray[np.bool_] | None = None
    start = 2
    for (data, lengths), width in zip(cells, widths, strict=True):
        rows[:, start : start + width] = data
        if int(lengths.min()) < width:  # nulls or shorter strings: drop their unused bytes
            if used is None:
                used = np.ones(rows.shape, dtype=np.bool_)
            used[:, start : start + width] = np.arange(width) < lengths[:, None]
        start += width
    return HEADER + (rows if used is None else rows[used]).tobytes() + TRAILER


def _cells(kind: Any, values: Sequence[Any], size: int) -> Cells:
    if isinstance(kind, sa.Double):
        return _double_cells(values, size)
    encode = _per_value(kind)
    if encode is None:
        raise _Unencodable(type(kind).__name__)
    return _distinct_cells(values, size, encode)


def _per_value(kind: Any) -> Callable[[Any], bytes] | None:
    if isinstance(kind, sa.Boolean):
        return _bool
    if isinstance(kind, sa.DateTime):
        return _timestamptz if kind.timezone else None
    if isinstance(kind, sa.Date):
        return _date
    if isinstance(kind, sa.Uuid):
        return _uuid
    if isinstance(kind, sa.String) and not isinstance(kind, sa.Enum):
        return _text
    return None


def _double_cells(values: Sequence[Any], size: int) -> Cells:
    kinds = set(map(type, values))
    if not kinds <= {float, int, type(None)}:
        raise _Unencodable("a double column holds other values")
    nulls = np.zeros(size, dtype=np.bool_)
    try:
        if type(None) in kinds:
            held = np.array(values, dtype=object)
            nulls = np.asarray(held == None, dtype=np.bool_)  # noqa: E711 (elementwise)
            held[nulls] = 0.0
            numbers = held.astype(">f8")
        else:
            numbers = np.array(values, dtype=">f8")
    except OverflowError as exc:  # an int past a double's range: the server says so
        raise _Unencodable("out of range") from exc
    data = np.empty((size, 12), dtype=np.uint8)
    data[:, :4] = np.where(nulls, -1, 8).astype(">i4").view(np.uint8).reshape(size, 4)
    data[:, 4:] = numbers.view(np.uint8).reshape(size, 8)
    return data, np.where(nulls, 4, 12)


def _distinct_cells(values: Sequence[Any], size: int, encode: Callable[[Any], bytes]) -> Cells:
    index: dict[Any, int] = dict.fromkeys(values, 0)
    for code, value in enumerate(index):
        index[value] = code
    if len(index) == 1:
        codes = np.zeros(size, dtype=np.intp)
    else:
        codes = np.fromiter(map(index.__getitem__, values), dtype=np.intp, count=size)
    cells = [_NULL_CELL if value is None else _prefixed(encode(value)) for value in index]
    width = max(map(len, cells))
    table = np.zeros((len(cells), width), dtype=np.uint8)
    for row, cell in enumerate(cells):
        table[row, : len(cell)] = np.frombuffer(cell, dtype=np.uint8)
    lengths = np.array([len(cell) for cell in cells], dtype=np.intp)
    return table[codes], lengths[codes]


def _prefixed(value: bytes) -> bytes:
    return len(value).to_bytes(4, "big") + value


def _bool(value: Any) -> bytes:
    if type(value) is not bool:
        raise _Unencodable("not a bool")
    return b"\x01" if value else b"\x00"


def _date(value: Any) -> bytes:
    if type(value) is not date:
        raise _Unencodable("not a date")
    return (value.toordinal() - _PG_EPOCH_DAY).to_bytes(4, "big", signed=True)


def _timestamptz(value: Any) -> bytes:
    if type(value) is not datetime or value.utcoffset() is None:
        raise _Unencodable("not an aware datetime")  # naive: the session's zone applies
    return ((value - _PG_EPOCH) // _MICROSECOND).to_bytes(8, "big", signed=True)


def _uuid(value: Any) -> bytes:
    if type(value) is uuid.UUID:
        return value.bytes
    if type(value) is not str:
        raise _Unencodable("not a UUID")
    try:
        parsed = uuid.UUID(value)
    except ValueError as exc:
        raise _Unencodable("not a UUID") from exc
    if str(parsed) != value.lower():  # braces, no dashes, urn: forms: as the server reads them
        raise _Unencodable("not a canonical UUID")
    return parsed.bytes


def _text(value: Any) -> bytes:
    if type(value) is not str or "\x00" in value:
        raise _Unencodable("not text COPY reads the same")
    encoded = value.encode()
    if len(encoded) > MAX_TEXT_BYTES:
        raise _Unencodable("long text")
    return encoded
